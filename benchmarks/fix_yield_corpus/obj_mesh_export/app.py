"""Export terrain height-grid tiles as Wavefront OBJ text for the 3D previewer."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class HeightGrid:
    name: str
    cols: int
    rows: int
    spacing: float  # metres between grid posts
    heights: tuple[float, ...]  # row-major, metres above datum

    def height(self, col: int, row: int) -> float:
        return self.heights[row * self.cols + col]


class ObjWriter:
    """Minimal OBJ emitter; keeps running vertex/normal counters (OBJ is 1-based)."""

    def __init__(self, precision: int = 4) -> None:
        self.precision = precision
        self.text = ""
        self.vertex_count = 0
        self.normal_count = 0
        self.face_count = 0

    def comment(self, message: str) -> None:
        self.text += f"# {message}\n"

    def begin_object(self, name: str) -> None:
        self.text += f"o {name}\n"

    def vertex(self, x: float, y: float, z: float) -> int:
        p = self.precision
        self.text += f"v {x:.{p}f} {y:.{p}f} {z:.{p}f}\n"
        self.vertex_count += 1
        return self.vertex_count

    def normal(self, nx: float, ny: float, nz: float) -> int:
        self.text += f"vn {nx:.4f} {ny:.4f} {nz:.4f}\n"
        self.normal_count += 1
        return self.normal_count

    def face(self, *corners: tuple[int, int]) -> None:
        self.text += "f " + " ".join(f"{v}//{n}" for v, n in corners) + "\n"
        self.face_count += 1

    def getvalue(self) -> str:
        return self.text


def grid_normal(
    grid: HeightGrid, col: int, row: int, z_scale: float = 1.0
) -> tuple[float, float, float]:
    """Surface normal from central differences, clamped at the tile edge."""
    left = grid.height(max(col - 1, 0), row)
    right = grid.height(min(col + 1, grid.cols - 1), row)
    down = grid.height(col, max(row - 1, 0))
    up = grid.height(col, min(row + 1, grid.rows - 1))
    dx = (right - left) * z_scale / (2.0 * grid.spacing)
    dy = (up - down) * z_scale / (2.0 * grid.spacing)
    nx, ny, nz = -dx, -dy, 1.0
    length = math.sqrt(nx * nx + ny * ny + nz * nz)
    return nx / length, ny / length, nz / length


def write_tile(
    writer: ObjWriter, grid: HeightGrid, z_scale: float = 1.0, sea_level: float | None = None
) -> int:
    """Append one tile; quads entirely below ``sea_level`` are dropped. Returns faces written."""
    writer.begin_object(grid.name)
    base_v = writer.vertex_count
    base_n = writer.normal_count
    for row in range(grid.rows):
        for col in range(grid.cols):
            writer.vertex(col * grid.spacing, row * grid.spacing, grid.height(col, row) * z_scale)
            writer.normal(*grid_normal(grid, col, row, z_scale))

    written = 0
    for row in range(grid.rows - 1):
        for col in range(grid.cols - 1):
            corners = [(col, row), (col + 1, row), (col + 1, row + 1), (col, row + 1)]
            if sea_level is not None and all(grid.height(c, r) < sea_level for c, r in corners):
                continue
            idx = [r * grid.cols + c + 1 for c, r in corners]
            a, b, c, d = ((base_v + i, base_n + i) for i in idx)
            writer.face(a, b, c)
            writer.face(a, c, d)
            written += 2
    return written


def export_tiles(
    grids: list[HeightGrid],
    z_scale: float = 1.0,
    sea_level: float | None = None,
    precision: int = 4,
) -> str:
    writer = ObjWriter(precision)
    writer.comment("terrain export")
    writer.comment(f"tiles: {len(grids)}  z_scale: {z_scale:g}")
    for grid in grids:
        faces = write_tile(writer, grid, z_scale, sea_level)
        writer.comment(f"{grid.name}: {grid.cols}x{grid.rows} posts, {faces} faces")
    return writer.getvalue()


def summarize(obj_text: str) -> dict[str, int]:
    """Count record types in OBJ text (used by the export report)."""
    counts = {"o": 0, "v": 0, "vn": 0, "f": 0, "#": 0}
    for line in obj_text.splitlines():
        key = line.split(" ", 1)[0]
        if key in counts:
            counts[key] += 1
    return counts
