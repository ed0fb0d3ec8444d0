"""Plotly figures of the savings and capacity reports, drawn the same way in the dashboard and
in the HTML exports (so a printed report looks like the page it came from)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go

from efficiency.report.savings import column

if TYPE_CHECKING:
    from efficiency.report.capacity import ServiceOutlook
    from efficiency.report.savings import SavingsReport

ESTIMATED, REALIZED = "#8da0cb", "#1b9e77"
LAYOUT = {"margin": {"l": 50, "r": 20, "t": 60, "b": 40}, "height": 360,
          "legend": {"orientation": "h", "y": -0.2}, "title_x": 0.0}  # fmt: skip


def savings_by_group(report: SavingsReport, metric: str = "dollars") -> go.Figure:
    """Estimated against realized, per group, as grouped bars."""
    frame = report.groups
    fig = go.Figure()
    for kind, color in (("estimated", ESTIMATED), ("realized", REALIZED)):
        fig.add_bar(x=frame[report.by].astype(str), y=frame[column(kind, metric)], name=kind,
                    marker_color=color)  # fmt: skip
    title = "dollars a month" if metric == "dollars" else metric
    fig.update_layout(title=f"Savings by {report.by}: {title}", barmode="group", **LAYOUT)
    return fig


def savings_over_time(report: SavingsReport, metric: str = "dollars") -> go.Figure:
    """The run rate found and realized by the end of each month (cumulative)."""
    frame = report.months.sort_values("month")
    fig = go.Figure()
    for kind, color in (("estimated", ESTIMATED), ("realized", REALIZED)):
        fig.add_scatter(x=frame["month"], y=frame[column(kind, metric)].cumsum(), name=kind,
                        mode="lines+markers", line={"color": color})  # fmt: skip
    fig.update_layout(title="Savings run rate over time (cumulative, per month)",
                      xaxis={"type": "category"}, **LAYOUT)  # fmt: skip
    return fig


def capacity(outlook: ServiceOutlook) -> go.Figure:
    """History, the forecast with its interval, and the forecast less the open proposals'
    savings."""
    fig = go.Figure()
    hist = outlook.history
    fc = outlook.forecast
    unit = outlook.unit
    fig.add_scatter(x=hist.index, y=hist.to_numpy(), name="measured", mode="lines",
                    line={"color": "#333"})  # fmt: skip
    if fc is not None and not fc.empty:
        band_x = pd.concat([pd.Series(fc.index), pd.Series(fc.index[::-1])])
        band_y = pd.concat([fc["upper"], fc["lower"][::-1]])
        fig.add_scatter(x=band_x, y=band_y, fill="toself", fillcolor="rgba(141,160,203,0.25)",
                        line={"width": 0}, name=f"{outlook.level:.0%} interval",
                        hoverinfo="skip")  # fmt: skip
        fig.add_scatter(x=fc.index, y=fc["mean"], name=f"forecast ({outlook.model})",
                        mode="lines", line={"color": ESTIMATED})  # fmt: skip
        if outlook.savings > 0:
            fig.add_scatter(x=fc.index, y=fc["with_savings"], mode="lines",
                            name="forecast with the open proposals' savings",
                            line={"color": REALIZED, "dash": "dash"})  # fmt: skip
    fig.update_layout(title=f"{outlook.service}: {unit}", yaxis_title=unit, **LAYOUT)
    return fig
