"""Build each branch's pull list: which holds can be filled from the shelf today."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass

logger = logging.getLogger(__name__)

# Circulation states (from the ILS export) that mean a copy cannot be pulled.
UNAVAILABLE_STATES = [
    "checked_out",
    "in_transit",
    "lost",
    "missing",
    "claims_returned",
    "damaged",
    "withdrawn",
    "on_order",
    "in_processing",
    "in_repair",
    "at_bindery",
    "on_display",
    "reference_only",
    "staff_hold",
    "ill_lent",
    "recalled",
    "billed",
    "trace",
    "quarantine",
    "cataloguing",
    "storage_offsite",
    "weeding_review",
    "course_reserve",
    "exhibit",
    "suppressed",
]
MAX_PULLS_PER_BRANCH = 400
BRANCH_CONFIG = {"default_shelf": "ADULT", "skip_expired": True}


@dataclass(frozen=True)
class Copy:
    barcode: str
    branch: str
    state: str
    shelf: str = ""


@dataclass(frozen=True)
class Hold:
    hold_id: int
    title_id: str
    patron: str
    expired: bool = False


@dataclass(frozen=True)
class Pull:
    hold_id: int
    barcode: str
    branch: str
    shelf: str


def is_pullable(copy: Copy) -> bool:
    return copy.state not in UNAVAILABLE_STATES


def _shelf_for(copy: Copy) -> str:
    return copy.shelf or BRANCH_CONFIG["default_shelf"]


def build_pull_lists(holds: list[Hold], copies: dict[str, list[Copy]]) -> dict[str, list[Pull]]:
    """Give each open hold (in hold order) the first free, pullable copy of its title."""
    taken: set[str] = set()
    pulls: dict[str, list[Pull]] = defaultdict(list)
    for hold in holds:
        if hold.expired and BRANCH_CONFIG["skip_expired"]:
            continue
        for copy in copies.get(hold.title_id, ()):
            if copy.barcode in taken or not is_pullable(copy):
                continue
            if len(pulls[copy.branch]) >= MAX_PULLS_PER_BRANCH:
                continue
            taken.add(copy.barcode)
            pulls[copy.branch].append(
                Pull(hold.hold_id, copy.barcode, copy.branch, _shelf_for(copy))
            )
            break
    logger.debug("pull lists built for %d branches", len(pulls))
    return dict(pulls)


def unfilled_holds(holds: list[Hold], pulls: dict[str, list[Pull]]) -> list[int]:
    filled = {p.hold_id for branch in pulls.values() for p in branch}
    return [h.hold_id for h in holds if h.hold_id not in filled and not h.expired]
