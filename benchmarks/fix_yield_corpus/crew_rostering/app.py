"""Assign airline crew members to flight pairings under duty-time and qualification rules."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

MAX_MONTHLY_BLOCK_MINUTES = 100 * 60
MIN_REST_MINUTES = 10 * 60


@dataclass
class CrewMember:
    crew_id: str
    base: str
    rank: str
    profile: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Pairing:
    pairing_id: str
    base: str
    rank: str
    aircraft: str
    block_minutes: int
    start_minute: int
    end_minute: int
    stations: tuple[str, ...]


@dataclass
class Assignment:
    pairing_id: str
    crew_id: str | None
    reason: str = ""


class Roster:
    def __init__(self, crew: list[CrewMember]) -> None:
        self._crew = crew
        self._block_used: dict[str, int] = {c.crew_id: 0 for c in crew}
        self._last_release: dict[str, int] = {}

    def _snapshot(self, member: CrewMember) -> dict:
        # take our own copy so rule checks never see a half-updated profile
        return copy.deepcopy(member.profile)

    def _rejection(self, member: CrewMember, pairing: Pairing) -> str | None:
        if member.base != pairing.base:
            return "base"
        if member.rank != pairing.rank:
            return "rank"
        profile = self._snapshot(member)
        ratings = profile.get("type_ratings", [])
        if pairing.aircraft not in ratings:
            return "type rating"
        restricted = profile.get("restricted_stations", {})
        for station in pairing.stations:
            if restricted.get(station):
                return f"restricted station {station}"
        currency = profile.get("recency", {}).get(pairing.aircraft, {})
        if currency.get("landings_90d", 0) < 3:
            return "recency"
        for leave in profile.get("leave", []):
            if leave["start"] < pairing.end_minute and pairing.start_minute < leave["end"]:
                return "on leave"
        used = self._block_used[member.crew_id]
        if used + pairing.block_minutes > MAX_MONTHLY_BLOCK_MINUTES:
            return "block limit"
        released = self._last_release.get(member.crew_id)
        if released is not None and pairing.start_minute - released < MIN_REST_MINUTES:
            return "rest"
        return None

    def assign(self, pairings: list[Pairing]) -> list[Assignment]:
        result: list[Assignment] = []
        for pairing in sorted(pairings, key=lambda p: (p.start_minute, p.pairing_id)):
            chosen: CrewMember | None = None
            reasons: dict[str, int] = {}
            candidates = sorted(self._crew, key=lambda c: (self._block_used[c.crew_id], c.crew_id))
            for member in candidates:
                why = self._rejection(member, pairing)
                if why is None:
                    chosen = member
                    break
                reasons[why] = reasons.get(why, 0) + 1
            if chosen is None:
                top = max(sorted(reasons), key=reasons.__getitem__) if reasons else "no crew"
                result.append(Assignment(pairing.pairing_id, None, top))
                continue
            self._block_used[chosen.crew_id] += pairing.block_minutes
            self._last_release[chosen.crew_id] = pairing.end_minute
            result.append(Assignment(pairing.pairing_id, chosen.crew_id))
        return result

    def block_used(self, crew_id: str) -> int:
        return self._block_used[crew_id]


def build_roster(crew: list[CrewMember], pairings: list[Pairing]) -> list[Assignment]:
    return Roster(crew).assign(pairings)
