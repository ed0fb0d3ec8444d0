"""XLSX exports (openpyxl): a summary sheet with the totals, the assumptions and native charts,
then the detail sheets. Totals are written as values (what efficiency computed), so any reader,
openpyxl included, sees the numbers without recalculating formulas."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from efficiency.report.capacity import CapacityOutlook
from efficiency.report.savings import COLUMNS, KINDS, METRICS, SavingsReport, column

BOLD = Font(bold=True)


def _cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _table(ws: Worksheet, frame: pd.DataFrame, row: int, col: int = 1) -> tuple[int, int]:
    """Write ``frame`` with a bold header at (row, col); returns the first and last data
    row."""
    for j, name in enumerate(frame.columns):
        ws.cell(row, col + j, str(name)).font = BOLD
    for i, values in enumerate(frame.itertuples(index=False), start=1):
        for j, value in enumerate(values):
            ws.cell(row + i, col + j, _cell(value))
    return row + 1, row + len(frame)


def _pairs(ws: Worksheet, pairs: Iterable[tuple[str, str]], row: int) -> int:
    for key, value in pairs:
        ws.cell(row, 1, key).font = BOLD
        ws.cell(row, 2, value)
        row += 1
    return row


def _widths(ws: Worksheet, width: int = 18) -> None:
    for j in range(1, ws.max_column + 1):
        ws.column_dimensions[get_column_letter(j)].width = width


def savings_xlsx(report: SavingsReport) -> bytes:
    """Sheets: Summary (totals, assumptions, per-group table, bar chart), Proposals (per
    proposal), Months (per month, with a line chart of the cumulative run rate)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Summary"
    ws["A1"] = "efficiency savings report"
    ws["A1"].font = Font(bold=True, size=14)
    ws.cell(3, 1, "total").font = BOLD
    for j, kind in enumerate(KINDS):
        ws.cell(3, 2 + j, kind).font = BOLD
    for i, m in enumerate(METRICS):
        ws.cell(4 + i, 1, m)
        for j, kind in enumerate(KINDS):
            ws.cell(4 + i, 2 + j, report.totals[kind][m])
    row = _pairs(ws, report.assumptions(), 4 + len(METRICS) + 1) + 1
    first, last = _table(ws, report.groups, row)
    if last >= first:
        chart = BarChart()
        chart.title, chart.y_axis.title = f"$ / month by {report.by}", "$ / month"
        for kind in KINDS:
            j = list(report.groups.columns).index(column(kind, "dollars")) + 1
            chart.add_data(
                Reference(ws, min_col=j, min_row=row, max_row=last), titles_from_data=True
            )
        chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
        chart.width, chart.height = 18, 9
        ws.add_chart(chart, "F3")
    _widths(ws)
    detail = wb.create_sheet("Proposals")
    _table(detail, report.proposals, 1)
    _widths(detail)
    months = wb.create_sheet("Months")
    frame = report.months.sort_values("month").reset_index(drop=True)
    cumulative = frame[["month"]].copy()
    for kind in KINDS:
        cumulative[f"{kind} $ / month, cumulative"] = frame[column(kind, "dollars")].cumsum()
    _table(months, frame.reindex(columns=["month", *COLUMNS]), 1)
    col = len(COLUMNS) + 3
    first, last = _table(months, cumulative, 1, col)
    if last >= first:
        line = LineChart()
        line.title, line.y_axis.title = "Savings run rate (cumulative)", "$ / month"
        line.add_data(Reference(months, min_col=col + 1, max_col=col + 2, min_row=1,
                                max_row=last), titles_from_data=True)  # fmt: skip
        line.set_categories(Reference(months, min_col=col, min_row=first, max_row=last))
        months.add_chart(line, f"{get_column_letter(col)}{last + 3}")
    _widths(months)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def capacity_xlsx(outlook: CapacityOutlook) -> bytes:
    """Sheets: Summary (per service: now, +30/+60/+90 days with interval and with savings;
    assumptions), then one sheet per service and resource with its days and a line chart."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Summary"
    ws["A1"] = "efficiency capacity outlook"
    ws["A1"].font = Font(bold=True, size=14)
    row = _pairs(ws, outlook.assumptions(), 3) + 1
    _table(ws, outlook.summary(), row)
    _widths(ws)
    names: set[str] = set()
    for s in outlook.services:
        name = _sheet_name(f"{s.service} {'gpu' if 'GPU' in s.unit else 'cpu'}", names)
        sheet = wb.create_sheet(name)
        frame = _days(s.long())
        first, last = _table(sheet, frame, 1)
        if last >= first:
            chart = LineChart()
            chart.title, chart.y_axis.title = f"{s.service}: {s.unit}", s.unit
            chart.add_data(Reference(sheet, min_col=2, max_col=frame.shape[1], min_row=1,
                                     max_row=last), titles_from_data=True)  # fmt: skip
            chart.set_categories(Reference(sheet, min_col=1, min_row=first, max_row=last))
            chart.width, chart.height = 24, 10
            sheet.add_chart(chart, "H2")
        _widths(sheet, 14)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _days(long: pd.DataFrame) -> pd.DataFrame:
    """One row per day: measured, forecast, its interval, and the forecast with savings."""
    wide = long.pivot_table(index="day", columns="kind", values="value", aggfunc="first")
    bounds = long[long["kind"] == "forecast"].set_index("day")[["lower", "upper"]]
    wide = wide.join(bounds, how="left")
    order = ["measured", "forecast", "lower", "upper", "forecast with savings"]
    return wide.reindex(columns=[c for c in order if c in wide.columns]).reset_index()


def _sheet_name(text: str, taken: set[str]) -> str:
    """A valid, unique sheet name (31 characters, none of ``[]:*?/\\``)."""
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in text)[:28] or "sheet"
    name, n = clean, 2
    while name in taken:
        name, n = f"{clean[:25]} {n}", n + 1
    taken.add(name)
    return name
