"""Top frames per service: self and inclusive shares, cores, time ranges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from efficiency.ingest.parsers.folded import parse_folded
from efficiency.ingest.profiles import WindowMeta, store_profiles
from efficiency.store.db import Database
from efficiency.store.profile_queries import hotspot_id, top_frames

T0 = datetime(2026, 11, 22, 10, tzinfo=UTC)


def put(db: Database, service: str, folded: str, start: datetime, seconds: float = 10,
        rate: float | None = 100.0, host: str = "h1") -> None:  # fmt: skip
    meta = WindowMeta(service=service, host=host, start=start,
                      end=start + timedelta(seconds=seconds), rate_hz=rate)  # fmt: skip
    with db.session() as s:
        store_profiles(s, [(meta, parse_folded(folded))])


def test_shares_cores_and_ranking(db: Database) -> None:
    # 1000 samples over 10 s at 100 Hz = 1 core; spin is 60% self, work 100% inclusive
    folded = (
        "main (a.py:1);work (a.py:2);spin (a.py:3) 600\n"
        "main (a.py:1);work (a.py:2) 300\n"
        "main (a.py:1);work (a.py:4) 100\n"
    )
    put(db, "api", folded, T0)
    (prof,) = top_frames_in(db)
    assert prof.service == "api" and prof.samples == 1000
    assert abs(prof.cores - 1.0) < 1e-9
    top = prof.frames[0]
    assert (top.function, top.share, top.share_inclusive) == ("spin", 0.6, 0.6)
    assert abs(top.cost_cores - 0.6) < 1e-9
    work = next(f for f in prof.frames if f.function == "work")
    # lines 2 and 4 of work are one function
    assert work.self_samples == 400 and work.share_inclusive == 1.0
    assert top.id == hotspot_id("api", "spin", "a.py")
    with db.session() as s:
        (by_incl,) = top_frames(s, order="inclusive", limit=2)
    assert [f.function for f in by_incl.frames] == ["main", "work"]


def top_frames_in(db: Database, **kw: object) -> list:
    with db.session() as s:
        return top_frames(s, **kw)  # type: ignore[arg-type]


def test_services_time_ranges_and_unknown_rates(db: Database) -> None:
    put(db, "a", "x (a.py:1) 10\n", T0)
    put(db, "a", "y (a.py:1) 30\n", T0 + timedelta(hours=1))
    put(db, "b", "z (b.py:1) 5\n", T0, rate=None)
    both = top_frames_in(db)
    assert [p.service for p in both] == ["a", "b"]
    assert both[1].cores is None and both[1].frames[0].cost_cores is None
    early = top_frames_in(db, service="a", end=T0 + timedelta(minutes=30))
    assert [f.function for f in early[0].frames] == ["x"]
    late = top_frames_in(db, service="a", start=T0 + timedelta(minutes=30))
    assert [f.function for f in late[0].frames] == ["y"]
    assert top_frames_in(db, service="nope") == []


def test_same_stack_in_many_windows_is_stored_once(db: Database) -> None:
    for i in range(3):
        put(db, "a", "m (a.py:1);n (a.py:2) 5\n", T0 + timedelta(minutes=i), host=f"h{i}")
    from sqlalchemy import func, select

    from efficiency.store.profiles import Frame, ProfileSample, Stack

    with db.session() as s:
        assert s.execute(select(func.count()).select_from(Stack)).scalar_one() == 1
        assert s.execute(select(func.count()).select_from(Frame)).scalar_one() == 2
        assert s.execute(select(func.count()).select_from(ProfileSample)).scalar_one() == 3
    (prof,) = top_frames_in(db)
    assert prof.samples == 15
