"""Run one canary analysis over the store: read both sides' windows, judge, record the run.

Shared by ``efficiency canary`` and ``POST /api/v1/canary``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from efficiency.config import Config
from efficiency.detect.canary import CanaryThresholds, CanaryVerdict, Window, analyze
from efficiency.detect.canary_verdict import fold
from efficiency.ingest.errors import InputError
from efficiency.report.costs import CostModel
from efficiency.stages.canary_checks import run_checks
from efficiency.store.canary_queries import selected_windows, service_cores
from efficiency.store.canary_runs import create_run, finish_run, set_rollback
from efficiency.store.db import Database


def parse_selector(text: str, field: str) -> dict[str, list[str]]:
    """``version=v2`` or ``host=a,b`` (several ``key=value`` joined by ``;``)."""
    out: dict[str, list[str]] = {}
    for part in text.split(";"):
        key, eq, values = part.partition("=")
        key = key.strip()
        vals = [v.strip() for v in values.split(",") if v.strip()]
        if not eq or not key or not vals:
            raise InputError(field, f"expected key=value[,value...], got {part!r}")
        out[key] = vals
    return out


def judge(
    db: Database, config: Config, service: str, canary: str, control: str,
    start: datetime | None = None, end: datetime | None = None,
) -> CanaryVerdict:  # fmt: skip
    """The verdict of ``canary`` against ``control`` (selector texts) for ``service``."""
    canary_m = parse_selector(canary, "canary")
    control_m = parse_selector(control, "control")
    if start and end and end <= start:
        raise InputError("to", "must be after from")
    th = CanaryThresholds(**config.canary.for_service(service))
    with db.session() as s:
        c = selected_windows(s, service, canary_m, start, end)
        k = selected_windows(s, service, control_m, start, end)
        cores = service_cores(s, service, start, end)
    verdict = analyze(
        [Window(w.host, w.stacks) for w in c], [Window(w.host, w.stacks) for w in k], th,
        service_cores=cores, cost=CostModel.from_config(config.costs),
    )  # fmt: skip
    # error, latency, CPU per request and GPU kernel time (efficiency/stages/canary_checks.py)
    checks = run_checks(db, config, service, canary_m, control_m, start, end, c, k)
    return fold(verdict, checks)


def run_and_record(
    db: Database, config: Config, service: str, canary: str, control: str,
    start: datetime | None = None, end: datetime | None = None, deliver: bool = True,
) -> int:  # fmt: skip
    """Judge and keep the run in ``canary_runs`` (see :func:`record`); returns its id. Bad
    selectors raise before anything is written."""
    parse_selector(canary, "canary")
    parse_selector(control, "control")
    verdict = judge(db, config, service, canary, control, start, end)
    return record(db, config, service, canary, control, start, end, verdict, deliver)


def record(
    db: Database, config: Config, service: str, canary: str, control: str,
    start: datetime | None, end: datetime | None, verdict: CanaryVerdict, deliver: bool = True,
) -> int:  # fmt: skip
    """Keep ``verdict`` as a run; a ``fail`` plans its rollback hook, the owning team's page
    and an incident linked to the deploy in the same transaction (``stages.rollback``),
    then, with ``deliver``, sends them from this process (what fails is retried by the
    daemon). Returns the run's id."""
    from efficiency.services import load_services
    from efficiency.stages.rollback import deliver_fired, plan_rollback

    path = config.notify.services_file
    catalog = load_services(path) if path and verdict.verdict == "fail" else None
    request: dict[str, Any] = {
        "canary": canary, "control": control,
        "from": start.isoformat() if start else None, "to": end.isoformat() if end else None,
    }  # fmt: skip
    result = verdict.to_json()
    now = datetime.now(UTC)
    fired: dict[str, Any] | None = None
    with db.session() as s:
        run_id = create_run(s, service, request)
        finish_run(s, run_id, result)
        if verdict.verdict == "fail":
            fired = plan_rollback(s, config, catalog, run_id, service, request, result, now)
            set_rollback(s, run_id, fired)
    if fired is not None and deliver:
        deliver_fired(db, config, catalog, fired, datetime.now(UTC))
    return run_id
