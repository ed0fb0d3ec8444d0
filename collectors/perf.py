"""Native CPU profiles with Linux ``perf``: one ``perf record`` run per window, folded stacks out.

Why perf beside py-spy: py-spy sees Python frames, perf sees everything the CPU ran — C
extensions, the interpreter, libc's allocator, the kernel — for any language.

A window is ``perf record -e cpu-clock -F RATE --call-graph MODE -p PID,... -- sleep SECONDS``
followed by ``perf script -F comm,pid,tid,time,event,ip,sym,dso``. ``cpu-clock`` is a software
timer event: it works in VMs and containers without a hardware PMU, and every sample stands
for ``1/RATE`` CPU-seconds, which is what the cores estimate downstream assumes.
``--no-bpf-event`` drops perf's BPF side-band thread, which otherwise adds about a second of
shutdown to every window.

How ``perf script`` text becomes folded stacks is :mod:`collectors.perf_script`
(:func:`parse_perf_script`, re-exported here).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from collectors.errors import CollectorError
from collectors.perf_script import KERNEL_ADDRESS_MIN, PerfProcess, parse_perf_script

__all__ = [
    "CAP_PERFMON",
    "CAP_SYS_ADMIN",
    "KERNEL_ADDRESS_MIN",
    "PARANOID_PATH",
    "SCRIPT_FIELDS",
    "CallGraph",
    "PerfCollector",
    "PerfProcess",
    "RunningPerfWindow",
    "find_perf",
    "parse_perf_script",
    "perf_permission_problem",
]

CallGraph = Literal["fp", "dwarf", "lbr"]

SCRIPT_FIELDS = "comm,pid,tid,time,event,ip,sym,dso"
CAP_SYS_ADMIN = 21
CAP_PERFMON = 38
PARANOID_PATH = Path("/proc/sys/kernel/perf_event_paranoid")


def _rfc3339(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


# --- finding perf and checking it may run -------------------------------------------------


def perf_permission_problem(paranoid: int | None, euid: int, cap_eff: int) -> str | None:
    """Why this process may not use perf events, or ``None`` when it may.

    Root and holders of CAP_PERFMON / CAP_SYS_ADMIN always may. Others are limited by
    ``kernel.perf_event_paranoid``: 2 (the default) still lets a user profile the user-space
    code of their own processes; 3 and above (a Debian/Ubuntu patch) forbids everything.
    """
    if paranoid is None:
        return "perf cannot run: this kernel has no perf events (CONFIG_PERF_EVENTS is off)"
    if euid == 0 or cap_eff & ((1 << CAP_PERFMON) | (1 << CAP_SYS_ADMIN)):
        return None
    if paranoid >= 3:
        return (
            f"perf is not permitted: kernel.perf_event_paranoid={paranoid} (run the agent as "
            "root, grant it CAP_PERFMON, or sysctl kernel.perf_event_paranoid=1)"
        )
    return None


def _read_paranoid() -> int | None:
    try:
        return int(PARANOID_PATH.read_text().strip())
    except (OSError, ValueError):
        return None


def _effective_caps() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("CapEff:"):
                return int(line.split()[1], 16)
    except (OSError, ValueError, IndexError):
        pass
    return 0


def find_perf(configured: str = "") -> str:
    """The perf executable, checked to run and to be permitted here; one clear line if not.

    ``perf --version`` is run once because Ubuntu's ``/usr/bin/perf`` is a wrapper that exists
    even when no perf matches the running kernel.
    """
    if configured:
        if not os.access(configured, os.X_OK):
            raise CollectorError(f"perf not found at {configured} (profiling.perf_path)")
        found: str | None = configured
    else:
        found = shutil.which("perf")
    if found is None:
        raise CollectorError("perf is not installed: apt-get install linux-perf")
    try:
        done = subprocess.run(
            [found, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise CollectorError(f"perf at {found} does not run: {exc}") from None
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        raise CollectorError(f"perf at {found} does not run: {lines[0] if lines else 'no output'}")
    problem = perf_permission_problem(_read_paranoid(), os.geteuid(), _effective_caps())
    if problem:
        raise CollectorError(problem)
    return found


# --- recording windows ------------------------------------------------------------------------


def _explain(stderr: str, pids: list[int]) -> str:
    low = stderr.lower()
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip() and "[ perf record:" not in ln]
    if "no such process" in low:
        if len(pids) == 1:
            return f"process {pids[0]} is gone"
        return f"one of the processes {','.join(map(str, pids))} is gone"
    if "permission" in low or "not permitted" in low or "perf_event_paranoid" in low:
        return (
            "perf is not permitted here (perf_event_open refused: run the agent as root or "
            "with CAP_PERFMON, set kernel.perf_event_paranoid<=2, and allow perf_event_open "
            "in the container's seccomp profile)"
        )
    first = lines[0] if lines else "no output"
    return f"perf record failed on pid {','.join(map(str, pids))}: {first}"


class PerfCollector:
    """Record CPU windows of processes with ``perf``.

    Parameters are the collector's whole configuration: sampling rate, how call chains are
    unwound (``fp``: frame pointers, cheap, shallow where code has none; ``dwarf``: deep
    stacks through any code with unwind tables, ~8 KB of stack copied per sample; ``lbr``:
    Intel last-branch records), the event, and the executable (found and checked now, so a
    host without perf fails here with one line and the other collectors go on).
    """

    def __init__(
        self,
        rate_hz: int = 99,
        call_graph: CallGraph = "fp",
        perf: str = "",
        event: str = "cpu-clock",
        host: str = "",
    ) -> None:
        if call_graph not in ("fp", "dwarf", "lbr"):
            raise CollectorError(f"perf call_graph must be fp, dwarf or lbr, not {call_graph!r}")
        if rate_hz <= 0:
            raise CollectorError(f"perf rate_hz must be positive, not {rate_hz}")
        self.rate_hz = rate_hz
        self.call_graph = call_graph
        self.event = event
        self.host = host or socket.gethostname()
        self.perf = find_perf(perf)

    def record_command(self, pids: list[int], seconds: float, output: Path) -> list[str]:
        return [
            self.perf, "record", "--no-bpf-event", "-e", self.event,
            "-F", str(self.rate_hz), f"--call-graph={self.call_graph}",
            "-p", ",".join(map(str, pids)), "-o", str(output),
            "--", "sleep", f"{max(seconds, 0.01):g}",
        ]  # fmt: skip

    def script_command(self, data: Path) -> list[str]:
        return [self.perf, "script", "-i", str(data), "-F", SCRIPT_FIELDS]

    def labels(self) -> dict[str, str]:
        return {"event": self.event, "call_graph": self.call_graph}

    def start_window(self, targets: Mapping[int, str], seconds: float) -> RunningPerfWindow:
        """Start sampling the processes ``targets`` (pid -> service) for ``seconds``."""
        return RunningPerfWindow(self, targets, seconds)

    def record_window(self, targets: Mapping[int, str], seconds: float) -> list[dict[str, Any]]:
        """Sample ``targets`` (pid -> service) for ``seconds``; one profile-window payload
        (the API's ``WindowIn``) per live process (blocks)."""
        return self.start_window(targets, seconds).wait()


class RunningPerfWindow:
    """A ``perf record`` run in flight. Processes already gone are left out up front (one
    dead pid would make perf refuse them all); none left is an error."""

    def __init__(self, collector: PerfCollector, targets: Mapping[int, str], seconds: float):
        self.collector, self.seconds = collector, seconds
        self.targets = {pid: svc for pid, svc in targets.items() if Path(f"/proc/{pid}").exists()}
        #: pids left out because they had exited before the window started
        self.gone = sorted(set(targets) - set(self.targets))
        if not targets:
            raise CollectorError("perf window without a process to profile")
        if not self.targets:
            if len(self.gone) == 1:
                raise CollectorError(f"process {self.gone[0]} is gone")
            raise CollectorError(f"processes {','.join(map(str, self.gone))} are gone")
        self._dir = tempfile.TemporaryDirectory(prefix="efficiency-perf-")
        self._data = Path(self._dir.name) / "perf.data"
        self.start = datetime.now(UTC)
        try:
            self._proc = subprocess.Popen(
                collector.record_command(sorted(self.targets), seconds, self._data),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
        except OSError as exc:
            self._dir.cleanup()
            raise CollectorError(f"cannot run perf: {exc.strerror}") from None

    def wait(self) -> list[dict[str, Any]]:
        pids = sorted(self.targets)
        try:
            try:
                _, stderr = self._proc.communicate(timeout=self.seconds + 60)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.communicate()
                raise CollectorError(
                    f"perf record on pid {','.join(map(str, pids))} did not finish"
                ) from None
            end = datetime.now(UTC)
            if self._proc.returncode != 0 or not self._data.exists():
                raise CollectorError(_explain(stderr, pids))
            text = self._script()
        finally:
            self._dir.cleanup()
        return self._windows(parse_perf_script(text), end)

    def _script(self) -> str:
        try:
            done = subprocess.run(
                self.collector.script_command(self._data),
                capture_output=True,
                timeout=300,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise CollectorError("perf script did not finish within 300 s") from None
        if done.returncode != 0:
            lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise CollectorError(f"perf script failed: {lines[-1] if lines else 'no output'}")
        return done.stdout.decode("utf-8", "replace")

    def _windows(self, found: dict[int, PerfProcess], end: datetime) -> list[dict[str, Any]]:
        """One window per target, also for a process that took no sample (idle is data)."""
        c = self.collector
        out = []
        for pid, service in sorted(self.targets.items()):
            proc = found.get(pid, PerfProcess(pid=pid))
            labels = {**c.labels(), "pid": str(pid)}
            if proc.comm:
                labels["comm"] = proc.comm
            out.append(
                {
                    "service": service,
                    "host": c.host,
                    "process": str(pid),
                    "collector": "perf",
                    "start": _rfc3339(self.start),
                    "end": _rfc3339(end),
                    "format": "folded",
                    "data": proc.folded(),
                    "rate_hz": float(c.rate_hz),
                    "labels": labels,
                }
            )
        return out
