"""The base of every payload model: text must be storable on both backends.

PostgreSQL refuses NUL characters in text and no driver can encode unpaired UTF-16
surrogates (which JSON's ``\\ud800`` escapes can produce), so both are rejected up front
with the field named, instead of failing later inside the database.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator


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
