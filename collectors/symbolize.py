"""Name the native frames py-spy leaves as bare addresses.

py-spy resolves native frames from a library's *dynamic* symbols only, so the internals of a
stripped library — glibc's ``_int_malloc``, ``_int_free``, ``malloc_consolidate``, exactly the
allocator frames an efficiency tool is after — come out as ``0x7f… (/usr/lib/…/libc.so.6)``.
Distributions ship the full symbol tables separately (Debian's ``libc6-dbg``, found by the
library's GNU build id under ``/usr/lib/debug/.build-id/``), which is where ``perf`` and
``gdb`` find them too. This module maps each address back to a file offset through the
process's ``/proc/PID/maps``, then to the function whose symbol covers it.

Addresses that stay unknown (no symbols anywhere, or the process already gone) are left as
they were: a window is never dropped for want of a name.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path

from elftools.common.exceptions import ELFError
from elftools.elf.elffile import ELFFile
from elftools.elf.sections import NoteSection, SymbolTableSection

_ADDRESS_FRAME = re.compile(r"0x([0-9a-fA-F]+) \(([^()]+)\)")
DEBUG_ROOTS = (Path("/usr/lib/debug"),)


@dataclass(frozen=True)
class Mapping:
    start: int
    end: int
    offset: int
    path: str


def read_maps(pid: int) -> list[Mapping]:
    """The file-backed mappings of ``pid`` (empty when it is gone or not ours to read)."""
    try:
        text = Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return []
    out = []
    for line in text.splitlines():
        parts = line.split(maxsplit=5)
        if len(parts) < 6 or not parts[5].startswith("/"):
            continue
        lo, hi = parts[0].split("-")
        out.append(Mapping(int(lo, 16), int(hi, 16), int(parts[2], 16), parts[5]))
    return out


class SymbolTable:
    """Function symbols of one ELF file (or its detached debug file), searchable by address."""

    def __init__(self, path: str, debug_roots: tuple[Path, ...] = DEBUG_ROOTS) -> None:
        self.starts: list[int] = []
        self.entries: list[tuple[int, int, str]] = []
        #: (file offset, virtual address, size) of each PT_LOAD segment, to turn an offset
        #: in the file into the address the symbols use
        self.segments: list[tuple[int, int, int]] = []
        try:
            with open(path, "rb") as f:
                elf = ELFFile(f)
                self.segments = [
                    (seg["p_offset"], seg["p_vaddr"], seg["p_filesz"])
                    for seg in elf.iter_segments()
                    if seg["p_type"] == "PT_LOAD"
                ]
                symbols = self._functions(elf)
                build_id = _build_id(elf)
        except (OSError, ELFError):
            return
        if build_id:
            for root in debug_roots:
                debug = root / ".build-id" / build_id[:2] / f"{build_id[2:]}.debug"
                try:
                    with open(debug, "rb") as f:
                        symbols |= self._functions(ELFFile(f))
                except (OSError, ELFError):
                    continue
        entries = sorted(symbols)
        self.entries = entries
        self.starts = [e[0] for e in entries]

    @staticmethod
    def _functions(elf: ELFFile) -> set[tuple[int, int, str]]:
        found: set[tuple[int, int, str]] = set()
        for section in elf.iter_sections():
            if not isinstance(section, SymbolTableSection):
                continue
            for sym in section.iter_symbols():
                if sym["st_info"]["type"] in ("STT_FUNC", "STT_GNU_IFUNC") and sym["st_value"]:
                    found.add((sym["st_value"], sym["st_size"], sym.name))
        return found

    def vaddr(self, file_offset: int) -> int | None:
        for off, vaddr, size in self.segments:
            if off <= file_offset < off + size:
                return file_offset - off + vaddr
        return None

    def lookup(self, vaddr: int) -> str | None:
        i = bisect.bisect_right(self.starts, vaddr) - 1
        if i < 0:
            return None
        start = self.starts[i]
        covering = []
        while i >= 0 and self.starts[i] == start:  # aliases share an address
            _, size, name = self.entries[i]
            if size == 0 or vaddr < start + size:
                covering.append(name)
            i -= 1
        # of aliases (malloc / __libc_malloc) the public name is the one people search for
        return min(covering, key=lambda n: (len(n) - len(n.lstrip("_")), len(n), n), default=None)


def _build_id(elf: ELFFile) -> str:
    for section in elf.iter_sections():
        if isinstance(section, NoteSection):
            for note in section.iter_notes():
                if note["n_type"] == "NT_GNU_BUILD_ID":
                    return str(note["n_desc"])
    return ""


class Symbolizer:
    """Replaces ``0xADDR (path)`` frames in folded text with ``function (path)``.

    Symbol tables are cached per file: a fleet agent names the same libc every window.
    """

    def __init__(self, debug_roots: tuple[Path, ...] = DEBUG_ROOTS) -> None:
        self.debug_roots = debug_roots
        self._tables: dict[str, SymbolTable] = {}

    def table(self, path: str) -> SymbolTable:
        if path not in self._tables:
            self._tables[path] = SymbolTable(path, self.debug_roots)
        return self._tables[path]

    def name(self, address: int, path: str, maps: list[Mapping]) -> str | None:
        for m in maps:
            if m.start <= address < m.end and m.path == path:
                table = self.table(path)
                vaddr = table.vaddr(address - m.start + m.offset)
                return table.lookup(vaddr) if vaddr is not None else None
        return None

    def folded(self, text: str, pid: int) -> str:
        """Name what can be named in ``text``, sampled from process ``pid``."""
        if "0x" not in text:
            return text
        maps = read_maps(pid)
        if not maps:
            return text
        names: dict[str, str] = {}

        def replace(match: re.Match[str]) -> str:
            key = match.group(0)
            if key not in names:
                name = self.name(int(match.group(1), 16), match.group(2), maps)
                names[key] = f"{name} ({match.group(2)})" if name else key
            return names[key]

        return _ADDRESS_FRAME.sub(replace, text)
