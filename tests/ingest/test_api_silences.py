"""``/api/v1/silences`` against a real server on loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from efficiency.store.incidents import Silence
from tests.ingest.conftest import ApiServer

FAR = {"starts_at": "2099-01-01T00:00:00Z", "ends_at": "2099-01-01T02:00:00Z"}
NIGHTS = {"days": "mon-fri", "start": "02:00", "duration_seconds": 7200,
          "timezone": "Europe/Berlin"}  # fmt: skip


def stored(api: ApiServer) -> int:
    with api.db.session() as s:
        return s.execute(select(func.count()).select_from(Silence)).scalar_one()


def test_post_list_delete(api: ApiServer) -> None:
    body = {"matchers": ["service=checkout", 'alertname=~"Disk.*"'], **FAR,
            "comment": "db maintenance", "created_by": "alice"}  # fmt: skip
    created = api.client.post("/api/v1/silences", json=body)
    assert created.status_code == 201, created.text
    row = created.json()
    assert row["matchers"] == ['service="checkout"', 'alertname=~"Disk.*"']
    assert (row["starts_at"], row["ends_at"]) == ("2099-01-01T00:00:00Z", "2099-01-01T02:00:00Z")
    assert (row["state"], row["active_now"], row["comment"]) == ("pending", False, "db maintenance")
    assert api.client.get("/api/v1/silences").json() == [row]

    deleted = api.client.delete(f"/api/v1/silences/{row['id']}")
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["state"] == "expired" and deleted.json()["expired_at"]
    assert api.client.delete(f"/api/v1/silences/{row['id']}").status_code == 200  # idempotent
    assert api.client.get("/api/v1/silences").json() == []
    everything = api.client.get("/api/v1/silences", params={"include_expired": "true"}).json()
    assert [r["id"] for r in everything] == [row["id"]]


def test_post_maintenance_window(api: ApiServer) -> None:
    body = {"matchers": ["service=db"], "starts_at": "2026-01-01T00:00:00Z",
            "recurrence": NIGHTS}  # fmt: skip
    created = api.client.post("/api/v1/silences", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["ends_at"] is None
    assert created.json()["recurrence"] == {
        "days": ["mon", "tue", "wed", "thu", "fri"], "start": "02:00",
        "duration_seconds": 7200, "timezone": "Europe/Berlin",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**FAR}, "matchers"),
        ({"matchers": [], **FAR}, "matchers"),
        ({"matchers": ["service=a", "service~a"], **FAR}, "matchers.1"),
        ({"matchers": ['a=~".*"'], **FAR}, "matchers"),
        ({"matchers": ["a=b"], "starts_at": "2099-01-01T00:00:00Z"}, "ends_at"),
        ({"matchers": ["a=b"], **FAR, "ends_at": "2098-01-01T00:00:00Z"}, "ends_at"),
        ({"matchers": ["a=b"], **FAR, "ends_at": "tomorrow"}, "ends_at"),
        ({"matchers": ["a=b"], "recurrence": {**NIGHTS, "timezone": "Nowhere"}},
         "recurrence.timezone"),
        ({"matchers": ["a=b"], "recurrence": {**NIGHTS, "start": "25:00"}}, "recurrence.start"),
        ({"matchers": ["a=b"], "recurrence": {"days": "mon", "start": "02:00"}},
         "recurrence.duration_seconds"),
        ({"matchers": ["a=b"], **FAR, "owner": "bob"}, "owner"),
        ({"matchers": ["a=b"], **FAR, "comment": "nul\x00"}, "comment"),
    ],
)  # fmt: skip
def test_bad_body_is_422_naming_the_field(api: ApiServer, body: dict[str, Any], field: str) -> None:
    response = api.client.post("/api/v1/silences", json=body)
    assert response.status_code == 422, response.text
    assert f"{field}: " in response.json()["error"]
    assert stored(api) == 0


def test_delete_unknown_silence_is_404(api: ApiServer) -> None:
    response = api.client.delete("/api/v1/silences/4242")
    assert response.status_code == 404
    assert "silence 4242 does not exist" in response.text


def test_silences_need_the_token(api_with_token: ApiServer) -> None:
    c = api_with_token.client
    assert c.get("/api/v1/silences").status_code == 401
    assert c.post("/api/v1/silences", json={"matchers": ["a=b"], **FAR}).status_code == 401
    assert c.delete("/api/v1/silences/1").status_code == 401
    headers = {"Authorization": "Bearer s3cret-token"}
    created = c.post("/api/v1/silences", json={"matchers": ["a=b"], **FAR}, headers=headers)
    assert created.status_code == 201
    assert len(c.get("/api/v1/silences", headers=headers).json()) == 1
