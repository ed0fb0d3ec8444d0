"""HTML exports: one self-contained file (styles, plotly.js and the charts inline, no network),
printable (charts are kept whole on a page)."""

from __future__ import annotations

from functools import cache

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from efficiency.report import charts
from efficiency.report.capacity import CapacityOutlook
from efficiency.report.savings import DECIMALS, KINDS, LABELS, METRICS, SavingsReport


@cache
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("efficiency.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )


@cache
def _plotly_js() -> Markup:
    from plotly.offline import get_plotlyjs

    return Markup(get_plotlyjs())


def _chart(fig: object) -> Markup:
    html = fig.to_html(full_html=False, include_plotlyjs=False,  # type: ignore[attr-defined]
                       config={"displaylogo": False, "displayModeBar": False})  # fmt: skip
    return Markup(html)


def _table(frame: pd.DataFrame) -> Markup:
    numeric = set(frame.select_dtypes("number").columns)
    head = "".join(
        f'<th class="{"num" if c in numeric else ""}">{Markup.escape(str(c))}</th>'
        for c in frame.columns
    )
    body = []
    for values in frame.itertuples(index=False):
        cells = []
        for c, v in zip(frame.columns, values, strict=True):
            shown = "" if v is None or (isinstance(v, float) and pd.isna(v)) else v
            cls = ' class="num"' if c in numeric else ""
            cells.append(f"<td{cls}>{Markup.escape(str(shown))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return Markup(f"<table><tr>{head}</tr>{''.join(body)}</table>")


def savings_html(report: SavingsReport) -> str:
    template = _env().get_template("savings.html.j2")
    return template.render(
        title="efficiency savings report",
        subtitle=f"{report.period}, by {report.by}",
        plotly_js=_plotly_js(),
        kinds=KINDS,
        metrics=[(m, LABELS[m]) for m in METRICS],
        shown={
            k: {m: f"{v:,.{DECIMALS[m]}f}" for m, v in row.items()}
            for k, row in report.totals.items()
        },
        by=report.by,
        charts=[_chart(charts.savings_by_group(report)), _chart(charts.savings_over_time(report))],
        groups=_table(report.groups),
        proposals=_table(report.proposals),
        assumptions=report.assumptions(),
    )


def capacity_html(outlook: CapacityOutlook) -> str:
    template = _env().get_template("capacity.html.j2")
    return template.render(
        title="efficiency capacity outlook",
        subtitle=f"{outlook.horizon_days} days ahead, {len(outlook.services)} series",
        plotly_js=_plotly_js(),
        summary=_table(outlook.summary()),
        charts=[(s, _chart(charts.capacity(s))) for s in outlook.services],
        assumptions=outlook.assumptions(),
    )
