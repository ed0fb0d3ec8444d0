"""CSV exports: one table per file, the report's assumptions first as ``# key: value``
comment lines (``pandas.read_csv(path, comment="#")`` reads the table as is)."""

from __future__ import annotations

import io

import pandas as pd

from efficiency.report.capacity import CapacityOutlook
from efficiency.report.savings import COLUMNS, SavingsReport


def _header(pairs: list[tuple[str, str]], title: str) -> str:
    lines = [f"# {title}"] + [f"# {k}: {v}" for k, v in pairs]
    return "\n".join(lines) + "\n"


def savings_csv(report: SavingsReport) -> str:
    """Rows of ``level`` total, group and proposal: the totals, each group, each proposal,
    with estimated and realized cores, GPU-hours, kWh and dollars."""
    by = report.by
    total = {"level": "total", by: "all", **report.total_row()}
    groups = report.groups.assign(level="group")
    detail = report.proposals.assign(level="proposal")
    keys = ["level", by, "proposals", "proposal", "service", "team", "playbook", "status",
            "branch", "hot spot"]  # fmt: skip
    keys = list(dict.fromkeys(keys))  # ``by`` is one of service, team, playbook
    frame = pd.concat([pd.DataFrame([total]), groups, detail], ignore_index=True)
    frame = frame.reindex(columns=[*keys, *COLUMNS])
    out = io.StringIO()
    out.write(_header(report.assumptions(), "efficiency savings report"))
    frame.to_csv(out, index=False, lineterminator="\n")
    return out.getvalue()


def capacity_csv(outlook: CapacityOutlook) -> str:
    """Every day of every service, measured and forecast (with the interval), and the
    forecast less the open proposals' savings."""
    out = io.StringIO()
    out.write(_header(outlook.assumptions(), "efficiency capacity outlook"))
    outlook.long().to_csv(out, index=False, lineterminator="\n", float_format="%.4f")
    return out.getvalue()
