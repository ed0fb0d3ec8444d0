"""POST /api/v1/canary then GET /api/v1/canary/{id} over a real HTTP server."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from efficiency.config import Config
from efficiency.store.canary_runs import CanaryRun
from efficiency.store.db import Database
from tests.ingest.conftest import ApiServer, run_server
from tests.stages.test_rollback import HookReceiver, hook_receiver
from tests.test_cli_canary import T0, _windows

BODY = {"service": "checkout", "canary": "version=v2", "control": "version=v1",
        "from": T0.isoformat(), "to": "2026-03-02T10:02:00Z"}  # fmt: skip


def _post_windows(api: ApiServer, lines: list[str]) -> None:
    windows = [json.loads(line) for line in lines]
    r = api.client.post("/api/v1/profiles", json={"windows": windows})
    assert r.status_code < 300, r.text


def test_round_trip_of_a_failing_canary(api: ApiServer) -> None:
    _post_windows(api, _windows("v1", 0.0, 8, 6000, 11) + _windows("v2", 0.10, 8, 6000, 12))
    created = api.client.post("/api/v1/canary", json=BODY)
    assert created.status_code == 201, created.text
    run = created.json()
    assert run["status"] == "done" and run["verdict"] == "fail"
    assert run["result"]["functions"][0]["function"] == "line_total"
    assert run["request"]["canary"] == "version=v2"
    again = api.client.get(f"/api/v1/canary/{run['id']}")
    assert again.status_code == 200 and again.json() == run


def test_unknown_and_bad_ids_and_bodies(api: ApiServer) -> None:
    assert api.client.get("/api/v1/canary/999").status_code == 404
    assert api.client.get("/api/v1/canary/0").status_code == 422
    assert api.client.get(f"/api/v1/canary/{2**80}").status_code == 422
    bad = api.client.post("/api/v1/canary", json={**BODY, "canary": "version"})
    assert bad.status_code == 422 and "canary" in bad.text
    bad = api.client.post("/api/v1/canary", json={**BODY, "to": "yesterday-ish"})
    assert bad.status_code == 422 and "to" in bad.text
    with api.db.session() as s:  # nothing written by a refused request
        assert s.execute(select(func.count()).select_from(CanaryRun)).scalar_one() == 0


def test_canary_needs_the_token(api_with_token: ApiServer) -> None:
    assert api_with_token.client.post("/api/v1/canary", json=BODY).status_code == 401
    assert api_with_token.client.get("/api/v1/canary/1").status_code == 401


@pytest.fixture
def receiver() -> Iterator[HookReceiver]:
    with hook_receiver() as found:
        yield found


@pytest.fixture
def hooked_api(db: Database, receiver: HookReceiver) -> Iterator[ApiServer]:
    config = Config()
    config.canary.rollback_webhook = f"{receiver.url}/rollback"
    yield from run_server(config, db)


def test_a_failed_canary_fires_its_rollback_hook_once(
    hooked_api: ApiServer, receiver: HookReceiver
) -> None:
    """A failing canary posted twice: the rollback hook reaches the receiver once; each run
    shows the incident and the hook's delivery state."""
    _post_windows(hooked_api, _windows("v1", 0.0, 8, 6000, 11) + _windows("v2", 0.10, 8, 6000, 12))
    first = hooked_api.client.post("/api/v1/canary", json=BODY).json()
    second = hooked_api.client.post("/api/v1/canary", json=BODY).json()
    assert first["verdict"] == second["verdict"] == "fail"
    assert first["rollback"]["incident_id"] == second["rollback"]["incident_id"]
    (row,) = first["rollback"]["outbox"]
    assert (row["route"], row["action"], row["state"]) == ("canary-rollback", "rollback", "sent")
    assert hooked_api.client.get(f"/api/v1/canary/{first['id']}").json() == first
    (hook,) = receiver.on("/rollback")
    assert hook.body["canary_run_id"] == first["id"] and hook.body["verdict"] == "fail"
