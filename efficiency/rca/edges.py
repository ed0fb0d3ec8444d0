"""Which service a call-edge latency rise points at: the deepest one that is not explained.

A service mesh (Istio's ``istio_request_duration_milliseconds{source_workload,
destination_workload}``) or a trace pipeline gives one latency series per caller -> callee
edge. A rise on an edge ``A -> B`` is evidence about ``B`` (what ``A`` waits on), but only
about what ``B`` adds itself: when ``B``'s own calls ``B -> C`` rose as much, ``B`` is a
pass-through and ``C`` (further down) is the suspect, as MicroRank (Yu et al., WWW 2021) and
Nezha (Yu et al., FSE 2023) attribute latency to the deepest abnormal callee. And when the
network of ``B`` itself is slow, every call ``B`` makes rises at once while its callees' other
callers see nothing: a rise on *most* of a service's outgoing edges is evidence about the
service, not about each callee.

So each service gets, in the ranking's strength units (``log1p`` of a series' surprise):

- **in**: the strongest rise among the edges into it, times ``1 - explained``: the share of
  it that its own outgoing edges account for, the larger of two readings: in robust units
  above calm (``out / in``: a calm set of callees explains nothing, an equally abnormal one
  all of it) and in seconds (the callee's largest moved rise of the same series over the
  in-edge's rise: a pass-through adds no time of its own);
- **out**: a low quantile (``out_quantile``) of the rises of its outgoing edges, when it has
  at least two: only a service whose calls *all* slowed scores here;

and its edge evidence is the larger of the two. An edge from a caller whose calls all slowed
(its **out** at least calm) is that caller's evidence, not its callee's, so it does not count
in the callee's **in**. The edge strengths are also what decides
whether a callee can explain a caller in the ranking: an edge whose latency series exists and
stayed calm explains nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from efficiency.rca.signals import CALM, direction

_LATENCY = re.compile(r"latenc|duration|_seconds|_ms\b|_milliseconds|p9\d", re.IGNORECASE)


def is_latency(name: str) -> bool:
    """A series whose rise is a slower call (``*_duration_*``, ``*latency*``, ``*_seconds``)."""
    return direction(name) == 1 and bool(_LATENCY.search(name))


@dataclass(frozen=True)
class EdgeScore:
    """A service's evidence from call-edge latency."""

    strength: float
    entry: dict[str, Any]
    onset_at: pd.Timestamp | None
    side: str  #: in (its callers saw it slow) | out (all of its own calls slowed)
    explained: float = 0.0  #: share of the in-rise its own calls explain


@dataclass
class EdgeMoves:
    """The strongest latency rise seen on each caller -> callee edge."""

    strength: dict[tuple[str, str], float] = field(default_factory=dict)
    entry: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    onset: dict[tuple[str, str], pd.Timestamp | None] = field(default_factory=dict)
    #: the rise in the series' own unit (seconds), per edge and series name, of moved series
    rise: dict[tuple[tuple[str, str], str], float] = field(default_factory=dict)

    def add(
        self, edge: tuple[str, str], strength: float, entry: dict[str, Any],
        onset: pd.Timestamp | None, rise: float = 0.0,
    ) -> None:  # fmt: skip
        if strength >= CALM:
            key = (edge, str(entry.get("series", "")))
            self.rise[key] = max(self.rise.get(key, 0.0), rise)
        if strength > self.strength.get(edge, -1.0):
            self.strength[edge] = strength
            self.entry[edge] = entry
            self.onset[edge] = onset

    def scores(self, out_quantile: float = 0.25, in_quantile: float = 1.0) -> dict[str, EdgeScore]:
        """Every service on an edge with latency data, scored as the module says."""
        into: dict[str, list[tuple[str, str]]] = defaultdict(list)
        out_of: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for edge in self.strength:
            into[edge[1]].append(edge)
            out_of[edge[0]].append(edge)
        out_part = {
            s: float(np.quantile([self.strength[e] for e in edges], out_quantile, method="lower"))
            for s, edges in out_of.items()
            if len(edges) >= 2
        }
        # a caller whose calls all slowed explains the rise its callees' edges from it show
        slow_callers = {s for s, level in out_part.items() if level >= CALM}
        result = {}
        for service in set(into) | set(out_of):
            ins = [e for e in into.get(service, []) if e[0] not in slow_callers]
            in_part, explained, best_in = 0.0, 0.0, None
            if ins:
                best_in = max(ins, key=self.strength.__getitem__)
                level = float(np.quantile([self.strength[e] for e in ins], in_quantile))
                top_out = max((self.strength[e] for e in out_of.get(service, [])), default=0.0)
                if level > CALM:  # in units above calm: noise on a callee explains nothing
                    explained = min(1.0, max(top_out - CALM, 0.0) / (level - CALM))
                explained = max(explained, self._explained_in_seconds(best_in, out_of[service]))
                in_part = level * (1.0 - explained)
            out = out_part.get(service, 0.0)
            if best_in is not None and in_part >= out:
                result[service] = EdgeScore(
                    in_part, self.entry[best_in], self.onset[best_in], "in", explained
                )
            elif out > 0:
                edge = min(out_of[service], key=lambda e: abs(self.strength[e] - out))
                entry = {**self.entry[edge], "all_calls_slowed": len(out_of[service])}
                result[service] = EdgeScore(out, entry, self.onset[edge], "out")
        return result

    def _explained_in_seconds(self, into: tuple[str, str], outs: list[tuple[str, str]]) -> float:
        """The share of the rise on ``into`` that the largest rise of the same series on one
        of the callee's own calls accounts for (both in seconds): a pass-through adds
        nothing of its own, however calm its callers' edge usually is."""
        name = str(self.entry[into].get("series", ""))
        rise_in = self.rise.get((into, name), 0.0)
        if rise_in <= 0:
            return 0.0
        rise_out = max((self.rise.get((e, name), 0.0) for e in outs), default=0.0)
        return min(1.0, max(rise_out, 0.0) / rise_in)
