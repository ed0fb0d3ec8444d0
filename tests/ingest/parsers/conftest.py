"""One real py-spy run shared by the parser tests: a small Python script with known hot
functions, sampled by two py-spy recorders at once (``--format raw`` and ``--format speedscope``)
so both files describe the same run.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.ingest.parsers.helpers import HOT_SCRIPT, PY_SPY, SECONDS, PySpyRun, record


@pytest.fixture(scope="session")
def pyspy_run(tmp_path_factory: pytest.TempPathFactory) -> PySpyRun:
    """Run the hot script once and sample it with two py-spy recorders concurrently."""
    if not PY_SPY.exists():
        pytest.fail(f"py-spy is not installed at {PY_SPY}")
    workdir = tmp_path_factory.mktemp("pyspy")
    script = workdir / "hot.py"
    script.write_text(HOT_SCRIPT)
    raw_path, speedscope_path = workdir / "profile.txt", workdir / "profile.json"
    target = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    recorders: list[subprocess.Popen[bytes]] = []
    try:
        assert target.stdout is not None
        if target.stdout.readline().strip() != b"ready":
            pytest.fail(f"the hot script did not start (exit status {target.poll()})")
        recorders = [
            record(target.pid, "raw", raw_path),
            record(target.pid, "speedscope", speedscope_path),
        ]
        for rec in recorders:
            output, _ = rec.communicate(timeout=SECONDS + 60)
            if rec.returncode != 0:
                pytest.fail(f"py-spy failed ({rec.returncode}): {output.decode(errors='replace')}")
    finally:
        for proc in [*recorders, target]:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=10)
        if target.stdout is not None:
            target.stdout.close()
    return PySpyRun(
        script=script, raw=raw_path.read_bytes(), speedscope=speedscope_path.read_bytes()
    )
