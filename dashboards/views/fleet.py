"""Fleet: every host that sent profiles or metrics, when it was last heard from, what runs
there, and what its agent says about itself (spool depth, oldest spooled batch, last ship,
collector errors)."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from dashboards import ui
from dashboards.data import read
from efficiency.store.fleet_queries import fleet


def render() -> None:
    st.title("Fleet")
    ui.live(_table)


def _table() -> None:
    hosts = read(fleet)
    if not hosts:
        ui.empty("No host has reported yet.", ui.AGENT_HINT)
        return
    now = datetime.now(UTC)
    rows = []
    for h in hosts:
        seen = max(filter(None, [h["last_window_at"], h["last_metric_at"]]), default=None)
        age = now - datetime.fromisoformat(seen) if seen else None
        rows.append({
            "host": h["host"],
            "services": ", ".join(h["services"]) or "-",
            "last seen": ui.when(seen),
            "minutes since": round(age.total_seconds() / 60, 1) if age is not None else None,
            "windows": h["windows"],
            "GPUs": h["gpus"],
            "spool batches": h["spool_batches"],
            "oldest spooled (s)": h["spool_oldest_age_s"],
            "dropped records": h["spool_dropped"],
            "last ship": ui.when(h["last_ship_at"]),
            "collector errors": ", ".join(f"{k}: {v}" for k, v in
                                          sorted(h["collector_errors"].items()) if v) or "-",
        })  # fmt: skip
    frame = pd.DataFrame(rows)
    quiet = frame["minutes since"].isna() | (frame["minutes since"] > 10)
    a, b, c = st.columns(3)
    a.metric("hosts", len(frame))
    b.metric("quiet for 10 minutes", int(quiet.sum()))
    c.metric("agents with a backlog", int((frame["spool batches"].fillna(0) > 0).sum()))
    st.dataframe(frame, hide_index=True, width="stretch")
    no_agent = frame["spool batches"].isna().sum()
    if no_agent:
        st.caption(f"{no_agent} host(s) send data without agent health: files imported by hand, "
                   "or an agent older than `agent.health_seconds`.")  # fmt: skip
