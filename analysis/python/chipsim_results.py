"""Read chipsim result files (HDF5) into tidy pandas DataFrames.

Works with Debian 12's ``python3-h5py`` and ``python3-pandas`` (h5py 3.7, pandas 1.5, numpy
1.24) and nothing else. The file layout is docs/output-format.md; this module follows it and
ignores datasets and attributes it does not know.

Every table comes back in long ("tidy") form: one row per observation, one named column per
variable. Months are ``'YYYY-MM'`` strings in a ``month`` column, with a ``date`` column
(``pandas.Timestamp`` of the month's first day) beside it for plotting and resampling.
Tables from a sweep file start with a ``point`` column and one column per swept parameter
(named by its ``--set`` path), so every row carries the parameter values it was run with.

    >>> import chipsim_results as cr
    >>> r = cr.open_results("run.h5")
    >>> r.metric("country", "compute_stock_h100e").head()
    >>> r.compute_by_bloc().groupby(["month", "bloc"]).compute_h100e.mean()

The file is opened for each call and closed before it returns, so a ``Results`` object holds
no HDF5 handle and needs no closing.
"""

from __future__ import annotations

import os

import h5py
import numpy as np
import pandas as pd

__all__ = ["open_results", "Results", "AXES", "FORMAT_VERSION", "READABLE_VERSIONS"]

#: The newest result-file format this module reads (root attribute ``format_version``).
FORMAT_VERSION = 2
#: Every format this module reads: version 1 differs only in ``/trade/flows`` ``channel``, a
#: variable-length string there and a 9-byte fixed-length one since version 2.
READABLE_VERSIONS = (1, 2)

#: Metric axes, in the order of ``/metrics``, and the id dataset each one indexes.
AXES = {
    "country": "countries/id",
    "agent": "agents/id",
    "product": "products/id",
    "policy": "policies/id",
}


def _text(value) -> str:
    """One HDF5 string (h5py gives ``bytes`` for variable-length strings, ``numpy.bytes_``
    for fixed-length ones) as ``str``."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return str(value)


def _texts(values) -> list:
    """A sequence of HDF5 strings as a list of ``str``."""
    return [_text(v) for v in values]


def _strings(f: h5py.File, path: str) -> list:
    """A 1-D string dataset as a list of ``str``; ``[]`` when the dataset is absent."""
    if path not in f:
        return []
    ds = f[path]
    if ds.shape == (0,):
        return []
    return _texts(ds[()])


def _attr_text(obj, name: str, default: str = "") -> str:
    return _text(obj.attrs[name]) if name in obj.attrs else default


def _month_dates(months) -> np.ndarray:
    """``'YYYY-MM'`` strings as ``datetime64[ns]`` of each month's first day."""
    return pd.to_datetime(pd.Index(list(months), dtype=object), format="%Y-%m").to_numpy()


def _lookup(names: list, index: np.ndarray, missing: str = "") -> np.ndarray:
    """Names for 0-based indices; ``missing`` where the index is negative (e.g. actor -1)."""
    table = np.array(list(names) + [missing], dtype=object)
    index = np.asarray(index, dtype=np.int64)
    return table[np.where(index < 0, len(names), index)]


class Results:
    """A chipsim result file (run or sweep): its labels, and readers returning DataFrames.

    Attributes (read once, when the file is opened):
        path: the file's path.
        scenario_name: root attribute ``scenario_name`` (for sweeps, the base scenario's).
        seed: master seed (``int``).
        replicates: replicates (per point, in a sweep file).
        chipsim_version, created_utc: root attributes, ``''`` when absent.
        months: ``['YYYY-MM', ...]`` from ``/calendar/month``.
        countries, agents, products, policies: ids, in file order (indices in the file are
            positions in these lists).
        country_bloc: ``{country id: bloc}``; blocs: the distinct blocs, in order of first
            appearance in ``/countries/bloc``.
        agent_kind, agent_country: ``{agent id: kind}``, ``{agent id: country id}``.
        metrics: ``{axis: [metric name, ...]}`` for the axes ``country``, ``agent``,
            ``product``, ``policy``, in the order the file lists them.
        is_sweep: True for a ``chipsim sweep`` file.
        sweep_name, sweep_method: root attributes (``''`` for a run file).
        n_points: sweep points (0 for a run file).
        parameters: the swept ``--set`` paths (``[]`` for a run file).
        output_names: the sweep's outputs (``[]`` for a run file).
        has_morris: True when the file has ``/sweep/morris``.
    """

    def __init__(self, path, history=False):
        self.path = os.fspath(path)
        # a replay file (chipsim replay -o) holds the historical path under /history
        self.history = bool(history)
        self._base = "history/" if history else ""
        try:
            f = h5py.File(self.path, "r")
        except OSError as error:  # h5py's message does not always name the file
            raise OSError(f"{self.path}: cannot open as HDF5: {error}") from error
        with f:
            if "format_version" not in f.attrs:
                raise ValueError(f"{self.path}: not a chipsim result file "
                                 "(no root attribute format_version)")
            version = int(f.attrs["format_version"])
            if version not in READABLE_VERSIONS:
                raise ValueError(f"{self.path}: format_version {version}; this reader knows "
                                 f"versions {', '.join(map(str, READABLE_VERSIONS))}")
            self.format_version = version
            if self.history and "history" not in f:
                raise ValueError(f"{self.path}: no historical path (/history); chipsim replay "
                                 "-o writes one beside the branch")
            self.scenario_name = _attr_text(f, "scenario_name")
            self.seed = int(f.attrs["seed"]) if "seed" in f.attrs else None
            self.replicates = int(f.attrs["replicates"])
            self.chipsim_version = _attr_text(f, "chipsim_version")
            self.created_utc = _attr_text(f, "created_utc")

            self.months = _strings(f, "calendar/month")
            self._dates = _month_dates(self.months)
            self.countries = _strings(f, "countries/id")
            self.agents = _strings(f, "agents/id")
            self.products = _strings(f, "products/id")
            self.policies = _strings(f, "policies/id")  # optional: older files have none
            self.country_bloc = dict(zip(self.countries, _strings(f, "countries/bloc")))
            self.blocs = list(dict.fromkeys(self.country_bloc.values()))
            self.agent_kind = dict(zip(self.agents, _strings(f, "agents/kind")))
            self.agent_country = dict(zip(self.agents, _strings(f, "agents/country")))

            self.metrics = {}
            for axis in AXES:
                group = f.get(f"{self._base}metrics/{axis}")
                self.metrics[axis] = list(group.keys()) if group is not None else []

            self.is_sweep = "sweep_points" in f.attrs
            self.sweep_name = _attr_text(f, "sweep_name")
            self.sweep_method = _attr_text(f, "sweep_method")
            self.n_points = int(f.attrs["sweep_points"]) if self.is_sweep else 0
            self.parameters = _strings(f, "sweep/parameter") if self.is_sweep else []
            self.output_names = _strings(f, "sweep/output") if self.is_sweep else []
            self.has_morris = "sweep/morris" in f
            self._point_values = (self._read_points(f) if self.is_sweep else
                                  pd.DataFrame())

    def __repr__(self) -> str:
        kind = (f"sweep {self.sweep_name!r} ({self.sweep_method}, {self.n_points} points)"
                if self.is_sweep else "run")
        return (f"<chipsim {kind} of {self.scenario_name!r}: {self.replicates} replicates, "
                f"{len(self.months)} months ({self.months[0] if self.months else ''}.."
                f"{self.months[-1] if self.months else ''}), {self.path}>")

    # ----- metadata tables

    def scenario_yaml(self) -> str:
        """The resolved scenario (``/scenario/resolved_yaml``): running it reproduces a run file."""
        with h5py.File(self.path, "r") as f:
            return _text(f[f"{self._base}scenario/resolved_yaml"][()])

    def decisions(self) -> pd.DataFrame:
        """The decision points (``/decisions``): ``id, month, actor, option, historical``, one
        row each; empty when the scenario has none."""
        columns = ["id", "month", "actor", "option", "historical"]
        with h5py.File(self.path, "r") as f:
            group = f.get(f"{self._base}decisions")
            if group is None:
                return pd.DataFrame(columns=columns)
            return pd.DataFrame({c: _strings(f, f"{self._base}decisions/{c}") for c in columns})

    def countries_table(self) -> pd.DataFrame:
        """Countries: columns [country, bloc]."""
        return pd.DataFrame({"country": self.countries,
                             "bloc": [self.country_bloc[c] for c in self.countries]})

    def agents_table(self) -> pd.DataFrame:
        """Agents: columns [agent, kind, country]."""
        return pd.DataFrame({"agent": self.agents,
                             "kind": [self.agent_kind.get(a, "") for a in self.agents],
                             "country": [self.agent_country.get(a, "") for a in self.agents]})

    def products_table(self) -> pd.DataFrame:
        """Products: columns [product, tpp, h100e] (TPP; H100-equivalents per chip)."""
        with h5py.File(self.path, "r") as f:
            tpp = f["products/tpp"][()] if self.products else np.zeros(0)
            h100e = f["products/h100e"][()] if self.products else np.zeros(0)
        return pd.DataFrame({"product": self.products, "tpp": tpp, "h100e": h100e})

    # ----- series

    def metric(self, axis: str, name: str | None = None) -> pd.DataFrame:
        """One monthly series ``/metrics/<axis>/<name>`` in long form.

        ``axis`` is ``country``, ``agent``, ``product`` or ``policy``; ``metric("agent/x")``
        is the same as ``metric("agent", "x")``.

        Returns one row per replicate, month and entity (and point, in a sweep file), in file
        order: replicates outermost, then months, then entities. Columns:
        ``[point, <swept parameters...>,] replicate, month, date, <axis>, value``, where
        ``<axis>`` is the entity's id. So a run file gives replicates x months x entities rows.

        ``df.attrs`` holds ``units``, ``aggregation`` (``'level'``: a month-end stock, take
        the last month over a period; ``'flow'``: a per-month amount, sum it), ``description``,
        ``axis``, ``name`` and ``path``.

        Raises ``KeyError`` for an unknown axis or metric.
        """
        if name is None:
            axis, _, name = axis.partition("/")
        if axis not in AXES:
            raise KeyError(f"unknown metric axis {axis!r}; expected one of {list(AXES)}")
        path = f"{self._base}metrics/{axis}/{name}"
        with h5py.File(self.path, "r") as f:
            if path not in f:
                raise KeyError(f"{self.path}: no metric /{path}; {axis} metrics: "
                               f"{', '.join(self.metrics.get(axis, []))}")
            ds = f[path]
            values = ds[()]
            attrs = {
                "units": _attr_text(ds, "units"),
                "aggregation": _attr_text(ds, "aggregation"),
                "description": _attr_text(ds, "description"),
                "axis": axis,
                "name": name,
                "path": "/" + path,
            }
        ids = getattr(self, {"country": "countries", "agent": "agents", "product": "products",
                             "policy": "policies"}[axis])
        df = self._tidy(values, axis, ids, "value")
        df.attrs.update(attrs)
        return df

    def compute_by_bloc(self) -> pd.DataFrame:
        """Installed AI compute per bloc: ``/metrics/country/compute_stock_h100e`` summed over
        each bloc's countries.

        Columns ``[point, <swept parameters...>,] replicate, month, date, bloc,
        compute_h100e``; one row per replicate, month and bloc (blocs in order of first
        appearance in ``/countries/bloc``). Units H100e (``df.attrs['units']``), a month-end
        level.
        """
        with h5py.File(self.path, "r") as f:
            ds = f[f"{self._base}metrics/country/compute_stock_h100e"]
            stock = ds[()]
            units = _attr_text(ds, "units")
        bloc_of = np.array([self.country_bloc[c] for c in self.countries], dtype=object)
        # sum the countries of each bloc along the last (country) axis, in country order
        by_bloc = np.stack([stock[..., bloc_of == b].sum(axis=-1) for b in self.blocs], axis=-1) \
            if self.blocs else np.zeros(stock.shape[:-1] + (0,))
        df = self._tidy(by_bloc, "bloc", self.blocs, "compute_h100e")
        df.attrs.update({"units": units, "aggregation": "level",
                         "description": "installed AI compute of the bloc's countries' labs "
                                        "at month end"})
        return df

    # ----- tables

    def flows(self) -> pd.DataFrame:
        """The trade table ``/trade/flows`` with indices decoded.

        Columns ``[point, <swept parameters...>,] replicate, month, date, product, seller,
        buyer, origin, destination, units, value_usd, channel``: ``month`` as ``'YYYY-MM'``,
        product/seller/buyer/origin/destination as ids, ``channel`` as ``legal``,
        ``licensed`` or ``diverted``. One row per row of the HDF5 table, in its order.
        ``df.attrs['units']`` = ``{'units': 'chips', 'value_usd': 'USD'}``.
        """
        with h5py.File(self.path, "r") as f:
            rows = self._table(f, f"{self._base}trade/flows")
        out = self._table_frame(rows)
        out["product"] = _lookup(self.products, rows["product"])
        out["seller"] = _lookup(self.agents, rows["seller"])
        out["buyer"] = _lookup(self.agents, rows["buyer"])
        out["origin"] = _lookup(self.countries, rows["origin"])
        out["destination"] = _lookup(self.countries, rows["destination"])
        out["units"] = rows["units"].astype(np.float64)
        out["value_usd"] = rows["value_usd"].astype(np.float64)
        out["channel"] = np.array(_texts(rows["channel"]), dtype=object)
        out = self._with_parameters(pd.DataFrame(out))
        out.attrs["units"] = {"units": "chips", "value_usd": "USD"}
        return out

    def events(self) -> pd.DataFrame:
        """The event log ``/events``.

        Columns ``[point, <swept parameters...>,] replicate, month, date, actor, kind,
        text``: ``actor`` is the agent id, ``''`` when the file says -1 (no actor). One row
        per row of the HDF5 table, in its order.
        """
        with h5py.File(self.path, "r") as f:
            rows = self._table(f, f"{self._base}events")
        out = self._table_frame(rows)
        out["actor"] = _lookup(self.agents, rows["actor"], missing="")
        out["kind"] = np.array(_texts(rows["kind"]), dtype=object)
        out["text"] = np.array(_texts(rows["text"]), dtype=object)
        return self._with_parameters(pd.DataFrame(out))

    # ----- sweep files

    def points(self) -> pd.DataFrame:
        """The sweep's points (``/sweep/point``): a ``point`` column (0-based, the index
        used everywhere in the file) and one float column per swept path.

        Raises ``ValueError`` for a run file.
        """
        self._require_sweep("points")
        return self._point_values.copy()

    def outputs(self) -> pd.DataFrame:
        """The sweep's outputs (``/sweep/output_value``) in long form.

        Columns ``point, <swept parameters...>, replicate, output, value``; one row per
        point, replicate and output (points outermost, outputs innermost). Each output is in
        its own metric's units (see ``/sweep/definition``).

        Raises ``ValueError`` for a run file.
        """
        self._require_sweep("outputs")
        with h5py.File(self.path, "r") as f:
            values = f["sweep/output_value"][()]
        n_points, n_reps, n_out = values.shape
        df = pd.DataFrame({
            "point": np.repeat(np.arange(n_points), n_reps * n_out),
            "replicate": np.tile(np.repeat(np.arange(n_reps), n_out), n_points),
            "output": np.tile(np.array(self.output_names, dtype=object), n_points * n_reps),
            "value": values.reshape(-1),
        })
        return self._with_parameters(df)

    def morris(self) -> pd.DataFrame:
        """Morris elementary effects (``/sweep/morris``): columns output, parameter, mu,
        mu_star, sigma, n, on the unit scale of each parameter's range (docs/sensitivity.md).

        Raises ``ValueError`` when the file has no Morris table (not a Morris sweep).
        """
        if not self.has_morris:
            raise ValueError(f"{self.path}: no /sweep/morris (only `--method morris` sweeps "
                             "have one)")
        with h5py.File(self.path, "r") as f:
            rows = self._table(f, "sweep/morris")
        df = pd.DataFrame({
            name: (np.array(_texts(rows[name]), dtype=object)
                   if rows.dtype[name].kind in "OSU" else rows[name])
            for name in rows.dtype.names
        })
        return df

    def sweep_definition(self) -> str:
        """The sweep file's text (``/sweep/definition``). Raises ``ValueError`` for a run file."""
        self._require_sweep("sweep_definition")
        with h5py.File(self.path, "r") as f:
            return _text(f["sweep/definition"][()])

    # ----- helpers

    def _require_sweep(self, what: str) -> None:
        if not self.is_sweep:
            raise ValueError(f"{self.path}: {what}() needs a sweep file (chipsim sweep); "
                             "this is a run file")

    def _read_points(self, f: h5py.File) -> pd.DataFrame:
        """``/sweep/point`` as [point, <one column per path>]."""
        table = f["sweep/point"]
        rows = table[()] if table.shape != (0,) else np.zeros(0, dtype=table.dtype)
        df = pd.DataFrame({"point": np.arange(len(rows))})
        for name in rows.dtype.names or ():
            df[name] = rows[name].astype(np.float64)
        return df

    @staticmethod
    def _table(f: h5py.File, path: str) -> np.ndarray:
        """A compound table as a numpy structured array (empty tables included)."""
        ds = f[path]
        if ds.shape[0] == 0:
            return np.zeros(0, dtype=ds.dtype)
        return ds[()]

    def _table_frame(self, rows: np.ndarray) -> dict:
        """The leading columns shared by the tables: [point,] replicate, month, date."""
        out = {}
        if "point" in (rows.dtype.names or ()):
            out["point"] = rows["point"].astype(np.int64)
        out["replicate"] = rows["replicate"].astype(np.int64)
        index = rows["month"].astype(np.int64)
        out["month"] = np.array(self.months, dtype=object)[index]
        out["date"] = self._dates[index]
        return out

    def _tidy(self, values: np.ndarray, column: str, ids: list, value_name: str) -> pd.DataFrame:
        """[P,] R x T x W values as long rows: [point,] replicate, month, date, column, value."""
        lead = values.shape[:-3]
        n_reps, n_months, width = values.shape[-3:]
        n_points = int(np.prod(lead)) if lead else 1
        n_block = n_reps * n_months * width
        df = {}
        if self.is_sweep:
            df["point"] = np.repeat(np.arange(n_points), n_block)
        df["replicate"] = np.tile(np.repeat(np.arange(n_reps), n_months * width), n_points)
        month_index = np.tile(np.repeat(np.arange(n_months), width), n_points * n_reps)
        df["month"] = np.array(self.months, dtype=object)[month_index]
        df["date"] = self._dates[month_index]
        df[column] = np.tile(np.array(ids, dtype=object), n_points * n_reps * n_months) \
            if width else np.zeros(0, dtype=object)
        df[value_name] = values.reshape(-1).astype(np.float64)
        return self._with_parameters(pd.DataFrame(df))

    def _with_parameters(self, df: pd.DataFrame) -> pd.DataFrame:
        """Inserts the swept parameters' values after ``point`` (sweep files only)."""
        if not self.is_sweep or "point" not in df.columns:
            return df.reset_index(drop=True)
        index = df["point"].to_numpy(dtype=np.int64)
        for k, name in enumerate(self.parameters):
            column = name if name not in df.columns else f"param:{name}"
            values = self._point_values[name].to_numpy() if name in self._point_values else \
                np.full(self.n_points, np.nan)
            df.insert(1 + k, column, values[index] if len(index) else np.zeros(0))
        return df.reset_index(drop=True)


def open_results(path, history=False) -> Results:
    """Opens a chipsim result file (``chipsim run`` or ``chipsim sweep``); with ``history``,
    the historical path a ``chipsim replay -o`` file holds beside its branch.

    Reads the labels (months, ids, blocs, metric names, sweep parameters) at once; series and
    tables are read when asked for. Raises ``ValueError`` if the file lacks the root attribute
    ``format_version`` or has a version other than 1 or 2, and ``OSError`` (naming the file) if it
    is missing or not HDF5.
    """
    return Results(path, history)
