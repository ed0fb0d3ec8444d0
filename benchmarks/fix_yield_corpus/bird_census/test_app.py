from __future__ import annotations

from app import Sighting, drop_unreliable, on_watch_list, parse_rows, season_report, top_sites

SHEET = [
    "# site,date,species,count,flags",
    "pc001, 2024-05-01, bbwa, 2, V",
    "PC001,2024-05-01,AMRO,5,",
    "PC002,2024-05-02,BBWA,1,P",
    "PC002,2024-05-02,cerw,3,S",
    "PC003,2024-05-03,CERW,0,",
    "PC003,2024-05-03,BBWA,4,",
    "broken line",
    "PC004,2024-05-04,CERW,x,",
    "",
]


def test_parse_rows_normalises_and_skips_bad_lines():
    rows = list(parse_rows(SHEET))
    assert rows[0] == Sighting("PC001", "2024-05-01", "BBWA", 2, "V")
    assert len(rows) == 6


def test_drop_unreliable_removes_playback_and_zero():
    rows = list(drop_unreliable(parse_rows(SHEET)))
    assert all(r.count > 0 and "P" not in r.flags for r in rows)
    assert len(rows) == 4


def test_watch_list_is_case_and_space_insensitive():
    rows = list(on_watch_list(parse_rows(SHEET), [" cerw ", "", "bbwa"]))
    assert [r.species for r in rows] == ["BBWA", "BBWA", "CERW", "CERW", "BBWA"]


def test_season_report_totals_sorted():
    report = season_report(SHEET, ["BBWA", "CERW"])
    assert report == {"BBWA": {"PC001": 2, "PC003": 4}, "CERW": {"PC002": 3}}
    assert list(report) == ["BBWA", "CERW"]


def test_empty_watch_list_gives_empty_report():
    assert season_report(SHEET, []) == {}


def test_watch_list_may_be_a_generator():
    report = season_report(SHEET, (c for c in ["amro"]))
    assert report == {"AMRO": {"PC001": 5}}


def test_top_sites_ranking_and_ties():
    report = {"A": {"S2": 3, "S1": 3}, "B": {"S3": 1, "S1": 2}}
    assert list(top_sites(report, limit=2)) == [("S1", 5), ("S2", 3)]
    assert list(top_sites({})) == []
