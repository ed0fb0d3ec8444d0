"""Python CPU profiles with py-spy: one ``py-spy record`` run per fixed-length window.

Each window is sampled at ``rate_hz`` in ``--nonblocking`` mode (the target is never paused;
``--native`` needs py-spy to pause each sampled thread briefly, so it is opt-in) and written
in py-spy's raw (folded) format with full file names, so frames map back to source files.
The result is a :class:`ProfileWindowRecord`; shipping and storing it is the caller's job.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from collectors.errors import CollectorError
from collectors.symbolize import Symbolizer


def find_pyspy(configured: str = "") -> str:
    """The py-spy executable: the configured path, the one beside this Python (a virtualenv
    installs it there), or the first on PATH."""
    if configured:
        if not os.access(configured, os.X_OK):
            raise CollectorError(f"py-spy not found at {configured} (profiling.pyspy_path)")
        return configured
    beside = Path(sys.executable).parent / "py-spy"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("py-spy")
    if found is None:
        raise CollectorError("py-spy is not installed: pip install py-spy")
    return found


@dataclass
class ProfileWindowRecord:
    """One profile window as a collector produces it: folded stacks plus their context."""

    pid: int
    start: datetime
    end: datetime
    rate_hz: float
    folded: str
    collector: str = "py-spy"
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def samples(self) -> int:
        return sum(
            int(count)
            for line in self.folded.splitlines()
            if (count := line.rpartition(" ")[2]).isdigit()
        )

    def to_payload(self, service: str, host: str) -> dict[str, Any]:
        """The window as one item of ``POST /api/v1/profiles`` (``WindowIn``)."""
        return {
            "service": service,
            "host": host,
            "process": str(self.pid),
            "collector": self.collector,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "format": "folded",
            "data": self.folded,
            "rate_hz": self.rate_hz,
            "labels": dict(self.labels),
        }


def _explain(stderr: str, pid: int) -> str:
    text = stderr.strip().splitlines()
    last = text[-1] if text else "no output"
    low = stderr.lower()
    if "permission denied" in low or "operation not permitted" in low:
        return (
            f"py-spy may not attach to pid {pid}: permission denied (run as root, or give "
            "the agent CAP_SYS_PTRACE / set kernel.yama.ptrace_scope=0)"
        )
    if "no such process" in low or "failed to find process" in low:
        return f"process {pid} is gone"
    return f"py-spy failed on pid {pid}: {last}"


class PySpyCollector:
    """Record windows of one process with py-spy.

    Parameters are the collector's whole configuration: sampling rate, native frames, GIL-only
    samples, idle threads, and the executable to run.
    """

    def __init__(
        self,
        rate_hz: int = 100,
        native: bool = False,
        gil_only: bool = False,
        idle: bool = False,
        pyspy: str = "",
    ) -> None:
        self.rate_hz = rate_hz
        self.native = native
        self.gil_only = gil_only
        self.idle = idle
        self.pyspy = find_pyspy(pyspy)
        #: names the libc/allocator frames py-spy leaves as addresses (native mode only)
        self.symbolizer = Symbolizer() if native else None

    def command(self, pid: int, seconds: float, output: Path) -> list[str]:
        cmd = [
            self.pyspy, "record", "--pid", str(pid), "--duration", str(max(1, round(seconds))),
            "--rate", str(self.rate_hz), "--format", "raw", "--full-filenames",
            "--output", str(output),
        ]  # fmt: skip
        if self.native:
            # py-spy cannot unwind native stacks without pausing the thread it samples, so
            # --native and --nonblocking exclude each other: native mode costs the target a
            # short pause per sample, which is why it is off by default.
            cmd.append("--native")
        else:
            cmd.append("--nonblocking")
        if self.gil_only:
            cmd.append("--gil")
        if self.idle:
            cmd.append("--idle")
        return cmd

    def start_window(self, pid: int, seconds: float) -> RunningWindow:
        """Start sampling ``pid`` for ``seconds`` in the background."""
        return RunningWindow(self, pid, seconds)

    def record_window(self, pid: int, seconds: float) -> ProfileWindowRecord:
        """Sample ``pid`` for ``seconds`` and return the window (blocks)."""
        return self.start_window(pid, seconds).wait()

    def labels(self) -> dict[str, str]:
        return {
            "native": str(self.native).lower(),
            "gil_only": str(self.gil_only).lower(),
            "idle": str(self.idle).lower(),
        }


class RunningWindow:
    """A py-spy run in flight; several can sample different processes at once."""

    def __init__(self, collector: PySpyCollector, pid: int, seconds: float) -> None:
        self.collector, self.pid, self.seconds = collector, pid, seconds
        self._dir = tempfile.TemporaryDirectory(prefix="efficiency-pyspy-")
        self._out = Path(self._dir.name) / "window.txt"
        self.start = datetime.now(UTC)
        try:
            self._proc = subprocess.Popen(
                collector.command(pid, seconds, self._out),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
        except OSError as exc:
            self._dir.cleanup()
            raise CollectorError(f"cannot run py-spy: {exc.strerror}") from None

    @property
    def running(self) -> bool:
        return self._proc.poll() is None

    def stop(self) -> None:
        """End the window early: py-spy treats SIGINT as Ctrl-C and still writes what it has
        sampled, so a shutdown keeps the partial window instead of losing it."""
        if self._proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self._proc.send_signal(signal.SIGINT)

    def wait(self) -> ProfileWindowRecord:
        try:
            _, stderr = self._proc.communicate(timeout=self.seconds + 60)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.communicate()
            self._dir.cleanup()
            raise CollectorError(f"py-spy on pid {self.pid} did not finish") from None
        end = datetime.now(UTC)
        try:
            if self._proc.returncode != 0 or not self._out.exists():
                raise CollectorError(_explain(stderr, self.pid))
            folded = self._out.read_text(encoding="utf-8", errors="replace")
            if self.collector.symbolizer is not None:
                folded = self.collector.symbolizer.folded(folded, self.pid)
        finally:
            self._dir.cleanup()
        return ProfileWindowRecord(
            pid=self.pid,
            start=self.start,
            end=end,
            rate_hz=float(self.collector.rate_hz),
            folded=folded,
            labels=self.collector.labels(),
        )


@dataclass
class RoundResult:
    """One window's worth of sampling across several processes."""

    windows: list[tuple[str, ProfileWindowRecord]] = field(default_factory=list)
    #: (pid, one-line reason) for every process that could not be sampled this round
    errors: list[tuple[int, str]] = field(default_factory=list)


def profile_round(
    collector: PySpyCollector,
    targets: Sequence[tuple[int, str]],
    seconds: float,
    stop: threading.Event | None = None,
) -> RoundResult:
    """Sample every ``(pid, service)`` in ``targets`` at once for ``seconds``.

    A process that exits, restarts or refuses attachment is reported in ``errors`` and the
    others carry on. Setting ``stop`` ends the round early; what was sampled so far is kept.
    """
    result = RoundResult()
    running: list[tuple[str, RunningWindow]] = []
    for pid, service in targets:
        try:
            running.append((service, collector.start_window(pid, seconds)))
        except CollectorError as exc:
            result.errors.append((pid, str(exc)))
    if stop is not None:
        while any(w.running for _, w in running) and not stop.wait(0.2):
            pass
        if stop.is_set():
            for _, w in running:
                w.stop()
    for service, w in running:
        try:
            record = w.wait()
        except CollectorError as exc:
            result.errors.append((w.pid, str(exc)))
            continue
        if record.samples:
            result.windows.append((service, record))
    return result
