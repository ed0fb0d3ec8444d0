import pytest
from app import Report, digest, find_hazards, mileposts, severity, tag_report
from workload import make_input, run


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Two downed trees past the junction.", ["blowdown"]),
        ("Creek  crossing was high. Saw a BEAR at mi. 2", ["water", "wildlife"]),
        ("The icebox was fine; bearing east", []),
        ("snowshoes were nice", []),
        ("Bridge\nout at MP 5.5, impassable. Road closed.", ["water", "access"]),
        ("Log across trail, icy and overgrown", ["blowdown", "snow", "brush"]),
    ],
)
def test_find_hazards(text, expected):
    assert find_hazards(text) == expected


def test_severity_scoring_and_clamp():
    assert severity("Muddy but fine.") == 1
    assert severity("Minor deadfall, cleared") == 0
    assert severity("Rockfall at mile 3, sketchy") == 3
    assert severity("dangerous! impassable, dangerous") == 5


def test_mileposts_dedup_sorted():
    assert mileposts("Saw a BEAR at mi. 2 and mile 2.0, then MP 10.5 and mp1") == [1.0, 2.0, 10.5]
    assert mileposts("two miles of road walking") == []


def test_tag_report():
    assert tag_report(Report(7, "X", "2024-07-01", "Rockfall at mile 3, sketchy")) == {
        "id": 7,
        "trail": "X",
        "date": "2024-07-01",
        "hazards": ["washout"],
        "severity": 3,
        "mileposts": [3.0],
    }
    assert tag_report(Report(8, "X", "2024-07-01", "All good, dangerous heat"))["severity"] == 0


def test_digest_small():
    reports = [
        Report(1, "B", "2024-05-30", "bear at mile 1"),
        Report(2, "B", "2024-06-02", "bears at mile 1.5, dangerous"),
        Report(3, "A", "2024-06-10", "All good"),
        Report(4, "B", "2024-06-01", "Overgrown; ford at mp 2"),
    ]
    assert digest(reports, since="2024-06-01") == {
        "A": {"reports": 1, "latest": "2024-06-10", "hazards": {}, "worst": 0, "mileposts": []},
        "B": {
            "reports": 2,
            "latest": "2024-06-02",
            "hazards": {"brush": 1, "water": 1, "wildlife": 1},
            "worst": 4,
            "mileposts": [1.5, 2.0],
        },
    }


def test_workload_digest_entry():
    result = digest(make_input(), since="2024-06-01")
    assert result["Eagle Creek"] == {
        "reports": 120,
        "latest": "2024-10-27",
        "hazards": {
            "access": 50,
            "blowdown": 44,
            "brush": 17,
            "snow": 49,
            "washout": 25,
            "water": 37,
            "wildlife": 25,
        },
        "worst": 5,
        "mileposts": [1.0, 2.0, 3.2, 4.0, 5.5],
    }


def test_workload_checksum():
    assert run(make_input()) == 15011
