"""deepcopy-read-only where the function fills a plain dataclass it made from its copy
(``deepcopy_owned``): appends to and updates of the new containers its fields' default
factories made, ``+=`` on a number field, a ``.sort(key=lambda ...)`` of one, a tuple unpacked
from a ``.get`` with a tuple default, a read used as a ``.get`` key; the look-alikes that keep
their copy (a container handed to the constructor, a container field rebound, an object the
function did not make)."""

from __future__ import annotations

from typing import Any

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load_registered as load

DEEP = codemod("deepcopy-read-only")

HEAD = """\
import copy
from dataclasses import dataclass, field

ZONES = ["100", "200"]
PROGRAMMES = {
    "ATR": {"tasks": [
        {"code": "A", "every": 600, "labour": 22.0, "zones": ZONES},
        {"code": "OIL", "every": 250, "labour": 1.0, "zones": ["410"]},
        {"code": "LG", "every": 0, "labour": 3.0, "zones": ZONES},
    ]},
}


@dataclass
class Plane:
    tail: str
    type_code: str
    hours: float
    last_done: dict[str, tuple[float, int]]


@dataclass
class Package:
    tail: str
    tasks: list[tuple[str, float]] = field(default_factory=list)
    labour: float = 0.0
    zones: set[str] = field(default_factory=set)
    late: list[str] = field(default_factory=list)


def programme_for(type_code: str) -> dict:
    return copy.deepcopy(PROGRAMMES[type_code])


def _left(task: dict, plane: Plane) -> float:
    done_h, done_c = plane.last_done.get(task["code"], (0.0, 0))
    if not task["every"]:
        return 1.0
    return 1.0 - (plane.hours - done_h) / task["every"]


"""

PLAN = (
    "def plan(plane: Plane, horizon: float) -> Package | None:\n"
    "    programme = programme_for(plane.type_code)\n    package = Package(plane.tail)\n"
    "    for task in programme['tasks']:\n        left = _left(task, plane)\n"
    "        if left > horizon:\n            continue\n"
    "        package.tasks.append((task['code'], round(left, 4)))\n"
    "        package.labour += task['labour']\n        package.zones.update(task['zones'])\n"
    "        if left < 0:\n            package.late.append(task['code'])\n"
    "    if not package.tasks:\n        return None\n"
    "    package.tasks.sort(key=lambda item: (item[1], item[0]))\n    return package\n"
)


def _planes(module: dict[str, Any]) -> list[tuple[Any, ...]]:
    plane = module["Plane"]
    return [
        (plane("N1", "ATR", 700.0, {"A": (0.0, 0)}), 0.1),
        (plane("N2", "ATR", 100.0, {}), 0.5),
        (plane("N3", "ATR", 900.0, {"A": (100.0, 3), "OIL": (800.0, 9)}), 1.0),
        (plane("N4", "ATR", 10.0, {}), -1.0),
    ]


def _shown(package: Any) -> Any:
    return package if package is None else (package.tasks, package.labour, package.zones,
                                            package.late)  # fmt: skip


def test_a_package_filled_from_the_programme_gets_the_same_plan() -> None:
    source = HEAD + PLAN
    result = DEEP.apply(source)
    assert result.sites == 1, result.summary
    assert "    programme = _programme_for_view(plane.type_code)\n" in result.source
    assert "package.zones.update(copy.deepcopy(task['zones'], memo))" in result.source
    assert "package.labour += copy.deepcopy(task['labour'], memo)" in result.source
    before, after = load(source), load(result.source)
    for old_args, new_args in zip(_planes(before), _planes(after), strict=True):
        old, new = before["plan"](*old_args), after["plan"](*new_args)
        assert _shown(old) == _shown(new)
        if new is not None:
            new.zones.add("changed by the caller")
    assert after["PROGRAMMES"] == before["PROGRAMMES"] and after["ZONES"] == ["100", "200"]


def test_a_tuple_unpacked_from_a_get_with_a_tuple_default_is_numbers() -> None:
    source = HEAD + (
        "def due(plane: Plane) -> list:\n    programme = copy.deepcopy(PROGRAMMES['ATR'])\n"
        "    out = []\n    for task in programme['tasks']:\n"
        "        done_h, done_c = plane.last_done.get(task['code'], (0.0, 0))\n"
        "        out.append(plane.hours - done_h > task['every'] + done_c)\n    return out\n"
    )
    result = DEEP.apply(source)
    assert result.sites == 1 and "    programme = PROGRAMMES['ATR']\n" in result.source
    before, after = load(source), load(result.source)
    for old_args, new_args in zip(_planes(before), _planes(after), strict=True):
        assert before["due"](old_args[0]) == after["due"](new_args[0])
    assert after["PROGRAMMES"] == before["PROGRAMMES"]


REFUSED = {
    "a container handed to the constructor": (
        HEAD
        + PLAN.replace("Package(plane.tail)", "Package(plane.tail, BACKLOG)")
        + "\nBACKLOG = []\n",
        "calls package.tasks.append()",
    ),
    "a container field rebound": (
        HEAD
        + PLAN.replace(
            "    package = Package(plane.tail)\n",
            "    package = Package(plane.tail)\n    package.zones = set()\n",
        ),
        "assigns to a subscript or attribute",
    ),
    "an object the function did not make": (
        HEAD
        + PLAN.replace("    package = Package(plane.tail)\n", "    package = PACKAGE\n")
        + "\nPACKAGE = Package('shared')\n",
        "calls package.tasks.append()",
    ),
    # other code that held the object could have put someone else's list in a field
    "the object handed to other code before the copy": (
        HEAD
        + PLAN.replace(
            "    programme = programme_for(plane.type_code)\n    package = Package(plane.tail)\n",
            "    package = Package(plane.tail)\n    hook(package)\n"
            "    programme = programme_for(plane.type_code)\n",
        ).replace("horizon: float)", "horizon: float, hook)"),
        "hook()",
    ),
    # ``kind`` is no parameter of __init__: BACKLOG goes to ``tasks``
    "a ClassVar before the fields": (
        HEAD.replace("import copy\n", "import copy\nfrom typing import ClassVar\n").replace(
            "class Package:\n", "class Package:\n    kind: ClassVar[str] = 'check'\n"
        )
        + PLAN.replace("Package(plane.tail)", "Package(plane.tail, BACKLOG)")
        + "\nBACKLOG = []\n",
        "calls package.tasks.append()",
    ),
    "a class that is not a plain dataclass": (
        HEAD.replace("class Package:", "class Package(dict):") + PLAN,
        "calls Package()",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_look_alikes_keep_their_copy_and_say_why(case: str) -> None:
    source, why = REFUSED[case]
    result = DEEP.apply(source, function="plan")
    assert "programme = programme_for(plane.type_code)" in result.source
    assert why in result.summary, result.summary


def test_a_name_unpacked_from_itself_is_no_type_and_no_endless_question() -> None:
    source = (
        "import copy\n\nD = {'a': [1]}\n\ndef f():\n    cfg = copy.deepcopy(D)\n"
        "    a, b = a\n    return cfg['a'][0] + a\n"
    )
    result = DEEP.apply(source)
    assert result.source == source and "flows into" in result.summary


def test_a_read_used_as_a_key_of_an_unknown_object_keeps_the_copy() -> None:
    """``index.get(read)`` is a lookup only on a dict (or list...) the annotations name: any
    other object's ``get`` may keep what it is handed."""
    body = (
        "    programme = copy.deepcopy(PROGRAMMES['ATR'])\n    n = 0\n"
        "    for task in programme['tasks']:\n        n = n + INDEX.get(task['code'], 0)\n"
        "    return n\n"
    )
    typed = DEEP.apply(HEAD + "INDEX: dict[str, int] = {'A': 2}\n\ndef f():\n" + body)
    assert typed.sites == 1, typed.summary
    source = HEAD + "def f(index):\n" + body.replace("INDEX", "index")
    result = DEEP.apply(source)
    assert result.source == source and "task is passed to a call" in result.summary


def test_a_hook_that_held_the_package_reaches_the_programme() -> None:
    """The hook look-alike above: a hook given the package before the copy puts the shared
    zone list in it; the plan's append then changes that list, not the copy read after."""
    source, _ = REFUSED["the object handed to other code before the copy"]
    module = load(source)
    plane = module["Plane"]("N1", "ATR", 700.0, {})
    package = module["plan"](plane, 0.5, lambda p: setattr(p, "late", module["ZONES"]))
    assert module["ZONES"] == ["100", "200", "A", "OIL"]  # the late codes went into ZONES
    assert package.zones == {"100", "200", "410"}  # the copy's zones, taken before, had none
