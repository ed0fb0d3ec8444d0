"""`efficiency canary`: judge a canary against its control, per function, for a CD gate.

Every run is kept (``canary_runs``); a fail fires the rollback hook, the owning team's page
and an incident linked to the deploy (``efficiency.stages.rollback``).

Exit status: 0 pass, 1 fail, 2 error. A marginal verdict exits 0 (the evidence is below the
fail threshold; it is printed so a pipeline can look), and not enough data exits 2 with the
minimum-sample rule named (never a pass).
"""

from __future__ import annotations

import sys
import time
from typing import Any

import click

from efficiency.cli.app import State, cli, emit_json, fail, pass_state
from efficiency.cli.canary_text import check_lines

#: exit status per verdict
EXIT = {"pass": 0, "marginal": 0, "fail": 1, "insufficient": 2}


def parse_duration(text: str) -> float:
    units = {"s": 1, "m": 60, "h": 3600}
    unit = text[-1:] if text[-1:] in units else "s"
    number = text[:-1] if text[-1:] in units else text
    try:
        seconds = float(number) * units[unit]
    except ValueError:
        fail(f"--wait: expected a duration like 90s, 10m or 1h, got {text!r}")
    if not 0 <= seconds <= 86_400:
        fail("--wait: must be between 0 and 24h")
    return seconds


@cli.command()
@click.option("--service", required=True, help="Service whose canary is judged.")
@click.option("--canary", "canary_sel", required=True, help="Label matcher of the canary's "
              "windows: version=v2, host=a,b.")  # fmt: skip
@click.option("--control", "control_sel", required=True, help="Label matcher of the control.")
@click.option("--from", "start", help="Window start (RFC 3339 or Unix seconds).")
@click.option("--to", "end", help="Window end (default: now).")
@click.option("--wait", "wait", help="Poll until the minimum-sample rule is met (e.g. 10m).")
@click.option("--json", "as_json", is_flag=True, help="Print the verdict as JSON.")
@pass_state
def canary(
    state: State, service: str, canary_sel: str, control_sel: str, start: str | None,
    end: str | None, wait: str | None, as_json: bool,
) -> None:  # fmt: skip
    """Compare a canary with its control over the same window; exit 0 pass, 1 fail, 2 error."""
    from efficiency.ingest.errors import InputError
    from efficiency.ingest.timeparse import parse_time
    from efficiency.stages.canary import judge, parse_selector, record
    from efficiency.stages.rollback import failures
    from efficiency.store.canary_runs import get_run

    try:
        parse_selector(canary_sel, "--canary")
        parse_selector(control_sel, "--control")
    except InputError as exc:
        fail(str(exc))
    t0 = parse_time(start, "--from") if start else None
    t1 = parse_time(end, "--to") if end else None
    if t0 and t1 and t1 <= t0:
        fail("--to: must be after --from")
    deadline = time.monotonic() + (parse_duration(wait) if wait else 0.0)
    while True:
        verdict = judge(state.db(), state.config, service, canary_sel, control_sel, t0, t1)
        if verdict.verdict != "insufficient" or time.monotonic() >= deadline:
            break
        click.echo(f"waiting: {verdict.reason}", err=True)
        time.sleep(min(15.0, max(deadline - time.monotonic(), 0.1)))
    run_id = record(state.db(), state.config, service, canary_sel, control_sel, t0, t1, verdict)
    with state.db().session() as s:
        run = get_run(s, run_id)
    fired = run["rollback"] if run is not None else None
    if as_json:
        emit_json({"id": run_id, "service": service, "canary": canary_sel,
                   "control": control_sel} | verdict.to_json()
                  | {"failures": failures(verdict.to_json()), "rollback": fired})  # fmt: skip
    else:
        click.echo(f"{verdict.verdict.upper()} (score {verdict.score:g}): {verdict.reason}")
        click.echo(f"samples: canary {verdict.samples['canary']}, control "
                   f"{verdict.samples['control']}")  # fmt: skip
        for f in verdict.functions:
            if f.status == "ok":
                continue
            cost_txt = (f", {f.cores:+.3f} cores, ${f.dollars_per_month:,.2f}/month at 100%"
                        if f.cores is not None else "")  # fmt: skip
            click.echo(f"  {f.status}: {f.function} [{f.metric}] share {f.control_share:.4f} -> "
                       f"{f.canary_share:.4f} ({f.relative:+.1%} cost), p={f.p_value:.2g}"
                       f"{cost_txt}")  # fmt: skip
        for line in check_lines(verdict.checks):
            click.echo(line)
        if fired is not None:
            click.echo(fired_text(fired))
    sys.exit(EXIT[verdict.verdict])


def fired_text(fired: dict[str, Any]) -> str:
    """One line: the incident a failed canary opened and each outbox row's state."""
    change = f", deploy change {fired['change_id']}" if fired.get("change_id") else ""
    rows = "; ".join(f"{o['route']} {o['action']}: {o.get('state', '?')}"
                     for o in fired["outbox"]) or "nothing configured to send"  # fmt: skip
    return f"fired: incident {fired['incident_id']}{change}; {rows}"
