#!/usr/bin/python3
"""Plot installed AI compute by bloc over time from a chipsim result file.

    plot_compute_by_bloc.py run.h5                  # writes run-compute-by-bloc.png
    plot_compute_by_bloc.py run.h5 -o compute.png
    plot_compute_by_bloc.py sweep.h5 --point 3      # one point of a sweep file

One line per bloc: the mean across replicates of /metrics/country/compute_stock_h100e summed
over the bloc's countries, with a shaded 5-95% band across replicates when there are several.
Uses matplotlib's Agg backend, so it needs no display.
"""

import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")  # files only: no display in CI or over ssh

import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
from matplotlib.ticker import StrMethodFormatter  # noqa: E402

import chipsim_results  # noqa: E402  (beside this script)


def make_parser():
    parser = argparse.ArgumentParser(
        description="Plot compute stock by bloc (mean across replicates, 5-95%% band).")
    parser.add_argument("file", help="a chipsim result file (chipsim run or chipsim sweep)")
    parser.add_argument("-o", "--output", metavar="PNG",
                        help="image to write (default: FILE's name + '-compute-by-bloc.png', "
                             "in the current directory)")
    parser.add_argument("--point", type=int, default=0,
                        help="sweep files: the sweep point to plot (default 0)")
    return parser


def main(argv=None):
    parser = make_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        results = chipsim_results.open_results(args.file)
    except (OSError, ValueError) as error:  # missing file, not HDF5, not a chipsim file
        parser.exit(2, f"{parser.prog}: error: {error}\n")
    data = results.compute_by_bloc()

    title = f"Compute stock by bloc: {results.scenario_name}"
    if results.is_sweep:
        if not 0 <= args.point < results.n_points:
            parser.error(f"{args.file}: --point {args.point} out of range "
                         f"(the sweep has {results.n_points} points)")  # exits with 2
        data = data[data["point"] == args.point]
        values = ", ".join(f"{p}={data[p].iloc[0]:g}" for p in results.parameters)
        title += f"\nsweep {results.sweep_name}, point {args.point} ({values})"

    # mean and 5-95% quantiles across replicates, per month and bloc
    grouped = data.groupby(["date", "bloc"], sort=False)["compute_h100e"]
    summary = grouped.mean().rename("mean").to_frame()
    summary["low"] = grouped.quantile(0.05)
    summary["high"] = grouped.quantile(0.95)
    summary = summary.reset_index()

    fig, ax = plt.subplots(figsize=(8, 4.5))
    for bloc in results.blocs:
        rows = summary[summary["bloc"] == bloc].sort_values("date")
        (line,) = ax.plot(rows["date"], rows["mean"], label=bloc)
        if results.replicates > 1:
            ax.fill_between(rows["date"], rows["low"], rows["high"], color=line.get_color(),
                            alpha=0.2, linewidth=0)
    band = (f"mean of {results.replicates} replicates, 5-95% band"
            if results.replicates > 1 else "1 replicate")
    ax.set_title(f"{title}\n{band}" if results.replicates > 1 else title, fontsize=10)
    ax.set_xlabel("month")
    ax.set_ylabel("H100-equivalents")
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))  # 40,000,000, not 4 x 1e7
    ax.grid(True, alpha=0.3)
    ax.legend(title="bloc")
    fig.autofmt_xdate()
    fig.tight_layout()

    output = args.output or (os.path.splitext(os.path.basename(args.file))[0]
                             + "-compute-by-bloc.png")
    fig.savefig(output, dpi=120)
    plt.close(fig)
    print(output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
