"""``efficiency demo``: the whole story on a small real fleet.

storefront, checkout and search are HTTP services on 127.0.0.1 (storefront calls the other
two) under a steady load, thumbnailer a batch worker; real py-spy profiles each in windows
into a fresh SQLite database while the demo scrapes their Prometheus metrics. The baseline
sets the latency alert thresholds; then version 2 of checkout is deployed (a rolling
restart, recorded as a change event), its callers slow down and alert (through a real
Prometheus and Alertmanager when installed), a detection pass finds the regressed function,
the daemon's passes open one incident blaming the deploy and page a local receiver once;
last, the thumbnailer's hot spots are proposed as fixes on git branches and the savings
report is written.
"""

from __future__ import annotations

import secrets
import socket
import subprocess
import time
from collections.abc import Callable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from collectors.errors import CollectorError
from collectors.pyspy import PySpyCollector
from efficiency.config import Config
from efficiency.demo.alerting import alerting
from efficiency.demo.fleet import Registry, Service, deploy, listing_in, start_service
from efficiency.demo.fleet import stop_services as stop_services
from efficiency.demo.incident import IncidentResult, PageReceiver, services_yaml
from efficiency.demo.load import start_load
from efficiency.demo.measure import Scraper
from efficiency.demo.remediation import REMEDIATED, remediate, savings_report, source_repo
from efficiency.demo.story_steps import (
    arm_rules,
    await_alerts,
    detect_step,
    hotspots_step,
    incident_step,
)
from efficiency.ingest.changes import ChangeIn, store_changes
from efficiency.ingest.metrics import store_metrics
from efficiency.ingest.profiles import store_collected_window
from efficiency.store.db import Database
from efficiency.store.profile_queries import ServiceProfile
from efficiency.tables import wide_console

#: started in this order: a caller after what it calls
SERVICES = ("checkout", "search", "storefront", "thumbnailer")
#: the service the demo deploys a new version of
DEPLOYED = "checkout"
#: the front door the load generator drives
FRONT = ("storefront", "/buy")


@dataclass
class DemoResult:
    db_url: str
    windows: int
    profiles: list[ServiceProfile]
    detections: list[dict[str, object]] = field(default_factory=list)
    proposals: list[dict[str, Any]] = field(default_factory=list)
    #: the deploy's change event id (None without a deploy)
    change_id: int | None = None
    incident: IncidentResult | None = None
    report_path: Path | None = None
    #: the alert names that fired, and those the rules defined
    alerts_fired: set[str] = field(default_factory=set)
    alerts_defined: set[str] = field(default_factory=set)
    metric_points: int = 0

    @property
    def dashboard_command(self) -> str:
        return f"efficiency dashboard --db {self.db_url}"

    def missing(self) -> list[str]:
        """What the story with a deploy lacks: empty when it is whole."""
        if self.change_id is None:
            return []
        gaps = [f"alert {n}" for n in sorted(self.alerts_defined - self.alerts_fired)]
        if not any(d["kind"] == "regression" for d in self.detections):
            gaps.append("a regression detection")
        inc = self.incident.incident if self.incident else None
        if inc is None:
            return [*gaps, "an incident"]
        if not any(c["id"] == self.change_id for c in inc["suspected_changes"]):
            gaps.append("the deploy as the incident's suspected change")
        if not any(rc["kind"] == "function" for rc in inc["root_causes"]):
            gaps.append("a function among the incident's root causes")
        if self.incident and len(self.incident.pages) != 1:
            gaps.append(f"exactly one page (got {len(self.incident.pages)})")
        return gaps


def start_services(
    names: tuple[str, ...] = SERVICES, scripts: Mapping[str, Path] | None = None
) -> dict[str, subprocess.Popen[bytes]]:
    """Start ``names``, each from its file in ``scripts`` when it has one there."""
    scripts = scripts or {}
    return {name: start_service(name, script=scripts.get(name)) for name in names}


def _profile_rounds(
    collector: PySpyCollector,
    procs: dict[str, subprocess.Popen[bytes]],
    db: Database,
    rounds: int,
    window_seconds: float,
    console: Console,
) -> int:
    windows = 0
    for r in range(rounds):
        running = {
            name: collector.start_window(proc.pid, window_seconds) for name, proc in procs.items()
        }
        for name, run in running.items():
            record = run.wait()
            proc = procs[name]
            if isinstance(proc, Service):
                record.labels["version"] = proc.version
            with db.session() as s:
                store_collected_window(s, name, socket.gethostname(), record)
            windows += 1
            console.print(
                f"   window {r + 1}/{rounds} {name:<12} pid {record.pid:<7} "
                f"{record.samples:>5} samples ingested"
            )
    return windows


#: a canary analysis step: (database, change event id, running processes by service)
CanaryStep = Callable[[Database, int, dict[str, "subprocess.Popen[bytes]"]], None]


def _record_deploy(db: Database) -> int:
    """Store the deploy of checkout v2 as a change event, as a deploy hook would; its id."""
    from sqlalchemy import select

    from efficiency.store.events import ChangeEvent

    at = datetime.now(UTC)
    with db.session() as s:
        store_changes(s, [ChangeIn(service=DEPLOYED, at=at, version="2", source="demo",
                                   description="audit checksum of every cart")])  # fmt: skip
        return int(s.scalars(select(ChangeEvent.id).where(ChangeEvent.service == DEPLOYED)
                             .order_by(ChangeEvent.id.desc())).first() or 0)  # fmt: skip


def _fresh_database(workdir: Path) -> Database:
    workdir.mkdir(parents=True, exist_ok=True)
    db_path = workdir / "efficiency.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    db = Database(f"sqlite:///{db_path}")
    db.upgrade()
    return db


def _config(workdir: Path, db: Database, receiver: PageReceiver) -> Config:
    """The daemon's configuration: the catalog with the topology, paging the local receiver."""
    catalog = workdir / "services.yaml"
    catalog.write_text(services_yaml(receiver.url))
    return Config.model_validate({
        "database": {"url": db.url}, "api": {"token": secrets.token_hex(16)},
        "notify": {"services_file": str(catalog), "retry_initial_seconds": 0.2},
    })  # fmt: skip


def run_demo(
    workdir: Path,
    seconds: float = 20.0,
    window_seconds: float = 5.0,
    rate_hz: int = 250,
    console: Console | None = None,
    after_deploy_seconds: float = 0.0,
    alertmanager: str | None = None,
    canary: CanaryStep | None = None,
    prometheus: str | None = None,
) -> DemoResult:
    """Profile the fleet under load for ``seconds`` (the baseline); with
    ``after_deploy_seconds``, then deploy version 2 of checkout, profile that long again and
    wait for its callers' latency alerts (through ``prometheus`` and ``alertmanager`` when
    given), run one detection pass, open the incident and page; last, propose fixes and
    write the savings report.

    ``canary``: called right after the deploy's change event is stored and before the rest of
    the fleet is profiled again, with the database, the change event id and the running
    processes by service; where a canary analysis belongs. A service it starts with
    :func:`start_service` is listed beside the others and gets its share of the traffic."""
    console = console or wide_console()
    db = _fresh_database(workdir)
    receiver = PageReceiver()
    try:
        config = _config(workdir, db, receiver)
        result = DemoResult(db_url=db.url, windows=0, profiles=[])
        plan = _Plan(workdir, db, config, console, PySpyCollector(rate_hz=rate_hz),
                     window_seconds, max(1, round(seconds / window_seconds)),
                     max(1, round(after_deploy_seconds / window_seconds))
                     if after_deploy_seconds > 0 else 0)  # fmt: skip
        via = _run_fleet(plan, result, alertmanager, prometheus, canary)
        step = hotspots_step(db, console, result, 4 if result.change_id else 3)
        if result.change_id is not None:
            step = detect_step(db, console, result, step, window_seconds)
            step = incident_step(config, db, receiver, console, result, step, via)
        result.proposals = remediate(workdir, db, console, step)
        result.report_path = savings_report(workdir, db, console, step + 1)
    finally:
        receiver.close()
        db.dispose()
    return result


@dataclass
class _Plan:
    workdir: Path
    db: Database
    config: Config
    console: Console
    collector: PySpyCollector
    window_seconds: float
    rounds: int
    #: windows after the deploy; 0: no deploy
    after_rounds: int


def _run_fleet(
    plan: _Plan,
    result: DemoResult,
    alertmanager: str | None,
    prometheus: str | None,
    canary: CanaryStep | None,
) -> str:
    """Run the fleet under load through the baseline and, with a deploy, until its alerts are
    in; store the measured series. How the alerts travelled ("" without a deploy)."""
    console, db = plan.console, plan.db
    registry = Registry(plan.workdir / "targets.json")
    procs: dict[str, subprocess.Popen[bytes]] = {}
    console.print(f"[bold]1. Fleet[/] {', '.join(SERVICES)} as real processes; storefront "
                  "calls checkout and search over HTTP")  # fmt: skip
    via = ""
    with ExitStack() as stack:
        stack.enter_context(listing_in(registry))
        stack.callback(stop_services, procs)  # last: the alerting stops before the fleet
        procs.update(start_services(scripts={REMEDIATED: source_repo(plan.workdir)}))
        front = procs[FRONT[0]]
        assert isinstance(front, Service)
        stack.callback(stop_services, {"load": start_load(f"{front.url}{FRONT[1]}")})
        scraper = Scraper(registry).start()
        stack.callback(scraper.stop)
        began = datetime.now(UTC)
        channel = None
        if plan.after_rounds:
            channel = stack.enter_context(alerting(plan.config, db, plan.workdir, scraper,
                                                   registry, alertmanager, prometheus))  # fmt: skip
            via = channel.via
        time.sleep(1.0)  # let them import and reach their hot loops
        for name, proc in procs.items():
            if proc.poll() is not None:
                raise CollectorError(f"demo service {name} exited with code {proc.returncode}")
        console.print(f"[bold]2. Baseline[/] {load_text()}; py-spy at "
                      f"{plan.collector.rate_hz} Hz, {plan.rounds} windows of "
                      f"{plan.window_seconds:g} s per service")  # fmt: skip
        base_start = datetime.now(UTC)
        result.windows += _profile_rounds(plan.collector, procs, db, plan.rounds,
                                          plan.window_seconds, console)  # fmt: skip
        if channel is not None:
            rules = arm_rules(channel, scraper, base_start, datetime.now(UTC), console)
            result.alerts_defined = {r.alertname for r in rules}
            result.change_id = _record_deploy(db)
            if canary is not None:  # v1 still runs: the canary's control
                canary(db, result.change_id, procs)
            deploy(procs, DEPLOYED, version="2")
            console.print(
                f"[bold]3. Deploy[/] {DEPLOYED} version 2 (a rolling restart, recorded as a "
                f"change event); {plan.after_rounds} more windows per service"
            )
            result.windows += _profile_rounds(plan.collector, procs, db, plan.after_rounds,
                                              plan.window_seconds, console)  # fmt: skip
            result.alerts_fired = await_alerts(db, channel, result.alerts_defined, console)
            if channel.errors:
                console.print(f"   sending alerts failed: {'; '.join(channel.errors)}")
    with db.session() as s:
        result.metric_points = store_metrics(s, scraper.points(began, datetime.now(UTC))).stored
    console.print(f"   {result.metric_points} metric points stored (p90 latency, request rate, "
                  "error ratio per service and version)")  # fmt: skip
    return via


def load_text() -> str:
    from efficiency.demo.load import RATE

    return f"{RATE:g} requests/s on storefront {FRONT[1]}"


def root_cause_text(causes: list[dict[str, Any]]) -> str:
    """An incident's root causes, best first, as ``kind name`` with file paths left out."""
    return ", ".join(f"{rc['kind']} {str(rc['name']).split(' (')[0]}" for rc in causes)
