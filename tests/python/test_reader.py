#!/usr/bin/python3
"""Tests of analysis/python (chipsim_results.py, plot_compute_by_bloc.py).

    /usr/bin/python3 test_reader.py CHIPSIM SOURCE_DIR [unittest options]

Runs CHIPSIM on tests/data/e2e/small.yaml (3 replicates), a 2-point grid sweep over it and a
small Morris sweep, in a temporary directory, then checks the DataFrames against what h5py
reads directly from the same files. Needs Debian's python3-h5py, python3-pandas and
python3-matplotlib (tools/install-deps.sh).
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

if len(sys.argv) < 3:
    sys.exit("usage: test_reader.py CHIPSIM SOURCE_DIR [unittest options]")
CHIPSIM = os.path.abspath(sys.argv[1])
SOURCE_DIR = os.path.abspath(sys.argv[2])
del sys.argv[1:3]  # the rest goes to unittest

READER_DIR = os.path.join(SOURCE_DIR, "analysis", "python")
SMALL = os.path.join(SOURCE_DIR, "tests", "data", "e2e", "small.yaml")
sys.path.insert(0, READER_DIR)
# no __pycache__ in the source tree, from this import or the example's (inherits the variable)
sys.dont_write_bytecode = True
os.environ["PYTHONDONTWRITEBYTECODE"] = "1"

import h5py  # noqa: E402
import numpy as np  # noqa: E402

import chipsim_results  # noqa: E402

# small.yaml: 2024-01..2024-12; countries usa (west), chn (china), twn (west); 5 agents,
# 1 product, 1 policy
MONTHS = 12
COUNTRIES = ["usa", "chn", "twn"]
AGENTS = ["us-gov", "maker", "fab-co", "lab-us", "lab-cn"]

GRID_SWEEP = """\
sweep: {{name: t, base: "{base}", replicates: 2}}
parameters: [{{path: agents.lab-cn.budget_usd_per_month, values: [1.0e6, 2.0e6]}}]
outputs: [{{name: cn, metric: country/compute_stock_h100e, id: chn}}]
"""

MORRIS_SWEEP = """\
sweep: {{name: m, base: "{base}", replicates: 1, method: morris, samples: 2}}
parameters:
  - {{path: agents.lab-cn.budget_usd_per_month, range: [1.0e6, 2.0e6]}}
  - {{path: agents.lab-us.budget_usd_per_month, range: [1.0e6, 2.0e6]}}
outputs:
  - {{name: cn, metric: country/compute_stock_h100e, id: chn}}
  - {{name: us, metric: country/compute_stock_h100e, id: usa}}
"""

tmp = None  # the temporary directory, set up once for all tests
RUN = GRID = MORRIS = REPLAY = None


def chipsim(*args):
    """Runs the chipsim binary; fails the test run with its output if it exits non-zero."""
    done = subprocess.run([CHIPSIM, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    if done.returncode != 0:
        raise RuntimeError(f"chipsim {' '.join(args)} exited {done.returncode}:\n{done.stdout}")


def setUpModule():
    global tmp, RUN, GRID, MORRIS, REPLAY
    tmp = tempfile.TemporaryDirectory(prefix="chipsim-python-")
    RUN = os.path.join(tmp.name, "r.h5")
    REPLAY = os.path.join(tmp.name, "replay.h5")
    chipsim("replay", "-q", "--choose", "h20-april-2025=no-change", "-o", REPLAY)
    GRID = os.path.join(tmp.name, "s.h5")
    MORRIS = os.path.join(tmp.name, "m.h5")
    chipsim("run", SMALL, "--replicates", "3", "-o", RUN, "-q")
    for name, text, out in (("grid.yaml", GRID_SWEEP, GRID), ("morris.yaml", MORRIS_SWEEP, MORRIS)):
        path = os.path.join(tmp.name, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.format(base=SMALL))
        chipsim("sweep", path, "-o", out, "-q")


def tearDownModule():
    if tmp is not None:
        tmp.cleanup()


def raw(path, dataset):
    """A dataset as h5py reads it, for comparison."""
    with h5py.File(path, "r") as f:
        return f[dataset][()]


class RunFile(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.r = chipsim_results.open_results(RUN)

    def test_labels(self):
        r = self.r
        self.assertFalse(r.is_sweep)
        self.assertEqual(r.scenario_name, "two-labs")
        self.assertEqual(r.seed, 7)
        self.assertEqual(r.replicates, 3)
        self.assertEqual(len(r.months), MONTHS)
        self.assertEqual((r.months[0], r.months[-1]), ("2024-01", "2024-12"))
        self.assertEqual(r.countries, COUNTRIES)
        self.assertEqual(r.agents, AGENTS)
        self.assertEqual((r.products, r.policies), (["gpu"], ["ban"]))
        self.assertEqual(r.blocs, ["west", "china"])
        self.assertEqual(r.country_bloc, {"usa": "west", "chn": "china", "twn": "west"})
        self.assertEqual(r.agent_kind["lab-cn"], "ai_lab")
        self.assertEqual(r.metrics["country"][0], "compute_stock_h100e")
        self.assertIn("revenue_usd", r.metrics["agent"])
        self.assertEqual(r.metrics["policy"], ["in_force"])
        for name in r.months:  # strings, not bytes
            self.assertIsInstance(name, str)

    def test_metric_rows_and_values(self):
        df = self.r.metric("country", "compute_stock_h100e")
        self.assertEqual(list(df.columns), ["replicate", "month", "date", "country", "value"])
        self.assertEqual(len(df), 3 * MONTHS * 3)  # replicates x months x countries
        self.assertEqual(df.attrs["units"], "H100e")
        self.assertEqual(df.attrs["aggregation"], "level")
        stock = raw(RUN, "metrics/country/compute_stock_h100e")  # (R, T, C)

        def value(rep, month, country):
            row = df[(df.replicate == rep) & (df.month == month) & (df.country == country)]
            self.assertEqual(len(row), 1)
            return row.value.iloc[0]

        self.assertEqual(value(2, "2024-12", "chn"), stock[2, 11, 1])
        self.assertEqual(value(0, "2024-07", "usa"), stock[0, 6, 0])
        self.assertGreater(stock[0, 11, 0], 0)  # lab-us buys chips: not a trivially zero check
        # file order: replicates, then months, then countries
        np.testing.assert_array_equal(df.value.to_numpy(), stock.reshape(-1))
        self.assertEqual(str(df.date.iloc[0].date()), "2024-01-01")

    def test_metric_other_axes(self):
        revenue = self.r.metric("agent/revenue_usd")  # "axis/name" form
        self.assertEqual(len(revenue), 3 * MONTHS * len(AGENTS))
        self.assertEqual(revenue.attrs["units"], "USD")
        self.assertEqual(revenue.attrs["aggregation"], "flow")
        row = revenue[(revenue.replicate == 1) & (revenue.month == "2024-12")
                      & (revenue.agent == "maker")]
        self.assertEqual(row.value.iloc[0], raw(RUN, "metrics/agent/revenue_usd")[1, 11, 1])
        in_force = self.r.metric("policy", "in_force")
        self.assertEqual(len(in_force), 3 * MONTHS * 1)
        # the ban starts 2024-06
        self.assertEqual(in_force[in_force.month == "2024-05"].value.tolist(), [0.0] * 3)
        self.assertEqual(in_force[in_force.month == "2024-06"].value.tolist(), [1.0] * 3)
        self.assertIn("product", self.r.metric("product", "units_sold").columns)

    def test_metric_unknown(self):
        with self.assertRaises(KeyError):
            self.r.metric("country", "no_such_metric")
        with self.assertRaises(KeyError):
            self.r.metric("planet", "compute_stock_h100e")

    def test_compute_by_bloc(self):
        df = self.r.compute_by_bloc()
        self.assertEqual(list(df.columns),
                         ["replicate", "month", "date", "bloc", "compute_h100e"])
        self.assertEqual(len(df), 3 * MONTHS * 2)  # replicates x months x blocs
        stock = raw(RUN, "metrics/country/compute_stock_h100e")  # countries usa, chn, twn
        for rep, month in ((0, 11), (2, 11), (1, 7)):
            rows = df[(df.replicate == rep) & (df.month == f"2024-{month + 1:02d}")]
            by_bloc = dict(zip(rows.bloc, rows.compute_h100e))
            self.assertAlmostEqual(by_bloc["west"], stock[rep, month, 0] + stock[rep, month, 2],
                                   places=9)
            self.assertEqual(by_bloc["china"], stock[rep, month, 1])
        # the bloc totals add up to the world total
        self.assertAlmostEqual(df.compute_h100e.sum(), stock.sum(), places=6)

    def test_flows(self):
        df = self.r.flows()
        table = raw(RUN, "trade/flows")
        self.assertGreater(len(table), 0)
        self.assertEqual(len(df), len(table))
        self.assertEqual(list(df.columns),
                         ["replicate", "month", "date", "product", "seller", "buyer", "origin",
                          "destination", "units", "value_usd", "channel"])
        for i in (0, len(table) - 1):
            row, want = df.iloc[i], table[i]
            self.assertEqual(row.replicate, want["replicate"])
            self.assertEqual(row.month, f"2024-{want['month'] + 1:02d}")
            self.assertEqual(row["product"], "gpu")
            self.assertEqual(row.seller, AGENTS[want["seller"]])
            self.assertEqual(row.buyer, AGENTS[want["buyer"]])
            self.assertEqual(row.origin, COUNTRIES[want["origin"]])
            self.assertEqual(row.destination, COUNTRIES[want["destination"]])
            self.assertEqual(row.units, want["units"])
            self.assertEqual(row.value_usd, want["value_usd"])
            self.assertEqual(row.channel, want["channel"].decode())
        # in small.yaml the maker sells to the two labs; chips are made in twn
        self.assertEqual(set(df.seller), {"maker"})
        self.assertEqual(set(df.buyer), {"lab-us", "lab-cn"})
        self.assertEqual(set(df.origin), {"twn"})
        self.assertTrue(set(df.channel) <= {"legal", "licensed", "diverted"})
        self.assertTrue((df[df.buyer == "lab-cn"].destination == "chn").all())

    def test_events(self):
        df = self.r.events()
        table = raw(RUN, "events")
        self.assertEqual(len(df), len(table))
        self.assertEqual(list(df.columns),
                         ["replicate", "month", "date", "actor", "kind", "text"])
        enacted = df[df.kind == "policy_enacted"]
        self.assertEqual(len(enacted), 3)  # the ban, once per replicate
        self.assertEqual(set(enacted.month), {"2024-06"})
        self.assertEqual(set(enacted.actor), {"us-gov"})
        for i, want in enumerate(table):
            self.assertEqual(df.actor.iloc[i], "" if want["actor"] < 0 else AGENTS[want["actor"]])

    def test_not_a_sweep(self):
        with self.assertRaises(ValueError):
            self.r.points()
        with self.assertRaises(ValueError):
            self.r.outputs()
        with self.assertRaises(ValueError):
            self.r.morris()

    def test_format_1_file(self):
        # format 1 stored channel as a variable-length string; both readers still read it
        old = os.path.join(tmp.name, "format1.h5")
        shutil.copyfile(RUN, old)
        with h5py.File(old, "r+") as f:
            self.assertEqual(f["trade/flows"].dtype["channel"], np.dtype("S9"))
            table = f["trade/flows"][()]
            attrs = dict(f["trade/flows"].attrs)
            fields = [(name, h5py.string_dtype() if name == "channel" else table.dtype[name])
                      for name in table.dtype.names]
            rows = np.empty(len(table), dtype=fields)
            for name in table.dtype.names:
                rows[name] = table[name]
            del f["trade/flows"]
            ds = f.create_dataset("trade/flows", data=rows, chunks=True, maxshape=(None,))
            ds.attrs.update(attrs)
            f.attrs["format_version"] = np.int32(1)
        self.assertTrue(h5py.check_string_dtype(raw(old, "trade/flows").dtype["channel"]))
        self.assertTrue(chipsim_results.open_results(old).flows().equals(self.r.flows()))
        for path, out in ((RUN, "csv2"), (old, "csv1")):
            chipsim("export", path, "--csv", os.path.join(tmp.name, out))
        with open(os.path.join(tmp.name, "csv1", "flows.csv"), encoding="utf-8") as f1, \
                open(os.path.join(tmp.name, "csv2", "flows.csv"), encoding="utf-8") as f2:
            text = f1.read()
            self.assertEqual(text, f2.read())
            self.assertIn(",legal,", text)

    def test_bad_files(self):
        with self.assertRaises(OSError):
            chipsim_results.open_results(os.path.join(tmp.name, "missing.h5"))
        with self.assertRaises(OSError):
            chipsim_results.open_results(SMALL)  # YAML, not HDF5
        plain = os.path.join(tmp.name, "plain.h5")
        with h5py.File(plain, "w") as f:
            f["x"] = [1.0]
        with self.assertRaisesRegex(ValueError, "format_version"):
            chipsim_results.open_results(plain)
        future = os.path.join(tmp.name, "future.h5")
        shutil.copyfile(RUN, future)
        with h5py.File(future, "r+") as f:
            f.attrs["format_version"] = np.int32(3)
        with self.assertRaisesRegex(ValueError, "format_version 3; this reader knows versions 1, 2"):
            chipsim_results.open_results(future)


class SweepFile(unittest.TestCase):
    PARAM = "agents.lab-cn.budget_usd_per_month"

    @classmethod
    def setUpClass(cls):
        cls.s = chipsim_results.open_results(GRID)

    def test_labels(self):
        s = self.s
        self.assertTrue(s.is_sweep)
        self.assertEqual((s.sweep_name, s.sweep_method, s.n_points), ("t", "grid", 2))
        self.assertEqual(s.replicates, 2)
        self.assertEqual(s.parameters, [self.PARAM])
        self.assertEqual(s.output_names, ["cn"])
        self.assertFalse(s.has_morris)

    def test_points(self):
        df = self.s.points()
        self.assertEqual(list(df.columns), ["point", self.PARAM])
        self.assertEqual(df.point.tolist(), [0, 1])
        self.assertEqual(df[self.PARAM].tolist(), [1.0e6, 2.0e6])

    def test_outputs(self):
        df = self.s.outputs()
        self.assertEqual(list(df.columns), ["point", self.PARAM, "replicate", "output", "value"])
        self.assertEqual(len(df), 2 * 2 * 1)  # points x replicates x outputs
        values = raw(GRID, "sweep/output_value")  # (P, R, O)
        stock = raw(GRID, "metrics/country/compute_stock_h100e")  # (P, R, T, C)
        for p in range(2):
            for rep in range(2):
                row = df[(df.point == p) & (df.replicate == rep)]
                self.assertEqual(row.value.iloc[0], values[p, rep, 0])
                self.assertEqual(row[self.PARAM].iloc[0], [1.0e6, 2.0e6][p])
                # output cn is chn's compute stock in the last month
                self.assertEqual(row.value.iloc[0], stock[p, rep, -1, 1])

    def test_metric(self):
        df = self.s.metric("country", "compute_stock_h100e")
        self.assertEqual(list(df.columns)[:2], ["point", self.PARAM])
        self.assertEqual(len(df), 2 * 2 * MONTHS * 3)  # points x replicates x months x countries
        stock = raw(GRID, "metrics/country/compute_stock_h100e")
        np.testing.assert_array_equal(df.value.to_numpy(), stock.reshape(-1))
        row = df[(df.point == 1) & (df.replicate == 0) & (df.month == "2024-12")
                 & (df.country == "chn")]
        self.assertEqual(row.value.iloc[0], stock[1, 0, 11, 1])
        self.assertEqual(row[self.PARAM].iloc[0], 2.0e6)

    def test_compute_by_bloc(self):
        df = self.s.compute_by_bloc()
        self.assertEqual(len(df), 2 * 2 * MONTHS * 2)
        stock = raw(GRID, "metrics/country/compute_stock_h100e")
        row = df[(df.point == 1) & (df.replicate == 1) & (df.month == "2024-12")
                 & (df.bloc == "west")]
        self.assertAlmostEqual(row.compute_h100e.iloc[0],
                               stock[1, 1, 11, 0] + stock[1, 1, 11, 2], places=9)

    def test_tables(self):
        flows = self.s.flows()
        self.assertEqual(len(flows), len(raw(GRID, "trade/flows")))
        self.assertEqual(list(flows.columns)[:3], ["point", self.PARAM, "replicate"])
        self.assertEqual(set(flows.point), {0, 1})
        events = self.s.events()
        self.assertEqual(len(events), len(raw(GRID, "events")))
        self.assertEqual(set(events[events.kind == "policy_enacted"].actor), {"us-gov"})


class MorrisFile(unittest.TestCase):
    def test_morris(self):
        m = chipsim_results.open_results(MORRIS)
        self.assertEqual(m.sweep_method, "morris")
        self.assertTrue(m.has_morris)
        self.assertEqual(m.n_points, 2 * 3)  # samples x (k + 1) points
        df = m.morris()
        self.assertEqual(list(df.columns), ["output", "parameter", "mu", "mu_star", "sigma", "n"])
        self.assertEqual(len(df), 2 * 2)  # outputs x parameters
        self.assertEqual(set(df.output), {"cn", "us"})
        self.assertTrue((df.mu_star >= df.mu.abs() - 1e-9).all())
        self.assertEqual(len(m.outputs()), 6 * 1 * 2)  # points x replicates x outputs


class Example(unittest.TestCase):
    SCRIPT = os.path.join(READER_DIR, "plot_compute_by_bloc.py")

    def plot(self, *args):
        done = subprocess.run([sys.executable, self.SCRIPT, *args], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, cwd=tmp.name)
        return done.returncode, done.stdout

    def assert_png(self, path):
        self.assertTrue(os.path.isfile(path), path)
        self.assertGreater(os.path.getsize(path), 1000)
        with open(path, "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")

    def test_run_file(self):
        out = os.path.join(tmp.name, "compute.png")
        code, text = self.plot(RUN, "-o", out)
        self.assertEqual(code, 0, text)
        self.assert_png(out)

    def test_default_name_and_sweep_point(self):
        code, text = self.plot(GRID, "--point", "1")
        self.assertEqual(code, 0, text)
        self.assert_png(os.path.join(tmp.name, "s-compute-by-bloc.png"))

    def test_bad_point(self):
        code, text = self.plot(GRID, "--point", "2", "-o", os.path.join(tmp.name, "x.png"))
        self.assertEqual(code, 2, text)
        self.assertIn("out of range", text)


class ReplayFile(unittest.TestCase):
    """A replay file: the branch at the root, history under /history."""

    def test_branch_and_history(self):
        branch = chipsim_results.open_results(REPLAY)
        history = chipsim_results.open_results(REPLAY, history=True)
        decisions = branch.decisions().set_index("id")
        self.assertEqual(decisions.loc["h20-april-2025", "option"], "no-change")
        self.assertEqual(decisions.loc["h20-april-2025", "historical"], "require-licence")
        self.assertEqual(history.decisions().set_index("id").loc["h20-april-2025", "option"],
                         "require-licence")
        for r, group in ((branch, ""), (history, "history/")):
            df = r.metric("country", "compute_stock_h100e")
            stock = raw(REPLAY, f"{group}metrics/country/compute_stock_h100e")
            last = df[(df.month == r.months[-1]) & (df.country == "chn")]
            self.assertEqual(last.value.iloc[0], stock[0, -1, r.countries.index("chn")])
            self.assertEqual(len(r.events()), len(raw(REPLAY, f"{group}events")))
        self.assertIn("h20-april-2025: no-change", branch.scenario_yaml())
        self.assertNotIn("h20-april-2025: no-change", history.scenario_yaml())

    def test_run_file_has_no_history(self):
        with self.assertRaises(ValueError):
            chipsim_results.open_results(RUN, history=True)
        self.assertTrue(chipsim_results.open_results(RUN).decisions().empty)


if __name__ == "__main__":
    unittest.main(verbosity=2)
