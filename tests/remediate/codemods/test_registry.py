"""The registry, the ``function=`` filter and what every Python codemod does with bad input."""

from __future__ import annotations

import libcst as cst
import pytest

from efficiency.remediate.codemods import CODEMODS, Codemod, CodemodResult, codemod
from efficiency.remediate.codemods.pysource import def_name_candidates, find_targets

PYTHON = [
    "hoist-re-compile",
    "re-pattern-method",
    "re-loop-pattern",
    "struct-precompile",
    "deepcopy-read-only",
    "deepcopy-shallow",
    "deepcopy-plain",
    "lazy-logging",
    "join-strings",
    "hoist-constant-table",
    "append-to-comprehension",
    "any-all-loop",
    "set-membership",
]


def test_every_codemod_is_registered_under_its_name() -> None:
    assert sorted(CODEMODS) == sorted([*PYTHON, "dataloader-workers", "env-line"])
    for name, mod in CODEMODS.items():
        assert mod.name == name
        assert codemod(name) is mod
        assert isinstance(mod.language, str)


def test_an_unknown_name_is_a_value_error_naming_the_known_ones() -> None:
    with pytest.raises(ValueError, match="hoist-re-compile") as info:
        codemod("make-it-fast")
    assert "make-it-fast" in str(info.value)
    assert not isinstance(info.value, KeyError)


def test_the_result_is_a_frozen_record() -> None:
    result = CodemodResult(source="x", changed=False, summary="s", sites=0)
    with pytest.raises(AttributeError):
        result.sites = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    ("function", "expected"),
    [
        ("parse_line", [("parse_line",)]),
        ("Parser.parse_line", [("Parser", "parse_line"), ("Parser",)]),
        ("parse_line.<locals>.<listcomp>", [("parse_line",)]),
        ("<listcomp>", []),
        ("parse_line (app/parse.py:12)", [("parse_line",)]),
    ],
)
def test_function_names_from_profiles(function: str, expected: list[tuple[str, ...]]) -> None:
    assert def_name_candidates(function) == expected


SOURCE = """\
class Parser:
    def parse_line(self, line):
        return line


class Other:
    def parse_line(self, line):
        def helper():
            return line
        return helper()


def load():
    return [x for x in range(3)]
"""


@pytest.mark.parametrize(
    ("function", "qualnames"),
    [
        ("Parser.parse_line", ["Parser.parse_line"]),
        ("parse_line", ["Parser.parse_line", "Other.parse_line"]),
        ("Other.parse_line.<locals>.helper", ["helper"]),
        ("load.<locals>.<listcomp>", ["load"]),
        ("Nope.load", ["load"]),
    ],
)
def test_targets_match_the_last_part_that_is_a_real_def(
    function: str, qualnames: list[str]
) -> None:
    targets = find_targets(cst.parse_module(SOURCE), function)
    assert targets is not None
    assert [d.name.value for d in targets.defs] == [q.rsplit(".", 1)[-1] for q in qualnames]


def test_no_such_function_changes_nothing_and_says_so() -> None:
    source = "import re\n\ndef f(xs):\n    for x in xs:\n        re.match('a', x)\n"
    for name in PYTHON:
        result = codemod(name).apply(source, function="missing")
        assert result == CodemodResult(source, False, result.summary, 0)
        assert "missing" in result.summary


@pytest.mark.parametrize("name", [*PYTHON, "dataloader-workers"])
def test_unparsable_python_is_left_alone(name: str) -> None:
    source = "def f(:\n    pass\n"
    result = codemod(name).apply(source)
    assert not result.changed and result.source == source
    assert "does not parse" in result.summary


def test_codemods_satisfy_the_protocol() -> None:
    def names(mod: Codemod) -> tuple[str, str]:
        return mod.name, mod.language

    assert names(codemod("join-strings")) == ("join-strings", "python")
    assert "kubernetes" in codemod("env-line").language
