"""The one error type user input raises: it names the field (or line) that is wrong."""

from __future__ import annotations


class InputError(ValueError):
    """Malformed user input. ``field`` is a dotted path or ``line N``; never a traceback."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message
