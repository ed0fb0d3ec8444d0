import copy

from app import PANELS, RefRange, ResultRow, ResultSheet, build_sheets, flag_for


def test_flags_cover_all_bands():
    ref = RefRange(10, 20, 5, 30)
    assert [flag_for(v, ref) for v in (None, 4, 9, 10, 15, 20, 21, 31)] == [
        "pending",
        "LL",
        "L",
        "",
        "",
        "",
        "H",
        "HH",
    ]
    assert flag_for(-100, RefRange(0, 1)) == "L"


def test_bmp_sheet_rows_in_panel_order():
    values = {"NA": 150, "K": 2.4, "GLU": 88, "CREA": 1.2, "BUN": 25}
    sheet = ResultSheet.for_order("o1", "BMP", values, "M")
    assert sheet.title == "Basic metabolic panel"
    assert sheet.due_in_h == 6
    assert [(r.code, r.flag) for r in sheet.rows] == [
        ("NA", "H"),
        ("K", "LL"),
        ("CL", "pending"),
        ("GLU", ""),
        ("CREA", ""),
        ("BUN", "H"),
    ]
    assert sheet.rows[0] == ResultRow("NA", "Sodium", 150, "mmol/L", "H")
    assert [r.code for r in sheet.abnormal] == ["NA", "K", "BUN"]


def test_female_ranges_and_stat_turnaround():
    male, female = build_sheets(
        [
            ("o2", "CBC", {"HGB": 13.0, "HCT": 38}, "M", True),
            ("o3", "CBC", {"HGB": 13.0, "HCT": 38}, "F", False),
        ]
    )
    assert [r.flag for r in male.rows] == ["pending", "L", "pending", "L"]
    assert [r.flag for r in female.rows] == ["pending", "", "pending", ""]
    assert (male.due_in_h, female.due_in_h) == (2, 4)


def test_unknown_panel_falls_back_to_misc():
    sheet = ResultSheet.for_order("o4", "XYZ", {"NA": 140}, "F", stat=True)
    assert (sheet.title, sheet.due_in_h, sheet.rows) == ("Miscellaneous chemistry", 2, [])


def test_panel_registry_is_never_changed():
    before = copy.deepcopy(PANELS)
    sheets = build_sheets(
        [
            ("o5", code, {"HGB": 5.0, "NA": 100}, sex, stat)
            for code in ("BMP", "CBC", "MISC")
            for sex in "MF"
            for stat in (True, False)
        ]
    )
    assert before == PANELS
    assert PANELS["BMP"].turnaround_h == 6
    assert sheets[0].due_in_h == 2
