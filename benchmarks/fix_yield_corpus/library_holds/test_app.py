from __future__ import annotations

from app import (
    MAX_PULLS_PER_BRANCH,
    Copy,
    Hold,
    build_pull_lists,
    is_pullable,
    unfilled_holds,
)


def test_is_pullable_by_state() -> None:
    assert is_pullable(Copy("c1", "north", "available"))
    assert is_pullable(Copy("c1", "north", "on_shelf"))
    assert not is_pullable(Copy("c2", "north", "checked_out"))
    assert not is_pullable(Copy("c3", "north", "suppressed"))
    assert not is_pullable(Copy("c4", "north", "lost"))


def test_state_match_is_exact() -> None:
    assert is_pullable(Copy("c5", "north", "Lost"))
    assert is_pullable(Copy("c6", "north", "checked"))


def test_first_free_pullable_copy_goes_to_first_hold() -> None:
    copies = {
        "T1": [
            Copy("a", "north", "checked_out"),
            Copy("b", "south", "available", "TEEN"),
            Copy("c", "north", "available"),
        ]
    }
    holds = [Hold(1, "T1", "p1"), Hold(2, "T1", "p2"), Hold(3, "T1", "p3")]
    pulls = build_pull_lists(holds, copies)
    assert pulls["south"][0].barcode == "b"
    assert pulls["south"][0].shelf == "TEEN"
    assert pulls["north"][0].barcode == "c"
    assert pulls["north"][0].shelf == "ADULT"
    assert [p.hold_id for p in pulls["south"] + pulls["north"]] == [1, 2]
    assert unfilled_holds(holds, pulls) == [3]


def test_expired_holds_are_skipped() -> None:
    copies = {"T1": [Copy("a", "north", "available")]}
    holds = [Hold(1, "T1", "p1", expired=True), Hold(2, "T1", "p2")]
    pulls = build_pull_lists(holds, copies)
    assert [p.hold_id for p in pulls["north"]] == [2]
    assert unfilled_holds(holds, pulls) == []


def test_branch_cap() -> None:
    n = MAX_PULLS_PER_BRANCH + 5
    copies = {f"T{i}": [Copy(f"c{i}", "east", "available")] for i in range(n)}
    holds = [Hold(i, f"T{i}", "p") for i in range(n)]
    pulls = build_pull_lists(holds, copies)
    assert len(pulls["east"]) == MAX_PULLS_PER_BRANCH
    assert unfilled_holds(holds, pulls) == list(range(MAX_PULLS_PER_BRANCH, n))
