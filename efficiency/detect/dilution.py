"""Dilution: shares add up to one, so when one function of a service regresses every other
function's share shrinks although its cost did not change (and grows when one improves).
Most functions do not change at once, so the median after/before ratio of a service's
shares is that common factor; a change that is just this factor is not its own.
"""

from __future__ import annotations

import numpy as np

from efficiency.detect.derive import SharePanel
from efficiency.detect.regression import ShareChange


def common_factor(
    panel: SharePanel, self_counts: np.ndarray, service: str, onset: int
) -> float | None:
    """The factor by which the shares of a service's functions moved at ``onset`` when their
    own cost did not: the median after/before ratio of the self shares of the functions that
    were there before (at least 0.5% and 100 samples). Most functions do not change when one
    does, so the median is their common dilution (or inflation) whatever the cause; None
    with fewer than three such functions."""
    rows = np.flatnonzero(panel.index["service"].to_numpy() == service)
    if rows.size < 3 or not 0 < onset < panel.n.shape[1]:
        return None
    k, n = self_counts[rows], panel.n[rows]
    kb, ka = k[:, :onset].sum(axis=1), k[:, onset:].sum(axis=1)
    nb, na = n[:, :onset].sum(axis=1), n[:, onset:].sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        before, after = kb / nb, ka / na
        ratio = after / before
    there = (before >= 0.005) & (kb >= 100) & (na > 0)
    if there.sum() < 3:
        return None
    return float(np.median(ratio[there]))


def diluted(
    panel: SharePanel, self_counts: np.ndarray, service: str, change: ShareChange, bar: float
) -> str | None:
    """Why ``change`` (of a function of ``service``) is only the other side of its service's
    real changes, or None: its share moved by the service's common factor, in the direction
    of that factor, either within half of it or so close to it that what is left is not
    significant (under ``bar`` standard errors at the change's own noise: without a relative
    floor, the dilution of a large function is itself large enough in cost to be reported)."""
    if change.before <= 0 or change.after <= 0:
        return None
    factor = common_factor(panel, self_counts, service, change.onset)
    if factor is None or not factor > 0:
        return None
    ratio = change.after / change.before
    if (ratio - 1) * (factor - 1) <= 0:
        return None
    delta = change.after - change.before
    left = abs(change.z * (change.after - change.before * factor) / delta)
    near = abs(np.log(factor)) >= 0.01 and (
        abs(np.log(ratio) - np.log(factor)) <= 0.5 * abs(np.log(factor))
    )
    if near or left < bar:
        return (
            f"share x{ratio:.3f}, as the service's unchanged functions moved (x{factor:.3f}; "
            f"{left:.1f} standard errors left): another function's change, not its own"
        )
    return None
