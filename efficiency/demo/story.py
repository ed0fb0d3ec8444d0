"""``efficiency demo``: start three real services, profile them with real py-spy in windows,
ingest every window into a fresh SQLite database, and show each service's hot functions;
then deploy version 2 of checkout (a real restart, recorded as a change event), keep
profiling, and run a detection pass that finds the regression and blames the deploy; last,
match the thumbnailer's hot spots against the playbooks and propose the fixes as branches of a
small git repository holding its source."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from collectors.errors import CollectorError
from collectors.pyspy import PySpyCollector
from efficiency.config import Config, DetectConfig
from efficiency.demo.incident import IncidentResult, PageReceiver, alert_and_page, services_yaml
from efficiency.ingest.changes import ChangeIn, store_changes
from efficiency.ingest.profiles import store_collected_window
from efficiency.store.db import Database
from efficiency.store.incident_queries import list_detections
from efficiency.store.profile_queries import ServiceProfile, top_frames
from efficiency.tables import hotspot_table, wide_console

SERVICES = ("checkout", "search", "thumbnailer")


#: the service the demo deploys a new version of, and what that version is
DEPLOYED = "checkout"


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

    @property
    def dashboard_command(self) -> str:
        return f"efficiency dashboard --db {self.db_url}"


def start_service(name: str, version: str = "1") -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", f"efficiency.demo.services.{name}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, f"DEMO_{name.upper()}_VERSION": version},
    )


def start_services(names: tuple[str, ...] = SERVICES) -> dict[str, subprocess.Popen[bytes]]:
    return {name: start_service(name) for name in names}


def stop_services(procs: dict[str, subprocess.Popen[bytes]]) -> None:
    for proc in procs.values():
        if proc.poll() is None:
            proc.terminate()
    for proc in procs.values():
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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


def run_demo(
    workdir: Path,
    seconds: float = 20.0,
    window_seconds: float = 5.0,
    rate_hz: int = 100,
    console: Console | None = None,
    after_deploy_seconds: float = 0.0,
    alertmanager: str | None = None,
    canary: CanaryStep | None = None,
) -> DemoResult:
    """Profile the fleet for ``seconds``; with ``after_deploy_seconds``, then deploy version
    2 of checkout, profile that long again, run one detection pass, let checkout's dependents
    alert (through the ``alertmanager`` binary when given) and page; last, propose fixes and
    write the savings report.

    ``canary``: called right after the deploy's change event is stored, while checkout v1
    still runs (before v2 replaces it), with the database, the change event id and the
    running processes by service; where a canary analysis belongs."""
    console = console or wide_console()
    workdir.mkdir(parents=True, exist_ok=True)
    db_path = workdir / "efficiency.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    db = Database(f"sqlite:///{db_path}")
    db.upgrade()
    collector = PySpyCollector(rate_hz=rate_hz)
    rounds = max(1, round(seconds / window_seconds))
    console.print(f"[bold]1. Fleet[/] starting {', '.join(SERVICES)} as real processes")
    procs = start_services()
    windows = 0
    change_id: int | None = None
    try:
        time.sleep(1.0)  # let them import and reach their hot loops
        for name, proc in procs.items():
            if proc.poll() is not None:
                raise CollectorError(f"demo service {name} exited with code {proc.returncode}")
        console.print(
            f"[bold]2. Profile[/] py-spy at {rate_hz} Hz, {rounds} windows of "
            f"{window_seconds:g} s per service"
        )
        windows += _profile_rounds(collector, procs, db, rounds, window_seconds, console)
        if after_deploy_seconds > 0:
            change_id = _record_deploy(db)
            if canary is not None:  # v1 still runs: the canary's control
                canary(db, change_id, procs)
            stop_services({DEPLOYED: procs[DEPLOYED]})
            procs[DEPLOYED] = start_service(DEPLOYED, version="2")
            after = max(1, round(after_deploy_seconds / window_seconds))
            console.print(
                f"[bold]3. Deploy[/] {DEPLOYED} version 2 (a real restart, recorded as a "
                f"change event); {after} more windows per service"
            )
            time.sleep(0.5)
            windows += _profile_rounds(collector, procs, db, after, window_seconds, console)
    finally:
        stop_services(procs)
    with db.session() as s:
        profiles = top_frames(s, limit=5)
    step = 4 if after_deploy_seconds > 0 else 3
    console.print(f"[bold]{step}. Hot spots[/] top functions by self share, from {db_path}")
    for prof in profiles:
        console.print(hotspot_table(prof))
    detections: list[dict[str, object]] = []
    if after_deploy_seconds > 0:
        from efficiency.stages.detect import detect_functions
        from efficiency.tables import detection_table

        # one bucket per window: the demo's windows are seconds long, not the fleet's minutes
        cfg = DetectConfig(bucket_seconds=window_seconds, season_seconds=0)
        with db.session() as s:
            report = detect_functions(s, cfg)
            detections = list_detections(s)
        filtered = ", ".join(f"{n} {why}" for why, n in sorted(report.dropped.items()))
        console.print(
            f"[bold]5. Detect[/] {report.series} function series x {report.buckets} buckets: "
            f"{len(detections)} detection(s); filtered out: {filtered or 'none'}"
        )
        console.print(detection_table(detections))
    result = DemoResult(db_url=db.url, windows=windows, profiles=profiles, detections=detections,
                        change_id=change_id)  # fmt: skip
    step = 6 if after_deploy_seconds > 0 else 4
    if after_deploy_seconds > 0:
        result.incident = _incident(workdir, db, console, step, alertmanager)
        step += 1
    result.proposals = _remediate(workdir, db, console, step)
    result.report_path = _savings_report(workdir, db, console, step + 1)
    db.dispose()
    return result


def _incident(
    workdir: Path, db: Database, console: Console, step: int, alertmanager: str | None
) -> IncidentResult:
    """Checkout's dependents alert; the daemon's passes open the incident and page."""
    import secrets

    receiver = PageReceiver()
    try:
        catalog = workdir / "services.yaml"
        catalog.write_text(services_yaml(receiver.url))
        config = Config.model_validate({
            "database": {"url": db.url}, "api": {"token": secrets.token_hex(16)},
            "notify": {"services_file": str(catalog), "retry_initial_seconds": 0.2},
        })  # fmt: skip
        found = alert_and_page(config, db, workdir, receiver, alertmanager)
    finally:
        receiver.close()
    console.print(f"[bold]{step}. Alert[/] checkout's dependents fire, via {found.via}")
    inc = found.incident
    if inc is None:
        console.print("   no incident opened")
        return found
    causes = root_cause_text(inc["root_causes"])
    change = inc["suspected_changes"][0] if inc["suspected_changes"] else None
    console.print(
        f"   incident {inc['id']} ({inc['severity']}): {inc['title']}; services "
        f"{', '.join(inc['services'])}; suspected change: "
        f"{_change_text(change) if change else 'none'}; root causes: {causes or 'none'}"
    )
    console.print(f"   {len(found.pages)} page(s) delivered to {found.receiver}")
    return found


def root_cause_text(causes: list[dict[str, Any]]) -> str:
    """An incident's root causes, best first, as ``kind name`` with file paths left out."""
    return ", ".join(f"{rc['kind']} {str(rc['name']).split(' (')[0]}" for rc in causes)


def _change_text(change: dict[str, Any]) -> str:
    return f"change {change['id']} ({change['kind']} of {change['service']} v{change['version']})"


def _savings_report(workdir: Path, db: Database, console: Console, step: int) -> Path:
    """``efficiency report savings`` into an HTML file beside the database."""
    from efficiency.report.costs import CostModel
    from efficiency.report.html_export import savings_html
    from efficiency.report.savings import build_savings_report

    path = workdir / "savings.html"
    with db.session() as s:
        made = build_savings_report(s, CostModel.from_config(Config().costs), None, None, "service")
    path.write_text(savings_html(made))
    est = made.totals["estimated"]["dollars"]
    console.print(
        f"[bold]{step}. Report[/] {len(made.proposals)} proposal line(s), estimated "
        f"${est:,.2f} a month: {path}"
    )
    return path


#: the demo service whose code the remediation step proposes fixes for
REMEDIATED = "thumbnailer"
DOCKERFILE = (
    "FROM python:3.12-slim\nWORKDIR /srv/thumbnailer\nCOPY thumbnailer.py .\n"
    'CMD ["python", "thumbnailer.py"]\n'
)


def _remediate(workdir: Path, db: Database, console: Console, step: int) -> list[dict[str, Any]]:
    """Put the thumbnailer's source in a small git repository, match its hot spots against the
    playbooks and propose each fix on a branch; print the diffs and estimated savings."""
    import shutil

    from efficiency.config import Config
    from efficiency.demo.services import thumbnailer
    from efficiency.remediate import git as gitops
    from efficiency.remediate.errors import ProposalError
    from efficiency.remediate.playbooks import load_playbooks
    from efficiency.remediate.proposals import propose
    from efficiency.remediate.source import RepoSource
    from efficiency.stages.hotspots import refresh_hotspots

    repo = workdir / f"{REMEDIATED}-repo"
    shutil.rmtree(repo, ignore_errors=True)
    repo.mkdir(parents=True)
    shutil.copy(thumbnailer.__file__, repo / "thumbnailer.py")
    (repo / "Dockerfile").write_text(DOCKERFILE)
    gitops.git(repo, "init", "--quiet", "-b", "main")
    gitops.git(repo, "add", ".")
    gitops.git(repo, "commit", "--quiet", "-m", "thumbnailer as deployed")
    playbooks = load_playbooks()
    with db.session() as s:
        spots = [(h.id, h.frame, list(h.playbooks))
                 for h in refresh_hotspots(s, service=REMEDIATED, playbooks=playbooks,
                                           sources={REMEDIATED: RepoSource(repo)})]  # fmt: skip
    console.print(
        f"[bold]{step}. Remediate[/] {REMEDIATED}'s hot spots against {len(playbooks)} "
        f"playbooks; proposals are branches of {repo}"
    )
    made: list[dict[str, Any]] = []
    for spot_id, frame, matched in spots:
        for playbook in matched:
            try:
                with db.session() as s:
                    proposal = propose(s, spot_id, repo, Config(), playbooks,
                                       playbook_id=playbook)  # fmt: skip
            except ProposalError as exc:
                console.print(f"   {playbook} on {frame}: no proposal ({exc})")
                continue
            if any(p["id"] == proposal["id"] for p in made):
                continue  # the same fix, reached from another frame of the same loop
            made.append(proposal)
            saving = proposal["estimated_savings"]
            where = proposal["branch"] or "advice only"
            console.print(
                f"   [bold]{playbook}[/] on hot spot {spot_id} ({frame.split(' (')[0]}): "
                f"{where}; estimated saving {saving['cores']:.3f} cores, "
                f"${saving['dollars_per_month']:.2f} a month"
            )
            if proposal["diff"]:
                console.print(proposal["diff"].rstrip(), markup=False, highlight=False)
    if not made:
        console.print("   no proposal: no hot spot matched a playbook with a fix")
    return made
