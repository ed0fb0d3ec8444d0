import pytest
from app import GcodeWriter, depth_passes, generate

SQUARE = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]


def test_depth_passes_even_and_remainder():
    assert depth_passes(3.0, 1.0) == [-1.0, -2.0, -3.0]
    assert depth_passes(2.5, 1.0) == [-1.0, -2.0, -2.5]


def test_depth_passes_rejects_zero_step():
    with pytest.raises(ValueError):
        depth_passes(3.0, 0)


def test_square_single_pass_exact_program():
    program = generate([SQUARE], total_depth=1.0, step_down=1.0, spindle_rpm=12000)
    assert program == (
        "N10 G21 ; mm\n"
        "N20 G90 ; absolute\n"
        "N30 G17 ; XY plane\n"
        "N40 G0 Z5\n"
        "N50 M3 S12000 ; spindle on\n"
        "N60 (pass at Z-1)\n"
        "N70 G0 X0 Y0\n"
        "N80 G1 Z-1 F200\n"
        "N90 G1 X10 F800\n"
        "N100 G1 Y10\n"
        "N110 G1 X0\n"
        "N120 G1 Y0\n"
        "N130 G0 Z5\n"
        "N140 M5 ; spindle off\n"
        "N150 M30 ; end of program\n"
    )


def test_line_numbers_can_be_disabled():
    w = GcodeWriter(500.0, 100.0, 10000, line_numbers=False)
    w.start()
    out = w.finish()
    assert out.splitlines()[0] == "G21 ; mm"
    assert not any(line.startswith("N") for line in out.splitlines())


def test_multiple_passes_and_shapes():
    tri = [(20.0, 0.0), (25.5, 0.0), (22.25, 4.125)]
    program = generate([SQUARE, tri], total_depth=3.0, step_down=1.5)
    lines = program.splitlines()
    assert [ln for ln in lines if "(pass" in ln] == ["N60 (pass at Z-1.5)", "N190 (pass at Z-3)"]
    assert "G1 X22.25 Y4.125" in program
    assert lines[-1] == f"N{10 * len(lines)} M30 ; end of program"
    assert program.endswith("\n")


def test_redundant_moves_are_skipped():
    w = GcodeWriter(500.0, 100.0, 10000)
    w.rapid(z=5.0)
    w.rapid(z=5.0)
    w.cut(x=1.0, y=2.0, feed=300.0)
    w.cut(x=1.0, y=2.0)
    assert w.finish().splitlines()[:2] == ["N10 G0 Z5", "N20 G1 X1 Y2 F300"]


def test_negative_zero_formatting():
    w = GcodeWriter(500.0, 100.0, 10000, line_numbers=False)
    w.rapid(x=-0.0001, y=1.2300)
    assert w.finish().splitlines()[0] == "G0 X0 Y1.23"


def test_outline_too_small():
    with pytest.raises(ValueError):
        generate([[(0.0, 0.0), (1.0, 1.0)]], total_depth=1.0, step_down=1.0)
