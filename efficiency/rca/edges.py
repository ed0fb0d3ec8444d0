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

- **in**: the strongest rise among the edges into it, times ``1 - min(1, out / in)`` where
  ``out`` is the strongest rise among its own outgoing edges, both counted above calm (a calm
  set of callees explains nothing; an equally abnormal one explains it all);
- **out**: a low quantile (``out_quantile``) of the rises of its outgoing edges, when it has
  at least two: only a service whose calls *all* slowed scores here;

and its edge evidence is the larger of the two. The edge strengths are also what decides
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

    def add(
        self, edge: tuple[str, str], strength: float, entry: dict[str, Any],
        onset: pd.Timestamp | None,
    ) -> None:  # fmt: skip
        if strength > self.strength.get(edge, -1.0):
            self.strength[edge] = strength
            self.entry[edge] = entry
            self.onset[edge] = onset

    def scores(self, out_quantile: float = 0.25) -> dict[str, EdgeScore]:
        """Every service on an edge with latency data, scored as the module says."""
        into: dict[str, list[tuple[str, str]]] = defaultdict(list)
        out_of: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for edge in self.strength:
            into[edge[1]].append(edge)
            out_of[edge[0]].append(edge)
        result = {}
        for service in set(into) | set(out_of):
            best_in = max(into.get(service, []), key=self.strength.__getitem__, default=None)
            outs = [self.strength[e] for e in out_of.get(service, [])]
            in_part, explained = 0.0, 0.0
            if best_in is not None:
                level = self.strength[best_in]
                top_out = max(outs, default=0.0)
                if level > CALM:  # in units above calm: noise on a callee explains nothing
                    explained = min(1.0, max(top_out - CALM, 0.0) / (level - CALM))
                in_part = level * (1.0 - explained)
            out_part = float(np.quantile(outs, out_quantile)) if len(outs) >= 2 else 0.0
            if in_part >= out_part and best_in is not None:
                result[service] = EdgeScore(
                    in_part, self.entry[best_in], self.onset[best_in], "in", explained
                )
            elif out_part > 0:
                edge = min(out_of[service], key=lambda e: abs(self.strength[e] - out_part))
                result[service] = EdgeScore(
                    out_part, {**self.entry[edge], "all_calls_slowed": len(outs)},
                    self.onset[edge], "out",
                )  # fmt: skip
        return result
