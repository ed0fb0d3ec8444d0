"""Capacity: per service, the cores (and busy GPU-hours) used each day over the last weeks,
the seasonal forecast for the next quarter with its 80% interval, and the same forecast less
what the open proposals save. The table of every service is its last two weeks, measured
(summed in SQL); the history and the forecast are read and fitted for the service chosen, so
the page stays fast with a fleet.

URL: ``?service=S&resource=cores|gpu&weeks=N``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import streamlit as st

from dashboards import ui
from dashboards.charts import STATIC
from dashboards.data import read
from efficiency.report import charts
from efficiency.report.capacity import (
    CORES,
    GPU_HOURS,
    HISTORY_WEEKS,
    HORIZON_DAYS,
    data_end,
    forecast_outlook,
)
from efficiency.report.forecast import ForecastError
from efficiency.store.capacity_queries import service_cores, service_gpu_hours
from efficiency.store.savings_queries import open_proposal_savings

RESOURCES = {"cores": CORES, "gpu": GPU_HOURS}


def render() -> None:
    st.title("Capacity outlook")
    end = read(data_end)
    if end is None:
        ui.empty("Nothing measured yet.", ui.AGENT_HINT)
        return
    try:
        weeks = max(2, min(104, int(ui.param("weeks", str(HISTORY_WEEKS)))))
    except ValueError:
        weeks = HISTORY_WEEKS
    day_end = end.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    start = day_end - timedelta(weeks=weeks)
    a, b = st.columns(2)
    with a:
        resource = ui.choice("Resource", list(RESOURCES), "resource", "cores",
                             format_func=RESOURCES.get)  # fmt: skip
    column = "cores" if resource == "cores" else "gpu_hours"
    recent = _measured(resource, day_end - timedelta(days=14), day_end)
    if recent.empty:
        st.info(f"No {RESOURCES[resource]} measured in the last two weeks.")
        return
    table = _table(recent, column)
    with b:
        service = ui.choice("Service", table["service"].tolist(), "service")
    ui.set_params(resource=resource, service=service,
                  weeks=weeks if weeks != HISTORY_WEEKS else None)  # fmt: skip
    saves = read(open_proposal_savings).get(service, (0.0, 0.0))
    saved = saves[0] if resource == "cores" else saves[1] * 24
    history = _measured(resource, start, day_end, service)
    series = history[history["service"] == service].set_index("at")[column]
    try:
        outlook = forecast_outlook(service, RESOURCES[resource], series, saved, HORIZON_DAYS)
    except ForecastError as exc:
        st.info(f"No forecast: {exc}")
        return
    st.plotly_chart(charts.capacity(outlook), width="stretch", key="outlook", config=STATIC)
    if outlook.note:
        st.caption(outlook.note)
    summary = outlook.summary()
    cols = st.columns(4)
    cols[0].metric("last 7 days", ui.number(float(summary["last 7 days"])))  # type: ignore[arg-type]
    for col, days in zip(cols[1:], (30, 60, 90), strict=True):
        if f"+{days} d" in summary:
            col.metric(f"in {days} days", ui.number(float(summary[f"+{days} d"])),  # type: ignore[arg-type]
                       delta=f"{float(summary[f'+{days} d with savings']):,.3f} with savings",  # type: ignore[arg-type]
                       delta_color="off")  # fmt: skip
    st.caption(f"model: {outlook.model}; open proposals save {saved:,.3f} {RESOURCES[resource]}")
    st.subheader("Every service, the last two weeks (measured)")
    change = st.column_config.NumberColumn(format="percent")
    st.dataframe(table, hide_index=True, width="stretch", column_config={"change": change})
    st.caption("The full outlook of every service, as CSV, XLSX or HTML: `efficiency report "
               "capacity --format xlsx -o outlook.xlsx`.")  # fmt: skip


def _measured(resource: str, start: datetime, end: datetime, service: str = "") -> pd.DataFrame:
    if resource == "cores":
        return read(service_cores, start, end, service or None)
    return read(service_gpu_hours, start, end)


def _table(data: pd.DataFrame, column: str) -> pd.DataFrame:
    """Per service: the mean of the last 7 days and of the 7 before them; largest first."""
    rows = []
    for service, rows_of in data.groupby("service", sort=False):
        values = rows_of.sort_values("at")[column]
        last = values.iloc[-7:].mean()
        before = values.iloc[-14:-7].mean() if len(values) > 7 else None
        rows.append({
            "service": service, "last 7 days": last, "7 days before": before,
            "change": (last / before - 1) if before else None,
        })  # fmt: skip
    return pd.DataFrame(rows).sort_values("last 7 days", ascending=False).reset_index(drop=True)
