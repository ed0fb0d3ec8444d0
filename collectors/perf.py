"""Native CPU profiles with Linux ``perf``: one ``perf record`` run per window, folded stacks out.

Why perf beside py-spy: py-spy sees Python frames, perf sees everything the CPU ran — C
extensions, the interpreter, libc's allocator, the kernel — for any language.

A window is ``perf record -e cpu-clock -F RATE --call-graph MODE -p PID,... -- sleep SECONDS``
followed by ``perf script -F comm,pid,tid,time,event,ip,sym,dso``. ``cpu-clock`` is a software
timer event: it works in VMs and containers without a hardware PMU, and every sample stands
for ``1/RATE`` CPU-seconds, which is what the cores estimate downstream assumes.
``--no-bpf-event`` drops perf's BPF side-band thread, which otherwise adds about a second of
shutdown to every window.

How ``perf script`` text becomes folded stacks (:func:`parse_perf_script`):

- a sample is a header line (``comm pid/tid time: event:``) and then one frame a line, leaf
  first (``addr sym+off (dso)``); the folded stack is the reverse, root first;
- ``+0x..`` offsets are stripped; a shared object is named by its file name (``malloc
  (libc.so.6)``), so the same frame has the same identity on every host;
- kernel frames (``[kernel.kallsyms]``, kernel modules) get the ``_[k]`` suffix that
  :func:`efficiency.ingest.parsers.model.make_frame` reads as the ``kernel`` runtime;
- ``(inlined)`` frames (``--call-graph dwarf``) take the object of the frame they were
  inlined into;
- Python's perf trampolines (``python -X perf``, 3.12+: ``py::func:/path/file.py`` in
  ``/tmp/perf-PID.map``) become Python frames ``func (/path/file.py)``; other JIT symbols are
  ``sym ([jit])``;
- ``[unknown]`` frames are kept — ``[unknown] (libfoo.so)`` when the object is known, a bare
  ``[unknown]`` otherwise — but a run of identical unknown frames is collapsed into one: such
  runs are an unwinder walking through code without frame pointers, not real recursion;
- a sample without any frame counts as ``[unknown]`` so sample totals (CPU time) stay right.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from collectors.errors import CollectorError

CallGraph = Literal["fp", "dwarf", "lbr"]

SCRIPT_FIELDS = "comm,pid,tid,time,event,ip,sym,dso"
CAP_SYS_ADMIN = 21
CAP_PERFMON = 38
#: x86-64 and arm64 kernels live in the upper half of the address space
KERNEL_ADDRESS_MIN = 0xFFFF_8000_0000_0000
PARANOID_PATH = Path("/proc/sys/kernel/perf_event_paranoid")

_HEADER = re.compile(
    r"^(?P<comm>.*?)\s+(?P<pid>\d+)/(?P<tid>\d+)\s+(?:(?P<time>\d+\.\d+):\s+)?(?P<event>.*)$"
)
_FRAME = re.compile(r"^\s+(?P<addr>[0-9a-fA-F]+)\s*(?P<rest>.*)$")
_OFFSET = re.compile(r"\+0x[0-9a-fA-F]+$")
_PERF_MAP = re.compile(r"(^|/)perf-\d+\.map$")
_UNKNOWN = "[unknown]"


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


# --- parsing perf script output ---------------------------------------------------------------


@dataclass
class PerfProcess:
    """The samples of one process in one ``perf script`` output: folded stacks with counts."""

    pid: int
    comm: str = ""
    stacks: Counter[str] = field(default_factory=Counter)

    @property
    def samples(self) -> int:
        return sum(self.stacks.values())

    def folded(self) -> str:
        """Folded text (``root;...;leaf COUNT`` a line), sorted so equal input gives equal text."""
        return "".join(f"{stack} {n}\n" for stack, n in sorted(self.stacks.items()))


def _clean(text: str) -> str:
    """Text that survives folded-stack parsing and storage: no stack separator, no NUL, no
    unpaired surrogates."""
    text = text.replace(";", ":").replace("\x00", "").strip()
    return text.encode("utf-8", "replace").decode("utf-8")


def _split_sym_dso(rest: str) -> tuple[str, str]:
    """``sym (dso)`` -> (sym, dso); the object is the last balanced parenthesized group, so
    C++ symbols with parentheses in them stay whole."""
    rest = rest.rstrip()
    if not rest.endswith(")"):
        return rest, ""
    depth = 0
    for i in range(len(rest) - 1, -1, -1):
        if rest[i] == ")":
            depth += 1
        elif rest[i] == "(":
            depth -= 1
            if depth == 0:
                return rest[:i].rstrip(), rest[i + 1 : -1]
    return rest, ""


def _frame_text(addr: int, sym: str, dso: str) -> str:
    """One folded frame in the conventions of :mod:`efficiency.ingest.parsers.model`."""
    sym = _clean(_OFFSET.sub("", sym.strip())) or _UNKNOWN
    dso = dso.strip().removesuffix(" (deleted)")
    kernel_address = addr >= KERNEL_ADDRESS_MIN
    if (
        dso == "[kernel.kallsyms]"
        or dso.endswith("vmlinux")
        or (kernel_address and (not dso or (dso.startswith("[") and dso != _UNKNOWN)))
    ):
        return f"{sym}_[k]"
    if _PERF_MAP.search(dso):
        if sym.startswith("py::"):
            func, _, file = sym[4:].partition(":")
            if func and file:
                return f"{func} ({_clean(file)})"
        return f"{sym} ([jit])"
    name = _clean(os.path.basename(dso) if dso.startswith("/") else dso)
    if not name or name == _UNKNOWN or "(" in name or ")" in name:
        return sym
    return f"{sym} ({name})"


def _inlined_into(frames: list[tuple[int, str, str]], i: int) -> str:
    """The object of an ``(inlined)`` frame: perf prints an address's inline chain innermost
    first and the real (symbol-table) function last, all with the same address. When no real
    frame shares the address (the outermost name differs from the symbol table's, e.g. an
    alias), the object is unknown and left out rather than guessed."""
    addr = frames[i][0]
    for other, _, dso in frames[i + 1 :]:
        if other != addr:
            break
        if dso != "inlined":
            return dso
    return ""


def _stack(frames: list[tuple[int, str, str]]) -> str:
    """Leaf-first (addr, sym, dso) frames -> one root-first folded stack."""
    texts: list[str] = []
    for i in range(len(frames) - 1, -1, -1):
        addr, sym, dso = frames[i]
        if dso == "inlined":
            dso = _inlined_into(frames, i)
        text = _frame_text(addr, sym, dso)
        if texts and text == texts[-1] and text.startswith(_UNKNOWN):
            continue
        texts.append(text)
    if texts and texts[0].startswith("#"):
        # folded text treats a line starting with '#' as a comment; a leading space keeps the
        # line, and the frame parser strips it again
        texts[0] = " " + texts[0]
    return ";".join(texts) or _UNKNOWN


def parse_perf_script(text: str) -> dict[int, PerfProcess]:
    """Samples of ``perf script -F comm,pid,tid,time,event,ip,sym,dso`` output, grouped by
    process id. The rules are in the module docstring.

    Raises :class:`CollectorError` naming the line when the text is not ``perf script``
    sample output (a frame before any header, a line that is neither).
    """
    processes: dict[int, PerfProcess] = {}
    current: PerfProcess | None = None
    frames: list[tuple[int, str, str]] = []

    def flush() -> None:
        if current is not None:
            current.stacks[_stack(frames)] += 1
        frames.clear()

    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            flush()
            current = None
            continue
        if line[0].isspace():
            m = _FRAME.match(line)
            if m is None or current is None:
                what = "a frame before any sample header" if m else "not a frame"
                raise CollectorError(f"perf script output line {number}: {what}: {line[:80]!r}")
            sym, dso = _split_sym_dso(m["rest"])
            frames.append((int(m["addr"], 16), sym, dso))
            continue
        header = _HEADER.match(line)
        if header is None:
            raise CollectorError(
                f"perf script output line {number} is not a sample header: {line[:80]!r}"
            )
        flush()
        pid, tid = int(header["pid"]), int(header["tid"])
        current = processes.get(pid)
        if current is None:
            current = processes[pid] = PerfProcess(pid=pid)
        if not current.comm or tid == pid:
            current.comm = _clean(header["comm"])
    flush()
    return processes


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
