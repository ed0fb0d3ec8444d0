"""lazy-logging: exact rewrites, the same rendered messages before and after, refusals."""

from __future__ import annotations

import logging
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from efficiency.remediate.codemods import codemod
from efficiency.remediate.codemods.lazy_templates import Refused, printf_spec
from tests.remediate.codemods.sample import load

LAZY = codemod("lazy-logging")

SOURCE = """\
import logging

log = logging.getLogger("codemod.sample")
audit = logging.getLogger("codemod.audit")


class Worker:
    def __init__(self):
        self.logger = logging.getLogger("codemod.worker")

    def run(self, item, ratio, count):
        self.logger.info(f"item {item} at 100% {ratio:.2f}")  # progress
        log.warning("%s of %d" % (item, count), exc_info=False)
        audit.error("{} -> {name!r}".format(count, name=item))
        logging.log(logging.INFO, f"{count=} {ratio:+08.3f} {count:#x}")
        log.info(
            f"multi {item} "
            "line %d "
            f"{count:>6d}"
        )
        log.debug(f"{item:>8s}|{item:<8s}|{item:8s}")
        return item
"""

AFTER = """\
import logging

log = logging.getLogger("codemod.sample")
audit = logging.getLogger("codemod.audit")


class Worker:
    def __init__(self):
        self.logger = logging.getLogger("codemod.worker")

    def run(self, item, ratio, count):
        self.logger.info("item %s at 100%% %.2f", item, ratio)  # progress
        log.warning("%s of %d", item, count, exc_info=False)
        audit.error("%s -> %r", count, item)
        logging.log(logging.INFO, "count=%r %+08.3f %#x", count, ratio, count)
        log.info(
            "multi %s "
            "line %%d "
            "%6d", item, count
        )
        log.debug("%8s|%-8s|%-8s", item, item, item)
        return item
"""


def test_eager_messages_become_lazy() -> None:
    result = LAZY.apply(SOURCE)
    assert result.source == AFTER
    assert result.sites == 6
    assert "in run" in result.summary and "f-string" in result.summary


def _messages(source: str, caplog: pytest.LogCaptureFixture, *args: object) -> list[tuple]:
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        load(source)["Worker"]().run(*args)
    return [(r.name, r.levelno, r.getMessage()) for r in caplog.records]


@pytest.mark.parametrize(
    "args",
    [("abc", 0.5, 3), ("x" * 12, -2.125, 0), ("", 1e9, 255), ("100%", math.pi, -7)],
)
def test_rendered_messages_are_identical(caplog: pytest.LogCaptureFixture, args: tuple) -> None:
    before = _messages(SOURCE, caplog, *args)
    after = _messages(LAZY.apply(SOURCE).source, caplog, *args)
    assert before == after
    assert len(before) == 6


ODD_ARGUMENTS = """\
import logging

def f(x):
    logging.warning(f"{x}")
    logging.warning(f"{x!r} and {x}")
    logging.warning("%s" % (x,))
    logging.warning("[%(k)s]" % {"k": x})
"""


@pytest.mark.parametrize("value", [{"k": 1}, {}, (1, 2), (), [3], None, "%s", 1.5])
def test_tuples_and_mappings_render_the_same(
    caplog: pytest.LogCaptureFixture, value: object
) -> None:
    """logging treats a lone mapping argument specially; the messages must not change."""
    result = LAZY.apply(ODD_ARGUMENTS)
    assert result.sites == 4
    rendered = []
    for source in (ODD_ARGUMENTS, result.source):
        caplog.clear()
        load(source)["f"](value)
        rendered.append([r.getMessage() for r in caplog.records])
    assert rendered[0] == rendered[1]


def test_disabled_levels_no_longer_format(caplog: pytest.LogCaptureFixture) -> None:
    source = (
        "import logging\nlogger = logging.getLogger('codemod.quiet')\n\n"
        "def f(thing):\n    logger.debug(f'thing {thing}')\n"
    )
    calls = []

    class Thing:
        def __str__(self) -> str:
            calls.append(1)
            return "thing"

    with caplog.at_level(logging.INFO):
        load(source)["f"](Thing())
        assert calls == [1]
        load(LAZY.apply(source).source)["f"](Thing())
    assert calls == [1]


# `log` is a logger by name but not provably one, so no isEnabledFor guard either
REFUSED = {
    "not a logger": "def f(x, y):\n    print(f'{x}')\n    y.info(f'{x}')\n",
    "already lazy": "def f(log, x):\n    log.info('%s', x)\n",
    "f-string plus args": "def f(log, x):\n    log.info(f'{x} %s', x)\n",
    "no fields": "def f(log):\n    log.info(f'100%')\n",
    "center align": "def f(log, x):\n    log.info(f'{x:^9}')\n",
    "no type with width": "def f(log, x):\n    log.info(f'{x:>9}')\n",
    "grouping": "def f(log, x):\n    log.info(f'{x:,d}')\n",
    "nested spec": "def f(log, x, w):\n    log.info(f'{x:{w}d}')\n",
    "conversion and spec": "def f(log, x):\n    log.info(f'{x!r:>9}')\n",
    "percent operand may be a tuple": "def f(log, x):\n    log.info('%s' % x)\n",
    "empty percent tuple": "def f(log):\n    log.info('100%%' % ())\n",
    "format attribute field": """\
def f(log, x):
    log.info('{0.real}'.format(x))
""",
    "format unused argument": """\
def f(log, x, y):
    log.info('{}'.format(x, y()))
""",
    "format reorders calls": """\
def f(log, x, y):
    log.info('{1} {0}'.format(x(), y()))
""",
    "star args": "def f(log, a):\n    log.info(*a)\n",
    "escape makes a percent": "def f(log, x):\n    log.info(f'\\x25 {x}')\n",
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refusals_leave_the_text_byte_identical(case: str) -> None:
    result = LAZY.apply(REFUSED[case])
    assert result.source == REFUSED[case]
    assert not result.changed and result.sites == 0


def test_format_reordering_of_plain_names_is_fine(caplog: pytest.LogCaptureFixture) -> None:
    source = "import logging\n\ndef f(x, y):\n    logging.warning('{1} {0} {1}'.format(x, y))\n"
    result = LAZY.apply(source)
    assert "logging.warning('%s %s %s', y, x, y)" in result.source
    for text in (source, result.source):
        caplog.clear()
        load(text)["f"]("a", "b")
        assert [r.getMessage() for r in caplog.records] == ["b a b"]


def test_only_the_named_function_is_rewritten() -> None:
    call = "    logging.info(f'{x}')\n"
    source = f"import logging\n\ndef a(x):\n{call}\ndef b(x):\n{call}"
    result = LAZY.apply(source, function="b")
    assert result.sites == 1
    assert result.source.count("logging.info(f'{x}')") == 1


SPECS = ["", ".2f", "+08.3f", "e", ".3E", "g", "#g", "<7d", "05d", "x", "#X", "o", "10s", ">10s"]


@pytest.mark.parametrize("spec", SPECS)
@given(value=st.one_of(st.integers(-(10**6), 10**6), st.floats(allow_nan=False, width=32)))
def test_printf_specs_render_like_format(spec: str, value: float) -> None:
    kind = spec[-1:] if spec else ""
    if kind in "dxXo" and kind and not isinstance(value, int):
        return  # format() itself refuses; the eager original would raise
    if kind == "s":
        value = str(value)
    assert printf_spec(spec, None) % (value,) == format(value, spec)


@pytest.mark.parametrize("spec", ["^5", ">5", ".2", ",d", "_x", "%", "n", "b", "c", "=+5d", "<05d"])
def test_specs_without_an_exact_printf_form_are_refused(spec: str) -> None:
    with pytest.raises(Refused):
        printf_spec(spec, None)


# -- costly arguments and % operands that might be tuples: an isEnabledFor guard -----------
GUARDED = """\
import logging

log = logging.getLogger("codemod.guarded")


class Tile:
    def __init__(self, x):
        self.x = x
        self.logger = logging.getLogger("codemod.guarded.tile")

    def show(self, extra):
        # the costly one
        log.debug("tile %s" % describe(self.x))  # keep me
        self.logger.info("extra %s" % extra)
        log.warning("n=%s", describe(extra))
        log.error(f"{self.x} plain")
        return self.x


calls = []


def describe(x):
    calls.append(x)
    return repr(x)
"""

GUARDED_AFTER = """\
import logging

log = logging.getLogger("codemod.guarded")


class Tile:
    def __init__(self, x):
        self.x = x
        self.logger = logging.getLogger("codemod.guarded.tile")

    def show(self, extra):
        # the costly one
        if log.isEnabledFor(logging.DEBUG):
            log.debug("tile %s" % describe(self.x))  # keep me
        if self.logger.isEnabledFor(logging.INFO):
            self.logger.info("extra %s" % extra)
        if log.isEnabledFor(logging.WARNING):
            log.warning("n=%s", describe(extra))
        log.error("%s plain", self.x)
        return self.x


calls = []


def describe(x):
    calls.append(x)
    return repr(x)
"""


def test_costly_calls_and_maybe_tuple_operands_go_under_a_guard() -> None:
    result = LAZY.apply(GUARDED)
    assert result.source == GUARDED_AFTER
    assert result.sites == 4
    assert "3 calls with costly arguments under `if logger.isEnabledFor(level):`" in (
        result.summary
    )


@pytest.mark.parametrize("extra", [((1, 2),), (5,), {"k": 1}, "%s", 7])
@pytest.mark.parametrize("level", [logging.DEBUG, logging.INFO, logging.ERROR])
def test_guarded_messages_render_the_same_and_skip_costly_calls_when_off(
    caplog: pytest.LogCaptureFixture, extra: object, level: int
) -> None:
    after = LAZY.apply(GUARDED).source
    seen = []
    for source in (GUARDED, after):
        caplog.clear()
        module = load(source)
        with caplog.at_level(level, logger="codemod.guarded"):
            outcome: object
            try:
                outcome = module["Tile"]([1, 2]).show(extra)
            except TypeError as exc:
                outcome = type(exc).__name__
        seen.append((outcome, [(r.levelno, r.getMessage()) for r in caplog.records], module))
    (before_out, before_log, before_mod), (after_out, after_log, after_mod) = seen
    assert before_out == after_out
    assert before_log == after_log
    # the disabled levels no longer call describe(); the enabled ones call it the same way
    # (describe(self.x) logs at DEBUG, describe(extra) at WARNING, if reached)
    levels = [logging.DEBUG, logging.WARNING]
    expected = [c for c, lv in zip(before_mod["calls"], levels, strict=False) if lv >= level]
    assert after_mod["calls"] == expected
    assert before_mod["calls"][0] == [1, 2]


GUARD_REFUSED = {
    "module logging under another name": (
        "import logging as lg\n\ndef f(x):\n    lg.info('%s' % x)\n"
    ),
    "getLogger of a variable": (
        "import logging\n\ndef f(n, x):\n    logging.getLogger(n).info('%s' % x)\n"
    ),
    "unproven receiver": "import logging\n\ndef f(log, x):\n    log.info('%s' % x)\n",
    "not its own statement": """\
import logging
log = logging.getLogger(__name__)

def f(x):
    log.info('%s' % x); return x
""",
    "log(level, ...)": """\
import logging
log = logging.getLogger(__name__)

def f(x):
    log.log(10, '%s' % x)
""",
    "the name logging is taken": """\
from logging import getLogger
log = getLogger(__name__)
logging = None

def f(x):
    log.info('%s' % x)
""",
}


@pytest.mark.parametrize("case", sorted(GUARD_REFUSED))
def test_guard_refusals_leave_the_text_byte_identical_and_say_why(case: str) -> None:
    result = LAZY.apply(GUARD_REFUSED[case])
    assert result.source == GUARD_REFUSED[case]
    assert not result.changed
    assert "might be a tuple or mapping" in result.summary
    assert "no guard either" in result.summary


# -- loggers fetched inline, and logging's module functions -------------------------------
INLINE = """\
import logging

calls = []


def describe(x):
    calls.append(x)
    return repr(x)


def check(x):
    logging.getLogger(__name__).debug("checking {} ({})".format(x, describe(x)))
    logging.getLogger("codemod.inline").info("seen %s" % describe(x))
    logging.debug("root %s" % describe(x))
    return x
"""

INLINE_AFTER = """\
import logging

calls = []


def describe(x):
    calls.append(x)
    return repr(x)


def check(x):
    if logging.getLogger(__name__).isEnabledFor(logging.DEBUG):
        logging.getLogger(__name__).debug("checking %s (%s)", x, describe(x))
    if logging.getLogger("codemod.inline").isEnabledFor(logging.INFO):
        logging.getLogger("codemod.inline").info("seen %s" % describe(x))
    if not logging.root.handlers or logging.root.isEnabledFor(logging.DEBUG):
        logging.debug("root %s" % describe(x))
    return x
"""


def test_inline_loggers_and_module_functions_go_under_a_guard() -> None:
    result = LAZY.apply(INLINE)
    assert result.source == INLINE_AFTER
    assert result.sites == 3


@pytest.mark.parametrize("level", [logging.DEBUG, logging.INFO, logging.WARNING])
@pytest.mark.parametrize("x", [(1, 2), "a", None])
def test_inline_and_root_guards_log_the_same_and_skip_costly_calls_when_off(
    caplog: pytest.LogCaptureFixture, level: int, x: object
) -> None:
    seen = []
    for source in (INLINE, LAZY.apply(INLINE).source):
        caplog.clear()
        module = load(source)
        with caplog.at_level(level), caplog.at_level(level, logger=module["__name__"]):
            outcome = module["check"](x)
        names = {module["__name__"]: "<module>"}
        records = [(names.get(r.name, r.name), r.getMessage()) for r in caplog.records]
        seen.append((outcome, records, module))
    (before_out, before_log, before_mod), (after_out, after_log, after_mod) = seen
    assert before_out == after_out and before_log == after_log
    assert len(before_mod["calls"]) == 3
    assert len(after_mod["calls"]) == {logging.DEBUG: 3, logging.INFO: 1, logging.WARNING: 0}[level]


def test_the_root_guard_still_lets_logging_configure_itself() -> None:
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    try:
        for source, calls in ((INLINE, [1, 1, 1]), (LAZY.apply(INLINE).source, [1])):
            root.handlers[:] = []
            root.setLevel(logging.WARNING)
            module = load(source)
            module["check"](1)
            # logging.debug() ran basicConfig() (a handler on root) though DEBUG is off; the
            # named loggers' guarded calls skipped describe()
            assert len(root.handlers) == 1
            assert module["calls"] == calls
            root.handlers[0].close()
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)


CONCATENATED = """\
import logging

log = logging.getLogger("codemod.concat")


def f(x):
    log.debug("row " + str(x) + " done")
    log.info("plain " + "text")
    return x
"""


@pytest.mark.parametrize("level", [logging.DEBUG, logging.INFO])
@pytest.mark.parametrize("x", [1, (1, 2), "a"])
def test_messages_built_by_plus_go_under_a_guard_as_written(
    caplog: pytest.LogCaptureFixture, level: int, x: object
) -> None:
    result = LAZY.apply(CONCATENATED)
    assert result.sites == 1
    assert (
        '    if log.isEnabledFor(logging.DEBUG):\n        log.debug("row " + str(x) + " done")\n'
        in result.source
    )
    assert '    log.info("plain " + "text")\n' in result.source  # no field: nothing to save
    logs = []
    for source in (CONCATENATED, result.source):
        caplog.clear()
        with caplog.at_level(level, logger="codemod.concat"):
            load(source)["f"](x)
        logs.append([r.getMessage() for r in caplog.records])
    assert logs[0] == logs[1]


def test_import_logging_is_added_for_the_guard_when_missing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    source = (
        '"""Doc."""\n\nfrom logging import getLogger\n\nlog = getLogger("codemod.noimport")\n\n\n'
        "def f(x):\n    log.debug('x %s' % x)\n    return x\n"
    )
    result = LAZY.apply(source)
    assert result.source.startswith(
        '"""Doc."""\n\nfrom logging import getLogger\nimport logging\n\nlog = getLogger('
    )
    assert "    if log.isEnabledFor(logging.DEBUG):\n        log.debug(" in result.source
    for level in (logging.DEBUG, logging.INFO):
        logs = []
        for text in (source, result.source):
            caplog.clear()
            with caplog.at_level(level, logger="codemod.noimport"):
                load(text)["f"]("a")
            logs.append([r.getMessage() for r in caplog.records])
        assert logs[0] == logs[1]
