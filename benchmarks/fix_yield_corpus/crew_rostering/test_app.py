from app import CrewMember, Pairing, Roster, build_roster


def _profile(ratings=("A320",), landings=5, restricted=None, leave=None):
    return {
        "type_ratings": list(ratings),
        "restricted_stations": dict(restricted or {}),
        "recency": {a: {"landings_90d": landings} for a in ratings},
        "leave": list(leave or []),
    }


def _pairing(
    pid, start=0, block=300, aircraft="A320", stations=("LHR", "CDG"), base="LHR", rank="FO"
):
    return Pairing(pid, base, rank, aircraft, block, start, start + 600, stations)


def test_assigns_least_used_crew_first():
    crew = [CrewMember("C2", "LHR", "FO", _profile()), CrewMember("C1", "LHR", "FO", _profile())]
    result = build_roster(crew, [_pairing("P1"), _pairing("P2", start=5000)])
    assert [(a.pairing_id, a.crew_id) for a in result] == [("P1", "C1"), ("P2", "C2")]


def test_rest_rule_blocks_back_to_back():
    crew = [CrewMember("C1", "LHR", "FO", _profile())]
    result = build_roster(crew, [_pairing("P1", start=0), _pairing("P2", start=700)])
    assert result[0].crew_id == "C1"
    assert result[1].crew_id is None
    assert result[1].reason == "rest"


def test_type_rating_and_recency_reasons():
    crew = [CrewMember("C1", "LHR", "FO", _profile(ratings=("B737",)))]
    assert build_roster(crew, [_pairing("P1")])[0].reason == "type rating"
    crew = [CrewMember("C1", "LHR", "FO", _profile(landings=1))]
    assert build_roster(crew, [_pairing("P1")])[0].reason == "recency"


def test_restricted_station_and_leave():
    crew = [CrewMember("C1", "LHR", "FO", _profile(restricted={"CDG": True}))]
    assert build_roster(crew, [_pairing("P1")])[0].reason == "restricted station CDG"
    crew = [CrewMember("C1", "LHR", "FO", _profile(leave=[{"start": 100, "end": 200}]))]
    assert build_roster(crew, [_pairing("P1")])[0].reason == "on leave"


def test_block_limit_and_accounting():
    crew = [CrewMember("C1", "LHR", "FO", _profile())]
    roster = Roster(crew)
    pairings = [_pairing(f"P{i}", start=i * 2000, block=2000) for i in range(4)]
    result = roster.assign(pairings)
    assert [a.crew_id for a in result] == ["C1", "C1", "C1", None]
    assert result[3].reason == "block limit"
    assert roster.block_used("C1") == 6000


def test_most_common_rejection_reported_and_no_crew():
    crew = [
        CrewMember("C1", "MAN", "FO", _profile()),
        CrewMember("C2", "MAN", "FO", _profile()),
        CrewMember("C3", "LHR", "CPT", _profile()),
    ]
    assert build_roster(crew, [_pairing("P1")])[0].reason == "base"
    assert build_roster([], [_pairing("P1")])[0].reason == "no crew"


def test_profiles_are_not_modified():
    profile = _profile(leave=[{"start": 9000, "end": 9100}])
    crew = [CrewMember("C1", "LHR", "FO", profile)]
    build_roster(crew, [_pairing("P1"), _pairing("P2", start=3000)])
    assert profile == _profile(leave=[{"start": 9000, "end": 9100}])


def test_pairings_processed_in_start_order():
    crew = [CrewMember("C1", "LHR", "FO", _profile())]
    result = build_roster(crew, [_pairing("LATE", start=800), _pairing("EARLY", start=0)])
    assert [a.pairing_id for a in result] == ["EARLY", "LATE"]
    assert result[0].crew_id == "C1" and result[1].reason == "rest"
