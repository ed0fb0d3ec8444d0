from datetime import datetime

from app import Article, build_digests, digest_sizes, reading_minutes, section_key, shorten

EDITION = datetime(2024, 11, 5, 6, 0)
LONG = (
    "Heavy rain expected across the north tonight with gusts up to 90 km/h, and officials urge "
    "drivers to avoid coastal roads until the front has passed, according to the national forecaster."  # noqa: E501
)
ARTICLES = [
    Article(
        "a1",
        "sport",
        "Final whistle",
        "E. Park",
        datetime(2024, 11, 5, 5, 7),
        "A late goal settled the derby.",
        460,
        False,
        ("derby", "league"),
    ),
    Article(
        "a2", "weather", "Storm warning", "B. Okafor", datetime(2024, 11, 4, 22, 30), LONG, 90, True
    ),
    Article("a3", "sport", "Coach resigns", "G. Reyes", datetime(2024, 11, 5, 1, 0), "x", 2600),
]

SPORT = (
    "SPORT \u2014 Tuesday 05 November 2024\n"
    "================================\n\n"
    "1. Final whistle\n"
    "   E. Park \u00b7 05:07 \u00b7 2 min read\n"
    "   A late goal settled the derby.\n"
    "   #derby #league\n"
    "   https://n.example/sport/a1\n\n"
    "2. Coach resigns\n"
    "   G. Reyes \u00b7 01:00 \u00b7 11 min read\n"
    "   x\n"
    "   https://n.example/sport/a3\n\n"
    "-- 2 stories from the Sport desk.\n"
)
NATIONAL = (
    "NATIONAL \u2014 Tuesday 05 November 2024\n"
    "===================================\n\n"
    "1. Storm warning [subscribers]\n"
    "   B. Okafor \u00b7 22:30 \u00b7 1 min read\n"
    "   Heavy rain expected across the north tonight with gusts up to 90 km/h, and officials urge "
    "drivers to avoid coastal roads until the front\u2026\n"
    "   https://n.example/national/a2\n\n"
    "-- 1 story from the National desk.\n"
)


def test_shorten_keeps_short_text_and_collapses_space():
    assert shorten("  a   late\n goal ") == "a late goal"


def test_shorten_cuts_on_word_boundary():
    assert shorten("word " * 50) == "word " * 26 + "word\u2026"
    assert shorten("abc, defg", 8) == "abc\u2026"


def test_shorten_without_spaces():
    assert shorten("x" * 20, 10) == "x" * 9 + "\u2026"


def test_reading_minutes():
    assert [reading_minutes(w) for w in (0, 90, 460, 2600)] == [1, 1, 2, 11]


def test_unknown_section_falls_back_to_national():
    assert section_key(ARTICLES[1]) == "national"
    assert section_key(ARTICLES[0]) == "sport"


def test_digest_bodies_exact():
    digests = build_digests(ARTICLES, EDITION, "https://n.example/")
    assert digests == {"national": NATIONAL, "sport": SPORT}


def test_digest_section_order():
    digests = build_digests(list(reversed(ARTICLES)), EDITION, "https://n.example")
    assert list(digests) == ["national", "sport"]
    assert digests["sport"].index("Coach resigns") < digests["sport"].index("Final whistle")


def test_digest_sizes():
    digests = build_digests(ARTICLES, EDITION, "https://n.example/")
    assert digest_sizes(digests) == {"national": 348, "sport": 320}


def test_empty_wire():
    assert build_digests([], EDITION, "https://n.example/") == {}
