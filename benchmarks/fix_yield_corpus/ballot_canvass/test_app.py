from app import Ballot, Registration, canvass, clean_ranking, instant_runoff

ROLL = [
    Registration("V1", "P1", "active"),
    Registration("V2", "P1", "active"),
    Registration("V3", "P2", "inactive"),
    Registration("V4", "P2", "active"),
    Registration("V5", "P3", "cancelled"),
    Registration("V6", "P3", "active"),
]


def _ballot(bid, voter, received, mayor=(), council=()):
    rankings = {}
    if mayor:
        rankings["mayor"] = tuple(mayor)
    if council:
        rankings["council"] = tuple(council)
    return Ballot(bid, voter, received, rankings)


def test_clean_ranking_drops_blanks_and_repeats():
    assert clean_ranking(("Ann", " ", "Bo", "Ann ", "Cy")) == ("Ann", "Bo", "Cy")
    assert clean_ranking(()) == ()


def test_first_round_majority():
    result = instant_runoff("mayor", [("A",), ("A", "B"), ("B",)])
    assert result.winner == "A"
    assert result.rounds == [{"A": 2, "B": 1}]
    assert result.exhausted == 0


def test_runoff_transfers_and_exhausts():
    ballots = [("A",), ("A",), ("B",), ("B",), ("C", "B"), ("C",), ("D", "C")]
    result = instant_runoff("x", ballots)
    assert result.rounds[0] == {"A": 2, "B": 2, "C": 2, "D": 1}
    assert result.rounds[1] == {"A": 2, "B": 2, "C": 3}
    # A and B tie for last: B (later alphabetically) goes first
    assert result.rounds[2] == {"A": 2, "C": 3}
    assert result.winner == "C"
    assert result.exhausted == 2


def test_no_votes_no_winner():
    result = instant_runoff("x", [])
    assert result.winner is None


def test_only_active_registrations_count():
    ballots = [
        _ballot("b1", "V1", 1, ["Ann"]),
        _ballot("b2", "V3", 2, ["Bo"]),
        _ballot("b3", "V5", 3, ["Bo"]),
        _ballot("b4", "V9", 4, ["Bo"]),
        _ballot("b5", "V2", 5, ["Bo"]),
        _ballot("b6", "V4", 6, ["Ann"]),
    ]
    result = canvass(ROLL, ballots, ["mayor"])
    assert result.accepted == 3
    assert result.rejected == {"not an active registration": 3, "superseded": 0}
    assert result.results["mayor"].rounds == [{"Ann": 2, "Bo": 1}]


def test_voter_id_must_match_exactly():
    ballots = [
        _ballot("b1", "v1", 1, ["Ann"]),
        _ballot("b2", "V1 ", 2, ["Ann"]),
        _ballot("b3", "V", 3, ["Ann"]),
    ]
    result = canvass(ROLL, ballots, ["mayor"])
    assert result.accepted == 0
    assert result.results["mayor"].winner is None


def test_later_ballot_supersedes_regardless_of_list_order():
    ballots = [
        _ballot("late", "V1", 9, ["Bo"]),
        _ballot("early", "V1", 2, ["Ann"]),
        _ballot("other", "V2", 5, ["Ann"]),
    ]
    result = canvass(ROLL, ballots, ["mayor"])
    assert result.accepted == 2
    assert result.rejected["superseded"] == 1
    mayor = result.results["mayor"]
    assert mayor.rounds == [{"Ann": 1, "Bo": 1}, {"Ann": 1}]
    assert (mayor.winner, mayor.exhausted) == ("Ann", 1)


def test_contests_tallied_separately_and_blank_contests_skipped():
    ballots = [
        _ballot("b1", "V1", 1, ["Ann", "Bo"], ["Xi"]),
        _ballot("b2", "V2", 2, ["Bo"], []),
        _ballot("b3", "V4", 3, ["Cy", "Ann"], ["Yu", "Xi"]),
        _ballot("b4", "V6", 4, [], ["Yu"]),
    ]
    result = canvass(ROLL, ballots, ["mayor", "council"])
    mayor = result.results["mayor"]
    assert mayor.rounds == [{"Ann": 1, "Bo": 1, "Cy": 1}, {"Ann": 2, "Bo": 1}]
    assert mayor.winner == "Ann"
    council = result.results["council"]
    assert council.rounds == [{"Xi": 1, "Yu": 2}]
    assert council.winner == "Yu"
