"""Timestamps come back timezone-aware UTC and compare correctly on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from efficiency.store.db import Database
from efficiency.store.events import ChangeEvent


def test_timestamps_round_trip_as_utc(db: Database) -> None:
    berlin = timezone(timedelta(hours=1))
    at = datetime(2026, 11, 22, 11, 30, 15, 123456, tzinfo=berlin)
    with db.session() as s:
        s.add(ChangeEvent(service="a", at=at, received_at=at))
    with db.session() as s:
        got = s.execute(select(ChangeEvent)).scalar_one()
    assert got.at == at
    assert got.at.tzinfo is not None and got.at.utcoffset() == timedelta(0)
    assert got.at.hour == 10


def test_range_filters_compare_in_utc(db: Database) -> None:
    base = datetime(2026, 11, 22, 10, tzinfo=UTC)
    with db.session() as s:
        for minutes in (0, 30, 90):
            at = base + timedelta(minutes=minutes)
            s.add(ChangeEvent(service="a", at=at, version=str(minutes), received_at=at))
    with db.session() as s:
        later = s.scalars(
            select(ChangeEvent.version).where(ChangeEvent.at > base + timedelta(minutes=10))
        ).all()
    assert sorted(later) == ["30", "90"]


def test_naive_timestamps_are_refused(sqlite_db: Database) -> None:
    with pytest.raises(Exception, match="timezone"), sqlite_db.session() as s:
        s.add(ChangeEvent(service="a", at=datetime(2026, 1, 1), received_at=datetime.now(UTC)))
        s.flush()
