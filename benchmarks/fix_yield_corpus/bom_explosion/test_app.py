import pytest
from app import BomError, BomExplosion, BomLine, Part


def _bom():
    parts = [
        Part("BIKE", "City bike", "EA", 10.0, make=True),
        Part("WHEEL", "Wheel assembly 700c", "EA", 2.0, make=True),
        Part("FRAME", "Frame, aluminium, welded and painted", "EA", 55.0, make=True),
        Part("SPOKE", "Spoke 2mm", "EA", 0.25),
        Part("RIM", "Rim 700c", "EA", 18.0),
        Part("TUBE", "Alu tube", "M", 6.0),
    ]
    lines = [
        BomLine("BIKE", "WHEEL", 2, find_no=20),
        BomLine("BIKE", "FRAME", 1, find_no=10),
        BomLine("WHEEL", "SPOKE", 32, scrap_pct=5, find_no=20),
        BomLine("WHEEL", "RIM", 1, find_no=10),
        BomLine("FRAME", "TUBE", 2.5, find_no=10),
    ]
    return BomExplosion(parts, lines)


def test_rolled_cost_includes_scrap():
    bom = _bom()
    assert bom.rolled_cost("WHEEL") == pytest.approx(2 + 18 + 32 * 1.05 * 0.25)
    assert bom.rolled_cost("BIKE") == pytest.approx(10 + 2 * 28.4 + 55 + 15)


def test_report_exact_text():
    text = _bom().report("BIKE", 2)
    assert text == (
        "Indented BOM for BIKE x 2\n"
        "Level   Part          Description                   T      Ext qty UoM      Ext cost\n"
        "0       BIKE          City bike                     M       2.0000 EA          273.60\n"
        ".1      FRAME         Frame, aluminium, welded and  M       2.0000 EA          140.00\n"
        "..2     TUBE          Alu tube                      B       5.0000 M            30.00\n"
        ".1      WHEEL         Wheel assembly 700c           M       4.0000 EA          113.60\n"
        "..2     RIM           Rim 700c                      B       4.0000 EA           72.00\n"
        "..2     SPOKE         Spoke 2mm                     B     134.4000 EA           33.60\n"
        "        Total standard cost                                                    273.60\n"
    )


def test_rows_follow_find_numbers():
    rows = _bom().report("WHEEL").splitlines()[2:-1]
    assert [r.split()[1] for r in rows] == ["WHEEL", "RIM", "SPOKE"]


def test_max_level_trims_rows_but_not_total():
    full = _bom().report("BIKE", max_level=None)
    trimmed = _bom().report("BIKE", max_level=1)
    assert "TUBE" not in trimmed and "SPOKE" not in trimmed
    assert trimmed.count("\n") == full.count("\n") - 3
    assert trimmed.splitlines()[-1] == full.splitlines()[-1]


def test_shared_component_appears_under_each_parent():
    parts = [
        Part("A", "a", "EA", 0, True),
        Part("B", "b", "EA", 0, True),
        Part("C", "c", "EA", 0, True),
        Part("X", "x", "EA", 1.0),
    ]
    lines = [
        BomLine("A", "B", 1, find_no=1),
        BomLine("A", "C", 3, find_no=2),
        BomLine("B", "X", 2),
        BomLine("C", "X", 1),
    ]
    text = BomExplosion(parts, lines).report("A")
    rows = [r for r in text.splitlines() if r.startswith("..2")]
    assert len(rows) == 2
    assert [float(r.split()[4]) for r in rows] == [2.0, 3.0]


def test_cycle_detected():
    parts = [Part("A", "a", "EA", 1, True), Part("B", "b", "EA", 1, True)]
    bom = BomExplosion(parts, [BomLine("A", "B", 1), BomLine("B", "A", 1)])
    with pytest.raises(BomError, match="cycle"):
        bom.report("A")


def test_bad_lines_and_arguments():
    parts = [Part("A", "a", "EA", 1, True), Part("B", "b", "EA", 1)]
    with pytest.raises(BomError):
        BomExplosion(parts, [BomLine("A", "Z", 1)])
    with pytest.raises(BomError):
        BomExplosion(parts, [BomLine("A", "B", 0)])
    bom = BomExplosion(parts, [BomLine("A", "B", 1)])
    with pytest.raises(BomError):
        bom.report("Q")
    with pytest.raises(BomError):
        bom.report("A", 0)


def test_where_used():
    assert _bom().where_used("SPOKE") == ["WHEEL"]
    assert _bom().where_used("BIKE") == []


def test_repeated_reports_identical():
    bom = _bom()
    assert bom.report("BIKE", 3) == bom.report("BIKE", 3)
    assert bom.report("BIKE", 3).count("\n") == 9
