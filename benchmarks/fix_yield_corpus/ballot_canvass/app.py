"""Canvass of a ranked-choice municipal election.

Returned ballots are checked against the voter roll (only active registrations
count, and a later ballot from the same voter supersedes an earlier one), then
each contest is tallied by instant runoff.  The canvass keeps the reasons
ballots were set aside so the board can publish them.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Registration:
    voter_id: str
    precinct: str
    status: str  # "active", "inactive", "cancelled"


@dataclass(frozen=True)
class Ballot:
    ballot_id: str
    voter_id: str
    received: int  # sequence number of receipt
    rankings: dict[str, tuple[str, ...]]  # contest -> candidates, first choice first


@dataclass
class ContestResult:
    contest: str
    winner: str | None
    rounds: list[dict[str, int]]
    exhausted: int


@dataclass
class Canvass:
    accepted: int
    rejected: dict[str, int]
    results: dict[str, ContestResult] = field(default_factory=dict)


def instant_runoff(contest: str, ballots: list[tuple[str, ...]]) -> ContestResult:
    """Eliminate the last-place candidate until someone has a majority of live votes.

    Ties for last place eliminate the candidate that comes last alphabetically,
    the order the ordinance prescribes in place of drawing lots.
    """
    eliminated: set[str] = set()
    candidates = {c for ranking in ballots for c in ranking}
    rounds = []
    while True:
        counts: Counter[str] = Counter({c: 0 for c in candidates - eliminated})
        exhausted = 0
        for ranking in ballots:
            choice = next((c for c in ranking if c not in eliminated), None)
            if choice is None:
                exhausted += 1
            else:
                counts[choice] += 1
        rounds.append(dict(sorted(counts.items())))
        live = sum(counts.values())
        if not counts or live == 0:
            return ContestResult(contest, None, rounds, exhausted)
        leader, top = counts.most_common(1)[0]
        if top * 2 > live or len(counts) == 1:
            return ContestResult(contest, leader, rounds, exhausted)
        lowest = min(counts.values())
        loser = max(c for c, n in counts.items() if n == lowest)
        eliminated.add(loser)


def clean_ranking(ranking: tuple[str, ...]) -> tuple[str, ...]:
    """Drop blanks and repeated marks for the same candidate, keeping first position."""
    names = (name.strip() for name in ranking)
    return tuple(dict.fromkeys(name for name in names if name))


def canvass(roll: list[Registration], ballots: list[Ballot], contests: list[str]) -> Canvass:
    eligible = [r.voter_id for r in roll if r.status == "active"]
    rejected: Counter[str] = Counter()

    on_roll = [b for b in ballots if b.voter_id in eligible]
    rejected["not an active registration"] = len(ballots) - len(on_roll)

    latest: dict[str, Ballot] = {}
    for ballot in on_roll:
        current = latest.get(ballot.voter_id)
        if current is None or ballot.received > current.received:
            latest[ballot.voter_id] = ballot
    rejected["superseded"] = len(on_roll) - len(latest)

    counted = sorted(latest.values(), key=lambda b: b.received)
    result = Canvass(len(counted), dict(rejected))
    for contest in contests:
        rankings = [clean_ranking(b.rankings.get(contest, ())) for b in counted]
        result.results[contest] = instant_runoff(contest, [r for r in rankings if r])
        log.debug("%s: %s", contest, result.results[contest].winner)
    return result
