"""pyflakes: lint a module's source, as an editor integration does on every save."""

from _driver import run, use_checkout

root = use_checkout()

import pyflakes.api  # noqa: E402
import pyflakes.reporter  # noqa: E402

SOURCES = [(p.name, p.read_text()) for p in sorted((root / "pyflakes").glob("*.py"))]


class Quiet(pyflakes.reporter.Reporter):
    def __init__(self) -> None:
        self.count = 0

    def unexpectedError(self, filename: str, message: str) -> None:
        self.count += 1

    def syntaxError(self, filename: str, msg: str, lineno: int, offset: int, text: str) -> None:
        self.count += 1

    def flake(self, message: object) -> None:
        self.count += 1


def work() -> None:
    for name, text in SOURCES:
        pyflakes.api.check(text, name, Quiet())


if __name__ == "__main__":
    run(work, bench_reps=8, module=pyflakes)
