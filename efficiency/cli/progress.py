"""Progress bars for commands that can take more than a few seconds.

Drawn with rich on standard error, and only when standard error is a terminal: piped output,
``--json`` and log files never see a control character. Each bar moves through named phases
(``reading``, ``parsing``, ``storing``); without a count of phases it is a spinner with the
time elapsed. Every phase is drawn as it starts, so what the user sees does not depend on a
refresh timer. Output printed while a bar is drawn goes through :meth:`Phases.output_console`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)


class Phases:
    """A bar over ``total`` phases; :meth:`phase` starts the next one with its description."""

    def __init__(self, total: int | None, enabled: bool | None = None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.total, self.done = total, 0
        self._bar: Progress | None = None
        if self.enabled:
            counted = (BarColumn(), MofNCompleteColumn()) if total else ()
            self._bar = Progress(
                SpinnerColumn(), TextColumn("{task.description}"), *counted, TimeElapsedColumn(),
                console=Console(stderr=True), transient=True,
            )  # fmt: skip
            self._task = self._bar.add_task("starting", total=total)

    def __enter__(self) -> Phases:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._bar is not None:
            self._bar.stop()

    def phase(self, description: str) -> None:
        """Finish the running phase (if any) and start the next, drawn at once."""
        if self._bar is None:
            return
        self._bar.update(self._task, completed=self.done, description=description)
        self.done += 1
        self._bar.refresh()

    def output_console(self) -> Console | None:
        """The console to print through while the bar is drawn, when standard output is a
        terminal too: lines then go above the bar instead of being overwritten by it. None
        when there is no bar or standard output is piped (print there as usual)."""
        if self._bar is None or not sys.stdout.isatty():
            return None
        return self._bar.console

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.update(self._task, completed=self.total or self.done)
            self._bar.refresh()


@contextmanager
def phases(total: int | None, enabled: bool | None = None) -> Iterator[Phases]:
    """``with phases(3) as bar: bar.phase("reading ..."); ...``: nothing off a terminal."""
    with Phases(total, enabled) as bar:
        yield bar
        bar.finish()
