import math

import pytest
from app import HeightGrid, ObjWriter, export_tiles, grid_normal, summarize
from workload import make_input, run

RAMP = HeightGrid("t", 2, 2, 1.0, (0.0, 1.0, 2.0, 3.0))
COAST = HeightGrid("s", 3, 2, 2.0, (-5.0, -5.0, 1.0, -5.0, -5.0, 2.0))


def test_export_single_quad_exact():
    assert export_tiles([RAMP]) == (
        "# terrain export\n# tiles: 1  z_scale: 1\no t\n"
        "v 0.0000 0.0000 0.0000\nvn -0.3333 -0.6667 0.6667\n"
        "v 1.0000 0.0000 1.0000\nvn -0.3333 -0.6667 0.6667\n"
        "v 0.0000 1.0000 2.0000\nvn -0.3333 -0.6667 0.6667\n"
        "v 1.0000 1.0000 3.0000\nvn -0.3333 -0.6667 0.6667\n"
        "f 1//1 2//2 4//4\nf 1//1 4//4 3//3\n# t: 2x2 posts, 2 faces\n"
    )


def test_export_drops_submerged_quads_and_precision():
    assert export_tiles([COAST], sea_level=0.0, precision=2) == (
        "# terrain export\n# tiles: 1  z_scale: 1\no s\n"
        "v 0.00 0.00 -5.00\nvn -0.0000 -0.0000 1.0000\n"
        "v 2.00 0.00 -5.00\nvn -0.8321 -0.0000 0.5547\n"
        "v 4.00 0.00 1.00\nvn -0.8242 -0.1374 0.5494\n"
        "v 0.00 2.00 -5.00\nvn -0.0000 -0.0000 1.0000\n"
        "v 2.00 2.00 -5.00\nvn -0.8682 -0.0000 0.4961\n"
        "v 4.00 2.00 2.00\nvn -0.8616 -0.1231 0.4924\n"
        "f 2//2 3//3 6//6\nf 2//2 6//6 5//5\n# s: 3x2 posts, 2 faces\n"
    )


def test_indices_continue_across_tiles():
    text = export_tiles([RAMP, RAMP])
    faces = [line for line in text.splitlines() if line.startswith("f ")]
    assert faces == [
        "f 1//1 2//2 4//4",
        "f 1//1 4//4 3//3",
        "f 5//5 6//6 8//8",
        "f 5//5 8//8 7//7",
    ]
    assert "# tiles: 2  z_scale: 1" in text


def test_z_scale_applied_to_vertices():
    text = export_tiles([RAMP], z_scale=2.5)
    verts = [line for line in text.splitlines() if line.startswith("v ")]
    assert verts[-1] == "v 1.0000 1.0000 7.5000"
    assert "# tiles: 1  z_scale: 2.5" in text


def test_grid_normal_values():
    assert grid_normal(RAMP, 0, 0) == pytest.approx((-1 / 3, -2 / 3, 2 / 3))
    nx, ny, nz = grid_normal(COAST, 1, 1, 2.0)
    assert (nx, ny, nz) == pytest.approx((-0.9615239476408232, 0.0, 0.27472112789737807))
    assert math.isclose(nx * nx + ny * ny + nz * nz, 1.0)


def test_writer_counters_and_text():
    w = ObjWriter()
    assert w.vertex(1, 2, 3) == 1
    assert w.vertex(1, 2, 3) == 2
    assert w.normal(0, 0, 1) == 1
    w.face((1, 1), (2, 1), (2, 1))
    assert w.face_count == 1
    assert w.getvalue() == (
        "v 1.0000 2.0000 3.0000\nv 1.0000 2.0000 3.0000\nvn 0.0000 0.0000 1.0000\nf 1//1 2//1 2//1\n"  # noqa: E501
    )


def test_summarize_counts():
    assert summarize(export_tiles([RAMP, COAST], sea_level=0.0)) == {
        "o": 2,
        "v": 10,
        "vn": 10,
        "f": 4,
        "#": 4,
    }


def test_workload_checksum():
    data = make_input()
    assert summarize(export_tiles(data)) == {"o": 3, "v": 1728, "vn": 1728, "f": 3174, "#": 5}
    assert run(data) == 180280
