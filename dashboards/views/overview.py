"""Overview: open incidents by severity, pages sent and failed, the costliest hot spots,
savings estimated against realized this month, and collector and agent health."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import streamlit as st

from dashboards import ui
from dashboards.data import costs, read
from efficiency.links import page_url
from efficiency.report.savings import month_start
from efficiency.store.fleet_queries import fleet
from efficiency.store.overview_queries import incident_counts, page_counts, top_hotspots
from efficiency.store.savings_queries import savings_totals

SEVERITIES = ("critical", "error", "warning", "info")


def render() -> None:
    st.title("Overview")
    ui.live(_live)


def _live() -> None:
    now = datetime.now(UTC)
    counts = read(incident_counts)
    pages = read(page_counts, now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=24))
    spots = read(top_hotspots, 10)
    hosts = read(fleet)
    if not (counts or pages or spots or hosts):
        ui.empty("Nothing is stored yet.", ui.AGENT_HINT, ui.ALERTMANAGER_HINT)
    _incidents(counts)
    _pages(pages)
    _savings(now)
    _hotspots(spots)
    _health(hosts, now)


def _incidents(counts: list[dict[str, object]]) -> None:
    st.subheader("Open incidents")
    by = {s: 0 for s in SEVERITIES}
    acked = 0
    for c in counts:
        n = int(c["count"])  # type: ignore[call-overload]
        if c["status"] == "open":
            by[str(c["severity"])] = by.get(str(c["severity"]), 0) + n
        else:
            acked += n
    cols = st.columns(len(by) + 1)
    for col, (severity, n) in zip(cols, by.items(), strict=False):
        col.metric(severity, n)
    cols[-1].metric("acknowledged", acked)
    ui.link("incidents", "All active incidents", ":material/list:")


def _pages(rows: list[dict[str, object]]) -> None:
    st.subheader("Pages in the last 24 hours")
    states = {"sent": 0, "pending": 0, "failed": 0, "suppressed": 0}
    for r in rows:
        states[str(r["state"])] = states.get(str(r["state"]), 0) + int(r["count"])  # type: ignore[call-overload]
    cols = st.columns(len(states))
    labels = {"pending": "pending (retrying)", "failed": "failed for good",
              "suppressed": "held by a silence"}  # fmt: skip
    for col, (state, n) in zip(cols, states.items(), strict=True):
        col.metric(labels.get(state, state), n)


def _savings(now: datetime) -> None:
    st.subheader(f"Savings this month ({now:%B %Y})")
    totals = read(savings_totals, month_start(now), None)
    est, real = totals["estimated"], totals["realized"]
    a, b, c, d = st.columns(4)
    a.metric("estimated $ / month", ui.dollars(est["dollars"]))
    b.metric("realized $ / month", ui.dollars(real["dollars"]))
    c.metric("estimated cores", ui.number(est["cores"]))
    d.metric("realized cores", ui.number(real["cores"]))
    ui.link("savings", "Savings by service, team and playbook", ":material/savings:")


def _hotspots(spots: list[dict[str, object]]) -> None:
    st.subheader("Top hot spots by cost")
    if not spots:
        ui.empty("No hot spots yet.", "Hot spots come from profiles: `efficiency hotspots list` "
                 "ranks them (and the daemon refreshes them).")  # fmt: skip
        return
    model = costs()
    rows = []
    for s in spots:
        money = model.monthly(cores=float(s["cores"]), gpus=float(s["gpus"]))  # type: ignore[arg-type]
        rows.append({
            "service": s["service"], "frame": s["frame"], "runtime": s["runtime"],
            "cores": s["cores"], "GPUs": s["gpus"], "$ / month": money["dollars_per_month"],
            "playbooks": ", ".join(s["playbooks"]),  # type: ignore[arg-type]
            "open": page_url("", "hotspots", service=s["service"]),
        })  # fmt: skip
    frame = pd.DataFrame(rows).sort_values("$ / month", ascending=False)
    st.dataframe(
        frame, hide_index=True, width="stretch",
        column_config={"open": st.column_config.LinkColumn("open", display_text="flame graph"),
                       "cores": st.column_config.NumberColumn(format="%.3f"),
                       "GPUs": st.column_config.NumberColumn(format="%.3f"),
                       "$ / month": st.column_config.NumberColumn(format="$%.2f")},
    )  # fmt: skip


def _health(hosts: list[dict[str, object]], now: datetime) -> None:
    st.subheader("Collectors and agents")
    if not hosts:
        ui.empty("No host has reported yet.", ui.AGENT_HINT)
        return
    stale = now - timedelta(minutes=10)
    rows = []
    for h in hosts:
        seen = max(filter(None, [h["last_window_at"], h["last_metric_at"]]), default=None)
        errors = sum(h["collector_errors"].values())  # type: ignore[attr-defined]
        rows.append({
            "host": h["host"], "last seen": ui.when(seen),  # type: ignore[arg-type]
            "quiet": seen is None or datetime.fromisoformat(str(seen)) < stale,
            "spool batches": h["spool_batches"], "collector errors": errors,
        })  # fmt: skip
    frame = pd.DataFrame(rows)
    a, b, c = st.columns(3)
    a.metric("hosts", len(frame))
    b.metric("quiet for 10 minutes", int(frame["quiet"].sum()))
    c.metric("collector errors (total)", int(frame["collector errors"].fillna(0).sum()))
    st.dataframe(frame.sort_values(["quiet", "collector errors"], ascending=False).head(10),
                 hide_index=True, width="stretch")  # fmt: skip
    ui.link("fleet", "The whole fleet", ":material/dns:")
