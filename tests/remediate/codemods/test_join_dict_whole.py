"""join-strings on a local dict whose str values ``d[k] += piece`` grows, kept as lists of parts
for the dict's whole life in the function: appends append, stores store one-part lists, item
reads join. The function returns the same values (and key order) before and after, raises the
same exception with the dict in the same state (its lists joined, read from the traceback's
frame); every use the rewrite cannot follow is refused with the reason, and the side-dict
stage (join_dict_local) is tried instead."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load

JOIN = codemod("join-strings")


def _shown(value: Any) -> Any:
    """Dicts as (type, items in order), lists of parts joined (the frame of the rewrite)."""
    if isinstance(value, dict):
        return type(value).__name__, [(k, _shown(v)) for k, v in value.items()]
    if isinstance(value, list):
        return "".join(value)
    if isinstance(value, tuple):
        return tuple(_shown(v) for v in value)
    return value


def _outcome(func: Callable[..., Any], name: str, args: tuple[Any, ...]) -> tuple[Any, ...]:
    try:
        return "value", _shown(func(*args))
    except Exception as exc:
        tb = exc.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_name != func.__name__:
            tb = tb.tb_next
        assert tb is not None
        return "raised", type(exc).__name__, _shown(tb.tb_frame.f_locals.get(name))


def _same(
    source: str, function: str, name: str, calls: list[tuple[Any, ...]], **params: Any
) -> str:
    result = JOIN.apply(source, function=function, params=params or None)
    assert result.changed, result.summary
    assert "for the whole function" in result.summary, result.summary
    old, new = load(source)[function], load(result.source)[function]
    for args in calls:
        assert _outcome(new, name, args) == _outcome(old, name, args), args
    return result.source


DIGEST = """\
SECTION_ORDER = ["world", "tech", "sport"]
TITLES = {"world": "World", "tech": "Tech", "sport": "Sport"}


def section_key(art):
    return art.section if art.section in TITLES else "world"


def build(articles, edition, base_url):
    bodies: dict[str, str] = {}
    counts: dict[str, int] = {}
    stamp = edition.strftime("%d %B %Y")
    for art in articles:
        key = section_key(art)
        if key not in bodies:
            title = TITLES[key]
            bodies[key] = (
                f"{title.upper()} - {stamp}\\n{'=' * (len(title) + len(stamp) + 3)}\\n\\n"
            )
            counts[key] = 0
        counts[key] += 1
        bodies[key] += f"{counts[key]}. {art.headline}\\n"
        if art.tags:
            bodies[key] += "   #" + " #".join(art.tags) + "\\n"
        bodies[key] += f"   {base_url.rstrip('/')}/{key}/{art.slug}\\n\\n"
    for key in bodies:
        n = counts[key]
        bodies[key] += f"-- {n} {'story' if n == 1 else 'stories'}\\n"
    return {key: bodies[key] for key in SECTION_ORDER if key in bodies}
"""


def _art(section: str, headline: Any, tags: tuple[str, ...] = ()) -> SimpleNamespace:
    return SimpleNamespace(section=section, headline=headline, tags=tags, slug=f"s{headline}")


def test_the_digest() -> None:
    when = datetime(2024, 5, 1)
    arts = [_art("tech", 1, ("ai", "chips")), _art("world", 2), _art("x", 3), _art("tech", 4)]
    calls = [([], when, "u/"), (arts, when, "https://n/"), (arts[::-1], when, "")]
    calls.append(([_art("tech", 1), SimpleNamespace(section="sport")], when, "u"))  # raises
    source = _same(DIGEST, "build", "bodies", calls)
    assert "    bodies: dict[str, list[str]] = {}\n" in source
    assert '            bodies[key] = [\n                f"{title.upper()}' in source
    assert '        bodies[key].append("   #" + " #".join(art.tags) + "\\n")\n' in source
    assert '    return {key: "".join(bodies[key]) for key in SECTION_ORDER if' in source
    assert "counts[key] += 1" in source
    result = JOIN.apply(DIGEST)
    assert result.summary == (
        "kept the str values of the local dict bodies (build) as lists of parts for the whole "
        "function (`d[k].append(...)`, joined where an item is read) instead of `d[k] += ...` "
        "(1 dict)"
    )


DEFAULT = """\
import collections


def lanes(tasks, probe):
    d = collections.defaultdict(str)
    for owner, text in tasks:
        d[owner] += text()
        if not d or len(d) > 3:
            d.clear()
        d[owner] += d[owner][:1]
    missing = d[probe]
    order = sorted(d)
    del d[owner]
    return missing, order, "|".join(d[k] for k in d), [k for k in d if d[k]], (owner in d)
"""


def _piece(text: str) -> Callable[[], str]:
    return lambda: text


def _boom() -> str:
    raise ValueError("piece")


def test_defaultdict_reads_of_missing_keys_a_raising_piece_and_key_order() -> None:
    calls = [
        ([], "z"),  # owner unbound at del: UnboundLocalError, d empty
        ([("b", _piece("xy")), ("a", _piece("1")), ("b", _piece("z"))], "q"),
        ([("b", _piece("xy")), ("a", _piece("1")), ("c", _piece("")), ("b", _piece("z"))], "a"),
        ([(str(i), _piece(str(i))) for i in range(9)], "3"),
        ([("b", _piece("1")), ("a", _boom), ("c", _piece("3"))], "a"),  # a inserted, ""
        ([(["unhashable"], _piece("x"))], "a"),
    ]
    source = _same(DEFAULT, "lanes", "d", calls)
    assert "d = collections.defaultdict(list)" in source
    assert 'd[owner].append("".join(d[owner])[:1])' in source
    assert 'missing = "".join(d[probe])' in source
    assert "(owner in d)" in source and "d.clear()" in source and "del d[owner]" in source


PLAIN = """\
def pages(words, key, tail):
    d = {"head": "", "body": "<"}
    n = 0
    for w in words:
        d["body"] = d["body"] + w + ","
        d[key] = d[key] + tail()
        if w not in d:
            d[w] = ""
        d[w] += f"[{d['head']}]"
        n += 1
        d["head"] = f"#{n}"
    return {k: f"{d[k]}!" for k in d}, len(d)
"""


def test_plain_dict_key_errors_extend_and_stores() -> None:
    calls = [
        ([], "head", _piece("t")),
        (["a", "b", "a"], "body", _piece("t")),
        (["a", "b"], "head", _piece("")),
        (["a"], "nokey", _piece("t")),  # KeyError before tail() runs, in both
        (["a", "b"], "body", _boom),  # the item keeps its value
    ]
    source = _same(PLAIN, "pages", "d", calls)
    assert 'd = {"head": [], "body": ["<"]}' in source
    assert 'd["body"].extend((w, ","))' in source and "d[key].append(tail())" in source
    assert "d[w] = []" in source and 'd["head"] = [f"#{n}"]' in source
    assert """d[w].append(f"[{''.join(d['head'])}]")""" in source
    assert "return {k: f\"{''.join(d[k])}!\" for k in d}, len(d)" in source


EMPTY = """\
def build(rows):
    out = dict()
    for i, row in enumerate(rows):
        if i % 2 and out:
            out["odd"] += row
        else:
            out["even"] = row + "|"
        if "even" in out and len(out["even"]) > 6:
            del out["even"]
    return tuple(out[k] for k in ("even", "odd") if k in out)
"""


def test_an_empty_dict_missing_keys_raise_key_error_in_both() -> None:
    calls = [([],), (["a"],), (["a", "b"],), (["ab", "cd", "ef", "gh", "ij"],)]
    source = _same(EMPTY, "build", "out", calls)
    assert 'out["odd"].append(row)' in source and 'out["even"] = [row + "|"]' in source


def test_a_sampled_append_line_is_needed_and_other_functions_are_left() -> None:
    source = DEFAULT + "\n\ndef other():\n    return 1\n"
    assert not JOIN.apply(source, function="other").changed
    _same(DEFAULT, "lanes", "d", [([("a", _piece("x"))], "a")], sampled_lines=[10])
    blamed = JOIN.apply(DEFAULT, function="lanes", params={"sampled_lines": [11]})
    assert not blamed.changed  # a read, not an append (and join_dict_local refuses)


def test_a_refusal_falls_back_to_the_side_dict_stage() -> None:
    source = "def f(xs):\n    d = {'a': ''}\n    for x in xs:\n        d['a'] += x\n    return d\n"
    result = JOIN.apply(source)
    assert "d_parts.setdefault('a', []).append(x)" in result.source
    assert "left:" not in result.summary and "whole" not in result.summary


HEAD = "import sys\nfrom collections import defaultdict\n\n\n"
BODY = (
    "def f(xs{params}):\n"
    "    d = {start}\n"
    "    for x in xs:\n"
    "        if x not in d:\n"  # join_dict_local refuses the loop
    "            d[x] = {store}\n"
    "{before}"
    "        d[{key}] += {piece}\n"
    "{after}"
    "    return {ret}\n"
)

REFUSALS = {
    "get": ({"ret": "d.get(xs[0])"}, "`d.get` would see the lists of parts"),
    "items": ({"ret": "list(d.items())"}, "`d.items` would see"),
    "values": ({"after": "        n = sum(map(len, d.values()))\n"}, "`d.values` would see"),
    "pop": ({"after": "        d.pop(x)\n"}, "`d.pop`"),
    "update": ({"after": "        d.update(a='')\n"}, "`d.update`"),
    "setdefault": ({"after": "        d.setdefault(x, '')\n"}, "`d.setdefault`"),
    "copy": ({"ret": "d.copy()"}, "`d.copy`"),
    "clear args": ({"after": "        d.clear(1)\n"}, "is not a plain clear()"),
    "returned": ({"ret": "d"}, "d is used in `return d`"),
    "passed": ({"after": "        print(d)\n"}, "d is used in `print(d)`"),
    "stored": ({"after": "        xs.d = d\n"}, "d is used in `xs.d = d`"),
    "aliased": ({"after": "        e = d\n"}, "d is used in `e = d`"),
    "compared": ({"ret": "d == {}"}, "d is used in"),
    "or": ({"ret": "d or None"}, "d is used in `d or None`"),
    "in d": ({"ret": "d in [d]"}, "d is used in"),
    "two args": ({"ret": "max(d, 'z')"}, "d is used in"),
    "yielded": ({"after": "        yield d\n"}, "generator"),
    "nested def": ({"after": "        def g():\n            return d\n"}, "nested function"),
    "lambda": ({"after": "        g = lambda: d\n"}, "nested function, lambda"),
    "class": ({"after": "        class C:\n            e = d\n"}, "lambda or class"),
    "global": ({"start": "{}\n    def g():\n        nonlocal d\n"}, "global/nonlocal"),
    "parameter": ({"params": ", d={}", "start": "d"}, "d is a parameter"),
    "twice": ({"after": "    d = {}\n"}, "bound more than once"),
    "locals": ({"after": "    locals()\n"}, "locals()"),
    "exec": ({"after": "    exec('')\n"}, "locals()"),
    "frame": ({"after": "    sys._getframe()\n"}, "reaches frames"),
    "store": ({"store": "str(x)"}, "stores a value not provably an exact str"),
    "two targets": ({"store": "e = ''"}, "stores a value not provably"),
    "multiply": ({"after": "        d[x] *= 2\n"}, "is not `d[k] += piece`"),
    "loop target": ({"after": "        for d[x] in 'ab': pass\n"}, "binds an item other"),
    "unpacked": ({"after": "        d[x], e = 'a', 1\n"}, "binds an item other"),
    "extend key": ({"after": "        d[x[:1]] = d[x[:1]] + x\n"}, "neither a literal nor"),
    "extend global key": ({"after": "        d[G] = d[G] + x\n"}, "neither a literal nor"),
    "extend walrus": ({"after": "        d[x] = d[x] + (x := 'a')\n"}, "neither a literal"),
    "try": (
        {
            "before": "        try:\n            d[x] += x\n        except TypeError:\n"
            "            pass\n"
        },
        "sits in try/with",
    ),
    "with": ({"before": "        with ctx():\n            d[x] += x\n"}, "sits in try/with"),
    "clears": ({"piece": "(d.clear() or x)"}, "a piece clears d"),
    "slice": ({"key": "1:2"}, "is not a plain key"),
    "quotes": ({"piece": "f'''{f\"{d[x]}\"}'''"}, "read in f-strings quoting with both"),
    "str shadowed": ({"start": "defaultdict(str)", "after": "    str = 1\n"}, "str is bound"),
    "list shadowed": ({"start": "defaultdict(str)", "after": "    list = 1\n"}, "list is bound"),
    "factory": ({"start": "defaultdict(list)"}, "is not defaultdict(str)"),
    "chained in": ({"ret": "xs[0] in d == {}"}, "d is used in `xs[0] in d == {}`"),
    "debug f-string": ({"ret": "f'{d[xs[0]]=}'"}, "read in an f-string's `=` field"),
    "debug nested": ({"ret": "f'{len(d[xs[0]]) = }'"}, "read in an f-string's `=` field"),
    "is": ({"ret": "d[xs[0]] is d[xs[0]]"}, "`d[xs[0]] is d[xs[0]]` compares identities"),
    "is not": (
        {"after": "        a = d[x]\n        b = d[x]\n        c = a is not b\n"},
        "compares",
    ),
    "id": ({"ret": "id(d[xs[0]])"}, "`id(d[xs[0]])` reads an identity"),
    "comprehension key": (
        {"after": "        e = [G for G in xs]\n        d[G] = d[G] + x\n"},
        "neither a literal nor a local name",
    ),
    "default walrus key": (
        {"params": ", y=(G := 'a')", "after": "        d[G] = d[G] + x\n"},
        "neither a literal nor a local name",
    ),
    "chained not in": ({"ret": "xs[0] not in d != {}"}, "d is used in `xs[0] not in d != {}`"),
    "value": ({"start": "{'a': str(1)}"}, "is not provably a str"),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_refusals(case: str) -> None:
    fields = {"params": "", "start": "{}", "store": '""', "before": "", "key": "x",
              "piece": 'f"<{x}>"', "after": "", "ret": "{k: d[k] for k in d}"}  # fmt: skip
    changes, why = REFUSALS[case]
    source = HEAD + BODY.format(**{**fields, **changes})
    compile(source, "<refusal>", "exec")
    result = JOIN.apply(source)
    assert not result.changed, result.source
    assert "`d[...] += ...` in f: as lists for its whole life: " in result.summary
    assert why in result.summary, result.summary


SIGNATURE = """\
d = {"a": 5}


def f(xs, y=d["a"], *, z: d["a"] = 1) -> d["a"]:
    d = {"a": ""}
    for x in xs:
        d["a"] += x
    return d["a"], y, z
"""


def test_the_signature_names_the_enclosing_scopes_dict_and_is_left() -> None:
    source = _same(SIGNATURE, "f", "d", [([],), (["x", "y"],)])
    assert 'def f(xs, y=d["a"], *, z: d["a"] = 1) -> d["a"]:' in source
    assert 'return "".join(d["a"]), y, z' in source


def test_a_read_in_the_format_spec_of_a_debugging_field_is_joined() -> None:
    source = BODY.format(params="", start="{}", store='""', before="", key="x", piece="x",
                         after="", ret="f'{xs[0]=:>{d[xs[0]]}}'")  # fmt: skip
    assert "f'{xs[0]=:>{\"\".join(d[xs[0]])}}'" in _same(source, "f", "d", [(["3"],)])


IDENTITY = """\
def f(xs, probe):
    d = {"a": "s"}
    for x in xs:
        d["a"] += x
    return d["a"] if probe is None else (probe is True, False is not probe, probe is ...)
"""


def test_identity_against_none_true_false_or_ellipsis_is_allowed() -> None:
    _same(IDENTITY, "f", "d", [(["x", ""], None), ([], True), ([], ...)])


def test_an_append_the_binding_may_not_precede_is_refused() -> None:
    source = "def f(xs):\n    for x in xs:\n        d[x] += x\n    d = {}\n    return d[1]\n"
    result = JOIN.apply(source)
    assert not result.changed
    assert "whole life: an append sits where the binding may not have run" in result.summary


def test_the_base_of_the_refusals_is_rewritten() -> None:
    fields = {"params": "", "start": "{}", "store": '""', "before": "", "key": "x",
              "piece": 'f"<{x}>"', "after": "", "ret": "{k: d[k] for k in d}"}  # fmt: skip
    _same(HEAD + BODY.format(**fields), "f", "d", [([],), (["a", "b", "a"],), ([[1]],)])


def test_counters_and_dicts_without_loops_are_passed_by() -> None:
    source = (
        "def f(xs):\n    c = {}\n    s = {'a': ''}\n    s['a'] += 'x'\n"
        "    for x in xs:\n        c[x] = 0\n        c[x] += 1\n    return c, s\n"
    )
    result = JOIN.apply(source)
    assert not result.changed and "whole" not in result.summary
