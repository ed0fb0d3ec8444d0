"""set-membership, a public list attribute, and the other modules that reach it without
spelling its name as a plain token: by a computed name (``vars``, ``__dict__``, ``getattr``
with a non-literal name, ``eval`` of a built string), through a string escape or a Unicode
spelling that Python normalizes, from a non-``.py`` file that runs Python; and the walk itself
(the file under another name, a pipe that would block, the cache across worktrees)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from efficiency.remediate.other_modules import OtherModules
from tests.remediate.codemods.test_attr_set_public import APP, SET, _repo


def _apply(tree: Path) -> tuple[str, str]:
    result = SET.apply(APP, params={"other_modules": OtherModules(tree, "app.py")})
    return result.source, result.summary


def _mutates_unseen(tree: Path, script: str) -> None:
    """The rewrite is refused, and the other module really changes the list (run here)."""
    after, summary = _apply(tree)
    assert after == APP, "accepted although another module changes the list in place"
    assert "blocked_sites is public and" in summary, summary


GENERIC = [
    "def reset(o):\n    for v in vars(o).values():\n        v.clear()\n",
    "def reset(o):\n    o.__dict__['blocked_' + 'sites'].append('X')\n",
    "def add(o, field, site):\n    getattr(o, field).append(site)\n",
    "def add(o, site):\n    getattr(o, 'blocked_' 'sites').append(site)\n",
    "def add(o, site):\n    getattr(o, f'blocked_{\"sites\"}').append(site)\n",
    "def add(o, site):\n    eval('o.blocked_' + 'sites').append(site)\n",
    "import operator\n\ndef add(o, n, site):\n    operator.attrgetter(n)(o).append(site)\n",
    "import inspect\n\ndef add(o):\n    for _, v in inspect.getmembers(o):\n        v.clear()\n",
    "def add(o, n):\n    object.__getattribute__(o, n).clear()\n",
    "get = getattr\n\ndef add(o, n):\n    get(o, n).clear()\n",
    "def add(o, n):\n    x = f'{getattr(o, n).clear()}'\n",
]


@pytest.mark.parametrize("text", GENERIC)
def test_refused_when_another_module_reaches_attributes_by_a_computed_name(
    tmp_path: Path, text: str
) -> None:
    tree = _repo(tmp_path, {"tools.py": text})
    _mutates_unseen(tree, text)
    assert "tools.py reaches attributes by a computed name" in _apply(tree)[1]


def test_literal_names_elsewhere_are_no_computed_access(tmp_path: Path) -> None:
    """``getattr(o, "other")``, ``from operator import attrgetter``, ``vars()`` of the
    locals: none reaches blocked_sites."""
    text = (
        "from operator import attrgetter\n\n"
        "def f(o):\n    return getattr(o, 'cards', None), attrgetter('a.b')(o), vars()\n"
        "x = eval('1 + 2')\n"
    )
    after, summary = _apply(_repo(tmp_path, {"tools.py": text}))
    assert after != APP, summary


@pytest.mark.parametrize(
    "text",
    [
        "def add(o):\n    getattr(o, 'blocked\\x5fsites').append('X')\n",
        "def add(o):\n    getattr(o, 'blocked\\N{LOW LINE}sites').append('X')\n",
        "def add(o):\n    o.blocked_\u017fites.append('X')\n",  # NFKC: long s is s
        "def add(o):\n    o.\uff42locked_sites.append('X')\n",  # fullwidth b
    ],
)
def test_refused_when_another_module_spells_it_otherwise(tmp_path: Path, text: str) -> None:
    tree = _repo(tmp_path, {"tools.py": text})
    namespace: dict = {}
    exec(compile(text, "tools.py", "exec"), namespace)  # the spelling does reach the list
    screener = type("S", (), {})()
    screener.blocked_sites = []
    namespace["add"](screener)
    assert screener.blocked_sites == ["X"]
    _mutates_unseen(tree, text)
    assert "tools.py names it" in _apply(tree)[1]


def _notebook(code: str) -> str:
    cells = [
        {"cell_type": "markdown", "source": ["notes"], "metadata": {}},
        {"cell_type": "code", "source": ["%matplotlib inline\n", code], "metadata": {},
         "outputs": [], "execution_count": None},
    ]  # fmt: skip
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


@pytest.mark.parametrize(
    ("rel", "text"),
    [
        ("fast/screen.pyx", "def add(o):\n    o.blocked_sites.append('X')\n"),
        ("fast/screen.pxi", "def add(o):\n    o.blocked_sites.append('X')\n"),
        ("gui.pyw", "def add(o):\n    o.blocked_sites.append('X')\n"),
        ("bin/screenctl", "#!/usr/bin/env python3\nimport app\napp.S.blocked_sites.clear()\n"),
        ("notebooks/tune.ipynb", _notebook("s.blocked_sites.append('X')\n")),
        ("notebooks/esc.ipynb", _notebook("getattr(s, 'blocked\\x5fsites').clear()\n")),
        ("templates/list.html", "{% for s in screener.blocked_sites.clear %}{% endfor %}"),
        ("templates/list.jinja2", "{{ screener.blocked_sites.append('X') }}"),
    ],
)
def test_refused_when_a_file_that_runs_python_names_it(tmp_path: Path, rel: str, text: str) -> None:
    after, summary = _apply(_repo(tmp_path, {rel: text}))
    assert after == APP
    assert f"{rel} names it" in summary, summary


def test_files_that_run_no_python_do_not_count(tmp_path: Path) -> None:
    """A stub, the README, a shell script and data name it without running Python."""
    others = {
        "app.pyi": "class Screener:\n    blocked_sites: list[str]\n",
        "README.md": "`blocked_sites` is parsed once.\n",
        "bin/run.sh": "#!/bin/sh\necho blocked_sites\n",
        "data.json": '{"blocked_sites": 1}',
    }
    after, summary = _apply(_repo(tmp_path, others))
    assert after != APP, summary


def test_a_notebook_that_is_not_json_refuses(tmp_path: Path) -> None:
    after, summary = _apply(_repo(tmp_path, {"nb.ipynb": "{not json"}))
    assert after == APP
    assert "nb.ipynb could not be tokenized" in summary


def test_the_file_itself_under_another_name_is_not_another_module(tmp_path: Path) -> None:
    tree = _repo(tmp_path, {})
    (tree / "pkg").mkdir()
    os.symlink(tree / "app.py", tree / "pkg" / "app.py")
    after, summary = _apply(tree)
    assert after != APP, summary


def test_a_pipe_named_like_a_module_refuses_rather_than_blocks(tmp_path: Path) -> None:
    tree = _repo(tmp_path, {})
    os.mkfifo(tree / "stream.py")
    started = time.monotonic()
    after, summary = _apply(tree)
    assert time.monotonic() - started < 10
    assert after == APP
    assert "stream.py could not be read" in summary, summary


def test_the_scan_is_cached_across_copies_of_the_tree(tmp_path: Path) -> None:
    """Each proposal is made in a fresh worktree: the modules read there are the same
    contents at new paths and new times, and are not tokenized again."""
    from efficiency.remediate import other_modules

    body = "".join(f"def f{i}(o):\n    return o.x{i} + 'y{i}'\n" for i in range(2000))
    first = _repo(tmp_path / "one", {f"m{i}.py": body + f"# {i}\n" for i in range(20)})
    second = _repo(tmp_path / "two", {f"m{i}.py": body + f"# {i}\n" for i in range(20)})
    _apply(first)
    calls = []
    original = other_modules.source_scan
    try:
        other_modules.source_scan = lambda t: calls.append(t) or original(t)  # type: ignore
        assert _apply(second)[0] != APP
    finally:
        other_modules.source_scan = original  # type: ignore
    assert calls == []
