"""Let logging format its messages only when a record is emitted (``lazy-logging``).

``logger.debug(f"parsed {row}")`` formats the message even when DEBUG is off; in a hot loop
that formatting is the cost. ``logger.debug("parsed %s", row)`` hands the arguments to
logging, which formats them only for records a handler will emit. Three spellings are
rewritten: f-strings, ``"..." % args`` and ``"...".format(...)``.

Refused (left as they are): receivers that are not clearly loggers; calls that already pass
arguments or ``*args``; format specs that %-style cannot express exactly (only
``[<>][+- ][#][0][width][.precision]`` with a type among ``s d f F e E g G x X o``, and a
conversion alone: ``!s`` ``!r`` ``!a``); ``.format`` with attribute or index fields, unused
arguments, or arguments that would be evaluated twice or in another order; ``%`` whose right
side might be a tuple at run time. Every rewrite is checked by evaluating the new template and
comparing it, and the new arguments, with what Python itself parses from the original.
"""

from __future__ import annotations

import ast
import re
import string
import warnings
from dataclasses import dataclass
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper, QualifiedNameProvider

from efficiency.remediate.codemods.base import plural
from efficiency.remediate.codemods.pysource import (
    Edit,
    PythonCodemod,
    ScopedVisitor,
    Targets,
    code,
    literal_value,
)

LEVELS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"}
)
#: names (or attributes, as in ``self.logger``) taken to be loggers without proof
LOGGER_NAMES = frozenset({"log", "logger", "LOG", "LOGGER", "_log", "_logger", "_LOG", "_LOGGER"})
#: calls whose result is never a tuple or mapping (so ``"..." % call()`` is one argument)
SCALAR_CALLS = frozenset(
    {"str", "repr", "ascii", "int", "float", "len", "round", "format", "hex", "oct", "bin"}
    | {"chr", "ord", "abs", "id", "type", "bool"}
)
_SPEC = re.compile(
    r"(?P<align>[<>])?(?P<sign>[-+ ])?(?P<alt>\#)?(?P<zero>0)?(?P<width>[1-9]\d*)?"
    r"(?:\.(?P<precision>\d+))?(?P<type>[sdfFeEgGxXo])"
)
_CONVERSIONS = {"s": "%s", "r": "%r", "a": "%a"}


class Refused(Exception):
    """This call cannot be made lazy safely; the message says why."""


def printf_spec(spec: str, conversion: str | None) -> str:
    """The %-style placeholder that renders exactly like ``{x!conversion:spec}``."""
    if conversion:
        if spec or conversion not in _CONVERSIONS:
            raise Refused(f"conversion with a format spec (!{conversion}:{spec})")
        return _CONVERSIONS[conversion]
    if not spec:
        return "%s"
    match = _SPEC.fullmatch(spec)
    if match is None:
        raise Refused(f"format spec {spec!r} has no exact %-style equivalent")
    kind, width, precision = match["type"], match["width"] or "", match["precision"]
    if kind == "s":
        if match["sign"] or match["alt"] or match["zero"]:
            raise Refused(f"format spec {spec!r} has no exact %-style equivalent")
        flags = "-" if width and match["align"] != ">" else ""  # str.format left-aligns text
    else:
        if (match["align"] and match["zero"]) or (precision and kind in "dxXo"):
            raise Refused(f"format spec {spec!r} has no exact %-style equivalent")
        flags = "-" if match["align"] == "<" else ""
        flags += match["sign"] if match["sign"] in ("+", " ") else ""
        flags += ("#" if match["alt"] else "") + ("0" if match["zero"] else "")
    return f"%{flags}{width}{'.' + precision if precision else ''}{kind}"


@dataclass
class _Lazy:
    message: cst.BaseExpression
    args: list[cst.BaseExpression]
    spelling: str  # "f-string", "%", ".format"


def _pieces(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    if isinstance(node, cst.ConcatenatedString):
        return [*_pieces(node.left), *_pieces(node.right)]
    return [node]


def _rebuild(node: cst.BaseExpression, new: dict[int, cst.BaseExpression]) -> cst.BaseExpression:
    """``node`` (a string or implicit concatenation) with its pieces replaced, layout kept."""
    if isinstance(node, cst.ConcatenatedString):
        return node.with_changes(left=_rebuild(node.left, new), right=_rebuild(node.right, new))
    return new.get(id(node), node)


def _escaped_simple(piece: cst.SimpleString) -> cst.SimpleString:
    body = piece.raw_value.replace("%", "%%")
    return piece.with_changes(value=f"{piece.prefix}{piece.quote}{body}{piece.quote}")


def _from_fstring(message: cst.BaseExpression) -> _Lazy:
    pieces = _pieces(message)
    if any(not isinstance(p, (cst.SimpleString, cst.FormattedString)) for p in pieces):
        raise Refused("not a string literal")
    if any(isinstance(p, cst.SimpleString) and "b" in p.prefix.lower() for p in pieces):
        raise Refused("bytes message")
    new: dict[int, cst.BaseExpression] = {}
    args: list[cst.BaseExpression] = []
    for piece in pieces:
        if isinstance(piece, cst.SimpleString):
            new[id(piece)] = _escaped_simple(piece)
            continue
        assert isinstance(piece, cst.FormattedString)
        text = []
        for part in piece.parts:
            if isinstance(part, cst.FormattedStringText):
                text.append(part.value.replace("{{", "{").replace("}}", "}").replace("%", "%%"))
                continue
            spec_parts = part.format_spec or []
            if any(not isinstance(s, cst.FormattedStringText) for s in spec_parts):
                raise Refused("nested replacement field in a format spec")
            spec = "".join(s.value for s in spec_parts if isinstance(s, cst.FormattedStringText))
            conversion = part.conversion
            if part.equal is not None:
                if spec:
                    raise Refused("self-documenting field with a format spec")
                shown = (
                    part.whitespace_before_expression.value
                    + code(part.expression)
                    + part.whitespace_after_expression.value
                    + part.equal.whitespace_before.value
                    + "="
                    + part.equal.whitespace_after.value
                )
                text.append(shown.replace("%", "%%"))
                conversion = conversion or "r"
            text.append(printf_spec(spec, conversion))
            expression = part.expression
            if isinstance(expression, cst.Tuple) and not expression.lpar:
                expression = expression.with_changes(
                    lpar=[cst.LeftParen()], rpar=[cst.RightParen()]
                )
            args.append(expression)
        prefix = piece.prefix.replace("f", "").replace("F", "")
        new[id(piece)] = cst.SimpleString(f"{prefix}{piece.quote}{''.join(text)}{piece.quote}")
    if not args:
        raise Refused("no replacement fields")
    rebuilt = _rebuild(message, new)
    _check_against_python(message, rebuilt, args)
    return _Lazy(rebuilt, args, "f-string")


def _check_against_python(
    message: cst.BaseExpression, rebuilt: cst.BaseExpression, args: list[cst.BaseExpression]
) -> None:
    """The new template and arguments must be what Python's own parse of the f-string says."""
    tree = ast.parse(f"({code(message)})", mode="eval").body
    if not isinstance(tree, ast.JoinedStr):
        raise Refused("not an f-string")
    expected, expected_args = [], []
    for value in tree.values:
        if isinstance(value, ast.Constant):
            expected.append(str(value.value).replace("%", "%%"))
            continue
        assert isinstance(value, ast.FormattedValue)
        spec = ""
        if value.format_spec is not None:
            spec = "".join(
                str(v.value) if isinstance(v, ast.Constant) else "{"
                for v in value.format_spec.values
            )
        conversion = None if value.conversion == -1 else chr(value.conversion)
        expected.append(printf_spec(spec, conversion))
        expected_args.append(ast.dump(value.value))
    got_args = [ast.dump(ast.parse(f"({code(a)})", mode="eval").body) for a in args]
    if _evaluate(rebuilt) != "".join(expected) or got_args != expected_args:
        raise Refused("could not rebuild the template exactly")


def _evaluate(node: cst.BaseExpression) -> object:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.literal_eval(f"({code(node)})")


def _from_percent(message: cst.BinaryOperation) -> _Lazy:
    template = literal_value(message.left)
    if not isinstance(template, str):
        raise Refused("the % template is not a str literal")
    right = message.right
    if isinstance(right, cst.Tuple):
        if not right.elements or any(isinstance(e, cst.StarredElement) for e in right.elements):
            raise Refused("empty or starred % tuple")
        args = [e.value for e in right.elements]
    elif isinstance(right, cst.Dict):
        if not right.elements or any(isinstance(e, cst.StarredDictElement) for e in right.elements):
            raise Refused("empty or **-expanded % mapping")
        args = [right]  # logging takes a lone non-empty mapping as the mapping for %(key)s
    elif _never_tuple(right):
        args = [right]
    else:
        raise Refused("the % operand might be a tuple or mapping at run time")
    return _Lazy(message.left, args, "%")


def _never_tuple(node: cst.BaseExpression) -> bool:
    if isinstance(node, (cst.Integer, cst.Float, cst.SimpleString, cst.FormattedString)):
        return True
    if isinstance(node, cst.ConcatenatedString):
        return True
    return (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Name)
        and node.func.value in SCALAR_CALLS
    )


def _simple(node: cst.BaseExpression) -> bool:
    """Evaluating it twice, or in another order, cannot make a difference."""
    if isinstance(node, (cst.Name, cst.Integer, cst.Float, cst.SimpleString)):
        return True
    return isinstance(node, cst.Attribute) and _simple(node.value)


def _fields(text: str) -> list[tuple[str, str | None, str, str | None]]:
    try:
        return list(string.Formatter().parse(text))
    except ValueError as exc:
        raise Refused(f"unparsable format string ({exc})") from None


def _from_format(call: cst.Call) -> _Lazy:
    assert isinstance(call.func, cst.Attribute)
    receiver = call.func.value
    template = literal_value(receiver)
    if not isinstance(template, str):
        raise Refused("the .format receiver is not a str literal")
    if any(a.star for a in call.args):
        raise Refused(".format(*args / **kwargs)")
    positional = [a.value for a in call.args if a.keyword is None]
    keywords = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
    call_order = [*range(len(positional)), *keywords]
    used: list[int | str] = []
    auto = 0

    def placeholders(text: str) -> str:
        nonlocal auto
        out = []
        for literal, name, spec, conversion in _fields(text):
            out.append(literal.replace("%", "%%"))
            if name is None:
                continue
            if name == "":
                key: int | str = auto
                auto += 1
            elif name.isdigit():
                key = int(name)
            elif name.isidentifier():
                key = name
            else:
                raise Refused(f"field {{{name}}} uses attribute or index access")
            if "{" in (spec or ""):
                raise Refused("nested replacement field in a format spec")
            out.append(printf_spec(spec or "", conversion))
            used.append(key)
        return "".join(out)

    expected = placeholders(template)
    if not used:
        raise Refused("no replacement fields")
    expected_used, used[:], auto = list(used), [], 0
    new: dict[int, cst.BaseExpression] = {}
    for piece in _pieces(receiver):
        if not isinstance(piece, cst.SimpleString):
            raise Refused("the .format receiver is not a plain string literal")
        body = placeholders(piece.raw_value)
        new[id(piece)] = piece.with_changes(value=f"{piece.prefix}{piece.quote}{body}{piece.quote}")
    rebuilt = _rebuild(receiver, new)
    if used != expected_used or _evaluate(rebuilt) != expected:
        raise Refused("could not rebuild the template exactly")
    if sorted(map(str, set(used))) != sorted(map(str, call_order)):
        raise Refused(".format has unused or missing arguments")
    values = {**dict(enumerate(positional)), **keywords}
    if any(k not in values for k in used):
        raise Refused(".format has unused or missing arguments")
    args = [values[k] for k in used]
    if (len(used) != len(set(used)) or used != call_order) and not all(map(_simple, args)):
        raise Refused(".format arguments would be evaluated twice or in another order")
    return _Lazy(rebuilt, args, ".format")


def lazy_form(message: cst.BaseExpression) -> _Lazy:
    if isinstance(message, (cst.FormattedString, cst.ConcatenatedString)):
        return _from_fstring(message)
    if isinstance(message, cst.BinaryOperation) and isinstance(message.operator, cst.Modulo):
        return _from_percent(message)
    if (
        isinstance(message, cst.Call)
        and isinstance(message.func, cst.Attribute)
        and message.func.attr.value == "format"
    ):
        return _from_format(message)
    raise Refused("not an eagerly formatted message")


class _LoggerNames(cst.CSTVisitor):
    """Names and attributes bound from ``logging.getLogger(...)`` anywhere in the module."""

    METADATA_DEPENDENCIES = (QualifiedNameProvider,)

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.attributes: set[str] = set()

    def visit_Assign(self, node: cst.Assign) -> None:
        if not (isinstance(node.value, cst.Call) and _is_get_logger(self, node.value)):
            return
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self.names.add(target.target.value)
            elif isinstance(target.target, cst.Attribute):
                self.attributes.add(target.target.attr.value)


def _is_get_logger(visitor: cst.CSTVisitor, call: cst.Call) -> bool:
    names = visitor.get_metadata(QualifiedNameProvider, call.func, set())
    return any(q.name == "logging.getLogger" for q in names)


@dataclass
class _Site:
    call: cst.Call
    index: int  # position of the message among the arguments
    lazy: _Lazy
    owner: str


class _Finder(ScopedVisitor):
    METADATA_DEPENDENCIES = (*ScopedVisitor.METADATA_DEPENDENCIES, QualifiedNameProvider)

    def __init__(self, targets: Targets | None, loggers: _LoggerNames) -> None:
        super().__init__(targets)
        self.loggers = loggers
        self.sites: list[_Site] = []
        self.refused: list[str] = []

    def _is_logger_call(self, call: cst.Call) -> bool:
        func = call.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in LEVELS:
            return False
        qualified = self.get_metadata(QualifiedNameProvider, func, set())
        if any(q.name == f"logging.{func.attr.value}" for q in qualified):
            return True
        receiver = func.value
        if isinstance(receiver, cst.Name):
            return receiver.value in LOGGER_NAMES | self.loggers.names
        if isinstance(receiver, cst.Attribute):
            return receiver.attr.value in LOGGER_NAMES | self.loggers.attributes
        return isinstance(receiver, cst.Call) and _is_get_logger(self, receiver)

    def visit_Call(self, node: cst.Call) -> None:
        if not self.active or not self._is_logger_call(node):
            return
        assert isinstance(node.func, cst.Attribute)
        index = 1 if node.func.attr.value == "log" else 0
        positional = [a for a in node.args if a.keyword is None]
        if len(positional) != index + 1 or any(a.star == "*" for a in node.args):
            return  # already lazy, or arguments we cannot see
        message = positional[index]
        try:
            lazy = lazy_form(message.value)
        except Refused as exc:
            if not str(exc).startswith(("not an eagerly", "no replacement")):
                self.refused.append(f"{code(node).splitlines()[0]}: {exc}")
            return
        owner = self.def_stack[-1] if self.def_stack else ""
        self.sites.append(_Site(node, node.args.index(message), lazy, owner))


class _Rewriter(cst.CSTTransformer):
    def __init__(self, sites: dict[int, _Site]) -> None:
        super().__init__()
        self.sites = sites

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        site = self.sites.get(id(original_node))
        if site is None:
            return updated_node
        args = list(original_node.args)
        message = args[site.index]
        space = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        new = [
            message.with_changes(
                value=site.lazy.message, comma=space, whitespace_after_arg=cst.SimpleWhitespace("")
            )
        ]
        for value in site.lazy.args[:-1]:
            new.append(cst.Arg(value, comma=space))
        new.append(
            cst.Arg(
                site.lazy.args[-1],
                comma=message.comma,
                whitespace_after_arg=message.whitespace_after_arg,
            )
        )
        return updated_node.with_changes(args=[*args[: site.index], *new, *args[site.index + 1 :]])


class LazyLogging(PythonCodemod):
    name = "lazy-logging"
    needs = tuple(f".{level}(" for level in sorted(LEVELS))

    def rewrite(
        self, wrapper: MetadataWrapper, targets: Targets | None, params: dict[str, Any]
    ) -> Edit:
        loggers = _LoggerNames()
        wrapper.visit(loggers)
        finder = _Finder(targets, loggers)
        wrapper.visit(finder)
        refused = (
            f"; left {plural(len(finder.refused), 'call')}: " + "; ".join(finder.refused)
            if finder.refused
            else ""
        )
        if not finder.sites:
            return Edit(
                wrapper.module, 0, f"{self.name}: no eagerly formatted log message{refused}"
            )
        new = wrapper.module.visit(_Rewriter({id(s.call): s for s in finder.sites}))
        spellings = sorted({s.lazy.spelling for s in finder.sites})
        owners = sorted({s.owner for s in finder.sites if s.owner})
        place = (
            f" in {targets.label}" if targets else (f" in {', '.join(owners)}" if owners else "")
        )
        summary = (
            f"made {plural(len(finder.sites), 'logging call')}{place} lazy "
            f"({', '.join(spellings)} → %-style arguments){refused}"
        )
        return Edit(new, len(finder.sites), summary)
