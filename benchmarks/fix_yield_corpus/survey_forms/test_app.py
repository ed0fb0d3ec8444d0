from app import Issue, SurveyDefinition, check_answer, tally, validate
from workload import QUESTIONS, make_input, run

SURVEY = SurveyDefinition(QUESTIONS)


def _codes(issues):
    return [(i.question, i.code) for i in issues]


def test_empty_response_reports_required_missing():
    assert _codes(validate(SURVEY, "x", {})) == [
        ("visit", "missing"),
        ("channel", "missing"),
        ("nps", "missing"),
        ("support_used", "missing"),
        ("support_rating", "missing"),
    ]


def test_all_issue_kinds():
    answers = {
        "visit": "v1",
        "channel": ["c0", "c1", "c2", "c3"],
        "nps": 11,
        "support_used": "s1",
        "support_rating": 3,
        "improve": ["zz"],
        "comment": "x" * 281,
    }
    assert validate(SURVEY, "y", answers) == [
        Issue("y", "channel", "too_many"),
        Issue("y", "nps", "out_of_range"),
        Issue("y", "support_rating", "answered_skipped"),
        Issue("y", "improve", "invalid_choice"),
        Issue("y", "comment", "too_long"),
    ]


def test_clean_response_has_no_issues():
    answers = {
        "visit": "v0",
        "channel": ["c1"],
        "nps": 9,
        "support_used": "s0",
        "support_rating": 4,
    }
    assert validate(SURVEY, "ok", answers) == []


def test_check_answer_direct():
    single = {"type": "single", "required": False, "choices": [{"value": "a"}, {"value": "b"}]}
    assert check_answer(single, "a") is None
    assert check_answer(single, "c") == "invalid_choice"
    assert check_answer(single, None) is None
    assert check_answer({"type": "scale", "range": [1, 5]}, 5.0) == "out_of_range"
    assert check_answer({"type": "text"}, "y" * 501) == "too_long"
    assert check_answer({"type": "date"}, "2024-01-01") == "unknown_type"


def test_question_ids_order():
    assert SURVEY.question_ids == [
        "visit",
        "channel",
        "nps",
        "support_used",
        "support_rating",
        "support_topics",
        "improve",
        "comment",
    ]
    assert SURVEY.question("nps")["range"] == [0, 10]


def test_tally_small():
    responses = {
        "a": {
            "visit": "v0",
            "channel": ["c1", "c2"],
            "nps": 8,
            "support_used": "s1",
            "improve": ["i0"],
        },
        "b": {
            "visit": "v0",
            "channel": ["c2"],
            "nps": 10,
            "support_used": "s0",
            "support_rating": 2,
        },
        "c": {"visit": "v7", "channel": ["c2"], "nps": 3, "support_used": "s1"},
    }
    assert tally(SURVEY, responses) == {
        "responses": 3,
        "clean": 2,
        "issues": {"invalid_choice": 1},
        "choices": {
            "channel": {"c1": 1, "c2": 2},
            "improve": {"i0": 1},
            "support_used": {"s0": 1, "s1": 1},
            "visit": {"v0": 2},
        },
        "scale_means": {"nps": 9.0, "support_rating": 2.0},
    }


def test_workload_tally():
    result = tally(*make_input())
    assert result["clean"] == 350
    assert result["issues"] == {
        "answered_skipped": 62,
        "invalid_choice": 153,
        "out_of_range": 316,
        "too_long": 195,
        "too_many": 236,
    }
    assert result["choices"]["visit"] == {"v0": 69, "v1": 72, "v2": 73, "v3": 136}
    assert result["scale_means"] == {"nps": 6.54, "support_rating": 3.063}


def test_workload_checksum():
    assert run(make_input()) == 35010565
