"""Rank every service for a problem at time ``T``, with the evidence behind each score.

Input: metric points as a long table (``series_id, name, labels, ts, value``, what
:func:`efficiency.store.metric_queries.metric_points_frame` returns) and, optionally, a call
graph (``caller -> callee``). Output: every service the series name, best suspect first.

A service's score combines three things, as the issue's anchors do (BARO, Pham et al. FSE 2024:
robust per-metric change scores; MicroRank, Yu et al. WWW 2021, and MicroRCA: the call graph
decides who is a victim):

- **how abnormal it is**: the largest *surprise* of its own series
  (:func:`efficiency.rca.signals.series_move`: a persistent robust z-score over the series' own
  record), plus ``breadth`` for each further series of it that moved: a service that is the
  cause usually moves on several axes at once. Machine-level series (``node_*``, or series of
  a machine rather than a service) count ``host_weight`` times, shared by the services on it;
  series of neither trouble direction (throughput, bytes, syscalls) ``traffic_weight`` times
  (:mod:`efficiency.rca.evidence`);
  call-edge series count for the callee; log and span event counts are judged as counts
  (:mod:`efficiency.rca.events`: error templates that rise, statements and operations whose
  share of the calls into the service falls); a kind of evidence that moved in most
  services at once (its median service above calm) is divided by that level
  (:func:`efficiency.rca.evidence.relative_to_kind`);
- **how early it moved**: ``exp(-delay / onset_scale)`` of its onset after the earliest onset
  among the clearly abnormal services: a cause moves before its effects;
- **whether its callees explain it**: a service that calls an abnormal service that moved no
  later than it is (at least partly) a victim of that callee, so its score is multiplied by
  ``1 - explain * min(1, callee's abnormality / its own)`` for the most abnormal such callee
  (direct or further down the graph). A service whose callees are calm keeps its score.
  Abnormality is matched by kind: a caller that stands out by the errors it logs (rising
  error and warning counts, :attr:`Evidence.logs_errors`) is explained by a callee's log and
  span evidence over any call (it logs the failure it was handed); any other caller (its
  metrics, or statements and operations it stops reaching) only over a call whose latency
  moved (:func:`_explaining_level`): a statement that stops being reached is what the
  service's own code does, not a failure a callee hands up. For a caller that logs errors,
  onsets are not compared (an error count's first minute and a statement's fall are not
  measured alike), and ``hand_up`` of the score it loses goes to the callee: the errors it
  logs while calling an abnormal callee are evidence about the callee, not only no evidence
  about the caller. The explanation flows down the call edges in onset order
  (:func:`_undominated`): a callee further down does not take it when a nearer candidate on
  the way to it, one that does not log errors itself, moved no later than it did (the trouble
  the caller saw reached it through the nearer one first).

Every service present in the data appears in the ranking (a calm one with score 0), so a
root cause that barely moved is still ranked rather than missing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import networkx as nx
import pandas as pd

from efficiency.rca.evidence import Evidence, RankingParams, collect_evidence, iso_stamp
from efficiency.rca.services import ServiceMap, map_series
from efficiency.rca.signals import CALM

__all__ = ["RankedService", "RankingParams", "call_graph", "rank_services"]


@dataclass(frozen=True)
class RankedService:
    service: str
    score: float
    evidence: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"service": self.service, "score": self.score, "evidence": self.evidence}


def call_graph(smap: ServiceMap, extra: Iterable[tuple[str, str]] = ()) -> nx.DiGraph:
    """Caller -> callee edges from call-edge series and from a user's service graph."""
    graph = nx.DiGraph()
    graph.add_nodes_from(smap.services)
    graph.add_edges_from((a, b) for a, b in list(smap.edges) + list(extra) if a != b)
    return graph


def _path(graph: nx.DiGraph, service: str) -> list[str]:
    """One caller path from an entry point (a service nobody calls) down to ``service``."""
    if service not in graph:
        return [service]
    best: list[str] = [service]
    for source in (n for n in graph.nodes if graph.in_degree(n) == 0 and n != service):
        try:
            path = nx.shortest_path(graph, source, service)
        except nx.NetworkXNoPath:
            continue
        if len(best) == 1 or len(path) < len(best):
            best = path
    return best


def _explaining_level(caller: Evidence, callee: Evidence, latency_passed: bool) -> float:
    """How abnormal ``callee`` is as an explanation of ``caller``: a caller that stands out by
    the errors it logs is explained by a callee's log and span evidence over any call, and by
    anything of the callee over a call whose latency moved; any other caller only by the
    callee's metrics, over a call whose latency moved."""
    if caller.logs_errors:
        return max(callee.events, callee.own if latency_passed else 0.0)
    return callee.metrics if latency_passed else 0.0


def _undominated(graph: nx.DiGraph, candidates: dict[str, Evidence]) -> set[str]:
    """The candidates (callees that could explain one caller) that may take its explanation:
    a callee of another candidate (directly or further down, and not calling it back) is
    passed over when that nearer candidate, one that does not stand out by logging errors (a
    callee's victim would), moved no later than it: the explanation flows down a call only to
    a callee that moved first. Onsets that cannot be compared pass nothing over."""
    below = {c: nx.descendants(graph, c) for c in candidates}
    kept = set(candidates)
    for near, ev in candidates.items():
        if ev.logs_errors or ev.onset_at is None:
            continue
        for far in below[near] & candidates.keys():
            onset = candidates[far].onset_at
            if near not in below[far] and onset is not None and onset >= ev.onset_at:
                kept.discard(far)
    return kept


def rank_services(
    points: pd.DataFrame,
    at: datetime,
    edges: Iterable[tuple[str, str]] = (),
    params: RankingParams | None = None,
) -> list[RankedService]:
    """Every service of ``points``, most likely cause of a problem at ``at`` first."""
    params = params or RankingParams()
    if points.empty:
        return []
    labelled = points.drop_duplicates("series_id")
    smap = map_series(
        (int(r.series_id), str(r.name), dict(r.labels)) for r in labelled.itertuples()
    )
    graph = call_graph(smap, edges)
    evidence, calm_edges = collect_evidence(points, at, params, smap, graph)
    for service in evidence:
        graph.add_node(service)
    # a call whose latency series stayed calm does not pass its callee's trouble up
    explaining = graph.copy()
    explaining.remove_edges_from(calm_edges)
    abnormal = {s: e.abnormality for s, e in evidence.items()}
    top = max(abnormal.values(), default=0.0) or 1.0
    onsets = [
        e.onset_at for e in evidence.values() if e.onset_at is not None
        and e.abnormality >= params.abnormal
    ]  # fmt: skip
    first = min(onsets) if onsets else None
    scale = params.onset_scale.total_seconds()
    ranked = []
    handed: dict[str, float] = {}
    for service, ev in evidence.items():
        own = ev.abnormality
        delay = None
        early = 0.0
        if first is not None and ev.onset_at is not None:
            delay = max((ev.onset_at - first).total_seconds(), 0.0)
            early = math.exp(-delay / scale)
        explained_by, explained, by_level = None, 0.0, 0.0
        if own > CALM:
            through = nx.descendants(explaining, service)
            levels = {
                callee: _explaining_level(ev, evidence[callee], callee in through)
                for callee in nx.descendants(graph, service)
                if callee in evidence
            }  # a calm callee explains nothing
            levels = {c: level for c, level in levels.items() if level > CALM}
            kept = _undominated(graph, {c: evidence[c] for c in levels})
            for callee in sorted(kept):  # the same on every run
                other, level = evidence[callee], levels[callee]
                later = (
                    not ev.logs_errors
                    and ev.onset_at is not None
                    and other.onset_at is not None
                    and other.onset_at > ev.onset_at
                )
                # how far above calm each is: noise in a callee does not explain a caller
                share = 0.0 if later else min(1.0, (level - CALM) / (own - CALM))
                if (share, level) > (explained, by_level):  # a tie: the more abnormal
                    explained_by, explained, by_level = callee, share, level
        score = (own / top) * (1 - params.earliness + params.earliness * early)
        if explained_by is not None and ev.logs_errors:
            # the errors a caller logs over a call to an abnormal callee are the callee's
            handed_up = params.hand_up * params.explain * explained * score
            handed[explained_by] = max(handed.get(explained_by, 0.0), handed_up)
        score *= 1.0 - params.explain * explained
        ranked.append(
            RankedService(
                service,
                round(score, 6),
                {
                    "abnormality": round(own, 4),
                    "moved_series": ev.moved,
                    "top_series": ev.top,
                    "onset_at": iso_stamp(ev.onset_at),
                    "onset_delay_s": delay,
                    "explained_by": explained_by,
                    "explained_share": round(explained, 4),
                    "call_path": _path(graph, service),
                },
            )
        )
    ranked = [
        RankedService(r.service, round(r.score + handed.get(r.service, 0.0), 6), r.evidence)
        for r in ranked
    ]
    ranked.sort(key=lambda r: (-r.score, r.service))
    return ranked
