"""The consumer's drain step after a rebalance: the payloads of the fetched records the
group has not committed yet, in offset order, as one list for the batch writer."""

from __future__ import annotations

from collections.abc import Iterable


def fresh_payloads(records: Iterable[tuple[int, bytes]], committed: int) -> list[bytes]:
    """Payloads of ``(offset, payload)`` records past the ``committed`` offset (records at or
    before it were processed by the partition's previous owner)."""
    batch = []
    for offset, payload in records:
        if offset > committed:
            batch.append(payload)
    return batch
