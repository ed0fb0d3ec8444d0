"""The ``/metrics`` page of the edge proxy: counters and gauges in the Prometheus text
exposition format, families in name order. Each series keeps its label block rendered
(``{route="/cart",code="200"}``), as it is fixed for the series' life."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

#: a series: its rendered label block ("" without labels) and its current value
Sample = tuple[str, int | float]


def render_metrics(families: Mapping[str, tuple[str, str, Sequence[Sample]]]) -> str:
    """``families``: name -> (type, help text, samples)."""

    def render_family(name: str, kind: str, help_text: str, samples: Sequence[Sample]) -> str:
        text = ""
        for labels, value in samples:
            text += name
            text += labels
            text += " "
            text += str(value)
            text += "\n"
        return f"# HELP {name} {help_text}\n# TYPE {name} {kind}\n" + text

    return "".join(render_family(name, *families[name]) for name in sorted(families))
