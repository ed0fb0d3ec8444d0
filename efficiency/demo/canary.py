"""The demo's canary step: before checkout v2 replaces v1, it runs as one canary process
next to the v1 control; both are profiled with real py-spy over the same wall-clock windows
(labelled ``version=v2`` / ``version=v1``, on distinct hosts), judged as ``efficiency
canary`` judges (``stages.canary``), and the failed verdict fires the rollback hook and the
owning team's page to a local receiver through the page outbox.

The step is plugged into ``story.run_demo(canary=...)``, which calls it once the deploy's
change event is stored and before the rest of the fleet runs v2.
"""

from __future__ import annotations

import socket
import subprocess
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from collectors.pyspy import PySpyCollector
from efficiency.config import Config
from efficiency.demo.incident import PageReceiver
from efficiency.demo.story import DEPLOYED, CanaryStep, start_service, stop_services
from efficiency.ingest.profiles import store_collected_window
from efficiency.stages.canary import run_and_record
from efficiency.store.canary_runs import get_run
from efficiency.store.db import Database

CANARY, CONTROL = "version=v2", "version=v1"
#: the demo's windows are seconds long, not the fleet's minutes, and the HTTP services idle
#: between requests (py-spy counts busy threads): fewer samples per side are enough for a
#: function that is new in the canary (the defaults ask 2,000 and 3 windows)
DEMO_MIN_SAMPLES = 100
#: the windows go on past the planned rounds until each side holds this many samples (a
#: sample count, not a duration: how many py-spy gets a second depends on the machine's
#: load and on the share of the traffic the control serves), up to ``MAX_ROUNDS_FACTOR``
#: times the planned rounds
SIDE_SAMPLES = 3 * DEMO_MIN_SAMPLES
MAX_ROUNDS_FACTOR = 4


@dataclass
class CanaryOutcome:
    """What the canary step found and fired, for the demo's summary."""

    verdict: str
    reason: str
    run_id: int
    #: the top failing function with its projected cost at full rollout, when it failed
    function: str | None = None
    relative: float | None = None
    cores: float | None = None
    dollars_per_month: float | None = None
    incident_id: int | None = None
    change_id: int | None = None
    #: rollback hook bodies and team pages the local receiver got
    hooks: list[dict[str, Any]] = field(default_factory=list)
    pages: list[dict[str, Any]] = field(default_factory=list)
    receiver: str = ""


def _catalog(path: Path, receiver_url: str) -> Path:
    path.write_text(
        "default_team: shop\nteams:\n  shop:\n    routes:\n"
        f'      - webhook: {{url: "{receiver_url}"}}\n'
        f"services:\n  {DEPLOYED}: {{owner: demo, team: shop}}\n"
    )
    return path


def _profile_side_by_side(
    db: Database, canary: subprocess.Popen[bytes], control: subprocess.Popen[bytes],
    rounds: int, window_seconds: float, rate_hz: int, console: Console,
) -> tuple[datetime, datetime]:  # fmt: skip
    """Profile both processes over the same windows, at least ``rounds`` of them and then on
    until each side holds ``SIDE_SAMPLES``; store them labelled by version on hosts of their
    own. Returns the span the windows cover."""
    collector = PySpyCollector(rate_hz=rate_hz)
    here = socket.gethostname()
    sides = (("v2", f"{here}-canary", canary), ("v1", here, control))
    totals = {"v2": 0, "v1": 0}
    start = datetime.now(UTC)
    r = 0
    while r < rounds or (min(totals.values()) < SIDE_SAMPLES
                         and r < MAX_ROUNDS_FACTOR * rounds):  # fmt: skip
        r += 1
        running = [(v, h, collector.start_window(p.pid, window_seconds)) for v, h, p in sides]
        counts = []
        for version, host, run in running:
            record = run.wait()
            labelled = replace(record, labels={**record.labels, "version": version})
            with db.session() as s:
                store_collected_window(s, DEPLOYED, host, labelled)
            totals[version] += record.samples
            counts.append(f"{version} {record.samples:>4} samples")
        console.print(f"   window {r} {DEPLOYED}: {', '.join(counts)}")
    return start, datetime.now(UTC)


def run_canary(
    db: Database, workdir: Path, procs: dict[str, subprocess.Popen[bytes]], console: Console,
    rounds: int = 6, window_seconds: float = 2.0, rate_hz: int = 250,
) -> CanaryOutcome:  # fmt: skip
    """Start the v2 canary next to the running v1 (the control), profile, judge, fire."""
    receiver = PageReceiver()
    base = receiver.url.rsplit("/", 1)[0]
    config = Config.model_validate({
        "database": {"url": db.url},
        "notify": {"services_file": str(_catalog(workdir / "canary-services.yaml", receiver.url)),
                   "retry_initial_seconds": 0.2},
        "canary": {"rollback_webhook": f"{base}/rollback", "min_samples": DEMO_MIN_SAMPLES},
    })  # fmt: skip
    console.print(
        f"[bold]Canary first[/] {DEPLOYED} v2 on one canary process next to the v1 control; "
        f"py-spy on both over the same windows of {window_seconds:g} s, at least {rounds} and "
        f"until each side has {SIDE_SAMPLES} samples"
    )
    canary = start_service(DEPLOYED, version="2")
    try:
        time.sleep(1.0)  # let it import and reach its hot loop
        t0, t1 = _profile_side_by_side(db, canary, procs[DEPLOYED], rounds, window_seconds,
                                       rate_hz, console)  # fmt: skip
        run_id = run_and_record(db, config, DEPLOYED, CANARY, CONTROL, t0, t1)
    finally:
        stop_services({"canary": canary})  # rolled back: the canary process is gone
        receiver.close()
    with db.session() as s:
        run = get_run(s, run_id)
    assert run is not None  # written just above
    return outcome(run, receiver)


def outcome(run: dict[str, Any], receiver: PageReceiver) -> CanaryOutcome:
    result = run["result"] or {}
    out = CanaryOutcome(run["verdict"], result.get("reason", ""), run["id"], receiver=receiver.url)
    functions = result.get("functions", [])
    failing = [f for f in functions if f["status"] == "fail"]
    if failing:
        # the function whose own code costs more: the largest rise of its self share, whether
        # or not that rise alone passed the bar (with a few hundred samples a side, a leaf's
        # self test can miss it where its inclusive test, and its callers', fail); its self
        # entry when that failed too
        own = {f["function"]: f["canary_share"] - f["control_share"]
               for f in functions if f["metric"] == "self"}  # fmt: skip
        top = max(failing, key=lambda f: (own.get(f["function"], 0.0), f["metric"] == "self",
                                          f["canary_share"] - f["control_share"]))  # fmt: skip
        out.function, out.relative = top["function"], top.get("relative")
        out.cores, out.dollars_per_month = top.get("cores"), top.get("dollars_per_month")
    if run["rollback"]:
        out.incident_id = run["rollback"]["incident_id"]
        out.change_id = run["rollback"]["change_id"]
    out.hooks = [b for b in receiver.bodies if b.get("event") == "canary.rollback"]
    out.pages = [b for b in receiver.bodies if b.get("event") != "canary.rollback"]
    return out


def show(outcome: CanaryOutcome, console: Console) -> None:
    """The verdict, the regressed function with its cost at full rollout, what was fired."""
    why = f" ({outcome.reason})" if outcome.function is None else ""  # else named below
    console.print(f"   verdict: [bold]{outcome.verdict.upper()}[/], run {outcome.run_id}{why}")
    if outcome.function is not None:
        rel = f"{outcome.relative:+.0%} cost" if outcome.relative is not None else "new cost"
        cost = (f"{outcome.cores:+.3f} cores, ${outcome.dollars_per_month:,.2f} a month"
                if outcome.cores is not None else "cost unknown")  # fmt: skip
        console.print(f"   regressed: {outcome.function} ({rel}); at full rollout {cost}")
    if outcome.incident_id is not None:
        console.print(
            f"   fired: incident {outcome.incident_id} linked to deploy change "
            f"{outcome.change_id}; "
            f"{len(outcome.hooks)} rollback hook(s) and {len(outcome.pages)} team page(s) "
            f"received by {outcome.receiver.rsplit('/', 1)[0]}; the canary is rolled back"
        )
    for hook in outcome.hooks:
        named = dict.fromkeys(f.get("function") or f.get("metric") for f in hook["failures"])
        console.print(
            f"   rollback hook body: service {hook['service']}, canary "
            f"{hook['canary']['selector']} vs {hook['control']['selector']}, verdict "
            f"{hook['verdict']}, failing {', '.join(map(str, named))}, run "
            f"{hook['canary_run_id']}, deploy change {(hook['change'] or {}).get('id')}"
        )
    console.print(f"   (the demo now rolls {DEPLOYED} v2 out to the whole fleet anyway)")


def summary_lines(outcome: CanaryOutcome) -> list[str]:
    """The demo summary's canary lines: the verdict, then what the receiver got."""
    regressed = f", regressed {DEPLOYED} {outcome.function}" if outcome.function else ""
    lines = [f"  canary:     {outcome.verdict} for {CANARY} vs {CONTROL}{regressed}"]
    if outcome.incident_id is not None:
        lines.append(f"  rollback:   {len(outcome.hooks)} hook delivered to "
                     f"{outcome.receiver.rsplit('/', 1)[0]}/rollback, "
                     f"{len(outcome.pages)} team page")  # fmt: skip
    return lines


def canary_step(
    workdir: Path, console: Console, found: list[CanaryOutcome], window_seconds: float = 2.0
) -> CanaryStep:
    """The hook ``run_demo(canary=...)`` calls; appends its outcome to ``found``."""

    def step(db: Database, _change_id: int, procs: dict[str, subprocess.Popen[bytes]]) -> None:
        outcome = run_canary(db, workdir, procs, console, window_seconds=window_seconds)
        show(outcome, console)
        found.append(outcome)

    return step
