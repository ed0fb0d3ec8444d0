"""Which pattern expressions ``hoist-re-compile`` may memoise when they are built per call
(:mod:`efficiency.remediate.codemods.re_built`): a typed walk that accepts only operations
whose result is a pure function of their inputs once every input is an exact ``str`` (or an
iterable of exact ``str``), and that lists those inputs in the order Python evaluates them.

Values are of three kinds: ``str`` (one string), ``strs`` (an iterable of strings, iterated
once) and ``bool``. Accepted:

* ``str``: a str literal (not bytes), an f-string whose fields are ``str`` with no conversion,
  format spec or ``=``, ``a + b``, ``x if c else y``, ``re.escape(s)``, ``"sep".join(strs)``
  and the str methods of :data:`STR_METHODS` called with literal arguments;
* ``strs``: ``(e for x in strs if c)`` / ``[e for x in strs]`` (one ``for``), ``sorted(strs)``
  with ``key=len`` and a literal ``reverse``, ``map(re.escape, strs)``, a tuple or list display
  of ``str``;
* ``bool``: ``s.startswith(...)`` / ``s.endswith(...)`` / ``s.isX()``, ``s == t``, ``s != t``,
  ``not c``, the truth of a loop value or of a local ``str`` (``if w``);
* ``pairs`` (an iterable of 2-tuples of strings): ``d.items()`` of an input ``d``, or an input
  iterated by a comprehension that unpacks two names (``for name, word in pairs``); the memo
  is used only when every item is an exact tuple of two exact ``str``;
* inputs: a name (a parameter, a local, a module-level name), an attribute of one
  (``self.articles``), an item of one (``self.rules[queue]``, its key a parameter or a
  literal) or a dict view of one (``self.rules.values()``), each one of ``str``, ``strs`` or
  ``pairs`` kind. Reading an item or a view can run code, so it must be the first input read.
* the memo reads every input and iterates each iterated one once, where the original did:
  so an iterated input (or a local holding one) is never iterated for every item of a
  comprehension nor in one branch of ``x if c else y``, where only parameters are read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from efficiency.remediate.codemods.pysource import code, walk
from efficiency.remediate.codemods.re_built_inputs import (
    VIEWS,
    Kind,
    ScopeLookups,
    item_of,
    literal,
    plain_attribute,
    two_names,
    view_container,
    view_of,
)

#: str methods that are pure on an exact str, called with literal arguments
_TO_STR = "lower upper casefold strip lstrip rstrip replace title capitalize removeprefix"
_TO_BOOL = "startswith endswith isalpha isdigit isalnum isspace islower isupper isascii"
STR_METHODS: dict[str, Kind] = {
    **dict.fromkeys(f"{_TO_STR} removesuffix swapcase".split(), "str"),
    **dict.fromkeys(_TO_BOOL.split(), "bool"),
}


class Refused(Exception):
    """The expression is not one the memo may build; the message says why."""


@dataclass
class Input:
    """A value the pattern depends on: the expression read (a name or ``name.attr``), its
    kind and every node that reads it."""

    text: str
    kind: Kind
    nodes: list[cst.BaseExpression] = field(default_factory=list)
    #: reading it cannot raise or run code (a parameter, a module-level name, a loop value)
    quiet: bool = False
    #: read for every item of a comprehension (so possibly after code has run)
    per_item: bool = False


@dataclass
class Checker(ScopeLookups):
    """Walks one pattern expression (and the locals it was built in) of a function."""

    #: the analysing visitor's ``get_metadata``
    meta: Callable[..., Any]
    re_names: set[str]
    #: locals bound by the statements absorbed into the memo: name → kind
    locals_: dict[str, Kind] = field(default_factory=dict)
    inputs: list[Input] = field(default_factory=list)
    comp_vars: list[set[str]] = field(default_factory=list)
    #: locals that iterate an input lazily (``words = self.rules[queue]``, a map over it):
    #: the memo iterates its tuple, so the original must iterate them exactly once
    once: set[str] = field(default_factory=set)
    #: how many branches of a conditional expression the walk is in
    branch: int = 0

    def bind(self, name: str, value: cst.BaseExpression, kind: Kind) -> None:
        """Walk the value of an absorbed local ``name`` of ``kind``, then record it (in
        :attr:`once` when it iterates an input lazily: the input itself, a generator or a map
        over it)."""
        before = len(self.inputs)
        self.check(value, kind)
        self.locals_[name] = kind
        eager = isinstance(value, cst.ListComp | cst.List | cst.Tuple) or (
            isinstance(value, cst.Call) and self._builtin(value.func, "sorted")
        )
        iterated = any(i.kind != "str" for i in self.inputs[before:]) or any(
            isinstance(n, cst.Name) and n.value in self.once for n in walk(value)
        )
        if kind != "str" and iterated and not eager:
            self.once.add(name)

    def check(self, node: cst.BaseExpression, want: Kind) -> None:
        got = self._kind(node, want)
        if got != want:
            raise Refused(f"{code(node)} is not a {want} value the memo can prove")

    def _kind(self, node: cst.BaseExpression, want: Kind) -> Kind:
        if isinstance(node, cst.SimpleString):
            if "b" in node.prefix.lower():
                raise Refused("a bytes literal")
            return "str"
        if isinstance(node, cst.ConcatenatedString):
            # each part, f-strings included (their fields are inputs), left to right
            self.check(node.left, "str")
            self.check(node.right, "str")
            return "str"
        if isinstance(node, cst.FormattedString):
            return self._fstring(node)
        if isinstance(node, cst.Name | cst.Attribute):
            return self._value(node, want)
        if isinstance(node, cst.Subscript) and want in ("str", "strs"):
            container = item_of(node, self._quiet)
            if container is None:
                raise Refused(f"the key of {code(node)} is not a parameter, a module-level name "
                              "or a literal (reading it could run code)")  # fmt: skip
            return self._source(node, want, container)
        view = view_of(node)
        if view is not None and want == VIEWS[view]:
            return self._source(node, want, view_container(node))  # type: ignore[arg-type]
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            self.check(node.left, "str")
            self.check(node.right, "str")
            return "str"
        if isinstance(node, cst.IfExp):
            self.check(node.test, "bool")
            self.branch += 1
            try:
                self.check(node.body, want)
                self.check(node.orelse, want)
            finally:
                self.branch -= 1
            return want
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
            self.check(node.expression, "bool")
            return "bool"
        if isinstance(node, cst.Comparison):
            return self._comparison(node)
        if isinstance(node, cst.Call):
            return self._call(node)
        if isinstance(node, cst.GeneratorExp | cst.ListComp):
            return self._comprehension(node)
        if isinstance(node, cst.Tuple | cst.List) and want == "strs":
            for element in node.elements:
                if isinstance(element, cst.StarredElement):
                    raise Refused("a starred element")
                self.check(element.value, "str")
            return "strs"
        raise Refused(f"{code(node)} is not an operation the memo can prove pure")

    def _fstring(self, node: cst.FormattedString) -> Kind:
        if "b" in node.prefix.lower():
            raise Refused("a bytes literal")
        for part in node.parts:
            if isinstance(part, cst.FormattedStringExpression):
                if part.conversion is not None or part.format_spec is not None:
                    raise Refused("an f-string field with a conversion or format spec")
                if part.equal is not None:
                    raise Refused("a self-documenting f-string field (it writes its own text)")
                self.check(part.expression, "str")
        return "str"

    def _comparison(self, node: cst.Comparison) -> Kind:
        self.check(node.left, "str")
        for target in node.comparisons:
            if not isinstance(target.operator, cst.Equal | cst.NotEqual):
                raise Refused(f"the comparison {code(node)}")
            self.check(target.comparator, "str")
        return "bool"

    def _call(self, node: cst.Call) -> Kind:
        args = list(node.args)
        if any(a.star for a in args):
            raise Refused("a call with *args/**kwargs")
        positional = [a for a in args if a.keyword is None]
        func = node.func
        if self._is_re(func, "escape") and len(args) == 1 and positional:
            self.check(args[0].value, "str")
            return "str"
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "join"
            and isinstance(func.value, cst.SimpleString | cst.ConcatenatedString)
            and len(args) == 1
            and positional
        ):
            self._kind(func.value, "str")
            self.check(args[0].value, "strs")
            return "str"
        if self._builtin(func, "sorted"):
            return self._sorted(args)
        if self._builtin(func, "map") and len(args) == 2 and len(positional) == 2:
            if not self._is_re(args[0].value, "escape"):
                raise Refused(f"map over {code(args[0].value)}")
            self.check(args[1].value, "strs")
            return "strs"
        if isinstance(func, cst.Attribute) and func.attr.value in STR_METHODS:
            self.check(func.value, "str")
            for arg in args:
                if arg.keyword is not None or not literal(arg.value):
                    raise Refused(f"the argument {code(arg.value)} of .{func.attr.value}()")
            return STR_METHODS[func.attr.value]
        raise Refused(f"the call {code(node).splitlines()[0]}")

    def _sorted(self, args: list[cst.Arg]) -> Kind:
        if not args or args[0].keyword is not None:
            raise Refused("sorted() without its iterable first")
        self.check(args[0].value, "strs")
        for arg in args[1:]:
            name = arg.keyword.value if arg.keyword is not None else None
            if name == "key" and self._builtin(arg.value, "len"):
                continue
            if (
                name == "reverse"
                and isinstance(arg.value, cst.Name)
                and arg.value.value in ("True", "False")
            ):
                continue
            raise Refused(f"sorted() with {code(arg).rstrip(', ')}")
        return "strs"

    def _comprehension(self, node: cst.GeneratorExp | cst.ListComp) -> Kind:
        loop = node.for_in
        if loop.inner_for_in is not None or loop.asynchronous is not None:
            raise Refused("a comprehension with more than one for")
        pair = two_names(loop.target)
        if pair is None and not isinstance(loop.target, cst.Name):
            raise Refused("a comprehension that unpacks its items into other than two names")
        # evaluated first, when the comprehension is made
        self.check(loop.iter, "strs" if pair is None else "pairs")
        names = set(pair) if pair is not None else {loop.target.value}  # type: ignore[union-attr]
        self.comp_vars.append(names)
        try:
            for cond in loop.ifs:
                self.check(cond.test, "bool")
            self.check(node.elt, "str")
        finally:
            self.comp_vars.pop()
        return "strs"

    def _value(self, node: cst.Name | cst.Attribute, want: Kind) -> Kind:
        if isinstance(node, cst.Name):
            # a loop value or a local the memo builds is a str: its truth is its length's
            if any(node.value in names for names in self.comp_vars):
                return "bool" if want == "bool" else "str"
            if node.value in self.locals_:
                self._iterated_once(node.value, node.value in self.once)
                kind = self.locals_[node.value]
                return "bool" if want == "bool" and kind == "str" else kind
        if want == "bool":
            raise Refused(f"the truth of {code(node)}")
        text = code(node)
        quiet = isinstance(node, cst.Name) and self._quiet(node)
        if not quiet and self.comp_vars:
            raise Refused(f"{text} is read for every item (it may change or raise between)")
        if isinstance(node, cst.Attribute) and not plain_attribute(node):
            raise Refused(f"{text} is not a name or an attribute of a name")
        for known in self.inputs:
            if known.text == text:
                if known.kind != want or not known.quiet:
                    raise Refused(f"{text} is read twice (it could change between the reads)")
                known.nodes.append(node)
                known.per_item = known.per_item or bool(self.comp_vars)
                return want
        self._iterated_once(text, want != "str")
        if self.branch and not (want == "str" and self._parameter(node)):
            raise Refused(f"{text} is read only when a condition holds (the memo reads it always)")
        self.inputs.append(Input(text, want, [node], quiet and want == "str", bool(self.comp_vars)))
        return want

    def _iterated_once(self, text: str, iterated: bool) -> None:
        """Refuse an input the original iterates for every item or only in one branch: the
        memo's tuple would give its items again (an iterator's are used up) or read it where
        the original does not."""
        if iterated and self.comp_vars:
            raise Refused(f"{text} is iterated for every item (an iterator only the first time)")
        if iterated and self.branch:
            raise Refused(f"{text} is read only when a condition holds (the memo reads it always)")

    def _source(
        self, node: cst.Subscript | cst.Call, want: Kind, container: cst.BaseExpression | None
    ) -> Kind:
        """An input read through an item or a dict view of a name or attribute: it may run
        code (``__getitem__``, ``__hash__``), so it is read once and keyed by what it holds."""
        text = code(node)
        if container is None or not isinstance(container, cst.Name | cst.Attribute):
            raise Refused(f"{text} is not an item or a view of a name or attribute")
        if isinstance(container, cst.Attribute) and not plain_attribute(container):
            raise Refused(f"{text} is not an item or a view of a name or attribute")
        if self.comp_vars:
            raise Refused(f"{text} is read for every item (it may change or raise between)")
        if any(known.text == text for known in self.inputs):
            raise Refused(f"{text} is read twice (it could change between the reads)")
        if self.branch:
            raise Refused(f"{text} is read only when a condition holds (the memo reads it always)")
        self.inputs.append(Input(text, want, [node]))
        return want
