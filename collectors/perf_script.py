"""``perf script`` output to folded stacks: the parsing half of :mod:`collectors.perf`.

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
from collections import Counter
from dataclasses import dataclass, field

from collectors.errors import CollectorError

#: x86-64 and arm64 kernels live in the upper half of the address space
KERNEL_ADDRESS_MIN = 0xFFFF_8000_0000_0000

_HEADER = re.compile(
    r"^(?P<comm>.*?)\s+(?P<pid>\d+)/(?P<tid>\d+)\s+(?:(?P<time>\d+\.\d+):\s+)?(?P<event>.*)$"
)
_FRAME = re.compile(r"^\s+(?P<addr>[0-9a-fA-F]+)\s*(?P<rest>.*)$")
_OFFSET = re.compile(r"\+0x[0-9a-fA-F]+$")
_PERF_MAP = re.compile(r"(^|/)perf-\d+\.map$")
_UNKNOWN = "[unknown]"


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
