"""Run a sample module's source, before or after a codemod, in a fresh namespace."""

from __future__ import annotations

import itertools
from typing import Any

_counter = itertools.count()


def load(source: str) -> dict[str, Any]:
    """Execute ``source`` as a module of its own; its globals."""
    namespace: dict[str, Any] = {"__name__": f"codemod_sample_{next(_counter)}"}
    exec(compile(source, "<codemod sample>", "exec"), namespace)
    return namespace


def same_results(before: str, after: str, function: str, *calls: tuple[Any, ...]) -> None:
    """``function`` returns equal values (or raises the same exception type) before and after."""
    old, new = load(before)[function], load(after)[function]
    for args in calls:
        assert _outcome(old, args) == _outcome(new, args), args


def _outcome(func: Any, args: tuple[Any, ...]) -> tuple[str, Any]:
    try:
        return "value", func(*args)
    except Exception as exc:  # the same failure is the same behaviour
        return "raised", type(exc).__name__
