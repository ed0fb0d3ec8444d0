"""Merge, split, silence and the audit trail over HTTP, against a real server on loopback."""

from __future__ import annotations

from tests.ingest.conftest import ApiServer
from tests.stages.test_incident_actions import two_incidents


def test_merge_split_silence_and_the_audit_trail(api: ApiServer) -> None:
    ledger, search = two_incidents(api.db)
    c = api.client
    r = c.post(f"/api/v1/incidents/{ledger}/ack", json={"actor": "alice"})
    assert r.status_code == 200 and r.json()["status"] == "acknowledged"
    r = c.post(f"/api/v1/incidents/{ledger}/merge", json={"incident_id": search, "actor": "bob"})
    assert r.status_code == 200 and len(r.json()["alert_fingerprints"]) == 4
    assert c.get(f"/api/v1/incidents/{search}").json()["status"] == "resolved"
    moving = r.json()["alert_fingerprints"][:1]
    r = c.post(f"/api/v1/incidents/{ledger}/split", json={"fingerprints": moving, "actor": "bob"})
    assert r.status_code == 201 and r.json()["alert_fingerprints"] == moving
    child = r.json()["id"]
    body = {"matchers": ["service=search"], "duration_seconds": 3600, "actor": "carol"}
    r = c.post(f"/api/v1/incidents/{child}/silence", json=body)
    assert r.status_code == 201 and r.json()["created_by"] == "carol"
    trail = c.get(f"/api/v1/incidents/{ledger}/actions").json()
    assert [(a["action"], a["actor"]) for a in trail] == [
        ("acknowledge", "alice"), ("merge", "bob"), ("split", "bob"),
    ]  # fmt: skip
    assert [a["action"] for a in c.get(f"/api/v1/incidents/{child}/actions").json()] == [
        "split_from", "silence",
    ]  # fmt: skip


def test_refusals_name_the_field_or_the_reason(api: ApiServer) -> None:
    ledger, search = two_incidents(api.db)
    c = api.client
    r = c.post(f"/api/v1/incidents/{ledger}/merge", json={"incident_id": search})
    assert r.status_code == 422 and r.json()["error"].startswith("actor:")
    r = c.post(f"/api/v1/incidents/{ledger}/split", json={"fingerprints": [], "actor": "a"})
    assert r.status_code == 422 and r.json()["error"].startswith("fingerprints")
    r = c.post(f"/api/v1/incidents/{ledger}/split", json={"fingerprints": ["x"], "actor": "a"})
    assert r.status_code == 422 and "not in incident" in r.json()["error"]
    r = c.post(f"/api/v1/incidents/{ledger}/silence",
               json={"matchers": ["service=~"], "duration_seconds": 60, "actor": "a"})  # fmt: skip
    assert r.status_code == 422 and r.json()["error"].startswith("matchers")
    assert c.post("/api/v1/incidents/99999/merge",
                  json={"incident_id": ledger, "actor": "a"}).status_code == 404  # fmt: skip
    assert c.get("/api/v1/incidents/99999/actions").status_code == 404
    assert c.post(f"/api/v1/incidents/{ledger}/resolve").json()["status"] == "resolved"
    r = c.post(f"/api/v1/incidents/{search}/merge", json={"incident_id": ledger, "actor": "a"})
    assert r.status_code == 200  # a resolved incident can still be folded into an active one
    r = c.post(f"/api/v1/incidents/{ledger}/merge", json={"incident_id": search, "actor": "a"})
    assert r.status_code == 409 and "resolved" in r.json()["detail"]
    # without an actor in the body the trail records the API as the actor
    assert c.get(f"/api/v1/incidents/{ledger}/actions").json()[0]["actor"] == "api"
