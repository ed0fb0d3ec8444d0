"""The capacity outlook: per service, the cores (and busy GPU-hours) it used each day over
the last weeks, a seasonal forecast for the next quarter with its interval, and the same
forecast less what the open proposals estimate they save.

History ends at the newest data in the store (event time, not the wall clock), so an outlook
of last month's data reads the same today and tomorrow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pandas as pd
from sqlalchemy.orm import Session

from efficiency.report.forecast import DEFAULT_MODEL, SeasonalForecaster, daily
from efficiency.store.capacity_queries import latest_data_at, service_cores, service_gpu_hours
from efficiency.store.savings_queries import open_proposal_savings

CORES = "cores"
GPU_HOURS = "busy GPU-hours / day"
HORIZON_DAYS = 91
HISTORY_WEEKS = 13
MARKS = (30, 60, 90)


@dataclass
class ServiceOutlook:
    service: str
    unit: str
    #: measured value per UTC day
    history: pd.Series
    #: per future day: mean, lower, upper, with_savings
    forecast: pd.DataFrame | None
    model: str
    level: float
    #: what the open proposals save, in the unit (cores, or GPU-hours a day)
    savings: float = 0.0
    note: str = ""

    def summary(self) -> dict[str, object]:
        """One row of the report's summary table."""
        row: dict[str, object] = {
            "service": self.service,
            "resource": self.unit,
            "model": self.model,
            "days measured": len(self.history),
            "last 7 days": round(float(self.history.iloc[-7:].mean()), 3),
            "open proposals save": round(self.savings, 3),
        }
        for days in MARKS:
            if self.forecast is None or len(self.forecast) < days:
                continue
            at = self.forecast.iloc[days - 1]
            row[f"+{days} d"] = round(float(at["mean"]), 3)
            row[f"+{days} d low"] = round(float(at["lower"]), 3)
            row[f"+{days} d high"] = round(float(at["upper"]), 3)
            row[f"+{days} d with savings"] = round(float(at["with_savings"]), 3)
        return row

    def long(self) -> pd.DataFrame:
        """Every day, measured and forecast, as rows ``service, resource, day, kind, value,
        lower, upper``."""
        hist = pd.DataFrame({"day": self.history.index, "kind": "measured",
                             "value": self.history.to_numpy()})  # fmt: skip
        parts = [hist]
        if self.forecast is not None:
            fc = self.forecast
            parts.append(pd.DataFrame({"day": fc.index, "kind": "forecast",
                                       "value": fc["mean"].to_numpy(),
                                       "lower": fc["lower"].to_numpy(),
                                       "upper": fc["upper"].to_numpy()}))  # fmt: skip
            parts.append(pd.DataFrame({"day": fc.index, "kind": "forecast with savings",
                                       "value": fc["with_savings"].to_numpy()}))  # fmt: skip
        out = pd.concat(parts, ignore_index=True)
        out.insert(0, "resource", self.unit)
        out.insert(0, "service", self.service)
        out["day"] = pd.to_datetime(out["day"]).dt.strftime("%Y-%m-%d")
        return out


@dataclass
class CapacityOutlook:
    generated_at: datetime
    history_start: datetime | None
    history_end: datetime | None
    horizon_days: int
    services: list[ServiceOutlook] = field(default_factory=list)

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame([s.summary() for s in self.services])

    def long(self) -> pd.DataFrame:
        if not self.services:
            return pd.DataFrame(
                columns=["service", "resource", "day", "kind", "value", "lower", "upper"]
            )
        return pd.concat([s.long() for s in self.services], ignore_index=True)

    def assumptions(self) -> list[tuple[str, str]]:
        def day(t: datetime | None) -> str:
            return t.date().isoformat() if t else "-"

        return [
            ("history", f"{day(self.history_start)} to {day(self.history_end)} (UTC days)"),
            ("forecast", f"{self.horizon_days} days ahead, daily"),
            (
                "cores",
                "samples / sampling rate over the seconds profiled, per host and "
                "process, summed: average busy cores while profiled",
            ),
            (
                "GPU-hours",
                "mean NVML utilization x hours measured, per GPU; a GPU belongs to "
                "the services whose traces came from its host",
            ),
            (
                "model",
                f"{DEFAULT_MODEL} unless noted (chosen by a backtest on public series, "
                "docs/benchmarks.md); 80% prediction interval",
            ),
            (
                "with savings",
                "the forecast less the average cores (GPU-hours a day) the open "
                "proposals estimate they save, from the first day ahead",
            ),
            ("generated", self.generated_at.isoformat(timespec="seconds").replace("+00:00", "Z")),
        ]


def forecast_outlook(
    service: str, unit: str, values: pd.Series, savings: float, horizon: int,
    model: str = DEFAULT_MODEL,
) -> ServiceOutlook:  # fmt: skip
    """The outlook of one daily series (``values`` indexed by day)."""
    history = daily(values)
    forecaster = SeasonalForecaster(model).fit(history)
    fc = forecaster.predict(horizon)
    frame = fc.frame.copy()
    frame["with_savings"] = (frame["mean"] - savings).clip(lower=0.0)
    note = ""
    if forecaster.used_model != model:
        note = f"{len(history)} days measured: too few for a weekly season, flat forecast"
    return ServiceOutlook(service, unit, history, frame, forecaster.used_model, fc.level,
                          savings, note)  # fmt: skip


def data_end(session: Session) -> datetime | None:
    """The newest profile window start or metric point: where the history ends."""
    return latest_data_at(session)


def build_capacity_outlook(
    session: Session,
    service: str | None = None,
    weeks: int = HISTORY_WEEKS,
    horizon: int = HORIZON_DAYS,
    gpu: bool = True,
    now: datetime | None = None,
) -> CapacityOutlook:
    """The outlook of ``service`` (default: every profiled service, and every service with
    GPU metrics), over the ``weeks`` before the newest data."""
    end = data_end(session)
    outlook = CapacityOutlook(now or datetime.now(UTC), None, end, horizon)
    if end is None:
        return outlook
    day_end = end.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    start = day_end - timedelta(weeks=weeks)
    outlook.history_start = start
    saves = open_proposal_savings(session)
    cores = service_cores(session, start, day_end, service)
    for svc, rows in cores.groupby("service", sort=True):
        series = rows.set_index("at")["cores"]
        outlook.services.append(
            forecast_outlook(str(svc), CORES, series, saves.get(str(svc), (0.0, 0.0))[0], horizon)
        )
    if gpu:
        hours = service_gpu_hours(session, start, day_end)
        if service:
            hours = hours[hours["service"] == service]
        for svc, rows in hours.groupby("service", sort=True):
            series = rows.set_index("at")["gpu_hours"]
            saved = saves.get(str(svc), (0.0, 0.0))[1] * 24
            outlook.services.append(forecast_outlook(str(svc), GPU_HOURS, series, saved, horizon))
    return outlook
