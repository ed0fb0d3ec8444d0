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

from efficiency.base.errors import InputError

#: deepest nesting of objects and arrays a payload may have (real ones stay under 6)
MAX_DEPTH = 32


def _bad_text(value: Any, path: str) -> str | None:
    """The first unstorable text or too deep nesting in ``value``, as ``path: problem``.
    Iterative, so no input can exhaust the interpreter's stack."""
    todo: list[tuple[Any, str, int]] = [(value, path, 0)]
    while todo:
        item, where, depth = todo.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return f"{where}: contains a NUL character"
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return f"{where}: contains an unpaired surrogate"
            continue
        if isinstance(item, dict | list) and depth >= MAX_DEPTH:
            return f"{where or 'body'}: nested deeper than {MAX_DEPTH} levels"
        if isinstance(item, dict):
            for k, v in reversed(item.items()):
                sub = f"{where}.{k}" if where else str(k)
                todo.append((v, sub, depth + 1))
                todo.append((k, sub, depth + 1))
        elif isinstance(item, list):
            for i in reversed(range(len(item))):
                todo.append((item[i], f"{where}.{i}" if where else str(i), depth + 1))
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
    message = err["msg"].removeprefix("Value error, ")
    return InputError(f"{prefix}{where}" if where else prefix.rstrip(": ."), message)


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
        except RecursionError:
            raise InputError(f"line {number}", "JSON nested too deeply") from None
        except ValidationError as exc:
            raise input_error(exc, f"line {number}: ") from None
    if not out:
        raise InputError("", "the file holds no records")
    return out
