"""Log message templates: the message with its variable parts masked, so that the lines one
statement of the program writes fall into one series however their values differ.

Masking, in this order (each replaced by a placeholder that names what was there):

- quoted strings (``"..."``, ``'...'``) -> ``<str>``
- UUIDs -> ``<uuid>``; IPv4 addresses (with an optional port) -> ``<ip>``
- URLs and paths of two or more segments (``/api/v1/orders/42``) -> ``<path>``
- the value of ``key=value`` and ``key: value`` pairs -> ``key=<v>`` / ``key: <v>``
- hex ids of 8 or more hex digits, letters among them (trace and span ids, hashes) ->
  ``<hex>``
- numbers (integers, decimals, times like ``16:42:22.382``) -> ``<n>``

then runs of white space are folded and the result cut at :data:`MAX_TEMPLATE` characters.
This is the masking step that log parsers such as Drain (He et al., ICWS 2017) run before
clustering; the clustering itself is not needed here, since the series only has to be stable
for one service's statements, not minimal.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

#: longest template kept (the rest of a long message is usually its variable payload)
MAX_TEMPLATE = 160
#: the template every folded (rare) template of a service is counted under
OTHER = "<other>"

_MASKS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\''), "<str>"),
    (
        re.compile(
            r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"
        ),
        "<uuid>",
    ),
    (re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b"), "<ip>"),
    (
        re.compile(r"(?:\b[a-z][a-z0-9+.-]*://[^\s,;)\]]+|(?<![\w/])(?:/[\w.~%@+-]+){2,}/?)"),
        "<path>",
    ),
    (re.compile(r"\b([A-Za-z_][\w.-]*)(=|: )(?!<)[^\s,;)\]]+"), r"\1\2<v>"),
    (re.compile(r"\b(?=[0-9a-fA-F]*\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{8,}\b"), "<hex>"),
    (re.compile(r"(?<![A-Za-z_])[-+]?\d+(?:[.:,]\d+)*"), "<n>"),
)
_SPACE = re.compile(r"\s+")


def template_of(message: str) -> str:
    """The message with its variable parts masked (see the module)."""
    text = message
    for pattern, placeholder in _MASKS:
        text = pattern.sub(placeholder, text)
    text = _SPACE.sub(" ", text).strip()
    return text[:MAX_TEMPLATE] or "<empty>"


def capped(templates: Iterable[str], cap: int) -> dict[str, str]:
    """Each template mapped to itself when it is among the ``cap`` most frequent (ties by
    name), else to :data:`OTHER`: a service that logs thousands of distinct messages keeps a
    bounded number of series."""
    counts = Counter(templates)
    kept = {t for t, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:cap]}
    return {t: (t if t in kept else OTHER) for t in counts}
