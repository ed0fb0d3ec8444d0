"""Run a sample module's source, before or after a codemod, in a fresh namespace."""

from __future__ import annotations

import itertools
import sys
import types
from typing import Any

_counter = itertools.count()


def load(source: str) -> dict[str, Any]:
    """Execute ``source`` as a module of its own; its globals."""
    namespace: dict[str, Any] = {"__name__": f"codemod_sample_{next(_counter)}"}
    exec(compile(source, "<codemod sample>", "exec"), namespace)
    return namespace


def load_registered(source: str) -> dict[str, Any]:
    """Execute ``source`` as a module registered in ``sys.modules`` (dataclasses look their
    module up), compiled without this file's ``from __future__`` flags; its globals."""
    module = types.ModuleType(f"codemod_sample_{next(_counter)}")
    sys.modules[module.__name__] = module
    exec(compile(source, module.__name__, "exec", dont_inherit=True), module.__dict__)
    return module.__dict__


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


# values and items on which a list and a set answer `in` differently
class LooseEq:
    """Equal to every string, with a hash no string has: a list finds it, a set would not."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str)

    def __hash__(self) -> int:
        return 7


class Text(str):
    """A str subclass whose equality is case-blind."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and self.lower() == other.lower()

    __hash__ = str.__hash__
