"""Ordering a remediate run's branches so that the first one a user reads is the best one.

Hot spots are tried costliest first, and within a hot spot each matching playbook in turn, so
one run can make several branches for one service (or one hot spot). With ``--verify`` each
branch carries what its benchmark measured, and that measurement, not the order the branches
were made in, says which to review first:

1. verified wins (tests pass on the branch, the speedup's 95% interval above 1.0), the largest
   measured speedup first;
2. branches whose tests pass and whose benchmark saw no measurable change, largest first;
3. branches not verified (no ``--verify``, or no test or bench command): in the order made;
4. last, branches measured slower, or whose tests or benchmark failed, in the order made.

The sort is stable, so without verification the order is the costliest hot spot's first, as
before. Advice proposals (no branch) are not ranked: there is nothing to measure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

WIN, NO_CHANGE, UNVERIFIED, AGAINST = range(4)


def standing(proposal: Mapping[str, Any]) -> int:
    """Which of the module docstring's groups a branch proposal falls in."""
    v = proposal.get("verification") or {}
    verdict = str(v.get("verdict") or "")
    measured = isinstance(v.get("speedup"), int | float)
    if v.get("tests_after") == "fail" or v.get("bench_error") or verdict.startswith("slower"):
        return AGAINST
    if measured and verdict.startswith("faster"):
        return WIN
    if measured and verdict.startswith("no measurable change"):
        return NO_CHANGE
    return UNVERIFIED


def rank_key(proposal: Mapping[str, Any]) -> tuple[int, float]:
    """Sort key: the group, then (wins and no-change only) the measured speedup, largest
    first; the other groups keep the order the branches were made in."""
    group = standing(proposal)
    speedup = (proposal.get("verification") or {}).get("speedup")
    return group, -float(speedup) if group in (WIN, NO_CHANGE) else 0.0


def best_first(spots: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The branch proposals of a report's hot spots (each once), best first (module
    docstring), each as ``{id, playbook, branch, hotspot_id, frame, speedup, verdict}``."""
    out: list[dict[str, Any]] = []
    seen: set[Any] = set()
    for spot in spots:
        for p in spot.get("proposals") or []:
            if not p.get("branch") or p.get("id") in seen:
                continue
            seen.add(p.get("id"))
            v = p.get("verification") or {}
            out.append({"id": p.get("id"), "playbook": p.get("playbook"),
                        "branch": p.get("branch"), "hotspot_id": spot.get("hotspot_id"),
                        "frame": spot.get("frame"), "speedup": v.get("speedup"),
                        "verdict": v.get("verdict"), "_key": rank_key(p)})  # fmt: skip
    out.sort(key=lambda r: r["_key"])
    for row in out:
        del row["_key"]
    return out
