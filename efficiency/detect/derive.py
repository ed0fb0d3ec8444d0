"""Derived series: from profile windows to per-(service, function) share series.

Pure functions over pandas. The store's query functions hand over the samples of a time range
as a long table (one row per window and stack) and the stacks as tuples of function names;
everything here is group-bys and pivots, no loop per sample.

A *bucket* is the detection's time step: windows are assigned to the bucket their start falls
in, so hosts profiled at different moments of the same hour are pooled. For every service and
bucket this gives ``n`` (samples of the service) and, per function, ``self`` (samples with the
function at the leaf) and ``inclusive`` (samples with the function anywhere on the stack,
counted once per sample however deep the recursion). Their ratios are the shares the
regression detector works on; ``n`` keeps the shares' sampling noise known.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

SAMPLE_COLUMNS = ("window_id", "service", "host", "start_at", "rate_hz", "stack_id", "count")


@dataclass
class SharePanel:
    """Share series of every (service, function) on a common bucket axis.

    ``self_k``, ``incl_k`` and ``n`` are ``series x buckets`` count matrices whose rows are
    ``index`` (a frame with ``service`` and ``function``); ``cores`` is the service's CPU in
    cores per bucket, NaN where the sampling rate is unknown; ``gpus`` the service's busy GPUs
    per bucket (GPU-time shares of traces), NaN where unknown.
    """

    index: pd.DataFrame
    buckets: pd.DatetimeIndex
    self_k: np.ndarray
    incl_k: np.ndarray
    n: np.ndarray
    cores: np.ndarray
    #: service -> function -> functions seen below it on some stack
    descendants: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    #: service -> function -> functions seen above it on some stack
    ancestors: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    #: where ``cores`` came from process CPU metrics rather than the profile's sample rate
    cores_measured: np.ndarray | None = None
    #: busy GPUs of the service per bucket, the shape of ``n`` (NaN: unknown)
    gpus: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))

    def row(self, service: str, function: str) -> int | None:
        """The matrices' row of a (service, function), if it was sampled."""
        return self._rows.get((service, function))

    def __post_init__(self) -> None:
        if self.gpus.shape != self.n.shape:
            self.gpus = np.full(self.n.shape, np.nan)
        pairs = zip(self.index.service, self.index.function, strict=True)
        self._rows = {(s, f): i for i, (s, f) in enumerate(pairs)}


def _stack_table(stacks: Mapping[int, Sequence[str]]) -> pd.DataFrame:
    """One row per (stack, distinct function on it), with whether it is the leaf."""
    stack_ids: list[int] = []
    functions: list[str] = []
    leaf: list[bool] = []
    for sid, names in stacks.items():
        if not names:
            continue
        last = names[-1]
        for name in dict.fromkeys(names):  # distinct, in order
            stack_ids.append(sid)
            functions.append(name)
            leaf.append(name == last)
    return pd.DataFrame({"stack_id": stack_ids, "function": functions, "is_leaf": leaf})


def _relations(
    samples: pd.DataFrame, stacks: Mapping[int, Sequence[str]]
) -> tuple[dict[str, dict[str, set[str]]], dict[str, dict[str, set[str]]]]:
    below: dict[str, dict[str, set[str]]] = {}
    above: dict[str, dict[str, set[str]]] = {}
    pairs = samples[["service", "stack_id"]].drop_duplicates()
    for service, sid in zip(pairs.service, pairs.stack_id, strict=True):
        names = stacks.get(int(sid), ())
        d = below.setdefault(service, {})
        a = above.setdefault(service, {})
        for i, name in enumerate(names):
            d.setdefault(name, set()).update(x for x in names[i + 1 :] if x != name)
            a.setdefault(name, set()).update(x for x in names[:i] if x != name)
    return below, above


def function_shares(
    samples: pd.DataFrame,
    stacks: Mapping[int, Sequence[str]],
    bucket: pd.Timedelta | str = "10min",
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
) -> SharePanel:
    """Per (service, function) self and inclusive counts per bucket, with the service's
    sample totals and CPU cores on the same axis.

    ``samples`` has the columns of ``SAMPLE_COLUMNS`` (``start_at`` tz-aware UTC). Buckets
    run from ``start`` (default: the first window's bucket) to ``end`` (exclusive; default:
    past the last window), so a bucket without windows is a column of zeros.
    """
    missing = [c for c in SAMPLE_COLUMNS if c not in samples.columns]
    if missing:
        raise ValueError(f"samples lack column(s): {', '.join(missing)}")
    step = pd.Timedelta(bucket)
    if step <= pd.Timedelta(0):
        raise ValueError("bucket must be positive")
    empty = SharePanel(
        pd.DataFrame({"service": [], "function": []}),
        pd.DatetimeIndex([], tz="UTC"),
        *(np.zeros((0, 0)) for _ in range(4)),
    )
    if samples.empty:
        return empty
    data = samples.copy()
    data["bucket"] = data["start_at"].dt.floor(step)
    first = data["bucket"].min() if start is None else pd.Timestamp(start).floor(step)
    last = data["bucket"].max() + step if end is None else pd.Timestamp(end)
    data = data[(data["bucket"] >= first) & (data["bucket"] < last)]
    axis = pd.date_range(first, last, freq=step, inclusive="left")
    if data.empty or len(axis) == 0:
        return empty

    # service totals and CPU per bucket
    per_window = data.groupby(["window_id", "service", "bucket"], as_index=False).agg(
        samples=("count", "sum"), rate_hz=("rate_hz", "first")
    )
    per_window["cpu_s"] = per_window["samples"] / per_window["rate_hz"]
    totals = per_window.groupby(["service", "bucket"]).agg(
        n=("samples", "sum"),
        cpu_s=("cpu_s", lambda s: s.sum(min_count=len(s))),  # NaN if any rate is unknown
    )
    totals["cores"] = totals["cpu_s"] / step.total_seconds()
    if {"end_at", "process"} <= set(data.columns):
        totals["cores"] = _profiled_cores(data, per_window).reindex(totals.index)
    services = sorted(per_window["service"].unique())
    # a bucket where one service has no window but another has one: 0 samples, not NaN
    n_svc = totals["n"].unstack("bucket", fill_value=0)
    n_svc = n_svc.reindex(index=services, columns=axis, fill_value=0)
    cores_svc = totals["cores"].unstack("bucket")
    cores_svc = cores_svc.reindex(index=services, columns=axis)

    # function counts per bucket
    per_stack = data.groupby(["service", "bucket", "stack_id"], as_index=False)["count"].sum()
    table = _stack_table({int(s): stacks.get(int(s), ()) for s in per_stack["stack_id"].unique()})
    joined = per_stack.merge(table, on="stack_id")
    joined["self"] = np.where(joined["is_leaf"], joined["count"], 0)
    counts = joined.groupby(["service", "function", "bucket"])[["count", "self"]].sum()
    incl = counts["count"].unstack("bucket").reindex(columns=axis, fill_value=0).fillna(0)
    selfc = counts["self"].unstack("bucket").reindex(columns=axis, fill_value=0).fillna(0)
    index = incl.index.to_frame(index=False)
    svc_rows = n_svc.loc[index["service"]].to_numpy(dtype=np.float64)
    cores = cores_svc.loc[index["service"]].to_numpy(dtype=np.float64)
    below, above = _relations(data, stacks)
    return SharePanel(
        index=index,
        buckets=axis,
        self_k=selfc.to_numpy(dtype=np.float64),
        incl_k=incl.to_numpy(dtype=np.float64),
        n=svc_rows,
        cores=cores,
        descendants=below,
        ancestors=above,
    )


def _profiled_cores(data: pd.DataFrame, per_window: pd.DataFrame) -> pd.Series:
    """Service cores per (service, bucket) from the profiled time of each process: its
    CPU-seconds over the seconds its windows covered, summed over the processes. A process
    profiled one minute in ten counts its full CPU, not a tenth of it (what dividing by the
    bucket's length would give); NaN where a rate is unknown."""
    meta = data.drop_duplicates("window_id").set_index("window_id")
    length = (meta["end_at"] - meta["start_at"]).dt.total_seconds()
    win = per_window.set_index("window_id")
    win["seconds"] = length.reindex(win.index).clip(lower=1e-9)
    win["host"], win["process"] = meta["host"], meta["process"]
    per_process = win.groupby(["service", "host", "process", "bucket"]).agg(
        cpu_s=("cpu_s", lambda s: s.sum(min_count=len(s))), seconds=("seconds", "sum")
    )
    cores = per_process["cpu_s"] / per_process["seconds"]
    return (
        cores.groupby(["service", "bucket"])
        .sum(min_count=1)
        .where(per_process["cpu_s"].isna().groupby(["service", "bucket"]).sum() == 0)
    )


def service_cores(points: pd.DataFrame, buckets: pd.DatetimeIndex) -> pd.DataFrame:
    """Service CPU in cores per bucket from process metrics (the agent's
    ``process_cpu_cores``, labelled ``service``, ``host`` and ``pid``): each process's mean
    over the bucket, summed over the service's processes. ``points`` has the columns
    ``ts``, ``value`` and ``labels``; the result is services x ``buckets``, NaN where no
    process of the service reported."""
    if points.empty or len(buckets) == 0:
        return pd.DataFrame(columns=buckets, dtype=np.float64)
    step = buckets[1] - buckets[0] if len(buckets) > 1 else pd.Timedelta(buckets.freq)
    data = pd.DataFrame(
        {
            "service": points["labels"].map(lambda lb: str(lb.get("service", ""))),
            "process": points["labels"].map(lambda lb: f"{lb.get('host', '')}/{lb.get('pid', '')}"),
            "bucket": points["ts"].dt.floor(step),
            "value": points["value"],
        }
    )
    data = data[(data["service"] != "") & data["bucket"].isin(buckets)]
    if data.empty:
        return pd.DataFrame(columns=buckets, dtype=np.float64)
    per_process = data.groupby(["service", "process", "bucket"])["value"].mean()
    cores = per_process.groupby(["service", "bucket"]).sum().unstack("bucket")
    return cores.reindex(columns=buckets)


def with_metric_cores(panel: SharePanel, cores: pd.DataFrame) -> SharePanel:
    """``panel`` with its cores taken from process metrics wherever they exist (they measure
    CPU directly; the profile's own estimate, samples over rate, also counts a thread that
    waits for the GIL, and only covers the processes that were profiled) and from the
    profile elsewhere."""
    if cores.empty or panel.index.empty:
        return panel
    from_metrics = cores.reindex(index=panel.index["service"], columns=panel.buckets)
    measured = from_metrics.to_numpy(dtype=np.float64)
    panel.cores = np.where(np.isnan(measured), panel.cores, measured)
    panel.cores_measured = ~np.isnan(measured)
    return panel


def kernel_shares(
    kernels: pd.DataFrame,
    bucket: pd.Timedelta | str = "10min",
    end: pd.Timestamp | None = None,
) -> SharePanel:
    """Per (service, GPU operation) time-share series from Kineto traces: the operation's
    GPU time over the traces' whole GPU busy time, per bucket (traces starting in a bucket
    are pooled). ``kernels`` has the columns of ``kernel_times_frame``.

    Counts are microseconds. Their noise is not binomial, but the regression detector's
    quasi-binomial model only assumes a variance proportional to ``n p (1 - p)`` and
    measures the factor (the dispersion) on each series, so it applies unchanged. There is no
    call tree: the share is "self", and inclusive counts are left empty. Names are prefixed
    ``gpu:`` so they do not meet CPU frames. Cores are unknown (NaN); ``gpus``, what a change
    of share costs, are the service's busy GPUs per bucket: each traced GPU (host and rank)
    busy for its traces' GPU time over their length, summed over the GPUs (when the frame
    has ``rank`` and ``duration_us``; a trace stands for its GPU over the whole bucket, as a
    profile window stands for its process).
    """
    step = pd.Timedelta(bucket)
    empty = SharePanel(
        pd.DataFrame({"service": [], "function": []}),
        pd.DatetimeIndex([], tz="UTC"),
        *(np.zeros((0, 0)) for _ in range(4)),
    )
    if kernels.empty:
        return empty
    data = kernels.assign(bucket=kernels["start_at"].dt.floor(step))
    first = data["bucket"].min()
    last = data["bucket"].max() + step if end is None else pd.Timestamp(end)
    data = data[data["bucket"] < last]
    axis = pd.date_range(first, last, freq=step, inclusive="left")
    if data.empty or len(axis) == 0:
        return empty
    traces = data.drop_duplicates("trace_id")
    total = traces.groupby(["service", "bucket"])["gpu_time_us"].sum().unstack("bucket")
    services = sorted(traces["service"].unique())
    total = total.reindex(index=services, columns=axis).fillna(0.0)
    per_op = data.assign(function="gpu:" + data["name"])
    times = per_op.groupby(["service", "function", "bucket"])["total_us"].sum().unstack("bucket")
    times = times.reindex(columns=axis).fillna(0.0)
    index = times.index.to_frame(index=False)
    n = np.round(total.loc[index["service"]].to_numpy(dtype=np.float64))
    k = np.minimum(np.round(times.to_numpy(dtype=np.float64)), n)
    busy = _busy_gpus(traces, services, axis)
    return SharePanel(
        index=index,
        buckets=axis,
        self_k=k,
        incl_k=np.zeros_like(k),
        n=n,
        cores=np.full(k.shape, np.nan),
        gpus=busy.loc[index["service"]].to_numpy(dtype=np.float64),
    )


def _busy_gpus(traces: pd.DataFrame, services: list[str], axis: pd.DatetimeIndex) -> pd.DataFrame:
    """Busy GPUs per service and bucket from one row per trace: per GPU (host, rank) its
    traces' GPU time over their length, summed over the service's GPUs; NaN without lengths."""
    if not {"rank", "duration_us"} <= set(traces.columns):
        return pd.DataFrame(np.nan, index=services, columns=axis)
    timed = traces[traces["duration_us"] > 0]
    per_gpu = timed.groupby(["service", "host", "rank", "bucket"])[
        ["gpu_time_us", "duration_us"]
    ].sum()
    busy = (per_gpu["gpu_time_us"] / per_gpu["duration_us"]).clip(upper=1.0)
    by_service = busy.groupby(["service", "bucket"]).sum().unstack("bucket")
    return by_service.reindex(index=services, columns=axis)


def regular_series(ts: pd.Series, values: pd.Series, step: pd.Timedelta | None = None) -> pd.Series:
    """One metric series on a regular grid: timestamps floored to ``step`` (default: the
    series' median interval in whole seconds, at least one), points in the same slot
    averaged (jittered scrapes, two agents reporting one series), in time order. Slots
    without a point stay out rather than being invented; gaps are the detector's to judge."""
    if ts.empty:
        return pd.Series([], index=pd.DatetimeIndex([], tz="UTC"), dtype=np.float64)
    stamps = pd.DatetimeIndex(ts)
    if step is None:
        diffs = stamps.sort_values().to_series().diff().dropna()
        diffs = diffs[diffs > pd.Timedelta(0)]
        typical = diffs.median() if len(diffs) else pd.Timedelta(seconds=1)
        step = max(typical.round("1s"), pd.Timedelta(seconds=1))  # jitter off the interval
    slots = stamps.floor(step)
    frame = pd.DataFrame({"slot": slots, "value": np.asarray(values, dtype=np.float64)})
    return frame.groupby("slot")["value"].mean().sort_index()
