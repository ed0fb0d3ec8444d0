"""Plotly figures of the dashboard's own views: an incident's timeline and evidence graph,
and flame graphs (plain and differential) as icicles."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import networkx as nx
import pandas as pd
import plotly.graph_objects as go

SEVERITY_COLOR = {"critical": "#d62728", "error": "#ff7f0e", "warning": "#e3b505",
                  "info": "#7f7f7f"}  # fmt: skip
KIND_COLOR = {"alerts": "#d62728", "detection": "#9467bd", "change": "#1f77b4"}
MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}
#: for charts read, not explored: no tool bar over the title
STATIC = {"displayModeBar": False}


def _t(value: str | datetime | None) -> datetime | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def timeline(detail: dict[str, Any]) -> go.Figure:
    """Alerts (as bars from start to end, by severity), detections (onsets) and deploys on
    one time axis, with the incident's opening and resolution marked."""
    fig = go.Figure()
    alerts = detail["alerts"]
    for severity, color in SEVERITY_COLOR.items():
        mine = [a for a in alerts if (a["severity"] or "warning") == severity]
        if not mine:
            continue
        starts = [_t(a["starts_at"]) for a in mine]
        ends = [_t(a["ends_at"]) or _t(detail["resolved_at"]) or _t(detail["updated_at"])
                for a in mine]  # fmt: skip
        fig.add_trace(go.Scatter(
            x=[v for s, e in zip(starts, ends, strict=True) for v in (s, e, None)],
            y=[v for a in mine for v in (f"alert: {a['alertname'] or a['fingerprint']}",) * 3],
            mode="lines+markers", line={"color": color, "width": 6}, name=f"alerts ({severity})",
            hovertext=[v for a in mine for v in (f"{a['service']} {a['alertname']}",) * 3],
        ))  # fmt: skip
    if detail["detections"]:
        d = detail["detections"]
        fig.add_trace(go.Scatter(
            x=[_t(x["onset_at"]) for x in d], y=[f"detection: {x['service']}" for x in d],
            mode="markers", marker={"symbol": "diamond", "size": 12, "color": "#9467bd"},
            name="detections", hovertext=[f"{x['kind']} {x['function']}" for x in d],
        ))  # fmt: skip
    if detail["changes"]:
        c = detail["changes"]
        fig.add_trace(go.Scatter(
            x=[_t(x["at"]) for x in c], y=[f"deploy: {x['service']}" for x in c],
            mode="markers", name="deploys",
            marker={"symbol": "triangle-up", "size": 13,
                    "color": ["#1f77b4" if x["suspected"] else "#aec7e8" for x in c]},
            hovertext=[f"{x['kind']} {x['version']} {'(suspected)' if x['suspected'] else ''}"
                       for x in c],
        ))  # fmt: skip
    for label, at in (("opened", detail["opened_at"]), ("resolved", detail["resolved_at"])):
        if at:
            fig.add_vline(x=_t(at), line_dash="dot", line_color="#555")
            fig.add_annotation(x=_t(at), y=1, yref="paper", text=label, showarrow=False)
    rows = len({y for trace in fig.data for y in (trace.y or ()) if y})
    fig.update_layout(
        title="Timeline", height=160 + 22 * min(rows, 30), margin=MARGIN,
        legend={"orientation": "h", "y": -0.3}, yaxis={"automargin": True},
    )  # fmt: skip
    return fig


def evidence_graph(graph: nx.Graph) -> go.Figure:
    """The incident's evidence graph: alert buckets, detections and deploys, edges as thick
    as their weight."""
    pos = nx.spring_layout(graph, seed=7, weight="weight") if graph.number_of_nodes() else {}
    fig = go.Figure()
    for u, v, data in graph.edges(data=True):
        (x0, y0), (x1, y1) = pos[u], pos[v]
        fig.add_trace(go.Scatter(x=[x0, x1], y=[y0, y1], mode="lines", hoverinfo="text",
                                 text=f"weight {data.get('weight', 0):.2f}", showlegend=False,
                                 line={"width": 1 + 2 * min(float(data.get("weight", 0)), 3),
                                       "color": "#999"}))  # fmt: skip
    for kind, color in KIND_COLOR.items():
        ids = [n for n, d in graph.nodes(data=True) if d["node"].kind == kind]
        if not ids:
            continue
        fig.add_trace(go.Scatter(
            x=[pos[n][0] for n in ids], y=[pos[n][1] for n in ids], mode="markers+text",
            marker={"size": [14 + min(len(graph.nodes[n]["node"].alerts), 30) for n in ids],
                    "color": color},
            text=[_node_label(graph.nodes[n]["node"]) for n in ids], textposition="top center",
            name={"alerts": "alert buckets", "detection": "detections",
                  "change": "deploys"}[kind],
        ))  # fmt: skip
    fig.update_layout(title="Correlation graph", height=420, margin=MARGIN,
                      xaxis={"visible": False}, yaxis={"visible": False})  # fmt: skip
    return fig


def _node_label(node: Any) -> str:
    service = ", ".join(sorted(node.services))
    if node.kind == "alerts":
        return f"{service} ({len(node.alerts)} alerts)"
    if node.kind == "detection" and node.detection is not None:
        return f"{service}: {node.detection.function or node.detection.kind}"
    if node.kind == "change" and node.change is not None:
        return f"{service} {node.change.version or 'deploy'}"
    return service


def icicle(nodes: pd.DataFrame, title: str) -> go.Figure:
    """A flame graph (root on top) of :func:`dashboards.flame.flame_nodes`."""
    fig = go.Figure(go.Icicle(
        ids=nodes["id"], parents=nodes["parent"], labels=nodes["label"], values=nodes["value"],
        branchvalues="total", tiling={"orientation": "v"}, maxdepth=14,
        customdata=nodes[["function", "share"]].to_numpy(),
        hovertemplate="%{customdata[0]}<br>%{value:.0f} samples (%{customdata[1]:.1%})"
                      "<extra></extra>",
        marker={"colors": nodes["depth"], "colorscale": "YlOrRd"},
    ))  # fmt: skip
    fig.update_layout(title=title, height=560, margin=MARGIN)
    return fig


def diff_icicle(nodes: pd.DataFrame, title: str) -> go.Figure:
    """A differential flame graph of :func:`dashboards.flame.diff_nodes`: red grew, blue
    shrank (percentage points of the service's time)."""
    span = max(1.0, float(nodes["delta"].iloc[1:].abs().max() or 1.0)) if len(nodes) > 1 else 1
    fig = go.Figure(go.Icicle(
        ids=nodes["id"], parents=nodes["parent"], labels=nodes["label"], values=nodes["value"],
        branchvalues="total", tiling={"orientation": "v"}, maxdepth=14,
        customdata=nodes[["function", "share_before", "share_after", "delta"]].to_numpy(),
        hovertemplate="%{customdata[0]}<br>before %{customdata[1]:.1%}, after "
                      "%{customdata[2]:.1%} (%{customdata[3]:+.2f} pp)<extra></extra>",
        marker={"colors": nodes["delta"], "colorscale": "RdBu_r", "cmin": -span, "cmax": span,
                "showscale": True, "colorbar": {"title": "pp"}},
    ))  # fmt: skip
    fig.update_layout(title=title, height=560, margin=MARGIN)
    return fig


def share_series(frame: pd.DataFrame, function: str, marks: Sequence[datetime] = ()) -> go.Figure:
    """A function's self and inclusive share per time bucket."""
    fig = go.Figure()
    fig.add_scatter(x=frame["at"], y=frame["self_share"], name="self share", mode="lines+markers")
    fig.add_scatter(x=frame["at"], y=frame["inclusive_share"], name="inclusive share",
                    mode="lines")  # fmt: skip
    for at in marks:
        fig.add_vline(x=at, line_dash="dot", line_color="#555")
    fig.update_layout(title=f"Share of the service's samples: {function}", height=300,
                      margin=MARGIN, yaxis={"tickformat": ".1%"},
                      legend={"orientation": "h", "y": -0.25})  # fmt: skip
    return fig
