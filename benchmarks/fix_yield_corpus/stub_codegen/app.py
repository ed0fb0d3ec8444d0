"""Record stubs: the Python source a schema compiler writes for a list of record
definitions, one small annotated class per record."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

Record = tuple[str, Sequence[tuple[str, str]]]


class StubWriter:
    """Writes one generated module, indenting nested lines by ``indent`` spaces a level."""

    def __init__(self, module: str, indent: int = 4) -> None:
        self.module = module
        self.indent = indent
        self.buf = ""

    def emit(self, line: str = "", depth: int = 0) -> None:
        self.buf += " " * (self.indent * depth) + line + "\n"

    def write(self, records: Iterable[Record]) -> str:
        """The module's source for ``records`` (name, [(field, type), ...])."""
        self.buf = ""
        self.emit(f'"""Generated from {self.module}; do not edit."""')
        count = 0
        for name, fields in records:
            self.emit()
            self.emit(f"class {name}:")
            if not fields:
                self.emit("pass", 1)
            for field, kind in fields:
                self.emit(f"{field}: {kind}", 1)
            count += 1
        self.emit()
        self.emit(f"# {count} records")
        return self.buf
