"""store_profiles on both backends: interning, idempotency, and the committed-ids memory."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from efficiency.ingest.errors import InputError
from efficiency.ingest.parsers.folded import parse_folded
from efficiency.ingest.profiles import WindowMeta, store_collected_window, store_profiles
from efficiency.store.db import Database
from efficiency.store.profile_queries import top_frames
from efficiency.store.profiles import Frame, ProfileSample, ProfileWindow, Stack

T0 = datetime(2026, 11, 22, 10, tzinfo=UTC)
FOLDED = "main (a.py:1);f (a.py:2);g (a.py:3) 5\nmain (a.py:1);h (a.py:9) 2\n"


def meta(i: int) -> WindowMeta:
    return WindowMeta(service="svc", host="h", start=T0 + timedelta(minutes=i),
                      end=T0 + timedelta(minutes=i + 1), rate_hz=100)  # fmt: skip


def counts(db: Database) -> tuple[int, ...]:
    with db.session() as s:
        return tuple(
            s.execute(select(func.count()).select_from(m)).scalar_one()
            for m in (ProfileWindow, Frame, Stack, ProfileSample)
        )


def test_a_rolled_back_write_is_not_remembered(db: Database) -> None:
    """Ids of a transaction that rolled back must be written again by the next window."""
    with pytest.raises(RuntimeError), db.session() as s:
        store_profiles(s, [(meta(0), parse_folded(FOLDED))])
        raise RuntimeError("the caller failed after the write")
    assert counts(db) == (0, 0, 0, 0)
    with db.session() as s:
        store_profiles(s, [(meta(1), parse_folded(FOLDED))])
    assert counts(db) == (1, 4, 2, 2)
    with db.session() as s:
        (prof,) = top_frames(s)
    assert prof.frames[0].function == "g" and prof.samples == 7


def test_later_windows_send_only_new_stacks(db: Database) -> None:
    with db.session() as s:
        first = store_profiles(s, [(meta(0), parse_folded(FOLDED))])
    with db.session() as s:
        second = store_profiles(s, [(meta(1), parse_folded(FOLDED + "main (a.py:1) 1\n"))])
    assert (first.stacks, second.stacks) == (2, 1)
    assert counts(db) == (2, 4, 3, 5)


def test_one_batch_with_several_windows_and_a_repeat(db: Database) -> None:
    windows = [(meta(0), parse_folded(FOLDED)), (meta(1), parse_folded(FOLDED))]
    with db.session() as s:
        result = store_profiles(s, [*windows, windows[0]], batch_id=None)
    assert (result.windows_stored, result.windows_skipped, result.samples) == (2, 1, 14)
    with db.session() as s:
        again = store_profiles(s, windows, batch_id="b")
        assert again.windows_skipped == 2
    with db.session() as s:
        assert store_profiles(s, [(meta(5), parse_folded(FOLDED))], batch_id="b").windows_skipped


def test_a_collected_window_keeps_its_good_lines_and_logs_the_bad_one(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    """A line our own profiler wrote malformed (an empty frame) is left out and logged; the
    window's other stacks are stored. A user's upload of the same text is refused whole."""
    bad = "main (a.py:1);;g (a.py:3) 4\n"
    record = SimpleNamespace(pid=42, start=T0, end=T0 + timedelta(minutes=1), rate_hz=100.0,
                             folded=FOLDED + bad, collector="py-spy", labels={})  # fmt: skip
    with caplog.at_level(logging.WARNING), db.session() as s:
        result = store_collected_window(s, "svc", "h", record)
    assert (result.windows_stored, result.samples, result.lines_skipped) == (1, 7, 1)
    assert counts(db) == (1, 4, 2, 2)
    (message,) = [r.getMessage() for r in caplog.records if "malformed" in r.getMessage()]
    assert "line 3" in message and "empty frame name" in message and "svc" in message
    with pytest.raises(InputError, match="line 3"):
        parse_folded(FOLDED + bad)
