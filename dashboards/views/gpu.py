"""GPU: per trace the time breakdown (idle, compute, non-compute), idle per stream (host
wait, kernel wait, other), the top kernels, copies and syncs; and the GPU metric series the
collector sends (NVML, DCGM through Prometheus).

URL: ``?trace=ID&metric=NAME&hours=N``.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboards import ui
from dashboards.data import read
from efficiency.store.gpu_queries import (
    gpu_metric_names,
    list_traces,
    metric_series_buckets,
    metric_span,
    trace_detail,
)

MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}
HOURS = {"last 15 minutes": 0.25, "last hour": 1, "last 6 hours": 6, "last day": 24,
         "last week": 168, "last 30 days": 720}  # fmt: skip


def render() -> None:
    st.title("GPU")
    traces = read(list_traces)
    names = read(gpu_metric_names)
    if not traces and not names:
        ui.empty(
            "No GPU data yet.",
            "Import a PyTorch profiler (Kineto) trace: `efficiency ingest trace FILE --service "
            "S`, or turn on NVML in the agent (`agent.gpu_seconds = 15`).",
        )
        return
    if traces:
        _trace(traces)
    if names:
        _metrics(names)


def _trace(traces: list[dict[str, object]]) -> None:
    st.subheader("Traces")
    by_id = {int(t["id"]): t for t in traces}  # type: ignore[call-overload]
    current = ui.int_param("trace")
    ids = list(by_id)
    picked = st.selectbox(
        "Trace", ids, index=ids.index(current) if current in by_id else 0, key="w_trace",
        format_func=lambda i: f"{by_id[i]['service']} · {ui.when(by_id[i]['start_at'])} · "  # type: ignore[arg-type]
        f"{by_id[i]['file_name']}",
    )  # fmt: skip
    ui.set_params(trace=picked)
    d = read(trace_detail, picked)
    if d is None:
        return
    span = d["span_us"] or 0.0
    cols = st.columns(4)
    cols[0].metric("device", d["device_name"] or "-")
    cols[1].metric("GPU busy", f"{d['gpu_time_us'] / 1e3:,.1f} ms")
    for col, (label, key) in zip(cols[2:], (("idle", "idle_us"), ("compute", "compute_us")),
                                 strict=True):  # fmt: skip
        share = (d[key] or 0) / span if span else 0.0
        col.metric(f"{label} share", f"{share:.1%}")
    if span:
        parts = {"idle": d["idle_us"], "compute": d["compute_us"],
                 "non-compute": d["non_compute_us"]}  # fmt: skip
        fig = go.Figure(go.Bar(x=[v / 1e3 for v in parts.values()], y=list(parts), orientation="h",
                               marker_color=["#bbb", "#1b9e77", "#d95f02"]))  # fmt: skip
        fig.update_layout(title="Time breakdown (ms, HTA's definitions)", height=220,
                          margin=MARGIN)  # fmt: skip
        st.plotly_chart(fig, width="stretch", key="breakdown")
    idle = d["summary"].get("idle_by_stream") or []
    if idle:
        st.markdown("**Idle per stream**")
        frame = pd.DataFrame(idle)
        keep = [c for c in ("stream", "idle_us", "host_wait_us", "kernel_wait_us", "other_us",
                            "idle_share") if c in frame.columns]  # fmt: skip
        st.dataframe(frame[keep], hide_index=True, width="stretch")
    st.markdown("**Top kernels**")
    if d["kernels"]:
        bar = st.column_config.ProgressColumn("share of GPU time", min_value=0.0, max_value=1.0,
                                              format="%.3f")  # fmt: skip
        st.dataframe(pd.DataFrame(d["kernels"]), hide_index=True, width="stretch",
                     column_config={"share": bar})  # fmt: skip
    st.markdown("**Copies and fills**")
    if d["copies"]:
        st.dataframe(pd.DataFrame(d["copies"]), hide_index=True, width="stretch")
    else:
        st.caption("none")
    st.markdown("**Synchronizations**")
    if d["syncs"]:
        frame = pd.DataFrame(d["syncs"])
        frame["ops"] = [", ".join(f"{k} ({v})" for k, v in o.items()) for o in frame["ops"]]
        st.dataframe(frame, hide_index=True, width="stretch")
    else:
        st.caption("none")


def _metrics(names: list[str]) -> None:
    st.subheader("GPU metrics")
    a, b = st.columns(2)
    with a:
        name = ui.choice("Series", names, "metric", "gpu_utilization" if "gpu_utilization"
                         in names else names[0])  # fmt: skip
    with b:
        label = ui.choice("Range", list(HOURS), "hours", "last day")
    ui.set_params(metric=name, hours=label)
    span = read(metric_span, name)
    if span is None:
        st.caption("no points")
        return
    end = span[1]
    start = max(span[0], end - timedelta(hours=HOURS[label]))
    seconds = (end - start).total_seconds()
    bucket = max(1, int(seconds / 300)) if seconds < 86400 else max(300, int(seconds / 300))
    frame = read(metric_series_buckets, name, start, end, bucket)
    fig = go.Figure()
    for series, rows in frame.groupby("series", sort=True):
        fig.add_scatter(x=rows["at"], y=rows["mean"], mode="lines", name=str(series) or name)
    fig.update_layout(title=f"{name} (mean per {bucket} s)", height=320, margin=MARGIN,
                      legend={"orientation": "h", "y": -0.25})  # fmt: skip
    st.plotly_chart(fig, width="stretch", key="metric")
