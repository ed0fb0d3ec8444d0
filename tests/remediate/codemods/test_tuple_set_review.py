"""set-membership's tuple snapshots, attacked: the tested value is read once, before the tuple
expression, even when that expression rebinds the name (``:=``, a ``global`` or ``nonlocal``
changed by a call) or holds another test of the same tuples; a builtin the rewrite calls that
some function rebinds with ``global`` is refused."""

from __future__ import annotations

from typing import Any

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load

SET = codemod("set-membership")
PLATES = [f"P{k}" for k in range(12)]

BUILD = """\
def build(rows):
    return {k: tuple(v) for k, v in rows}


"""

# the tuple expression rebinds the tested name before the test reads it
REBINDING = {
    "walrus in the key": """\
def run(rows, keys):
    index = build(rows)
    out = []
    for key in keys:
        k = key
        if k in index.get((k := "a")):
            out.append(key)
    return out
""",
    "global changed by a call in the key": """\
cur = "P1"


def bump(k):
    global cur
    cur = "zz"
    return "a"


def run(rows, keys):
    global cur
    index = build(rows)
    out = []
    for key in keys:
        cur = "P1"
        out.append(cur in index[bump(key)])
    return out
""",
    "nonlocal changed by a call in the key": """\
def run(rows, keys):
    index = build(rows)
    cur = "P1"

    def bump(k):
        nonlocal cur
        cur = "zz"
        return "a"

    out = []
    for key in keys:
        cur = "P1"
        out.append(cur in index[bump(key)])
    return out
""",
}


def _outcome(source: str, *args: Any) -> tuple[str, Any]:
    try:
        return "value", load(source)["run"](*args)
    except Exception as exc:
        return "raised", f"{type(exc).__name__}: {exc}"


@pytest.mark.parametrize("case", sorted(REBINDING))
def test_a_tested_name_the_key_rebinds_is_read_once_first(case: str) -> None:
    source = BUILD + REBINDING[case]
    result = SET.apply(source)
    assert result.changed, result.summary
    args = ([("a", PLATES)], ["P1", "zz", "a"])
    assert _outcome(source, *args) == _outcome(result.source, *args)


NESTED = f"""\
{BUILD}def run(rows, values):
    index = build(rows)
    out = []
    for v in values:
        out.append(v.upper() in index.get(v.lower() in index["a"], ()))
    return out
"""


def test_a_test_inside_another_tests_key_keeps_the_outer_value() -> None:
    result = SET.apply(NESTED)
    assert result.changed and result.sites == 1, result.summary
    rows = [("a", PLATES), (True, PLATES), (False, ("ZZ",) * 9)]
    args = (rows, ["p1", "zz", "Zz", "P1"])
    assert _outcome(NESTED, *args) == _outcome(result.source, *args)


GLOBAL_ID = f"""\
{BUILD}def reset():
    global id
    id = 0


def run(rows, values):
    reset()
    index = build(rows)
    return [v in index["a"] for v in values]
"""


def test_a_builtin_some_function_rebinds_with_global_is_refused() -> None:
    result = SET.apply(GLOBAL_ID)
    assert "_index_sets" not in result.source
    assert "id is rebound" in result.summary, result.summary
    assert _outcome(GLOBAL_ID, [("a", PLATES)], ["P1"]) == ("value", [True])
