"""Silences in the store on SQLite and PostgreSQL: validation, listing, expiry, active rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from efficiency.ingest.errors import InputError
from efficiency.notify.silence import silence_reason
from efficiency.store.db import Database
from efficiency.store.incidents import Silence
from efficiency.store.silence_queries import (
    UnknownSilence,
    active_rules,
    add_silence,
    expire_silence,
    list_silences,
)

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # a Monday
HOUR = timedelta(hours=1)
BERLIN_NIGHTS = {"days": "mon-fri", "start": "02:00", "duration_seconds": 7200,
                 "timezone": "Europe/Berlin"}  # fmt: skip


def add(db: Database, matchers: list[str], **kw: Any) -> dict[str, Any]:
    args: dict[str, Any] = {"starts_at": NOW, "ends_at": NOW + 2 * HOUR, "recurrence": None}
    args.update(kw)
    with db.session() as s:
        return add_silence(s, matchers, args.pop("starts_at"), args.pop("ends_at"),
                           args.pop("recurrence"), now=NOW, **args)  # fmt: skip


def listed(db: Database, at: datetime = NOW, include_expired: bool = False) -> list[dict[str, Any]]:
    with db.session() as s:
        return list_silences(s, at, include_expired)


def test_add_one_off_then_list(db: Database) -> None:
    row = add(db, ["service=checkout", 'alertname=~"Disk.*"'], comment="db maintenance",
              created_by="alice")  # fmt: skip
    assert row == {
        "id": row["id"],
        "matchers": ['service="checkout"', 'alertname=~"Disk.*"'],
        "starts_at": "2026-03-02T12:00:00Z",
        "ends_at": "2026-03-02T14:00:00Z",
        "recurrence": None,
        "comment": "db maintenance",
        "created_by": "alice",
        "created_at": "2026-03-02T12:00:00Z",
        "expired_at": None,
        "state": "active",
        "active_now": True,
    }
    assert listed(db) == [row]
    with db.session() as s:
        stored = s.get(Silence, row["id"])
        assert stored is not None
        assert stored.matchers == [
            {"name": "service", "value": "checkout", "op": "="},
            {"name": "alertname", "value": "Disk.*", "op": "=~"},
        ]


def test_start_defaults_to_now_and_naive_times_are_utc(db: Database) -> None:
    row = add(db, ["service=a"], starts_at=None, ends_at=datetime(2026, 3, 2, 13))
    assert (row["starts_at"], row["ends_at"]) == ("2026-03-02T12:00:00Z", "2026-03-02T13:00:00Z")


def test_recurring_silence_is_normalized_and_may_run_forever(db: Database) -> None:
    row = add(db, ["service=db"], ends_at=None, recurrence=BERLIN_NIGHTS)
    assert row["recurrence"] == {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "02:00",
                                 "duration_seconds": 7200, "timezone": "Europe/Berlin"}  # fmt: skip
    assert row["ends_at"] is None
    assert row["state"] == "pending"  # Monday noon: between windows
    night = datetime(2026, 3, 3, 1, 30, tzinfo=UTC)  # Tuesday 02:30 CET
    assert listed(db, night)[0]["state"] == "active"


@pytest.mark.parametrize(
    ("matchers", "kw", "field"),
    [
        ([], {}, "matchers"),
        (['env=~".*"', 'team=""'], {}, "matchers"),
        (["service=a", "bad matcher"], {}, "matchers.1"),
        (["service=a"], {"ends_at": None}, "ends_at"),
        (["service=a"], {"ends_at": NOW - HOUR, "starts_at": NOW - 2 * HOUR}, "ends_at"),
        (["service=a"], {"ends_at": NOW + HOUR, "starts_at": NOW + 2 * HOUR}, "ends_at"),
        (["service=a"], {"recurrence": {**BERLIN_NIGHTS, "days": "someday"}}, "recurrence.days"),
        (["service=a"], {"recurrence": {**BERLIN_NIGHTS, "timezone": "Nowhere"}},
         "recurrence.timezone"),
        (["service=a"], {"recurrence": {"days": "mon", "start": "01:00"}},
         "recurrence.duration_seconds"),
        (["service=a"], {"created_by": "x" * 201}, "created_by"),
    ],
)  # fmt: skip
def test_bad_silence_names_the_field_and_stores_nothing(
    db: Database, matchers: list[str], kw: dict[str, Any], field: str
) -> None:
    with pytest.raises(InputError) as caught:
        add(db, matchers, **kw)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Silence)) == 0


def test_list_hides_expired_and_ended_unless_asked(db: Database) -> None:
    ended = add(db, ["service=a"], ends_at=NOW + HOUR)
    expired = add(db, ["service=b"])
    pending = add(db, ["service=c"], starts_at=NOW + 3 * HOUR, ends_at=NOW + 4 * HOUR)
    with db.session() as s:
        expire_silence(s, expired["id"], NOW + HOUR / 2)
    later = NOW + 2 * HOUR
    assert [r["id"] for r in listed(db, later)] == [pending["id"]]
    everything = listed(db, later, include_expired=True)
    assert [(r["id"], r["state"]) for r in everything] == [
        (ended["id"], "expired"), (expired["id"], "expired"), (pending["id"], "pending"),
    ]  # fmt: skip
    assert everything[1]["expired_at"] == "2026-03-02T12:30:00Z"


def test_expire_is_idempotent_and_unknown_ids_are_named(db: Database) -> None:
    row = add(db, ["service=a"])
    with db.session() as s:
        first = expire_silence(s, row["id"], NOW + HOUR)
    with db.session() as s:
        again = expire_silence(s, row["id"], NOW + 90 * timedelta(minutes=1))
    assert first["expired_at"] == again["expired_at"] == "2026-03-02T13:00:00Z"
    assert first["state"] == "expired" and not first["active_now"]
    with pytest.raises(UnknownSilence, match="silence 999 does not exist"), db.session() as s:
        expire_silence(s, 999, NOW)


def test_active_rules_are_the_silences_not_over(db: Database) -> None:
    add(db, ["service=a"], ends_at=NOW + HOUR, comment="ended by then")
    gone = add(db, ["service=b"], comment="expired")
    add(db, ["service=c"], starts_at=NOW + 3 * HOUR, ends_at=NOW + 5 * HOUR, comment="later")
    add(db, ["service=db"], ends_at=None, recurrence=BERLIN_NIGHTS, comment="db nights")
    with db.session() as s:
        expire_silence(s, gone["id"], NOW)
    with db.session() as s:
        rules = active_rules(s, NOW + 2 * HOUR)
    assert [r.comment for r in rules] == ["later", "db nights"]
    at_later = NOW + 4 * HOUR
    assert silence_reason(rules, [{"service": "c"}], at_later) == f"silence {rules[0].id} (later)"
    tuesday_night = datetime(2026, 3, 3, 1, 30, tzinfo=UTC)
    assert silence_reason(rules, [{"service": "db"}], tuesday_night) == (
        f"silence {rules[1].id} (db nights)"
    )
    assert silence_reason(rules, [{"service": "db"}, {"service": "c"}], tuesday_night) is None
