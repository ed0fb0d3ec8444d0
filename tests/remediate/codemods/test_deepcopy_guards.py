"""deepcopy-read-only's run-time check (``deepcopy_guards``): a copy dropped because methods
of the class reached through ``self``/``cls`` only read it is still made when one of them is
not the module's at run time - overridden by a subclass in another module, patched on the
class, hidden by an instance attribute, or answered by a subclass's ``__getattribute__`` or
metaclass - so such a method changing its argument leaves the original as the copy did. Each
runs the original and the rewrite the same way and compares."""

from __future__ import annotations

import copy
from typing import Any
from unittest import mock

import pytest

from tests.remediate.codemods.test_deepcopy_statics import CALLS, DEEP, SPELLINGS, load

PLANNER = SPELLINGS["a static method through self, a method handed the copy"][0]
BOOK = SPELLINGS["a class method caller handing a read to a static method through cls"][0]


def _clearing_mask(self: Any, profile: dict, az: float) -> float:
    profile["mask"].clear()
    return 0.0


def _planner(namespace: dict[str, Any], how: str) -> tuple[Any, Any]:
    """A Planner (or subclass instance) whose ``_mask`` or ``airmass`` is not the module's,
    the way ``how`` says, and the patch to undo (or None)."""
    planner = namespace["Planner"]
    if how == "a subclass elsewhere overriding the method handed the copy":
        return type("Elsewhere", (planner,), {"_mask": _clearing_mask})(), None
    if how == "a subclass overriding the static method called through self":

        def airmass(alt: float) -> float:
            namespace["SITE"]["moon"] = 0.0  # the original the copy was made of
            return 1.0

        return type("Elsewhere", (planner,), {"airmass": staticmethod(airmass)})(), None
    if how == "patched on the class":
        patch = mock.patch.object(planner, "_mask", _clearing_mask)
        patch.start()
        return planner(), patch
    if how == "hidden by an instance attribute":
        obj = planner()
        obj._mask = lambda profile, az: _clearing_mask(obj, profile, az)
        return obj, None
    assert how == "a subclass's __getattribute__"

    def lookup(self: Any, name: str) -> Any:
        if name == "_mask":
            return lambda profile, az: _clearing_mask(self, profile, az)
        return object.__getattribute__(self, name)

    return type("Elsewhere", (planner,), {"__getattribute__": lookup})(), None


HOWS = [
    "a subclass elsewhere overriding the method handed the copy",
    "a subclass overriding the static method called through self",
    "patched on the class",
    "hidden by an instance attribute",
    "a subclass's __getattribute__",
]


def _run(source: str, how: str) -> tuple[list[Any], dict[str, Any]]:
    """The scores, and the original afterwards (the override that changes it directly
    changes it either way; the one changing its argument changed a copy)."""
    namespace = load(source)
    obj, patch = _planner(namespace, how)
    try:
        results = [obj.score(namespace["Target"](*args)) for args in CALLS]
    finally:
        if patch is not None:
            patch.stop()
    return results, namespace["SITE"]


@pytest.mark.parametrize("how", HOWS)
def test_a_method_not_the_modules_keeps_the_copy(how: str) -> None:
    assert _run(DEEP.apply(PLANNER).source, how) == _run(PLANNER, how)


def test_a_subclass_overriding_nothing_relied_on_reads_the_original() -> None:
    namespace = load(DEEP.apply(PLANNER).source)
    sub = type("Elsewhere", (namespace["Planner"],), {"extra": lambda self: 1})
    target = namespace["Target"](*CALLS[0])
    expected = namespace["Planner"]().score(target)
    with mock.patch.object(namespace["copy"], "deepcopy", side_effect=AssertionError):
        assert sub().score(target) == expected


def _spoil(row: list[float], am: float) -> float:
    row.clear()
    return 0.0


@pytest.mark.parametrize("how", ["static overridden", "metaclass"])
def test_a_subclass_reached_through_cls_keeps_the_copy(how: str) -> None:
    """``cls`` may be a subclass: its override of the static method, or its metaclass's
    answer for the name, is handed what was a copy."""
    meta = type("Meta", (type,), {"_limit": property(lambda cls: _spoil)})
    results = []
    for source in (BOOK, DEEP.apply(BOOK).source):
        namespace = load(source)
        book = namespace["Book"]
        pristine = copy.deepcopy(book.RULES)
        if how == "metaclass":
            sub = meta("Elsewhere", (book,), {})
        else:
            sub = type("Elsewhere", (book,), {"_limit": staticmethod(_spoil)})
        results.append([sub.margin(band, 1.0, 10.0) for band in ("V", "B", "R")])
        assert pristine == book.RULES
    assert results[0] == results[1]


def test_the_reference_is_taken_at_import_not_at_the_copy() -> None:
    """A patch replaces the class's attribute; the capture keeps the module's own function."""
    source = DEEP.apply(PLANNER).source
    assert "_PLANNER_DEFS = {n: inspect.getattr_static(Planner, n)" in source
    namespace = load(source)
    planner = namespace["Planner"]
    assert namespace["_planner_unchanged"](planner(), "airmass", "_mask")
    with mock.patch.object(planner, "airmass", staticmethod(lambda alt: 1.0)):
        assert not namespace["_planner_unchanged"](planner(), "airmass")


@pytest.mark.parametrize(
    ("binding", "why"),
    [
        ("def all(xs):\n    return True\n\n", "the module binds all"),
        ("inspect = None\n\n", "binds inspect otherwise"),
    ],
)
def test_a_module_rebinding_a_name_the_check_uses_keeps_the_copy(binding: str, why: str) -> None:
    source = PLANNER.replace("PENALTY = 0.004\n", "PENALTY = 0.004\n" + binding)
    result = DEEP.apply(source)
    assert not result.changed, result.source
    assert why in result.summary, result.summary


def test_an_existing_import_of_inspect_is_reused() -> None:
    source = "import inspect\n" + PLANNER
    after = DEEP.apply(source).source
    assert after.count("import inspect\n") == 1, after
    assert load(after)["f"](*CALLS[0]) == load(source)["f"](*CALLS[0])
