"""Savings: estimated against realized cores, GPU-hours, kWh and dollars over time, by
service, team or playbook, with a download of every export. The page and the exports are one
:class:`~efficiency.report.savings.SavingsReport`, so their totals are the same numbers.

URL: ``?by=service|team|playbook&from=YYYY-MM-DD&to=YYYY-MM-DD``.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboards import ui
from dashboards.charts import STATIC
from dashboards.data import costs, read
from efficiency.report import charts
from efficiency.report.savings import (
    DECIMALS,
    KINDS,
    LABELS,
    METRICS,
    SavingsReport,
    build_savings_report,
)
from efficiency.store.savings_queries import GROUPS


def render() -> None:
    st.title("Savings")
    a, b, c = st.columns(3)
    with a:
        by = ui.choice("Group by", GROUPS, "by", "service")
    with b:
        start = _day("From", "from")
    with c:
        end = _day("To (inclusive)", "to")
    ui.set_params(by=by, **{"from": start.isoformat() if start else None,
                            "to": end.isoformat() if end else None})  # fmt: skip
    t0 = ui.day_start(start) if start else None
    t1 = ui.day_end(end) if end else None
    report = read(build_savings_report, costs(), t0, t1, by)
    _totals(report.totals)
    if report.proposals.empty:
        ui.empty("No savings in this period.", "Savings come from proposals: `efficiency "
                 "propose` records an estimate; a merged, deployed fix records what it "
                 "realized.")  # fmt: skip
    else:
        left, right = st.columns(2)
        left.plotly_chart(
            charts.savings_by_group(report), width="stretch", key="groups", config=STATIC
        )
        right.plotly_chart(charts.savings_over_time(report), width="stretch", config=STATIC,
                           key="months")  # fmt: skip
        st.subheader(f"By {by}")
        st.dataframe(report.groups, hide_index=True, width="stretch")
        st.subheader("Per proposal")
        st.dataframe(report.proposals, hide_index=True, width="stretch")
    _downloads(report, by)
    with st.expander("Assumptions of the cost model"):
        st.table({k: [v] for k, v in report.assumptions()})


def _day(label: str, key: str) -> date | None:
    value = ui.param(key)
    try:
        default = date.fromisoformat(value) if value else None
    except ValueError:
        default = None
    picked = st.date_input(label, value=default, key=f"w_{key}")
    return picked if isinstance(picked, date) else None


def _totals(totals: dict[str, dict[str, float]]) -> None:
    """One row per kind (estimated, realized), one column per metric."""
    for kind in KINDS:
        cols = st.columns(len(METRICS))
        for col, metric in zip(cols, METRICS, strict=True):
            value = totals[kind][metric]
            shown = f"${value:,.2f}" if metric == "dollars" else f"{value:,.{DECIMALS[metric]}f}"
            col.metric(f"{kind} {LABELS[metric]}", shown)


def _downloads(report: SavingsReport, by: str) -> None:
    from efficiency.report.csv_export import savings_csv
    from efficiency.report.html_export import savings_html
    from efficiency.report.xlsx_export import savings_xlsx

    st.subheader("Export")
    a, b, c = st.columns(3)
    stem = f"efficiency-savings-by-{by}"
    # each file is made when its button is clicked, not on every render
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    a.download_button("CSV", lambda: savings_csv(report), f"{stem}.csv", "text/csv",
                      key="csv", on_click="ignore")  # fmt: skip
    b.download_button("Excel (XLSX)", lambda: savings_xlsx(report), f"{stem}.xlsx", xlsx,
                      key="xlsx", on_click="ignore")  # fmt: skip
    c.download_button("HTML (printable)", lambda: savings_html(report), f"{stem}.html",
                      "text/html", key="html", on_click="ignore")  # fmt: skip
    st.caption(f"The same report from the command line: `efficiency report savings --by {by} "
               "--format csv|xlsx|html -o FILE`.")  # fmt: skip
