"""The agent's on-disk queue: order, durability, the size bound and its accounting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from collectors.spool import Spool


def metrics(n: int, tag: str = "x") -> dict[str, object]:
    return {
        "points": [
            {"name": tag, "labels": {}, "timestamp": "2026-11-22T10:00:00Z", "value": float(i)}
            for i in range(n)
        ]
    }


def test_batches_come_back_in_order_until_acknowledged(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "s.db")
    first = spool.put("metrics", metrics(2, "a"))
    second = spool.put("changes", {"changes": [{"service": "api", "at": 1}]})
    head = spool.peek()
    assert head is not None and head.seq == first and head.kind == "metrics"
    assert head.records == 2 and head.body["points"][0]["name"] == "a"
    spool.retry_later(first)
    assert spool.peek().attempts == 1  # type: ignore[union-attr]
    spool.ack(first)
    nxt = spool.peek()
    assert nxt is not None and nxt.seq == second
    spool.ack(second)
    assert spool.peek() is None
    assert spool.stats().depth == 0


def test_survives_a_restart(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "s.db")
    spool.put("metrics", metrics(3))
    spool.close()
    again = Spool(tmp_path / "s.db")
    stats = again.stats()
    assert stats.depth == 1 and stats.records == 3


def test_profile_batches_get_an_id_for_server_side_dedup(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "s.db")
    spool.put("profiles", {"windows": [{"service": "a"}]})
    spool.put("profiles", {"batch_id": "mine", "windows": [{"service": "a"}]})
    first = spool.peek()
    assert first is not None and first.body["batch_id"].startswith("agent-")
    spool.ack(first.seq)
    assert spool.peek().body["batch_id"] == "mine"  # type: ignore[union-attr]


def test_past_the_bound_the_oldest_are_dropped_and_counted(tmp_path: Path) -> None:
    one = len(json.dumps(metrics(10), separators=(",", ":")))
    spool = Spool(tmp_path / "s.db", max_bytes=int(one * 3.5))
    seqs = [spool.put("metrics", metrics(10)) for _ in range(6)]
    stats = spool.stats()
    assert stats.depth == 3
    assert stats.dropped_batches == 3 and stats.dropped_records == 30
    assert spool.peek().seq == seqs[3]  # type: ignore[union-attr]
    spool.close()
    assert Spool(tmp_path / "s.db", max_bytes=one * 10).stats().dropped_records == 30


def test_the_newest_batch_is_kept_even_when_it_alone_passes_the_bound(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "s.db", max_bytes=1024)
    spool.put("metrics", metrics(1))
    big = spool.put("metrics", metrics(200))
    assert spool.peek().seq == big  # type: ignore[union-attr]
    assert spool.stats().dropped_records == 1


def test_buried_batches_leave_the_queue_but_stay_inspectable(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "s.db")
    bad = spool.put("metrics", metrics(1))
    good = spool.put("metrics", metrics(1))
    spool.bury(bad, "HTTP 422: points.0.value: must be a finite number")
    assert spool.peek().seq == good  # type: ignore[union-attr]
    assert spool.stats().dead_batches == 1


def test_malformed_batches_are_refused_before_they_are_spooled(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "s.db")
    with pytest.raises(ValueError, match="'points' list"):
        spool.put("metrics", {"rows": []})
    with pytest.raises(ValueError, match="unknown batch kind"):
        spool.put("logs", {})  # type: ignore[arg-type]
    assert spool.stats().depth == 0
