"""`efficiency canary` over ingested profile windows: exit 0 pass, 1 fail, 2 error."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from efficiency.cli import cli

#: real py-spy recording of the demo's checkout (provenance: tests/data/dashboard/README.md)
RECORDED = Path(__file__).parent / "data" / "dashboard" / "checkout_v1.folded"
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _rows() -> tuple[list[str], np.ndarray]:
    rows = [line.rsplit(" ", 1) for line in RECORDED.read_text().splitlines() if line.strip()]
    p = np.array([float(n) for _, n in rows])
    return [s for s, _ in rows], p / p.sum()


def _windows(version: str, extra: float, hosts: int, samples: int, seed: int) -> list[str]:
    """One window per host and minute; ``extra`` more cost in ``line_total`` frames."""
    stacks, p = _rows()
    q = p * np.array([1 + extra if "line_total" in s.rsplit(";", 1)[-1] else 1.0 for s in stacks])
    q /= q.sum()
    rng = np.random.default_rng(seed)
    out = []
    for h in range(hosts):
        for minute in range(2):
            counts = rng.multinomial(samples, rng.dirichlet(q * 20000 + 1e-3))
            data = "".join(f"{s} {c}\n" for s, c in zip(stacks, counts, strict=True) if c)
            start = T0 + timedelta(minutes=minute)
            out.append(json.dumps({
                "service": "checkout", "host": f"{version}-h{h}", "process": "1",
                "start": start.isoformat(), "end": (start + timedelta(minutes=1)).isoformat(),
                "format": "folded", "rate_hz": 100, "data": data,
                "labels": {"version": version},
            }))  # fmt: skip
    return out


def _run(tmp_path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "e.db"), *args])
    return result.exit_code, result.output


def _ingest(tmp_path: Path, lines: list[str]) -> None:
    path = tmp_path / "w.jsonl"
    path.write_text("\n".join(lines) + "\n")
    code, out = _run(tmp_path, "ingest", "profile", str(path), "--format", "jsonl")
    assert code == 0, out


WHEN = ["--from", T0.isoformat(), "--to", (T0 + timedelta(minutes=2)).isoformat()]


def test_slower_canary_exits_1_naming_the_function(tmp_path: Path) -> None:
    _ingest(tmp_path, _windows("v1", 0.0, 8, 6000, 1) + _windows("v2", 0.10, 8, 6000, 2))
    code, out = _run(tmp_path, "canary", "--service", "checkout", "--canary", "version=v2",
                     "--control", "version=v1", *WHEN)  # fmt: skip
    assert code == 1, out
    assert out.startswith("FAIL") and "line_total" in out and "$" in out
    code, out = _run(tmp_path, "canary", "--service", "checkout", "--canary", "version=v2",
                     "--control", "version=v1", "--json", *WHEN)  # fmt: skip
    doc = json.loads(out)
    assert code == 1 and doc["verdict"] == "fail"
    assert doc["functions"][0]["function"] == "line_total"
    assert doc["functions"][0]["cores"] > 0 and doc["flame_diff"]


def test_identical_canary_exits_0(tmp_path: Path) -> None:
    _ingest(tmp_path, _windows("v1", 0.0, 8, 6000, 3) + _windows("v2", 0.0, 8, 6000, 4))
    hosts = ",".join(f"v2-h{h}" for h in range(8))
    code, out = _run(tmp_path, "canary", "--service", "checkout", "--canary", f"host={hosts}",
                     "--control", "version=v1", *WHEN)  # fmt: skip
    assert code == 0, out
    assert out.startswith("PASS")


def test_too_little_data_exits_2_and_says_so(tmp_path: Path) -> None:
    _ingest(tmp_path, _windows("v1", 0.0, 8, 6000, 5) + _windows("v2", 0.0, 1, 500, 6))
    code, out = _run(tmp_path, "canary", "--service", "checkout", "--canary", "version=v2",
                     "--control", "version=v1", "--wait", "0s", *WHEN)  # fmt: skip
    assert code == 2
    assert out.startswith("INSUFFICIENT") and "canary: 2 windows / 1000 samples" in out


def test_bad_input_exits_2_with_one_line(tmp_path: Path) -> None:
    code, out = _run(tmp_path, "canary", "--service", "checkout", "--canary", "version",
                     "--control", "version=v1")  # fmt: skip
    assert code == 2 and "--canary" in out and "Traceback" not in out
    code, out = _run(tmp_path, "canary", "--service", "checkout", "--canary", "version=v2",
                     "--control", "version=v1", "--wait", "soon")  # fmt: skip
    assert code == 2 and "--wait" in out
    code, out = _run(tmp_path, "canary", "--service", "checkout", "--canary", "version=v2",
                     "--control", "version=v1", "--from", "2026-03-02T11:00:00Z",
                     "--to", "2026-03-02T10:00:00Z")  # fmt: skip
    assert code == 2 and "--to" in out
