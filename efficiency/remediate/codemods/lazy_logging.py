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
side might be a tuple at run time.

A message built by ``+`` (``log.debug("row " + str(row))``) is eager too; it is kept as written
under the guard described next. When the arguments call anything but cheap builtins
(``log.debug("tile %s" % describe(t))``) lazy arguments would still pay for the call, and when
a ``%`` operand might be a tuple (so moving it into logging's arguments could change the text)
the message cannot be moved at all: then the statement goes under ``if
log.isEnabledFor(logging.DEBUG):`` - the same check the logger makes first - with its message
made lazy where possible and kept as written otherwise.
The guard needs a logger provably bound from ``logging.getLogger`` (a name or attribute,
evaluated twice harmlessly) or ``logging.getLogger(__name__)`` (or of a string literal, or of
nothing) called inline, which returns the same logger each time, a module-level ``import
logging`` (added after the imports when the module has none and uses no name ``logging``), a
call that is a statement of its own, and a level method (not ``log(level, ...)``).
``logging.debug()`` and its siblings call ``basicConfig()`` first when the root logger has no
handler, so their guard is ``if not logging.root.handlers or
logging.root.isEnabledFor(logging.DEBUG):``, which calls them whenever they would do anything
at all (only through ``import logging``). A tuple is never wrapped into ``(x,)``:
``"%s" % (5,)`` renders ``5`` but ``"%s" % ((5,),)`` renders ``(5,)``. Every rewrite is
checked by evaluating the new template and comparing it, and the new arguments, with what
Python itself parses from the original. As with any lazy message, one whose formatting would
raise no longer does so while its level is off.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper, QualifiedNameProvider

from efficiency.remediate.codemods.base import plural
from efficiency.remediate.codemods.lazy_templates import (
    SCALAR_CALLS,
    LazyMessage,
    Refused,
    lazy_form,
)
from efficiency.remediate.codemods.module_level import name_free, with_import
from efficiency.remediate.codemods.pysource import (
    Edit,
    PythonCodemod,
    ScopedVisitor,
    Targets,
    code,
    literal_value,
    walk,
)

LEVELS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"}
)
#: names (or attributes, as in ``self.logger``) taken to be loggers without proof
LOGGER_NAMES = frozenset({"log", "logger", "LOG", "LOGGER", "_log", "_logger", "_LOG", "_LOGGER"})


#: calls whose result is never a tuple or mapping (so ``"..." % call()`` is one argument)
class _LoggerNames(cst.CSTVisitor):
    """Names and attributes bound from ``logging.getLogger(...)`` anywhere in the module."""

    METADATA_DEPENDENCIES = (QualifiedNameProvider,)

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.attributes: set[str] = set()
        self.imports_logging = False
        #: no name ``logging`` is bound or used at all, so ``import logging`` can be added
        self.logging_free = False

    def visit_Module(self, node: cst.Module) -> None:
        self.logging_free = name_free(node, "logging")
        for stmt in node.body:
            if not isinstance(stmt, cst.SimpleStatementLine):
                continue
            for small in stmt.body:
                if isinstance(small, cst.Import) and any(
                    a.asname is None and code(a.name) == "logging" for a in small.names
                ):
                    self.imports_logging = True

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


#: logger method → the ``logging`` level constant its own enabled-check uses
GUARD_LEVELS = {
    "debug": "DEBUG",
    "info": "INFO",
    "warning": "WARNING",
    "warn": "WARNING",
    "error": "ERROR",
    "exception": "ERROR",
    "critical": "CRITICAL",
    "fatal": "CRITICAL",
}


def costly_calls(nodes: list[cst.BaseExpression]) -> bool:
    """Does evaluating any of ``nodes`` call something other than a cheap scalar builtin?"""
    for node in nodes:
        for sub in walk(node):
            if isinstance(sub, cst.Call) and not (
                isinstance(sub.func, cst.Name) and sub.func.value in SCALAR_CALLS
            ):
                return True
    return False


def _message_inputs(message: cst.BaseExpression) -> list[cst.BaseExpression]:
    """What formatting ``message`` evaluates besides its own literal template and formatting
    (the ``%`` operand, the ``.format`` arguments, the f-string fields), or the message."""
    if (
        isinstance(message, cst.BinaryOperation)
        and isinstance(message.operator, cst.Modulo)
        and literal_value(message.left) is not None
    ):
        return [message.right]
    if (
        isinstance(message, cst.Call)
        and isinstance(message.func, cst.Attribute)
        and message.func.attr.value == "format"
        and literal_value(message.func.value) is not None
    ):
        return [a.value for a in message.args]
    if isinstance(message, (cst.FormattedString, cst.ConcatenatedString)):
        return [n.expression for n in walk(message) if isinstance(n, cst.FormattedStringExpression)]
    return [message]


def _concatenation(message: cst.BaseExpression) -> bool:
    """``"text " + str(x) + ...``: a sum of string literals and something else."""
    operands = []
    while isinstance(message, cst.BinaryOperation) and isinstance(message.operator, cst.Add):
        operands.append(message.right)
        message = message.left
    operands.append(message)
    literal = [isinstance(literal_value(o), str) for o in operands]
    return any(literal) and not all(literal)


def _simple_receiver(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) or (
        isinstance(node, cst.Attribute) and _simple_receiver(node.value)
    )


@dataclass
class _Site:
    call: cst.Call
    index: int  # position of the message among the arguments
    lazy: LazyMessage | None  # None: the message stays as written (under the guard)
    owner: str
    #: the statement to put under ``if <logger>.isEnabledFor(logging.<guard>):``
    guard: str | None = None
    line: cst.SimpleStatementLine | None = None
    #: the call is ``logging.<level>()`` on the root logger (the guard lets basicConfig run)
    root: bool = False


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
        if any(a.star for a in node.args):
            return  # arguments we cannot see
        index = 1 if node.func.attr.value == "log" else 0
        positional = [a for a in node.args if a.keyword is None]
        owner = self.def_stack[-1] if self.def_stack else ""
        lazy: LazyMessage | None = None
        why = ""
        if len(positional) == index + 1:
            try:
                lazy = lazy_form(positional[index].value)
            except Refused as exc:
                if not str(exc).startswith(("not an eagerly", "no replacement")):
                    why = str(exc)
                elif _concatenation(positional[index].value):
                    why = "a message built by + (kept as written)"
        message_index = node.args.index(positional[index]) if len(positional) > index else 0
        others = [a.value for i, a in enumerate(node.args) if i != message_index]
        if lazy is not None:
            inputs = [*lazy.args, *others]
        elif len(positional) > index:
            inputs = [*_message_inputs(positional[index].value), *others]
        else:
            inputs = others
        costly = costly_calls(inputs)
        if costly or why:
            guard = self._guard(node)
            if isinstance(guard, tuple):
                level, line, root = guard
                self.sites.append(_Site(node, message_index, lazy, owner, level, line, root))
                return
            if why or lazy is None:
                reason = f"{why}; no guard either: {guard}" if why else f"costly calls; {guard}"
                self.refused.append(f"{code(node).splitlines()[0]}: {reason}")
                return
        if lazy is not None:
            self.sites.append(_Site(node, message_index, lazy, owner))

    def _constant_get_logger(self, call: cst.Call) -> bool:
        """``logging.getLogger()``, ``logging.getLogger(__name__)`` or with a string literal:
        the same logger every time, so calling it twice (in the guard and the call) is
        harmless."""
        if not _is_get_logger(self, call) or len(call.args) > 1:
            return False
        if not call.args:
            return True
        arg = call.args[0]
        if arg.keyword is not None or arg.star:
            return False
        value = arg.value
        return (isinstance(value, cst.Name) and value.value == "__name__") or isinstance(
            literal_value(value), str
        )

    def _guard(self, node: cst.Call) -> tuple[str, cst.SimpleStatementLine, bool] | str:
        """The level, the statement line and whether it is the root logger's module function
        for an ``isEnabledFor`` guard, or why not."""
        assert isinstance(node.func, cst.Attribute)
        level = GUARD_LEVELS.get(node.func.attr.value)
        if level is None:
            return "no isEnabledFor guard for logger.log(level, ...)"
        qualified = self.get_metadata(QualifiedNameProvider, node.func, set())
        receiver = node.func.value
        root = any(q.name == f"logging.{node.func.attr.value}" for q in qualified)
        if root and not (isinstance(receiver, cst.Name) and receiver.value == "logging"):
            return "the logging module is not bound to the name logging"
        name = receiver.value if isinstance(receiver, cst.Name) else None
        attribute = receiver.attr.value if isinstance(receiver, cst.Attribute) else None
        if root:
            pass
        elif isinstance(receiver, cst.Call):
            if not self._constant_get_logger(receiver):
                return "the receiver is a getLogger() call whose name could change"
        elif not _simple_receiver(receiver) or not (
            name in self.loggers.names or attribute in self.loggers.attributes
        ):
            return "the receiver is not provably a logging.getLogger(...) logger"
        if not (self.loggers.imports_logging or self.loggers.logging_free):
            return "no module-level `import logging` for the level constant, nor room for one"
        expr = self.parent(node)
        line = self.parent(expr) if isinstance(expr, cst.Expr) else None
        if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
            return "the call is not a statement of its own"
        return level, line, root


class _Rewriter(cst.CSTTransformer):
    def __init__(self, sites: dict[int, _Site]) -> None:
        super().__init__()
        self.sites = sites
        self.guards = {id(s.line): s for s in sites.values() if s.line is not None}

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement:
        site = self.guards.get(id(original_node))
        if site is None:
            return updated_node
        assert isinstance(site.call.func, cst.Attribute)
        logger = site.call.func.value
        if site.root:
            logger = cst.Attribute(value=cst.Name("logging"), attr=cst.Name("root"))
        test: cst.BaseExpression = cst.Call(
            func=cst.Attribute(value=logger, attr=cst.Name("isEnabledFor")),
            args=[cst.Arg(cst.Attribute(value=cst.Name("logging"), attr=cst.Name(site.guard)))],
        )
        if site.root:  # logging.<level>() also runs basicConfig() when root has no handler
            test = cst.BooleanOperation(
                left=cst.UnaryOperation(
                    operator=cst.Not(),
                    expression=cst.Attribute(value=logger, attr=cst.Name("handlers")),
                ),
                operator=cst.Or(),
                right=test,
            )
        return cst.If(
            test=test,
            body=cst.IndentedBlock(body=[updated_node.with_changes(leading_lines=[])]),
            leading_lines=updated_node.leading_lines,
        )

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        site = self.sites.get(id(original_node))
        if site is None or site.lazy is None:
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
        if not loggers.imports_logging and any(s.guard is not None for s in finder.sites):
            new = with_import(new, "logging")
        spellings = sorted({s.lazy.spelling for s in finder.sites if s.lazy is not None})
        guarded = sum(1 for s in finder.sites if s.guard is not None)
        owners = sorted({s.owner for s in finder.sites if s.owner})
        place = (
            f" in {targets.label}" if targets else (f" in {', '.join(owners)}" if owners else "")
        )
        done = []
        if spellings:
            done.append(f"{', '.join(spellings)} → %-style arguments")
        if guarded:
            done.append(
                f"{plural(guarded, 'call')} with costly arguments under "
                "`if logger.isEnabledFor(level):`"
            )
        summary = (
            f"made {plural(len(finder.sites), 'logging call')}{place} lazy "
            f"({'; '.join(done)}){refused}"
        )
        return Edit(new, len(finder.sites), summary)
