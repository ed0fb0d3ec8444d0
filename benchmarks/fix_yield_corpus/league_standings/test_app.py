from __future__ import annotations

import pytest
from app import (
    Fixture,
    Rules,
    Season,
    SeasonError,
    format_table,
    position_history,
    round_robin,
    table_after,
)

TEAMS = ["Ash", "Birch", "Cedar", "Damson"]


def season(*results, deductions=None) -> Season:
    fixtures = round_robin(TEAMS)
    by_key = {(f.matchday, f.home, f.away): f for f in fixtures}
    for md, home, away, hg, ag in results:
        fx = by_key[(md, home, away)]
        fx.home_goals, fx.away_goals = hg, ag
    return Season("Test", list(TEAMS), fixtures, deductions or {})


def test_round_robin_is_complete_double():
    fixtures = round_robin(TEAMS)
    assert len(fixtures) == 12
    pairs = {(f.home, f.away) for f in fixtures}
    assert len(pairs) == 12
    for md in range(1, 7):
        teams = [t for f in fixtures if f.matchday == md for t in (f.home, f.away)]
        assert sorted(teams) == TEAMS


def test_round_robin_odd_team_count_skips_bye():
    fixtures = round_robin(["A", "B", "C"])
    assert len(fixtures) == 6
    assert all("BYE" not in (f.home, f.away) for f in fixtures)


def first_day():
    return [(f.matchday, f.home, f.away) for f in round_robin(TEAMS) if f.matchday == 1]


def test_table_points_and_order():
    (m1, h1, a1), (m2, h2, a2) = first_day()
    s = season((m1, h1, a1, 2, 0), (m2, h2, a2, 1, 1))
    rows = table_after(s, 1)
    assert rows[0].team == h1
    assert rows[0].points(s.rules) == 3
    assert rows[-1].team == a1
    assert {r.team for r in rows[1:3]} == {h2, a2}
    assert all(r.played == 1 for r in rows)


def test_table_ignores_later_matchdays_and_unplayed():
    (m1, h1, a1), _ = first_day()
    s = season((m1, h1, a1, 1, 0))
    assert sum(r.played for r in table_after(s, 0)) == 0
    assert sum(r.played for r in table_after(s, 6)) == 2


def test_deduction_and_forfeit():
    (m1, h1, a1), (m2, h2, a2) = first_day()
    s = season((m1, h1, a1, 0, 0), deductions={h1: 2})
    fx = next(f for f in s.fixtures if (f.matchday, f.home, f.away) == (m2, h2, a2))
    fx.forfeit_by = a2
    rows = {r.team: r for r in table_after(s, 1)}
    assert rows[h1].points(s.rules) == -1
    assert rows[h2].won == 1 and rows[h2].goals_for == 3
    assert rows[a2].form == ["L"]


def test_table_after_leaves_season_untouched():
    (m1, h1, a1), _ = first_day()
    s = season((m1, h1, a1, 4, 1))
    before = [(f.matchday, f.home, f.away, f.home_goals, f.away_goals) for f in s.fixtures]
    table_after(s, 6)
    assert [(f.matchday, f.home, f.away, f.home_goals, f.away_goals) for f in s.fixtures] == before


def test_position_history_lengths():
    (m1, h1, a1), _ = first_day()
    history = position_history(season((m1, h1, a1, 3, 0)))
    assert set(history) == set(TEAMS)
    assert all(len(p) == 6 for p in history.values())
    assert history[h1][0] == 1
    assert sorted(p[0] for p in history.values()) == [1, 2, 3, 4]


def test_validation_errors():
    s = Season("Bad", ["A", "B"], [Fixture(1, "A", "Z")])
    with pytest.raises(SeasonError, match="unknown team"):
        position_history(s)
    s = Season("Bad", ["A", "B"], [Fixture(1, "A", "B", forfeit_by="C")])
    with pytest.raises(SeasonError, match="forfeit"):
        s.validate()


def test_format_table_and_custom_rules():
    (m1, h1, a1), _ = first_day()
    s = season((m1, h1, a1, 2, 1))
    rules = Rules(win=2)
    text = format_table(table_after(s, 1), rules)
    lines = text.splitlines()
    assert lines[0].split()[:2] == ["Pos", "Team"]
    assert lines[1].split()[1] == h1
    assert lines[1].split()[-2:] == ["2", "W"]
