"""The exports open and agree with the dashboard: `efficiency report savings` as CSV (pandas),
XLSX (openpyxl reads it back, charts included) and HTML (rendered in Chromium to a PNG, its
totals read from the page) show the totals the Savings page shows; `report capacity` writes
its outlook in the three formats."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
from click.testing import CliRunner
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from efficiency.cli import cli
from efficiency.report.savings import KINDS, LABELS, METRICS
from tests.browser import chromium
from tests.dashboards.conftest import problems
from tests.dashboards.fill import Filled

TOTALS_IN_PAGE = """[...document.querySelectorAll('#totals td[data-kind]')].map(td =>
  [td.dataset.kind, td.dataset.metric, parseFloat(td.innerText.replace(/,/g, ''))])"""
CHARTS_DRAWN = """(() => { const c = [...document.querySelectorAll('.plotly-graph-div')];
  return c.length > 0 && c.every(d => d.querySelector('.main-svg')); })()"""


def report(store: Filled, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--config", str(store.config), "--db", str(store.db),
                                      "report", *args])  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.output


def page_totals(at: AppTest) -> dict[tuple[str, str], float]:
    shown = {m.label: m.value for m in at.metric}
    return {
        (k, m): float(shown[f"{k} {LABELS[m]}"].replace("$", "").replace(",", ""))
        for k in KINDS
        for m in METRICS
    }


def test_savings_exports_show_the_dashboards_totals(
    app: Callable[..., AppTest], store: Filled, tmp_path: Path
) -> None:
    at = app("savings", by="playbook")
    assert problems(at) == []
    expected = page_totals(at)
    assert expected[("realized", "dollars")] > 0 and expected[("estimated", "dollars")] > 0

    csv, xlsx, html = (tmp_path / f"savings.{ext}" for ext in ("csv", "xlsx", "html"))
    for path in (csv, xlsx, html):
        out = report(store, "savings", "--by", "playbook", "-o", str(path))
        assert path.name in out
    frame = pd.read_csv(csv, comment="#")
    total = frame[frame["level"] == "total"].iloc[0]
    assert {(k, m): float(total[f"{k} {LABELS[m]}"]) for k in KINDS for m in METRICS} == expected
    assert set(frame["level"]) == {"total", "group", "proposal"}
    assert "# core-hour: $0.04" in csv.read_text()

    book = load_workbook(xlsx)
    summary = book["Summary"]
    read_back = {(kind, summary.cell(4 + i, 1).value): summary.cell(4 + i, 2 + j).value
                 for i in range(len(METRICS)) for j, kind in enumerate(KINDS)}  # fmt: skip
    assert {k: float(v) for k, v in read_back.items()} == expected
    assert len(summary._charts) == 1 and len(book["Months"]._charts) == 1
    assert book["Proposals"].max_row - 1 == len(frame[frame["level"] == "proposal"])
    assert any(summary.cell(r, 1).value == "PUE" for r in range(1, 30))

    png = tmp_path / "savings-html.png"
    with chromium(tmp_path) as browser:
        browser.navigate(html.resolve().as_uri())
        browser.wait_for(CHARTS_DRAWN, what="the report's charts drawn")
        in_page = browser.evaluate(TOTALS_IN_PAGE)
        browser.screenshot(png)
    assert {(k, m): v for k, m, v in in_page} == expected
    assert png.stat().st_size > 20_000  # a page with text and charts, not a blank one
    assert "https://" not in html.read_text().split("<body>")[1][:2000]  # nothing fetched


def test_capacity_outlook_in_three_formats(store: Filled, tmp_path: Path) -> None:
    csv, xlsx, html = (tmp_path / f"capacity.{ext}" for ext in ("csv", "xlsx", "html"))
    report(store, "capacity", "-o", str(csv))
    # the spreadsheet and the page for two series (each series is one forecast fit)
    for path in (xlsx, html):
        report(store, "capacity", "--service", "checkout", "-o", str(path))
    frame = pd.read_csv(csv, comment="#")
    series = frame[["service", "resource"]].drop_duplicates()
    assert set(series["service"]) >= {"checkout", "search", "thumbnailer", "trainer"}
    forecast = frame[(frame["kind"] == "forecast") & (frame["service"] == "checkout")]
    assert len(forecast) == 91 and (forecast["lower"] <= forecast["value"]).all()
    with_savings = frame[(frame["kind"] == "forecast with savings")
                         & (frame["service"] == "thumbnailer")]  # fmt: skip
    plain = frame[(frame["kind"] == "forecast") & (frame["service"] == "thumbnailer")
                  & (frame["resource"] == "cores")]  # fmt: skip
    # the open proposal's estimate comes off the thumbnailer's forecast
    assert (with_savings["value"].to_numpy() < plain["value"].to_numpy()).all()
    book = load_workbook(xlsx)
    assert book.sheetnames == ["Summary", "checkout cpu"]
    assert all(len(book[name]._charts) == 1 for name in book.sheetnames[1:])
    with chromium(tmp_path) as browser:
        browser.navigate(html.resolve().as_uri())
        browser.wait_for(CHARTS_DRAWN, what="the outlook's charts drawn")
        browser.screenshot(tmp_path / "capacity-html.png")
        headings = browser.evaluate("[...document.querySelectorAll('h2')].map(h => h.innerText)")
    assert "checkout: cores" in headings
    out = CliRunner().invoke(cli, ["--db", str(store.db), "report", "capacity", "--service",
                                   "nope", "-o", str(tmp_path / "x.csv")])  # fmt: skip
    assert out.exit_code == 2 and "no profiles or GPU metrics stored for nope" in out.output
    assert not (tmp_path / "x.csv").exists()
