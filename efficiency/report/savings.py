"""The savings report: estimated and realized cores, GPU-hours, kWh and dollars per group
(service, team or playbook), per proposal and per month, with the cost model's assumptions.

One :class:`SavingsReport` feeds the dashboard's Savings page and every export (CSV, XLSX,
HTML), so they all show the same totals: the numbers are summed in SQL
(:mod:`efficiency.store.savings_queries`) and rounded once, here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from efficiency.report.costs import HOURS_PER_MONTH, CostModel
from efficiency.store.savings_queries import (
    GROUPS,
    KINDS,
    METRICS,
    savings_by_group,
    savings_by_month,
    savings_by_proposal,
    savings_totals,
)

#: decimals each metric is reported with (everywhere: dashboard, CSV, XLSX, HTML)
DECIMALS = {"cores": 3, "gpu_hours": 2, "kwh": 2, "dollars": 2}
LABELS = {
    "cores": "cores",
    "gpu_hours": "GPU-hours / month",
    "kwh": "kWh / month",
    "dollars": "$ / month",
}
NO_GROUP = "(none)"


def column(kind: str, metric: str) -> str:
    """The column name of one kind and metric, e.g. ``estimated $ / month``."""
    return f"{kind} {LABELS[metric]}"


COLUMNS = [column(k, m) for m in METRICS for k in KINDS]


def _rounded(values: dict[str, float]) -> dict[str, float]:
    return {m: round(values.get(m, 0.0), DECIMALS[m]) for m in METRICS}


@dataclass
class SavingsReport:
    by: str
    start: datetime | None
    end: datetime | None
    generated_at: datetime
    costs: CostModel
    #: kind -> metric -> total, rounded
    totals: dict[str, dict[str, float]]
    groups: pd.DataFrame
    proposals: pd.DataFrame
    months: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    @property
    def period(self) -> str:
        def day(t: datetime | None, missing: str) -> str:
            return t.date().isoformat() if t else missing

        return f"{day(self.start, 'the beginning')} to {day(self.end, 'now')}"

    def total_row(self) -> dict[str, float]:
        """The totals as one row of :data:`COLUMNS`."""
        return {column(k, m): self.totals[k][m] for m in METRICS for k in KINDS}

    def assumptions(self) -> list[tuple[str, str]]:
        """What the numbers assume, written into every export."""
        c = self.costs
        return [
            ("period", f"{self.period} (ledger lines dated in it; UTC)"),
            ("grouped by", self.by),
            ("cores", "average cores saved, around the clock"),
            ("per month", f"{HOURS_PER_MONTH} hours (365.25 days / 12)"),
            ("core-hour", f"${c.dollars_per_core_hour:g}"),
            ("GPU-hour", f"${c.dollars_per_gpu_hour:g}"),
            ("power", f"{c.watts_per_core:g} W per busy core, {c.watts_per_gpu:g} W per busy GPU"),
            ("PUE", f"{c.pue:g} (facility energy / IT energy, in the kWh)"),
            (
                "estimated",
                "the playbook's fraction of the hot spot's cost, when the proposal "
                "was made; rejected proposals are left out",
            ),
            (
                "realized",
                "the detector's improvement on the function after the fix was "
                "deployed, priced by the same model",
            ),
            ("generated", self.generated_at.isoformat(timespec="seconds").replace("+00:00", "Z")),
        ]


def _wide(rows: list[dict[str, Any]], keys: list[str]) -> pd.DataFrame:
    """Rows per (keys..., kind) into one row per keys with estimated and realized columns."""
    out: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in rows:
        ident = tuple(r[k] for k in keys)
        row = out.setdefault(ident, {**{k: r[k] for k in keys}, **dict.fromkeys(COLUMNS, 0.0)})
        for m in METRICS:
            row[column(r["kind"], m)] += r[m]
    frame = pd.DataFrame(list(out.values()), columns=[*keys, *COLUMNS])
    for m in METRICS:
        for k in KINDS:
            frame[column(k, m)] = frame[column(k, m)].astype("float64").round(DECIMALS[m])
    return frame


def build_savings_report(
    session: Session,
    costs: CostModel,
    start: datetime | None = None,
    end: datetime | None = None,
    by: str = "service",
    now: datetime | None = None,
) -> SavingsReport:
    if by not in GROUPS:
        raise ValueError(f"by: one of {', '.join(GROUPS)}")
    totals = {k: _rounded(v) for k, v in savings_totals(session, start, end).items()}
    group_rows = savings_by_group(session, by, start, end)
    for r in group_rows:
        r[by] = r.pop("group") or NO_GROUP
    groups = _wide(group_rows, [by])
    counts = {}
    for r in group_rows:
        counts[r[by]] = max(counts.get(r[by], 0), r["proposals"])
    groups.insert(1, "proposals", [counts.get(g, 0) for g in groups[by]])
    groups = groups.sort_values(column("estimated", "dollars"), ascending=False)
    detail_rows = savings_by_proposal(session, start, end)
    for r in detail_rows:
        r["team"] = r["team"] or NO_GROUP
        r["proposal"] = r.pop("proposal_id")
    keys = ["proposal", "service", "team", "playbook", "status", "branch", "frame"]
    proposals = _wide(detail_rows, keys)
    proposals = proposals.rename(columns={"frame": "hot spot"})
    months = _wide(savings_by_month(session, start, end), ["month"])
    return SavingsReport(
        by=by, start=start, end=end, generated_at=now or datetime.now(UTC), costs=costs,
        totals=totals, groups=groups.reset_index(drop=True),
        proposals=proposals.reset_index(drop=True), months=months.reset_index(drop=True),
    )  # fmt: skip


def month_start(now: datetime) -> datetime:
    """The first instant of ``now``'s UTC month (the overview's "this month")."""
    now = now.astimezone(UTC)
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
