"""Shipping spooled batches to a real `efficiency serve` process."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from collectors.shipper import Outcome, Shipper
from collectors.spool import Spool
from efficiency.backoff import Backoff
from efficiency.store.db import Database
from efficiency.store.schema import MetricPoint, ProfileWindow
from tests.servers import ApiServer, free_port

FOLDED = "main (app.py:1);work (app.py:5) 7\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiServer]:
    srv = ApiServer(tmp_path_factory.mktemp("server") / "store.db")
    srv.start()
    yield srv
    srv.stop()


def count(db_path: Path, table: type) -> int:
    db = Database(f"sqlite:///{db_path}")
    try:
        with db.session() as s:
            return int(s.scalar(select(func.count()).select_from(table)) or 0)
    finally:
        db.dispose()


def point(value: float, ts: str = "2026-11-22T10:00:00Z") -> dict[str, object]:
    return {"name": "shipper_test", "labels": {"v": str(value)}, "timestamp": ts, "value": value}


def test_backoff_grows_is_capped_and_jittered() -> None:
    b = Backoff(initial=1.0, maximum=8.0, rng=random.Random(3))
    for attempt, ceiling in [(0, 1), (1, 2), (2, 4), (3, 8), (10, 8), (500, 8)]:
        delays = [b.delay(attempt) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1


def test_batches_reach_the_store_and_leave_the_spool(server: ApiServer, tmp_path: Path) -> None:
    spool = Spool(tmp_path / "s.db")
    spool.put("metrics", {"points": [point(1.0), point(2.0)]})
    window = {"service": "shipper", "host": "h1", "start": "2026-11-22T10:00:00Z",
              "end": "2026-11-22T10:00:01Z", "data": FOLDED}  # fmt: skip
    spool.put("profiles", {"windows": [window]})
    shipper = Shipper(server.url, spool)
    assert shipper.ship_one() is Outcome.SHIPPED
    assert shipper.ship_one() is Outcome.SHIPPED
    assert shipper.ship_one() is Outcome.EMPTY
    assert shipper.stats.shipped_records == {"metrics": 2, "profiles": 1}
    assert shipper.stats.last_success is not None
    assert count(server.db, MetricPoint) >= 2
    assert count(server.db, ProfileWindow) >= 1
    shipper.close()


def test_a_resent_profile_batch_is_stored_once(server: ApiServer, tmp_path: Path) -> None:
    """A batch whose response was lost is sent again: its batch id makes that harmless."""
    spool = Spool(tmp_path / "s.db")
    window = {"service": "resend", "host": "h1", "start": "2026-11-22T11:00:00Z",
              "end": "2026-11-22T11:00:01Z", "data": FOLDED}  # fmt: skip
    spool.put("profiles", {"windows": [window]})
    before = count(server.db, ProfileWindow)
    shipper = Shipper(server.url, spool)
    batch = spool.peek()
    assert batch is not None
    shipper._client.post("/api/v1/profiles", json=batch.body)  # the first, "lost" response
    assert shipper.ship_one() is Outcome.SHIPPED
    assert count(server.db, ProfileWindow) == before + 1
    shipper.close()


def test_a_malformed_batch_is_set_aside_and_the_rest_ship(
    server: ApiServer, tmp_path: Path
) -> None:
    spool = Spool(tmp_path / "s.db")
    spool.put("metrics", {"points": [{**point(1.0), "timestamp": "yesterday-ish"}]})
    spool.put("metrics", {"points": [point(3.0)]})
    shipper = Shipper(server.url, spool)
    assert shipper.ship_one() is Outcome.REFUSED
    assert shipper.ship_one() is Outcome.SHIPPED
    stats = spool.stats()
    assert stats.depth == 0 and stats.dead_batches == 1
    shipper.close()


def test_an_unreachable_server_keeps_the_batch_and_counts_the_failure(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "s.db")
    seq = spool.put("metrics", {"points": [point(1.0)]})
    shipper = Shipper(f"http://127.0.0.1:{free_port()}", spool, timeout=2)
    assert shipper.ship_one() is Outcome.RETRY
    assert shipper.ship_one() is Outcome.RETRY
    head = spool.peek()
    assert head is not None and head.seq == seq and head.attempts == 2
    assert shipper.stats.failures == {"connection": 2}
    assert shipper.stats.consecutive_failures == 2 and "unreachable" in shipper.stats.last_error
    assert not shipper.flush(0.5)
    shipper.close()
