"""Batch job scheduling: jobs by priority then submission order onto a fixed number of
workers, each job to the worker that frees up first; retried jobs go to the back."""

from __future__ import annotations

import heapq
import logging
from collections.abc import Sequence
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    priority: int  #: lower runs first
    seconds: int
    retries: int = 0


def schedule(jobs: Sequence[Job], workers: int = 4) -> list[tuple[str, int, int]]:
    """``(job name, worker, start second)`` per job, in the order they start."""
    pending = [(job.priority, job.retries, i, job) for i, job in enumerate(jobs)]
    heapq.heapify(pending)
    free_at = [(0, w) for w in range(workers)]
    plan = []
    while pending:
        _, _, _, job = heapq.heappop(pending)
        start, worker = heapq.heappop(free_at)
        if job.retries:
            log.debug(f"{job.name} retried {job.retries}x starts at {start}, queue {pending!r}")
        plan.append((job.name, worker, start))
        heapq.heappush(free_at, (start + job.seconds, worker))
    return plan
