from __future__ import annotations

import pytest
from app import (
    UNCLASSIFIED,
    Citation,
    CitationError,
    CitationProcessor,
    classify,
    mentions,
    normalise_plate,
    summarise,
)
from workload import make_input, run


def _ticket(n=1, plate="7ABC123", state="CA", text="Parked at expired meter", minute=600):
    return Citation(f"T{n}", plate, state, text, "100 MAIN ST", minute)


def test_normalise_plate_strips_spaces_and_case():
    assert normalise_plate("7abc 123", " ca ") == "CA:7ABC123"
    assert normalise_plate("8-XYZ-99", "NV") == "NV:8XYZ99"


def test_normalise_plate_rejects_bad_input():
    with pytest.raises(CitationError):
        normalise_plate("X", "CA")
    with pytest.raises(CitationError):
        normalise_plate("7ABC123", "ZZ")


def test_mentions_needs_whole_words():
    assert mentions("Parked at EXPIRED METER", "meter")
    assert not mentions("parked by the parameter sign", "meter")
    assert mentions("beyond 2 hr time limit", "2 hr")


def test_classify_picks_first_matching_rule():
    assert classify("Parked within 15 ft of fire hydrant").code == "PK-101"
    assert classify("overtime  parking").code == "PK-112"
    assert classify("Blocking   driveway").code == "PK-108"
    assert classify("parked in yellow commercial loading zone").code == "PK-106"


def test_classify_phrases_with_regex_characters():
    assert classify("Abandoned vehicle > 72 hours") is UNCLASSIFIED
    assert classify("obstructed pay station (meter 41)").code == "PK-113"


def test_repeat_offender_escalation():
    proc = CitationProcessor()
    fines = [proc.assess(_ticket(n)).fine for n in range(5)]
    assert fines == [63, 63, 94, 126, 126]


def test_process_collects_rejections():
    proc = CitationProcessor()
    batch = [_ticket(1), _ticket(2, state="QQ"), _ticket(3, minute=1500), _ticket(4, plate="")]
    assessed = proc.process(batch)
    assert [a.ticket_no for a in assessed] == ["T1"]
    assert [t for t, _ in proc.rejected] == ["T2", "T3", "T4"]


def test_summary_counts_codes_and_repeaters():
    proc = CitationProcessor()
    batch = [_ticket(n) for n in range(3)] + [_ticket(9, plate="1XYZ999", text="bus stop")]
    summary = summarise(proc.process(batch))
    assert summary["count"] == 4
    assert summary["by_code"] == {"PK-103": 1, "PK-113": 3}
    assert summary["revenue"] == 63 + 63 + 94 + 260
    assert summary["repeat_offenders"] == ["CA:7ABC123"]


def test_workload_is_deterministic():
    data = make_input()
    assert run(data) == run(data) > 0
