"""The base of every payload model: text must be storable on both backends.

PostgreSQL refuses NUL characters in text and no driver can encode unpaired UTF-16
surrogates (which JSON's ``\\ud800`` escapes can produce), so both are rejected up front
with the field named, instead of failing later inside the database.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from efficiency.ingest.errors import InputError


def _bad_text(value: Any, path: str) -> str | None:
    if isinstance(value, str):
        if "\x00" in value:
            return f"{path}: contains a NUL character"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return f"{path}: contains an unpaired surrogate"
        return None
    if isinstance(value, dict):
        for k, v in value.items():
            found = _bad_text(k, f"{path}.{k}" if path else str(k)) or _bad_text(
                v, f"{path}.{k}" if path else str(k)
            )
            if found:
                return found
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found = _bad_text(v, f"{path}.{i}" if path else str(i))
            if found:
                return found
    return None


class IngestModel(BaseModel):
    """Strict payload model: unknown fields and unstorable text are errors."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _storable_text(cls, data: Any) -> Any:
        problem = _bad_text(data, "")
        if problem:
            raise ValueError(problem)
        return data


def input_error(exc: ValidationError, prefix: str = "") -> InputError:
    """The first pydantic error as an InputError naming its field (after ``prefix``)."""
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    return InputError(f"{prefix}{where}" if where else prefix.rstrip(": ."), err["msg"])


def parse_jsonl(lines: Iterable[str], model: type[BaseModel]) -> list[Any]:
    """Validate one ``model`` object per non-blank line; errors name the line and field."""
    out = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            out.append(model.model_validate(json.loads(line)))
        except json.JSONDecodeError as exc:
            raise InputError(f"line {number}", f"not valid JSON: {exc.msg}") from None
        except ValidationError as exc:
            raise input_error(exc, f"line {number}: ") from None
    if not out:
        raise InputError("", "the file holds no records")
    return out
