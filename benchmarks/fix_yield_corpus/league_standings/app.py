"""League tables for an amateur football competition.

The season is a list of fixtures with (possibly missing) results. The table
after any matchday is built from the results recorded up to that matchday,
ordered by the competition's tie-break rules: points, goal difference, goals
scored, then team name. Points deductions imposed by the league are applied.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


class SeasonError(ValueError):
    pass


@dataclass
class Fixture:
    matchday: int
    home: str
    away: str
    home_goals: int | None = None
    away_goals: int | None = None
    forfeit_by: str | None = None

    @property
    def played(self) -> bool:
        return self.forfeit_by is not None or (
            self.home_goals is not None and self.away_goals is not None
        )

    def score(self) -> tuple[int, int]:
        if self.forfeit_by == self.home:
            return 0, 3
        if self.forfeit_by == self.away:
            return 3, 0
        if self.home_goals is None or self.away_goals is None:
            raise SeasonError(f"{self.home} v {self.away} has no result")
        return self.home_goals, self.away_goals


@dataclass(frozen=True)
class Rules:
    win: int = 3
    draw: int = 1
    loss: int = 0


@dataclass
class Row:
    team: str
    played: int = 0
    won: int = 0
    drawn: int = 0
    lost: int = 0
    goals_for: int = 0
    goals_against: int = 0
    deduction: int = 0
    form: list[str] = field(default_factory=list)

    @property
    def goal_difference(self) -> int:
        return self.goals_for - self.goals_against

    def points(self, rules: Rules) -> int:
        return (
            self.won * rules.win + self.drawn * rules.draw + self.lost * rules.loss - self.deduction
        )


@dataclass
class Season:
    name: str
    teams: list[str]
    fixtures: list[Fixture]
    deductions: dict[str, int] = field(default_factory=dict)
    rules: Rules = field(default_factory=Rules)

    def validate(self) -> None:
        known = set(self.teams)
        for fx in self.fixtures:
            if fx.home == fx.away:
                raise SeasonError(f"matchday {fx.matchday}: {fx.home} cannot play itself")
            for team in (fx.home, fx.away):
                if team not in known:
                    raise SeasonError(f"matchday {fx.matchday}: unknown team {team}")
            if fx.forfeit_by not in (None, fx.home, fx.away):
                raise SeasonError(f"matchday {fx.matchday}: forfeit by a team not playing")

    @property
    def last_matchday(self) -> int:
        return max((fx.matchday for fx in self.fixtures), default=0)


def _record(row: Row, scored: int, conceded: int) -> None:
    row.played += 1
    row.goals_for += scored
    row.goals_against += conceded
    if scored > conceded:
        row.won += 1
        row.form.append("W")
    elif scored == conceded:
        row.drawn += 1
        row.form.append("D")
    else:
        row.lost += 1
        row.form.append("L")


def table_after(season: Season, matchday: int) -> list[Row]:
    snapshot = copy.deepcopy(season)
    rows = {team: Row(team, deduction=snapshot.deductions.get(team, 0)) for team in snapshot.teams}
    for fx in sorted(snapshot.fixtures, key=lambda f: f.matchday):
        if fx.matchday > matchday or not fx.played:
            continue
        home_goals, away_goals = fx.score()
        _record(rows[fx.home], home_goals, away_goals)
        _record(rows[fx.away], away_goals, home_goals)
    rules = snapshot.rules
    return sorted(
        rows.values(),
        key=lambda r: (-r.points(rules), -r.goal_difference, -r.goals_for, r.team),
    )


def position_history(season: Season) -> dict[str, list[int]]:
    """Each team's league position after every matchday, for the season chart."""
    season.validate()
    history: dict[str, list[int]] = {team: [] for team in season.teams}
    for matchday in range(1, season.last_matchday + 1):
        for pos, row in enumerate(table_after(season, matchday), 1):
            history[row.team].append(pos)
    log.info("%s: position history over %d matchdays", season.name, season.last_matchday)
    return history


def format_table(rows: Sequence[Row], rules: Rules) -> str:
    lines = [f"{'Pos':>3} {'Team':<20} {'P':>3} {'W':>3} {'D':>3} {'L':>3} {'GD':>4} {'Pts':>4}"]
    for pos, r in enumerate(rows, 1):
        lines.append(
            f"{pos:>3} {r.team:<20} {r.played:>3} {r.won:>3} {r.drawn:>3} {r.lost:>3} "
            f"{r.goal_difference:>+4} {r.points(rules):>4}  {''.join(r.form[-5:])}"
        )
    return "\n".join(lines)


def round_robin(teams: Iterable[str]) -> list[Fixture]:
    """Double round robin by the circle method."""
    order = list(teams)
    if len(order) % 2:
        order.append("BYE")
    n = len(order)
    first_half = []
    for rnd in range(n - 1):
        for i in range(n // 2):
            home, away = order[i], order[n - 1 - i]
            if rnd % 2:
                home, away = away, home
            if "BYE" not in (home, away):
                first_half.append(Fixture(rnd + 1, home, away))
        order.insert(1, order.pop())
    second_half = [Fixture(fx.matchday + n - 1, fx.away, fx.home) for fx in first_half]
    return first_half + second_half
