"""GPU playbooks on real H200 traces through the user's path: ``efficiency ingest trace``, then
``efficiency hotspots list --json``. Development traces (tests/data/datasets/kineto-traces, the
rules were written on them) and the held-out test traces (tests/data/gpu-heldout/README.md):
each gets the playbook of the waste it was recorded to show, clean traces get none, and every
share of the time breakdown lies within [0, 1]."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from efficiency.cli import cli

DATA = Path(__file__).resolve().parent.parent / "data"
DEV = DATA / "datasets" / "kineto-traces"
HELDOUT = DATA / "gpu-heldout"

CASES = [
    (DEV, "h200_pattern_fp32_gemm", "gpu-fp32-gemm-tf32"),
    (DEV, "h200_pattern_pageable_h2d", "gpu-pageable-h2d"),
    (DEV, "h200_pattern_host_sync", "gpu-host-sync"),
    (DEV, "h200_pattern_alloc_thrash", "gpu-caching-allocator-thrash"),
    (DEV, "h200_pattern_launch_bound", "gpu-launch-bound"),
    (DEV, "h200_pattern_clean", None),
    (HELDOUT, "h200_heldout_fp32_linear", "gpu-fp32-gemm-tf32"),
    (HELDOUT, "h200_heldout_fp32_conv", "gpu-fp32-gemm-tf32"),
    (HELDOUT, "h200_heldout_pageable_d2h", "gpu-pageable-h2d"),
    (HELDOUT, "h200_heldout_sync_tolist", "gpu-host-sync"),
    (HELDOUT, "h200_heldout_small_ops", "gpu-launch-bound"),
    (HELDOUT, "h200_heldout_empty_cache", "gpu-caching-allocator-thrash"),
    (HELDOUT, "h200_heldout_dataloader_cpu_transforms", "gpu-dataloader-stall"),
    (HELDOUT, "h200_heldout_clean_bf16_autocast", None),
    (HELDOUT, "h200_heldout_clean_tf32_conv", None),
]


def _json(tmp_path: Path, *args: str) -> object:
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "e.db"), *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize(("folder", "stem", "expected"), CASES, ids=[c[1] for c in CASES])
def test_each_trace_gets_its_playbook_and_clean_ones_none(
    tmp_path: Path, folder: Path, stem: str, expected: str | None
) -> None:
    path = folder / f"{stem}.pt.trace.json.gz"
    ingested = _json(tmp_path, "ingest", "trace", "--service", "trainer", str(path))
    assert isinstance(ingested, dict)
    temporal = ingested["temporal"]
    shares = [temporal[k] for k in ("idle_share", "compute_share", "non_compute_share")]
    assert all(0.0 <= s <= 1.0 for s in shares), shares
    assert sum(shares) == pytest.approx(1.0)
    spots = _json(tmp_path, "hotspots", "list", "--service", "trainer")
    assert isinstance(spots, list)
    matched = {p for s in spots for p in s["playbooks"]}
    if expected is None:
        assert matched == set()
    else:
        assert expected in matched
        assert "gpu-fp32-autocast-volta" not in matched  # an H200 has TF32
