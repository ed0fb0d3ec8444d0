"""Acknowledge, resolve, merge, split and silence by hand over a real store (SQLite and
PostgreSQL): the audit trail says who and when, the members move, root causes are ranked
again, and the pages follow the lifecycle; the correlate stage takes the changes as they are."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from efficiency.stages.incident_actions import IncidentActions
from efficiency.store.db import Database
from efficiency.store.incident_actions import ActionInputError, list_actions
from efficiency.store.incident_queries import TransitionError, get_incident
from efficiency.store.incident_views import IncidentFilter, incident_detail, search_incidents
from efficiency.store.incidents import Incident, Page, Silence
from tests.stages.test_correlate import T0, alert, catalog, incidents, post, stage


def two_incidents(db: Database) -> tuple[int, int]:
    post(db, alert("LedgerDown", "ledger", T0, instance="l1"),
         alert("LedgerSlow", "ledger", T0 + timedelta(seconds=20), severity="warning"))  # fmt: skip
    post(db, alert("SearchDown", "search", T0 + timedelta(hours=1), severity="warning",
                   instance="s1"))  # fmt: skip
    post(db, alert("SearchErrors", "search", T0 + timedelta(hours=1, seconds=5),
                   severity="critical"))  # fmt: skip
    stage(db).run(T0 + timedelta(hours=1, minutes=1))
    by_service = {i["services"][0]: i["id"] for i in incidents(db)}
    return by_service["ledger"], by_service["search"]


def page_rows(db: Database, incident_id: int) -> list[tuple[str, str]]:
    with db.session() as s:
        rows = s.scalars(select(Page).where(Page.incident_id == incident_id).order_by(Page.id))
        return [(p.action, p.state) for p in rows]


def test_acknowledge_and_resolve_are_recorded_with_who(db: Database) -> None:
    ledger, _ = two_incidents(db)
    actions = IncidentActions(db, catalog())
    now = T0 + timedelta(hours=2)
    inc = actions.set_status(ledger, "acknowledged", "alice", now)
    assert inc["status"] == "acknowledged"
    actions.set_status(ledger, "acknowledged", "bob", now)  # a no-op is not recorded
    actions.set_status(ledger, "resolved", "bob", now + timedelta(minutes=1))
    with db.session() as s:
        trail = list_actions(s, ledger)
    assert [(a["action"], a["actor"]) for a in trail] == [("acknowledge", "alice"),
                                                          ("resolve", "bob")]  # fmt: skip
    assert trail[0]["at"] == "2026-03-02T11:00:00Z" and trail[1]["detail"]["from"] == "acknowledged"
    assert [a for a, _ in page_rows(db, ledger)] == ["trigger", "acknowledge", "resolve"]
    with pytest.raises(ActionInputError, match="actor"):
        actions.set_status(ledger, "resolved", "  ", now)
    with pytest.raises(TransitionError, match="resolved and cannot be acknowledged"):
        actions.set_status(ledger, "acknowledged", "carol", now)


def test_merge_moves_members_resolves_the_other_and_pages_once(db: Database) -> None:
    ledger, search = two_incidents(db)
    actions = IncidentActions(db, catalog())
    now = T0 + timedelta(hours=2)
    merged = actions.merge(ledger, search, "alice", now)
    assert sorted(merged["services"]) == ["ledger", "search"]
    assert len(merged["alert_fingerprints"]) == 4 and merged["severity"] == "critical"
    assert {rc["kind"] for rc in merged["root_causes"]} >= {"service"}
    assert "4 alerts on 2 services" in merged["title"]
    with db.session() as s:
        other = s.get_one(Incident, search)
        assert (other.status, other.merged_into_id, other.resolved_at) == ("resolved", ledger, now)
        detail = incident_detail(s, ledger)
        assert detail is not None and detail["merged_from"] == [search]
        assert detail["alerts_total"] == 4 and len(detail["alerts"]) == 4
        assert [a["action"] for a in detail["actions"]] == ["merge"]
        assert [a["action"] for a in list_actions(s, search)] == ["merged_into"]
    # the merged incident's page resolves; the survivor keeps its one trigger
    assert page_rows(db, search) == [("trigger", "pending"), ("resolve", "pending")]
    assert page_rows(db, ledger) == [("trigger", "pending")]
    with pytest.raises(TransitionError, match="already merged"):
        actions.merge(ledger, search, "alice", now)
    with pytest.raises(TransitionError, match="into itself"):
        actions.merge(ledger, ledger, "alice", now)
    with pytest.raises(TransitionError, match="does not exist"):
        actions.merge(ledger, 999_999, "alice", now)
    # a new firing of a moved alert joins the survivor, not a new incident
    post(db, alert("SearchErrors", "search", T0 + timedelta(hours=2, minutes=5)))
    stage(db).run(T0 + timedelta(hours=2, minutes=6))
    active = incidents(db, "open")
    assert [i["id"] for i in active] == [ledger]


def test_split_moves_alerts_into_a_new_paging_incident(db: Database) -> None:
    ledger, search = two_incidents(db)
    actions = IncidentActions(db, catalog())
    now = T0 + timedelta(hours=2)
    merged = actions.merge(ledger, search, "alice", now)
    with db.session() as s:
        detail = incident_detail(s, ledger)
    assert detail is not None
    moving = [a["fingerprint"] for a in detail["alerts"] if a["service"] == "search"]
    child = actions.split(ledger, moving, "bob", now + timedelta(minutes=1))
    assert child["services"] == ["search"] and child["status"] == "open"
    assert sorted(child["alert_fingerprints"]) == sorted(moving)
    assert child["severity"] == "critical" and child["root_causes"][0]["name"] == "search"
    parent = get_incident_dict(db, ledger)
    assert parent["services"] == ["ledger"] and len(parent["alert_fingerprints"]) == 2
    assert len(merged["alert_fingerprints"]) == 4
    assert page_rows(db, child["id"]) == [("trigger", "pending")]
    with db.session() as s:
        assert [a["action"] for a in list_actions(s, child["id"])] == ["split_from"]
        assert list_actions(s, ledger)[-1]["detail"]["new_incident"] == child["id"]
    with pytest.raises(ActionInputError, match="leave at least one"):
        actions.split(ledger, parent["alert_fingerprints"], "bob", now)
    with pytest.raises(ActionInputError, match="not in incident"):
        actions.split(ledger, ["nope"], "bob", now)
    # the correlate stage rebuilds from the store and keeps the split as it is
    post(db, alert("SearchErrors", "search", T0 + timedelta(hours=2, minutes=5)))
    stage(db).run(T0 + timedelta(hours=2, minutes=6))
    assert get_incident_dict(db, child["id"])["status"] == "open"
    assert get_incident_dict(db, ledger)["services"] == ["ledger"]


def get_incident_dict(db: Database, incident_id: int) -> dict[str, object]:
    with db.session() as s:
        found = get_incident(s, incident_id)
    assert found is not None
    return found


def test_silence_from_an_incident_holds_its_unsent_pages(db: Database) -> None:
    ledger, search = two_incidents(db)
    actions = IncidentActions(db, catalog())
    now = T0 + timedelta(hours=1, minutes=2)
    made = actions.silence(ledger, ['service="ledger"'], timedelta(hours=2), "alice", now=now)
    assert made["created_by"] == "alice" and made["ends_at"] == "2026-03-02T12:02:00Z"
    assert page_rows(db, ledger) == [("trigger", "suppressed")]
    assert page_rows(db, search) == [("trigger", "pending")]
    with db.session() as s:
        assert s.get_one(Incident, ledger).silenced != ""
        (trail,) = list_actions(s, ledger)
        assert trail["action"] == "silence" and trail["detail"]["silence_id"] == made["id"]
        assert s.scalar(select(Silence.comment)) == f"from incident {ledger}"
    with pytest.raises(ActionInputError, match="duration"):
        actions.silence(ledger, ["service=ledger"], timedelta(days=31), "alice", now=now)


def test_the_list_filters_sorts_and_pages_in_sql(db: Database) -> None:
    ledger, search = two_incidents(db)
    with db.session() as s:
        page = search_incidents(s, IncidentFilter(status="all", sort="opened_at"))
        assert [r["id"] for r in page.rows] == [search, ledger] and page.total == 2
        assert page.rows[0]["alerts"] == 2 and page.rows[0]["detections"] == 0
        only = search_incidents(s, IncidentFilter(service="ledger"))
        assert [r["id"] for r in only.rows] == [ledger]
        assert search_incidents(s, IncidentFilter(service="ledg")).total == 0
        asc = search_incidents(s, IncidentFilter(sort="opened_at", descending=False, limit=1))
        assert [r["id"] for r in asc.rows] == [ledger] and asc.total == 2
        assert search_incidents(s, IncidentFilter(status="resolved")).total == 0
        assert search_incidents(s, IncidentFilter(since=T0 + timedelta(minutes=30))).total == 1
    with pytest.raises(ValueError, match="sort"):
        IncidentFilter(sort="nope")
