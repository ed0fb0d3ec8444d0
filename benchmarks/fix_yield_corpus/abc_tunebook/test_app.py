from fractions import Fraction

from app import TICKS, Tune, TuneBookWriter, bar_units, render_book, token_length

JIG_BARS = (
    ("G", "A", "B", "A", "B", "d"),
    ("e2", "d", "B2", "A"),
    ("G3", "B3"),
    ("A/2", "A/2", "B", "c", "d3"),
)


def test_token_length():
    cases = {"A": 12, "c2": 24, "d/2": 6, "e/": 6, "f3/2": 18, "^F": 12, "z4": 48, "B,/4": 3}
    assert {token: token_length(token) for token in cases} == cases


def test_bar_units():
    assert bar_units("reel") == 8
    assert bar_units("jig") == 6
    assert bar_units("slip jig") == 9
    assert bar_units("polka") == Fraction(4)


def test_single_jig_exact_text():
    tune = Tune("Kesh", "jig", "G", "Trad.", JIG_BARS, 2)
    text, warnings = render_book("Book", "tests", [tune])
    assert warnings == 0
    assert text == (
        "%abc-2.1\n%%title Book\n%%source tests\n\n"
        "X:1\nT:Kesh\nC:Trad.\nR:jig\nM:6/8\nL:1/8\nQ:1/4=116\nK:G\n"
        "|:G A B A B d | e2 d B2 A :|\n"
        "|:G3 B3 | A/2 A/2 B c d3 :|\n"
        "\n"
    )


def test_bad_bar_is_flagged_and_composer_omitted():
    bars = (("A", "B", "c", "d"), ("e", "f", "g"), ("a2", "g2"), ("f4",))
    tune = Tune("Short Polka", "polka", "D", "", bars, 1)
    text, warnings = render_book("B", "s", [tune])
    assert warnings == 1
    assert "C:" not in text
    assert "|:A B c d | e f g | % bar 2: 3 of 4 units\na2 g2 | f4 :|\n" in text


def test_fractional_warning_text():
    tune = Tune("Odd", "reel", "D", "", (("A", "B/2"),), 1)
    text, warnings = render_book("B", "s", [tune])
    assert warnings == 1
    assert "|:A B/2 :| % bar 1: 3/2 of 8 units\n" in text


def test_tunes_sorted_by_rhythm_then_title():
    bar = ("A", "B", "c", "d", "e", "f", "g", "a")
    tunes = [
        Tune("zeta", "reel", "D", "", (bar,), 1),
        Tune("Alpha", "reel", "D", "", (bar,), 1),
        Tune("Mid", "jig", "Ador", "", (("A3", "B3"),), 1),
    ]
    text, _ = render_book("B", "s", tunes)
    headers = [line for line in text.splitlines() if line[:2] in ("X:", "T:")]
    assert headers == ["X:1", "T:Mid", "X:2", "T:Alpha", "X:3", "T:zeta"]


def test_line_breaks_every_four_bars_in_long_part():
    bar = ("d", "e", "f", "g", "a", "b", "c'", "d'")
    tune = Tune("Long", "reel", "D", "", (bar,) * 8, 1)
    text, _ = render_book("B", "s", [tune])
    body = text.split("K:D\n")[1].rstrip("\n").split("\n")
    assert len(body) == 2
    assert body[0].startswith("|:d e") and body[0].endswith(" |")
    assert body[1].endswith(" :|")


def test_header_written_once():
    writer = TuneBookWriter("Session", "sheet")
    writer.write_header()
    assert writer.text == "%abc-2.1\n%%title Session\n%%source sheet\n\n"
    assert TICKS == 12
