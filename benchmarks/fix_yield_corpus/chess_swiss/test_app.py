from __future__ import annotations

import pytest
from app import (
    DRAW,
    WIN,
    Pairing,
    Player,
    SwissTournament,
    crosstable_line,
    rating_result,
)
from workload import make_input, run


def _field(n=8):
    return [Player(f"P{i}", f"Player {i}", 2400 - 50 * i) for i in range(n)]


def test_duplicate_ids_rejected():
    with pytest.raises(ValueError):
        SwissTournament([Player("A", "a", 1500), Player("A", "b", 1600)])


def test_colour_due_balances():
    p = Player("A", "a", 1500)
    assert p.colour_due() == "W"
    p.colours = ["W"]
    assert p.colour_due() == "B"
    p.colours = ["W", "B", "B"]
    assert p.colour_due() == "W"
    p.colours = ["B", "W"]
    assert p.colour_due() == "B"


def test_first_round_pairs_top_half_against_bottom_half():
    t = SwissTournament(_field(8))
    pairings = t.pair_round()
    assert [(p.white, p.black) for p in pairings] == [
        ("P0", "P4"),
        ("P1", "P5"),
        ("P2", "P6"),
        ("P3", "P7"),
    ]


def test_odd_field_gives_lowest_player_a_bye():
    t = SwissTournament(_field(5))
    pairings = t.pair_round()
    assert pairings[0] == Pairing(0, "P4", None)
    t.record(pairings, rating_result)
    assert t.players["P4"].score == 1.0
    assert t.pair_round()[0].white != "P4"


def test_no_rematches_over_a_tournament():
    t = SwissTournament(_field(10))
    t.play(5, rating_result)
    for player in t.players.values():
        assert len(player.opponents) == len(set(player.opponents))


def test_record_updates_scores_and_colours():
    t = SwissTournament(_field(2))
    t.record([Pairing(1, "P0", "P1")], lambda w, b: DRAW)
    assert t.players["P0"].score == t.players["P1"].score == 0.5
    assert t.players["P0"].colours == ["W"]
    assert t.players["P1"].colours == ["B"]
    with pytest.raises(ValueError):
        t.record([Pairing(1, "P0", "P1")], lambda w, b: 0.25)


def test_standings_order_and_buchholz():
    t = SwissTournament(_field(4))
    t.record([Pairing(1, "P0", "P2"), Pairing(2, "P1", "P3")], lambda w, b: WIN)
    order = [p.player_id for p in t.standings()]
    assert order[:2] == ["P0", "P1"]
    assert t.buchholz(t.players["P2"]) == 1.0


def test_play_returns_expected_winner_and_crosstable():
    t = SwissTournament(_field(8))
    final = t.play(3, rating_result)
    assert final[0].player_id == "P0"
    assert final[0].score == 3.0
    line = crosstable_line(t, 1, final[0])
    assert line.startswith("  1 Player 0")
    assert len(line.split()) == 5 + 3


def test_rating_result():
    assert rating_result(Player("a", "a", 2000), Player("b", "b", 2000)) == DRAW
    assert rating_result(Player("a", "a", 2100), Player("b", "b", 2000)) == WIN


def test_workload_is_deterministic():
    data = make_input()
    assert run(data) == run(data) > 0
