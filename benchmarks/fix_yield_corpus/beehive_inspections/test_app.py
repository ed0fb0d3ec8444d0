from __future__ import annotations

import logging

import pytest
from app import (
    ApiaryGrader,
    BoxTally,
    Inspection,
    InspectionError,
    frame_totals,
    letter_grade,
    validate,
    yard_report,
)
from workload import make_input, run


def _sheet(hive="H1", day=10, queen="seen", temper="calm", mites=1.0, boxes=None, yard="y1"):
    if boxes is None:
        boxes = [BoxTally(1, 6, 2, 1, 1), BoxTally(2, 2, 5, 1, 2)]
    return Inspection(hive, yard, day, queen, temper, mites, boxes, ["note"])


def test_frame_totals_sum_boxes():
    totals = frame_totals([BoxTally(1, 6, 2, 1, 1), BoxTally(2, 2, 5, 1, 2)])
    assert totals == {"brood": 8, "honey": 7, "pollen": 2, "empty": 3}


def test_letter_grade_cutoffs():
    assert letter_grade(90) == "A"
    assert letter_grade(70) == "B"
    assert letter_grade(55.0) == "C"
    assert letter_grade(39.9) == "F"


def test_validate_rejects_bad_sheets():
    with pytest.raises(InspectionError):
        validate(_sheet(queen="absent"))
    with pytest.raises(InspectionError):
        validate(_sheet(mites=-1))
    with pytest.raises(InspectionError):
        validate(_sheet(boxes=[BoxTally(1, 8, 3, 0, 0)]))
    with pytest.raises(InspectionError):
        validate(_sheet(boxes=[]))


def test_healthy_hive_scores_high():
    grade = ApiaryGrader().grade(_sheet())
    assert grade.grade in ("A", "B")
    assert grade.actions == []


def test_mites_and_missing_queen_trigger_actions():
    grade = ApiaryGrader().grade(_sheet(queen="missing", mites=4.5, temper="defensive"))
    assert "treat for varroa" in grade.actions
    assert "requeen" in grade.actions
    assert "consider requeening for temperament" in grade.actions
    assert grade.score < ApiaryGrader().grade(_sheet()).score


def test_brood_collapse_is_detected_across_visits():
    grader = ApiaryGrader()
    grader.grade(_sheet(day=10))
    later = grader.grade(_sheet(day=24, boxes=[BoxTally(1, 1, 4, 1, 4), BoxTally(2, 0, 6, 1, 3)]))
    assert "investigate brood collapse" in later.actions


def test_grade_season_skips_invalid_sheets(caplog):
    sheets = [_sheet("H1"), _sheet("H2", temper="angry"), _sheet("H3")]
    with caplog.at_level(logging.WARNING, logger="apiary.inspections"):
        grades = ApiaryGrader().grade_season(sheets)
    assert [g.hive_id for g in grades] == ["H1", "H3"]
    assert "angry" in caplog.text


def test_debug_logging_still_works(caplog):
    with caplog.at_level(logging.DEBUG, logger="apiary.inspections"):
        ApiaryGrader().grade(_sheet(hive="H77"))
    assert "H77" in caplog.text


def test_yard_report_uses_latest_visit():
    grades = ApiaryGrader().grade_season(
        [_sheet("H1", day=10, mites=5.0), _sheet("H1", day=30), _sheet("H2", yard="y2")]
    )
    report = yard_report(grades)
    assert report["y1"]["hives"] == 1
    assert report["y1"]["needs_treatment"] == 0
    assert report["y2"]["hives"] == 1


def test_workload_is_deterministic():
    data = make_input()
    assert run(data) == run(data)
    assert run(data) > 0
