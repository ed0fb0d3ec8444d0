"""What a failed canary fires, planned in the transaction that records its verdict.

A ``fail`` verdict (never ``pass``, ``marginal`` or ``insufficient``):

1. opens an incident on the service, linked to the deploy: the stored change event of the
   canary's version (``version=v2`` matches a change of version ``v2`` or ``2``), with the
   failing functions as its root-cause evidence;
2. pages the owning team through the services file's routes, as any incident does
   (``notify.outbox.plan_pages``; silences apply);
3. enqueues the rollback hook (``notify.rollback``) in the same outbox, when one is
   configured for the service.

One canary is one incident: its key is derived from (service, canary selector, control
selector), so judging the same failed canary again (a retried pipeline step, a second
process) finds the incident open and plans nothing new. The outbox's unique
(incident, route, action, revision) makes that hold under races too, and the hook's
``Idempotency-Key`` is derived from the incident key: the same on every re-send. A canary
whose incident was resolved and that fails again opens a new incident (and fires again).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from hashlib import blake2b
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from efficiency.config import Config
from efficiency.links import incident_url
from efficiency.notify.base import Notifier
from efficiency.notify.deliver import DeliveryReport, deliver_due
from efficiency.notify.outbox import plan_pages
from efficiency.notify.registry import build_notifiers
from efficiency.notify.retry import RetryPolicy
from efficiency.notify.rollback import ACTION, ROUTE, rollback_notifiers
from efficiency.notify.silence import silence_reason
from efficiency.services import ServicesCatalog
from efficiency.stages.canary import parse_selector
from efficiency.store.bulk import insert_ignore
from efficiency.store.db import Database
from efficiency.store.events import ChangeEvent
from efficiency.store.incidents import Incident, IncidentChange, Page
from efficiency.store.silence_queries import active_rules

#: version of the rollback hook's body
BODY_VERSION = "1"


def canary_key(service: str, canary: str, control: str) -> str:
    """The incident key of one canary: the same for every judgement of it."""
    raw = "\x00".join((service, canary, control)).encode("utf-8", "surrogatepass")
    return f"canary:{blake2b(raw, digest_size=12).hexdigest()}"


def _bare(version: str) -> str:
    return version[1:] if version[:1] in ("v", "V") and version[1:2].isdigit() else version


def canary_change(
    session: Session, service: str, selector: dict[str, list[str]], end: datetime | None
) -> ChangeEvent | None:
    """The latest stored change of ``service`` that deployed the canary's version (or
    commit) by ``end``; None when the selector names neither or none is stored."""
    versions = {_bare(v) for v in selector.get("version", [])}
    commits = set(selector.get("commit", []))
    if not versions and not commits:
        return None
    query = select(ChangeEvent).where(ChangeEvent.service == service)
    if end is not None:
        query = query.where(ChangeEvent.at <= end)
    for change in session.scalars(query.order_by(ChangeEvent.at.desc(), ChangeEvent.id.desc())):
        if _bare(change.version) in versions or (change.commit and change.commit in commits):
            return change
    return None


def failures(verdict: dict[str, Any]) -> list[dict[str, Any]]:
    """The failing functions and metrics of a verdict (its own ``failures``: effect, p-value,
    projected cost), each function's with its control and canary shares and its relative
    rise, which the incident's root causes rank by."""
    shares = {(f["function"], f["metric"]): f for f in verdict.get("functions", [])}
    out: list[dict[str, Any]] = []
    for item in verdict.get("failures", []):
        item = dict(item)
        f = shares.get((item.get("function"), item.get("share")))
        if f is not None:
            item |= {"control_share": f["control_share"], "canary_share": f["canary_share"],
                     "relative": f.get("relative")}  # fmt: skip
        out.append(item)
    return out


def _root_causes(
    service: str, fails: list[dict[str, Any]], change: ChangeEvent | None, run_id: int,
    onset: datetime | None,
) -> list[dict[str, Any]]:  # fmt: skip
    """The deploy first, then one cause per failing function (its self and inclusive shares
    may both fail), largest rise first; the fields the correlator's causes carry (``at``,
    ``minutes_before_onset``; ``function``, ``p_value``) so every reader shows them."""
    causes: list[dict[str, Any]] = []
    if change is not None:
        minutes = (onset - change.at).total_seconds() / 60 if onset is not None else None
        causes.append({"kind": "change", "name": f"{service}@{change.version or change.id}",
                       "score": 1.0, "service": service, "change_id": change.id,
                       "version": change.version, "at": change.at.isoformat(),
                       "minutes_before_onset": minutes, "canary_run_id": run_id})  # fmt: skip
    rises: dict[str, float] = {}
    evidence: dict[str, list[dict[str, Any]]] = {}
    for f in fails:
        name = f"{service}:{f.get('function') or f.get('metric')}"
        rise = max(f.get("canary_share", 0.0) - f.get("control_share", 0.0), 0.0)
        rises[name] = max(rises.get(name, 0.0), rise)
        evidence.setdefault(name, []).append(f)
    top = max(rises.values(), default=0.0) or 1.0
    for name in sorted(rises, key=lambda n: -rises[n]):
        best = min(evidence[name], key=lambda f: f["p_value"])
        causes.append({**best, "kind": "function" if "function" in best else "service",
                       "name": name, "score": round(0.5 + 0.5 * rises[name] / top, 4),
                       "service": service, "magnitude": best.get("relative"),
                       "canary_run_id": run_id, "failures": evidence[name]})  # fmt: skip
    return causes


def _current_key(session: Session, base: str, run_id: int) -> str:
    """The key of the canary's latest incident while it is not resolved; after that, a new
    one (the canary failed again once dealt with)."""
    latest = session.scalars(
        select(Incident).where((Incident.key == base) | Incident.key.startswith(f"{base}/"))
        .order_by(Incident.id.desc()).limit(1)
    ).first()  # fmt: skip
    if latest is None:
        return base
    return latest.key if latest.status != "resolved" else f"{base}/{run_id}"


def _title(service: str, canary: str, fails: list[dict[str, Any]]) -> str:
    if not fails:
        return f"canary {canary} of {service} failed"
    f = fails[0]
    what = f.get("function") or f.get("metric")
    effect = f" {f['relative']:+.1%} cost" if f.get("relative") is not None else ""
    cost = f", {f['cores']:+.2f} cores at full rollout" if f.get("cores") is not None else ""
    return f"canary {canary} of {service} failed: {what}{effect}{cost}"


def _incident(
    session: Session, key: str, service: str, title: str, causes: list[dict[str, Any]],
    severity: str, opened: datetime, now: datetime,
) -> Incident:  # fmt: skip
    row = {"key": key, "status": "open", "severity": severity, "title": title,
           "services": [service], "opened_at": opened, "updated_at": now,
           "root_causes": causes, "flapping": False, "silenced": ""}  # fmt: skip
    insert_ignore(session, Incident.__table__, [row], ("key",))
    return session.scalars(select(Incident).where(Incident.key == key)).one()


def plan_rollback(
    session: Session, config: Config, catalog: ServicesCatalog | None, run_id: int,
    service: str, request: dict[str, Any], verdict: dict[str, Any], now: datetime,
) -> dict[str, Any]:  # fmt: skip
    """Open (or find) the canary's incident, plan its pages and the rollback hook; returns
    what was fired, as the run records it. The incident opens at the start of the judged
    window (event time: the canary ran slower from then on), the outbox rows are due
    ``now``."""
    canary, control = str(request["canary"]), str(request["control"])
    canary_m = parse_selector(canary, "canary")
    begin = datetime.fromisoformat(request["from"]) if request.get("from") else None
    end = datetime.fromisoformat(request["to"]) if request.get("to") else None
    key = _current_key(session, canary_key(service, canary, control), run_id)
    change = canary_change(session, service, canary_m, end)
    fails = failures(verdict)
    incident = _incident(session, key, service, _title(service, canary, fails),
                         _root_causes(service, fails, change, run_id, begin),
                         config.canary.rollback_severity, min(begin or end or now, now),
                         now)  # fmt: skip
    if change is not None:
        link_row = {"incident_id": incident.id, "change_id": change.id, "score": 1.0}
        insert_ignore(session, IncidentChange.__table__, [link_row], ("incident_id", "change_id"))
    url = config.dashboard.link_base(config.notify)
    if catalog is not None:
        labels = [{"service": service, "alertname": "CanaryFailed", "severity": incident.severity}]
        reason = silence_reason(active_rules(session, now), labels, now)
        incident.silenced = reason or ""
        plan_pages(session, incident, catalog, now, lambda _i: reason)
    if config.canary.rollback_for(service) is not None:
        body = {
            "version": BODY_VERSION, "event": "canary.rollback", "service": service,
            "canary": {"selector": canary, "labels": canary_m},
            "control": {"selector": control, "labels": parse_selector(control, "control")},
            "window": {"from": request.get("from"), "to": request.get("to")},
            "verdict": verdict["verdict"], "score": verdict["score"],
            "reason": verdict["reason"], "samples": verdict.get("samples", {}),
            "failures": fails, "canary_run_id": run_id,
            "incident": {"id": incident.id, "key": incident.key},
            "change": _change_json(change),
            "team": catalog.team_of(service) if catalog is not None else "",
            "url": incident_url(url, incident.id) if url else "",
            "run": f"/api/v1/canary/{run_id}",
        }  # fmt: skip
        insert_ignore(session, Page.__table__, [{
            "incident_id": incident.id, "route": ROUTE, "action": ACTION, "revision": 0,
            "dedup_key": incident.key, "state": "pending", "attempts": 0,
            "next_attempt_at": now, "last_error": "", "created_at": now,
            "payload": {"team": body["team"], "body": body},
        }], ("incident_id", "route", "action", "revision"))  # fmt: skip
    session.flush()
    pages = session.scalars(select(Page).where(Page.incident_id == incident.id).order_by(Page.id))
    outbox = [{"id": p.id, "route": p.route, "action": p.action,
               "canary_run_id": p.payload.get("body", {}).get("canary_run_id")}
              for p in pages]  # fmt: skip
    return {
        "incident_id": incident.id, "incident_key": incident.key,
        "change_id": change.id if change is not None else None,
        "hook": any(o["route"] == ROUTE for o in outbox),
        "url": incident_url(url, incident.id) if url else "",
        "outbox": [{k: v for k, v in o.items() if v is not None} for o in outbox],
    }  # fmt: skip


def _change_json(change: ChangeEvent | None) -> dict[str, Any] | None:
    if change is None:
        return None
    return {"id": change.id, "kind": change.kind, "version": change.version,
            "commit": change.commit, "author": change.author,
            "at": change.at.isoformat()}  # fmt: skip


def notifiers_for(
    config: Config, catalog: ServicesCatalog | None, client: httpx.Client | None = None
) -> dict[str, Notifier]:
    """The catalog's notifiers and, when any service has one, the rollback hook's."""
    client = client or httpx.Client(timeout=10)
    link = config.dashboard.link_base(config.notify)
    out = build_notifiers(catalog, client, link) if catalog is not None else {}
    if config.canary.has_rollback():
        out.update(rollback_notifiers(config.canary.rollback_for, client))
    return out


def deliver_fired(
    db: Database, config: Config, catalog: ServicesCatalog | None, rollback: dict[str, Any],
    now: datetime,
) -> DeliveryReport:  # fmt: skip
    """Send what a failed run fired now, in this process; what fails stays in the outbox
    for the daemon to retry with backoff."""
    cfg = config.notify
    retry = RetryPolicy(cfg.retry_initial_seconds, cfg.retry_max_seconds,
                        cfg.retry_max_attempts or None)  # fmt: skip
    ids = [int(o["id"]) for o in rollback.get("outbox", [])]
    with httpx.Client(timeout=10) as client:
        return deliver_due(db, notifiers_for(config, catalog, client), now, retry=retry,
                           lease=timedelta(seconds=cfg.lease_seconds), only=ids)  # fmt: skip
