"""py-spy against real processes: windows with the real hot functions, clear errors."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from collectors.errors import CollectorError
from collectors.pyspy import PySpyCollector
from efficiency.ingest.parsers.folded import parse_folded

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
    for flag in ("--nonblocking", "--native", "--gil", "--idle", "--full-filenames"):
        assert flag in cmd
    assert cmd[cmd.index("--rate") + 1] == "250" and cmd[cmd.index("--pid") + 1] == "123"
