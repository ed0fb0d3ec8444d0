"""The demo's steps after the fleet has run, and the alert rules' two moments during it; each
prints what it did and returns the next step's number."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.console import Console

from efficiency.config import Config, DetectConfig
from efficiency.demo.alerting import Alerting
from efficiency.demo.incident import PageReceiver, open_and_page, wait_for_alerts
from efficiency.demo.measure import Scraper
from efficiency.demo.rules import FOR_S, LatencyRule, baseline_rules
from efficiency.store.db import Database
from efficiency.store.incident_queries import list_detections
from efficiency.store.profile_queries import top_frames
from efficiency.tables import hotspot_table

if TYPE_CHECKING:
    from efficiency.demo.story import DemoResult

#: how long the alerts may take after the last window, past the rules' own delays
ALERT_WAIT_S = 30.0


def arm_rules(
    channel: Alerting, scraper: Scraper, start: datetime, end: datetime, console: Console
) -> list[LatencyRule]:
    """The latency rules from the baseline in ``[start, end]``, installed where they run."""
    rules = baseline_rules(scraper, start, end)
    channel.arm(rules)
    for r in rules:
        console.print(
            f"   rule {r.alertname} ({r.severity}): p90 over 5 s above {r.threshold * 1e3:.1f} "
            f"ms for {FOR_S:g} s (baseline p90 {r.baseline_p90 * 1e3:.1f} ms)"
        )
    return rules


def await_alerts(db: Database, channel: Alerting, names: set[str], console: Console) -> set[str]:
    fired = wait_for_alerts(db, names, ALERT_WAIT_S)
    for name in sorted(names):
        console.print(f"   {name}: {'firing, stored' if name in fired else 'did NOT fire'}")
    if fired != names:
        for line in channel.explain():
            console.print(f"   {line}", markup=False, highlight=False)
    return fired


def hotspots_step(db: Database, console: Console, result: DemoResult, step: int) -> int:
    with db.session() as s:
        result.profiles = top_frames(s, limit=5)
    console.print(f"[bold]{step}. Hot spots[/] top functions by self share, from {db.url}")
    for prof in result.profiles:
        console.print(hotspot_table(prof))
    return step + 1


def detect_step(
    db: Database, console: Console, result: DemoResult, step: int, window_seconds: float
) -> int:
    from efficiency.stages.detect import detect_functions
    from efficiency.tables import detection_table

    # one bucket per window: the demo's windows are seconds long, not the fleet's minutes
    cfg = DetectConfig(bucket_seconds=window_seconds, season_seconds=0)
    with db.session() as s:
        report = detect_functions(s, cfg)
        result.detections = list_detections(s)
    filtered = ", ".join(f"{n} {why}" for why, n in sorted(report.dropped.items()))
    console.print(
        f"[bold]{step}. Detect[/] {report.series} function series x {report.buckets} buckets: "
        f"{len(result.detections)} detection(s); filtered out: {filtered or 'none'}"
    )
    console.print(detection_table(result.detections))
    return step + 1


def incident_step(
    config: Config,
    db: Database,
    receiver: PageReceiver,
    console: Console,
    result: DemoResult,
    step: int,
    via: str,
) -> int:
    """The daemon's passes over what is stored: one incident, one page."""
    from efficiency.demo.story import root_cause_text

    found = open_and_page(config, db, receiver, via)
    result.incident = found
    console.print(f"[bold]{step}. Incident[/] {len(result.alerts_fired)} alert(s) in, via {via}")
    inc = found.incident
    if inc is None:
        console.print("   no incident opened")
        return step + 1
    causes = root_cause_text(inc["root_causes"])
    change = inc["suspected_changes"][0] if inc["suspected_changes"] else None
    console.print(
        f"   incident {inc['id']} ({inc['severity']}): {inc['title']}; services "
        f"{', '.join(inc['services'])}; suspected change: "
        f"{change_text(change) if change else 'none'}; root causes: {causes or 'none'}"
    )
    console.print(f"   {len(found.pages)} page(s) delivered to {found.receiver}")
    return step + 1


def change_text(change: dict[str, Any]) -> str:
    return f"change {change['id']} ({change['kind']} of {change['service']} v{change['version']})"
