import pytest
from app import Result, SheetError, classify, parse_sheet, score_race, score_sheet

SHEET = """# Wednesday evening
RACE 2 2024-06-12 START 18:30:00
COURSE B2
WIND sw 12 kts
CLASS ILCA 7
  184233 GBR 19:25:00
  187777 irl DNF
class rs200

  9001 GBR 19:20:00
CLASS Mirror
  70123 GBR 19:40:00
RACE 1 2024-06-05 START 23:50:00
CLASS SOLO
  5100 FRA 00:40:00
"""


def test_classify_line_kinds():
    assert classify("   ") == ("blank", ())
    assert classify("# note") == ("blank", ())
    assert classify("RACE 3 2024-06-15 START 14:05:00") == (
        "race",
        ("3", "2024-06-15", "14", "05", "00"),
    )
    assert classify("RACE 3 abandoned fog") == ("abandoned", ("3",))
    assert classify("Course T-3") == ("course", ("T-3",))
    assert classify("WIND NNE 8") == ("wind", ("NNE", "8"))
    assert classify("CLASS merlin rocket  ") == ("class", ("merlin rocket",))
    assert classify("  184233 GBR 14:52:17") == ("finish", ("184233", "GBR", "14", "52", "17"))
    assert classify("184233 gbr ocs") == ("penalty", ("184233", "gbr", "ocs"))


def test_classify_rejects_garbage():
    with pytest.raises(SheetError, match="cannot read line: '12 GBR 14:52'"):
        classify("12 GBR 14:52")


def test_parse_sheet_entries():
    races = parse_sheet(SHEET)
    assert races == {
        2: [
            ("184233", "GBR", "ILCA 7", 3300, ""),
            ("187777", "IRL", "ILCA 7", None, "DNF"),
            ("9001", "GBR", "RS200", 3000, ""),
            ("70123", "GBR", "MIRROR", 4200, ""),
        ],
        1: [("5100", "FRA", "SOLO", 3000, "")],
    }


def test_score_race_corrects_and_ranks():
    entries = parse_sheet(SHEET)[2]
    assert score_race(2, entries) == [
        Result(2, 1, "9001", "GBR", "RS200", 3000, 2868),
        Result(2, 2, "184233", "GBR", "ILCA 7", 3300, 3000),
        Result(2, 3, "70123", "GBR", "MIRROR", 4200, 3032),
        Result(2, 5, "187777", "IRL", "ILCA 7", None, None, "DNF"),
    ]


def test_score_sheet_orders_races():
    results = score_sheet(SHEET)
    assert [(r.race, r.place, r.sail) for r in results] == [
        (1, 1, "5100"),
        (2, 1, "9001"),
        (2, 2, "184233"),
        (2, 3, "70123"),
        (2, 5, "187777"),
    ]
    assert results[0].corrected == 2634


def test_abandoned_race_dropped():
    sheet = SHEET + "RACE 2 ABANDONED wind over 25 kts\n"
    assert [r.race for r in score_sheet(sheet)] == [1]


def test_unknown_class_is_an_error():
    with pytest.raises(SheetError, match="line 2: no yardstick for class LASER RADIAL"):
        parse_sheet("RACE 1 2024-06-05 START 10:00:00\nCLASS Laser  Radial\n")


def test_finish_before_header_is_an_error():
    with pytest.raises(SheetError, match="line 2: finish before RACE/CLASS header"):
        parse_sheet("RACE 1 2024-06-05 START 10:00:00\n 1234 GBR 11:00:00\n")
