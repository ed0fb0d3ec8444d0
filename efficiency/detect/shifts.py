"""Cost shifts: two findings of one service that are one move of cost, not a regression.

When cost moves from one function to another (a caller to a callee after inlining, a function
renamed or split) one share goes up and the other down by as much, and their nearest common
caller's inclusive share does not move. "Does not move" is judged against the rise a new cost
would give that caller: (1 - its share) / (1 - the function's share) of the function's rise,
both shares before the change, since a caller that already holds most samples (a thread's
entry frame) has little room to grow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from efficiency.detect.derive import SharePanel

if TYPE_CHECKING:
    from efficiency.detect.functions import FunctionFinding


def _share_change(k: np.ndarray, n: np.ndarray, onset: int) -> float:
    kb, nb, ka, na = k[:onset].sum(), n[:onset].sum(), k[onset:].sum(), n[onset:].sum()
    if nb == 0 or na == 0:
        return 0.0
    return float(ka / na - kb / nb)


def cost_shifts(
    panel: SharePanel, found: list[FunctionFinding], incl: np.ndarray
) -> dict[int, str]:
    """ids (positions in ``found``) of findings that are one side of a cost shift.
    ``incl``: the inclusive counts to judge the caller by (seasonally adjusted if known)."""
    shifted: dict[int, str] = {}
    for i, up in enumerate(found):
        if up.delta <= 0:
            continue
        above = panel.ancestors.get(up.service, {})
        for j, down in enumerate(found):
            if (
                down.delta >= 0
                or down.service != up.service
                or down.metric != up.metric
                or abs(down.change.onset - up.change.onset) > 1
                or abs(down.delta) < 0.5 * up.delta
            ):
                continue
            # a common caller (or the one that lost cost calling the one that gained it)
            common = (above.get(up.function, set()) & above.get(down.function, set())) | (
                {down.function} & above.get(up.function, set())
            )
            common |= {up.function} & above.get(down.function, set())
            # the nearest common caller is the one with the smallest inclusive share; one that
            # holds (nearly) everything, like the root, stays flat whatever happens below it,
            # so its flatness is no evidence of a shift
            best: tuple[float, str, int] | None = None
            for parent in common:
                row = panel.row(up.service, parent)
                if row is None:
                    continue
                share = panel.incl_k[row].sum() / max(panel.n[row].sum(), 1)
                if best is None or share < best[0]:
                    best = (share, parent, row)
            if best is None or best[0] > 0.9:
                continue
            _, parent, row = best
            moved = _share_change(incl[row], panel.n[row], up.change.onset)
            # a caller that holds most samples (a thread's entry frame beside an idle main
            # thread) has little room to grow: judged against the rise a new cost gives it
            expected = up.delta * _room(panel, incl, row, up)
            if abs(moved) < 0.25 * expected:
                why = (
                    f"{up.function} +{up.delta:.4f} and {down.function} {down.delta:.4f}, "
                    f"caller {parent} inclusive {moved:+.4f} (a new cost would move it "
                    f"{expected:+.4f})"
                )
                shifted.setdefault(i, why)
                shifted.setdefault(j, why)
    return shifted


def _room(panel: SharePanel, incl: np.ndarray, row: int, up: FunctionFinding) -> float:
    """The part of ``up``'s share rise that its caller in ``row`` shows when ``up``'s cost
    grew and nothing else changed: (1 - caller) / (1 - function), both shares before."""
    onset, n = up.change.onset, panel.n[row][: up.change.onset].sum()
    caller = float(incl[row][:onset].sum() / n) if n > 0 else 0.0
    return max(0.0, min(1.0, (1 - caller) / max(1 - up.change.before, 1e-12)))
