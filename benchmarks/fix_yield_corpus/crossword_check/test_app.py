import pytest
from app import Grid, WordList, check_grid

WORDS = """# test list
cat;60
cats;40
act;30
tab;70
Abs;20
at;90
o'hare;55
ace
sea;10
cat;80
"""


def test_word_list_parsing_and_order():
    words = WordList(WORDS)
    # two-letter words dropped, punctuation stripped, best duplicate score kept
    assert words.words == ["CAT", "TAB", "OHARE", "ACE", "CATS", "ACT", "ABS", "SEA"]
    assert len(words) == 8
    assert words.score("CAT") == 80
    assert words.score("ACE") == 50


def test_min_score_filters():
    words = WordList(WORDS, min_score=40)
    assert words.is_word("CATS")
    assert not words.is_word("ACT")
    assert not words.is_word("SEA")


def test_bad_score_reports_line():
    with pytest.raises(ValueError, match="line 2"):
        WordList("cat;10\ndog;lots\n")


def test_is_word_exact_match_only():
    words = WordList(WORDS)
    assert words.is_word("TAB")
    assert not words.is_word("tab")
    assert not words.is_word("TA")
    assert not words.is_word("TABS")


def test_matches_pattern_best_first():
    words = WordList(WORDS)
    assert words.matches("C.T") == ["CAT"]
    assert words.matches("...") == ["CAT", "TAB", "ACE", "ACT", "ABS", "SEA"]
    assert words.matches("...", limit=2) == ["CAT", "TAB"]


def test_slots_numbered_like_a_printed_grid():
    grid = Grid(["CAT#", "A.E#", "B##S"])
    labels = [(s.label, grid.entry(s)) for s in grid.slots]
    assert labels == [("1A", "CAT"), ("1D", "CAB"), ("2D", "A."), ("3D", "TE"), ("4A", "A.E")]


def test_grid_rejects_ragged_rows():
    with pytest.raises(ValueError):
        Grid(["ABC", "AB"])
    with pytest.raises(ValueError):
        Grid([])


def test_check_grid_reports_unknown_and_weakest():
    words = WordList(WORDS)
    grid = Grid(["cat", "ace", "tab"])
    report = check_grid(grid, words, weakest=2)
    assert report.slots == 6
    assert report.filled == 6
    assert report.unknown == ["2D ACA", "3D TEB"]
    assert report.weakest == [("4A", "ACE", 50), ("5A", "TAB", 70)]
    assert not report.ok


def test_check_grid_skips_unfilled_and_flags_short():
    words = WordList(WORDS)
    grid = Grid(["ca.", "at#", "t##"])
    report = check_grid(grid, words)
    assert report.filled == 3
    assert report.unknown == ["2D AT (too short)", "3A AT (too short)"]
    assert report.weakest == [("1D", "CAT", 80)]


def test_clean_grid_is_ok():
    words = WordList("tab;10\nace;20\ncat;30\nact;40\nbee;50\n")
    report = check_grid(Grid(["act", "ace", "tab"]), words)
    assert report.unknown == ["1D AAT", "2D CCA", "3D TEB"]
    report = check_grid(Grid(["cat", "###", "tab"]), words)
    assert report.ok
    assert report.weakest == [("2A", "TAB", 10), ("1A", "CAT", 30)]
