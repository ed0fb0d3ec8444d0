"""Hot spots: per service a flame graph (icicle) of a time range, or a differential flame
graph between the range before and the range after a moment (a deploy, a regression's onset),
with a function's share over time below and the playbooks that match it.

URL: ``?service=S&mode=flame|diff&from=ISO&to=ISO&at=ISO&width=HOURS&function=NAME``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import streamlit as st

from dashboards import charts, flame, ui
from dashboards.data import read
from efficiency.remediate.playbooks import load_playbooks
from efficiency.store.flame_queries import (
    hotspot_playbooks,
    profile_span,
    profiled_services,
    service_events,
    share_series,
    stack_counts,
)

MODES = {"flame": "Flame graph of a range", "diff": "Before / after a moment (differential)"}
WIDTHS = {"1 hour": 1, "3 hours": 3, "6 hours": 6, "12 hours": 12, "1 day": 24, "3 days": 72,
          "1 week": 168}  # fmt: skip
RANGES = {"last hour": 1, "last 6 hours": 6, "last day": 24, "last 3 days": 72,
          "last week": 168, "last 30 days": 720}  # fmt: skip


def _when(text: str) -> datetime | None:
    try:
        t = datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
    return t.replace(tzinfo=UTC) if t is not None and t.tzinfo is None else t


def render() -> None:
    st.title("Hot spots")
    services = read(profiled_services)
    if not services:
        hint = "Or profile one program now: `efficiency profile --service NAME -- CMD ...`."
        ui.empty("No profiles stored yet.", ui.AGENT_HINT, hint)
        return
    a, b = st.columns([1, 2])
    with a:
        service = ui.choice("Service", services, "service")
    with b:
        current = ui.param("mode", "flame")
        index = list(MODES).index(current) if current in MODES else 0
        mode = st.radio("View", list(MODES), format_func=MODES.get, horizontal=True,
                        key="w_mode", index=index)  # fmt: skip
    span = read(profile_span, service)
    if span is None:
        st.info(f"No profile windows for {service}.")
        return
    first, last = span
    last_end = last + timedelta(minutes=10)
    picked = (
        _flame(service, first, last_end) if mode == "flame" else _diff(service, first, last_end)
    )
    if picked is not None:
        counts, paths, marks = picked
        _function(service, counts, paths, marks, first, last_end)


#: what a view hands the function panel: stack counts, stack paths, moments to mark
Picked = tuple[dict[int, int], dict[int, tuple[str, ...]], list[datetime]]


def _flame(service: str, first: datetime, last: datetime) -> Picked | None:
    label = ui.choice("Range", list(RANGES), "range", "last day")
    start = max(first, last - timedelta(hours=RANGES[label]))
    ui.set_params(service=service, mode="flame", range=label)
    counts = read(stack_counts, service, start, last)
    if not counts.samples:
        st.info(f"No samples for {service} in that range.")
        return None
    cores = f", {counts.cores:.2f} cores busy" if counts.cores is not None else ""
    st.caption(f"{ui.when(start)} to {ui.when(last)} UTC: {counts.windows} windows, "
               f"{counts.samples:,} samples{cores}")  # fmt: skip
    nodes = flame.flame_nodes(counts.counts, counts.paths)
    st.plotly_chart(charts.icicle(nodes, f"{service}: where the time goes"),
                    width="stretch", key="flame")  # fmt: skip
    return counts.counts, counts.paths, []


def _diff(service: str, first: datetime, last: datetime) -> Picked | None:
    events = read(service_events, service)
    labels = {e["at"].isoformat(): f"{ui.when(e['at'])} {e['label']}" for e in events}
    a, b = st.columns([2, 1])
    with a:
        options = [*labels, "custom"]
        default = next(iter(labels), "custom")
        picked = ui.choice("Compare before and after", options, "at", default,
                           format_func=lambda k: labels.get(k, "a time I choose"))  # fmt: skip
        at = _when(picked)
        if at is None:
            chosen = st.text_input("Time (UTC, ISO 8601)", value=ui.param("custom", ""),
                                   key="w_custom", placeholder="2026-03-02T10:00")  # fmt: skip
            at = _when(chosen)
            ui.set_params(custom=chosen)
    with b:
        width_label = ui.choice("Each side", list(WIDTHS), "width", "3 hours")
    ui.set_params(service=service, mode="diff", at=picked, width=width_label)
    if at is None:
        st.info("Choose a deploy or a detection, or type a time.")
        return None
    width = timedelta(hours=WIDTHS[width_label])
    before = read(stack_counts, service, max(first, at - width), at)
    after = read(stack_counts, service, at, min(last, at + width))
    if not before.samples or not after.samples:
        st.info("One side of that moment has no samples: choose another moment or width.")
        return None
    st.caption(f"before: {before.windows} windows, {before.samples:,} samples · after: "
               f"{after.windows} windows, {after.samples:,} samples")  # fmt: skip
    paths = {**before.paths, **after.paths}
    nodes = flame.diff_nodes(before.counts, after.counts, paths)
    st.plotly_chart(charts.diff_icicle(nodes, f"{service}: after {ui.when(at)} against before"),
                    width="stretch", key="diff")  # fmt: skip
    grew = nodes.iloc[1:].sort_values("delta", ascending=False)
    number = st.column_config.NumberColumn
    st.dataframe(grew[["function", "share_before", "share_after", "delta"]].head(8),
                 hide_index=True, width="stretch",
                 column_config={"share_before": number(format="%.3f"),
                                "share_after": number(format="%.3f"),
                                "delta": number("change (pp)", format="%+.2f")})  # fmt: skip
    return after.counts, paths, [at]


def _function(
    service: str, counts: dict[int, int], paths: dict[int, tuple[str, ...]],
    marks: list[datetime], first: datetime, last: datetime,
) -> None:  # fmt: skip
    """A function's share over time, and the playbooks that match it."""
    top = flame.top_functions(counts, paths)
    if top.empty:
        return
    names = top["function"].tolist()
    function = ui.choice("Function", names, "function", names[0])
    ui.set_params(function=function)
    own, anywhere = flame.stacks_with(paths, function)
    bucket = 3600 if (last - first) > timedelta(days=2) else 600
    series = read(share_series, service, first, last, frozenset(own), frozenset(anywhere), bucket)
    st.plotly_chart(charts.share_series(series, function, marks), width="stretch",
                    key="share")  # fmt: skip
    matched = read(hotspot_playbooks, service).get(function, [])
    if not matched:
        st.caption("No playbook matches this function's hot spot (or hot spots were not ranked "
                   "yet: `efficiency hotspots list`).")  # fmt: skip
        return
    titles = {p.id: p.title for p in load_playbooks()}
    st.markdown("**Matching playbooks:** " + ", ".join(
        f"{titles.get(p, p)} (`{p}`)" for p in matched))  # fmt: skip
    ui.link("proposals", "Proposals for this service", ":material/merge:", service=service)
