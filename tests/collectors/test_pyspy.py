"""py-spy against real processes: windows with the real hot functions, clear errors."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from collectors.errors import CollectorError
from collectors.pyspy import PySpyCollector, profile_round
from collectors.targets import TargetSpec, resolve
from efficiency.ingest.parsers.folded import parse_folded
from efficiency.ingest.profiles import WindowIn

SCRIPT = """
import time
def crunch():
    total = 0
    for i in range(20000):
        total += i * i
    return total
end = time.time() + 30
while time.time() < end:
    crunch()
"""


@pytest.fixture
def busy_process(tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    script = tmp_path / "busy.py"
    script.write_text(SCRIPT)
    proc = subprocess.Popen([sys.executable, str(script)])
    yield proc
    proc.kill()
    proc.wait()


@pytest.mark.slow
def test_window_of_a_running_process_has_its_hot_function(
    busy_process: subprocess.Popen[bytes],
) -> None:
    record = PySpyCollector(rate_hz=100).record_window(busy_process.pid, 2)
    assert record.pid == busy_process.pid and record.rate_hz == 100
    assert record.end > record.start
    profile = parse_folded(record.folded)
    (top, count), *_ = profile.top_self(1)
    assert top.function == "crunch" and top.runtime == "python"
    assert top.file.endswith("busy.py")  # --full-filenames: frames map back to files
    assert count > 0.5 * profile.total_samples
    assert record.labels["native"] == "false"


def test_gone_process_is_a_clear_error() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    with pytest.raises(CollectorError, match=f"{proc.pid}"):
        PySpyCollector().record_window(proc.pid, 1)


def test_missing_pyspy_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CollectorError, match="py-spy not found"):
        PySpyCollector(pyspy=str(tmp_path / "py-spy"))


def test_command_line_options() -> None:
    c = PySpyCollector(rate_hz=250, native=True, gil_only=True, idle=True)
    cmd = c.command(123, 5, Path("/tmp/out.txt"))
    for flag in ("--native", "--gil", "--idle", "--full-filenames"):
        assert flag in cmd
    # py-spy cannot unwind native stacks without pausing the target
    assert "--nonblocking" not in cmd
    assert "--nonblocking" in PySpyCollector().command(123, 5, Path("/tmp/out.txt"))
    assert cmd[cmd.index("--rate") + 1] == "250" and cmd[cmd.index("--pid") + 1] == "123"


@pytest.mark.slow
def test_a_round_carries_on_past_a_process_that_is_gone(
    busy_process: subprocess.Popen[bytes],
) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    result = profile_round(
        PySpyCollector(rate_hz=50), [(gone.pid, "batch"), (busy_process.pid, "web")], 2
    )
    assert [svc for svc, _ in result.windows] == ["web"]
    assert [pid for pid, _ in result.errors] == [gone.pid]
    assert str(gone.pid) in result.errors[0][1]
    payload = result.windows[0][1].to_payload("web", "host-1")
    assert WindowIn.model_validate(payload).service == "web"


@pytest.mark.slow
def test_stopping_a_round_keeps_what_was_sampled(busy_process: subprocess.Popen[bytes]) -> None:
    stop = threading.Event()
    threading.Timer(2.0, stop.set).start()
    began = time.monotonic()
    result = profile_round(PySpyCollector(rate_hz=50), [(busy_process.pid, "web")], 60, stop)
    assert time.monotonic() - began < 30
    assert len(result.windows) == 1 and result.windows[0][1].samples > 0


def test_targets_by_pattern_skip_non_python_and_ourselves(
    busy_process: subprocess.Popen[bytes], tmp_path: Path
) -> None:
    script = str(tmp_path / "busy.py")
    sleeper = subprocess.Popen(["sh", "-c", "sleep 30; :", script])  # matches, not Python
    try:
        found = resolve([TargetSpec("web", pattern=re.escape(script))])
        assert [t.pid for t in found] == [busy_process.pid]
        every = resolve([TargetSpec("web", pattern=re.escape(script), python_only=False)])
        assert {t.pid for t in every} == {busy_process.pid, sleeper.pid}
    finally:
        sleeper.kill()
        sleeper.wait()
    with pytest.raises(CollectorError, match="not a regular expression"):
        TargetSpec("web", pattern="(")
