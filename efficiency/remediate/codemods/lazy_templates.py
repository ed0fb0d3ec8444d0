"""Turning an eagerly formatted log message into a %-style template and its arguments.

Used by ``lazy-logging``: :func:`lazy_form` returns the template and arguments for an f-string,
``"..." % args`` or ``"...".format(...)`` message, or raises :class:`Refused` saying why the
message cannot be moved into logging's arguments exactly.
"""

from __future__ import annotations

import ast
import re
import string
import warnings
from dataclasses import dataclass

import libcst as cst

from efficiency.remediate.codemods.pysource import code, literal_value

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
class LazyMessage:
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


def _from_fstring(message: cst.BaseExpression) -> LazyMessage:
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
    return LazyMessage(rebuilt, args, "f-string")


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


def _from_percent(message: cst.BinaryOperation) -> LazyMessage:
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
    return LazyMessage(message.left, args, "%")


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


def _from_format(call: cst.Call) -> LazyMessage:
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
    return LazyMessage(rebuilt, args, ".format")


def lazy_form(message: cst.BaseExpression) -> LazyMessage:
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
