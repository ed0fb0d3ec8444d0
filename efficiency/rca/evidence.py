"""What each service's series say about a problem at ``T``: the per-service evidence the
ranking (:mod:`efficiency.rca.ranking`) scores, and the parameters of both.

Each series' move (:func:`efficiency.rca.signals.series_move` for metrics,
:func:`efficiency.rca.events.count_move` and :func:`~efficiency.rca.events.share_moves` for log
and span counts) is weighed by what kind of series it is: machine-level series count
``host_weight`` times; series of neither trouble direction (throughput, network bytes,
syscalls) ``traffic_weight`` times, since a service that is called more shows what its
callers send it, not a fault of its own; a caller's client-side series count for its callees;
call-edge latency for the callee that is not explained (:mod:`efficiency.rca.edges`).

Each kind of evidence (one metric name, call-edge latency, error counts, statements and
operations that fall against the calls in) is then judged against its own level across the
services at ``T`` (:func:`relative_to_kind`): when the median service's strongest evidence of a
kind is above calm, that kind moved in most of the system (a shift of the traffic that every
service sees, as when a slow service reshapes the calls below it), and it is divided by that
level; a kind that moved in one service only, as a CPU hog's CPU does, keeps its strength.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from efficiency.rca.edges import EdgeMoves, is_latency
from efficiency.rca.events import (
    EventParams,
    count_move,
    is_count_series,
    judged,
    named_service,
    share_moves,
)
from efficiency.rca.services import ServiceMap
from efficiency.rca.signals import CALM, SeriesMove, SignalParams, direction, series_move


@dataclass(frozen=True)
class RankingParams:
    """How the per-series moves become one score per service (``rca.*`` config keys)."""

    signals: SignalParams = field(default_factory=SignalParams)
    #: how log and span event counts are judged (:mod:`efficiency.rca.events`)
    events: EventParams = field(default_factory=EventParams)
    #: weight of each further moved series (surprise >= 1) of a service, log-damped
    breadth: float = 0.1
    #: weight of machine-level series (shared by the services on the machine)
    host_weight: float = 0.5
    #: weight of series of neither trouble direction (throughput, bytes, syscalls): more
    #: traffic is what a service's callers send it, not a fault of its own
    traffic_weight: float = 0.5
    #: weight of a caller's client-side series as evidence about its callees
    client_weight: float = 0.5
    #: delay after the earliest abnormal service at which the earliness term is 1/e
    onset_scale: timedelta = timedelta(minutes=2)
    #: quantile of a service's outgoing call-edge latency rises that counts as "all its
    #: calls slowed" (:mod:`efficiency.rca.edges`)
    out_quantile: float = 0.25
    #: quantile of the rises of the edges into a service that counts as its callers seeing it
    #: slow (1: the worst edge; lower: most of its callers must see it)
    in_quantile: float = 1.0
    #: how much of a service's score an equally abnormal, no-later callee explains away
    explain: float = 0.5
    #: share of the score a caller that stands out by its error logs loses to the callee
    #: that explains it that the callee gains (the largest such gift per callee)
    hand_up: float = 0.4
    #: share of the earliness term in the score
    earliness: float = 0.2
    #: a service is "clearly abnormal" (sets the reference onset) from this surprise on
    abnormal: float = 1.0
    #: quantile of the services' strengths of one kind of evidence that is that kind's level
    #: across the system at ``T``; above calm, every strength of the kind is divided by it
    #: (:func:`relative_to_kind`)
    kind_quantile: float = 0.5
    #: fewest services with evidence of a kind for its level across them to be taken
    kind_min_services: int = 5


@dataclass
class Evidence:
    """The series of one service that moved most, and why it scored as it did."""

    service: str
    abnormality: float = 0.0
    own: float = 0.0  #: from the service's own series only (what explains a caller)
    events: float = 0.0  #: from its own log and span event counts only
    errors: float = 0.0  #: from the rises of its own error and warning counts only
    metrics: float = 0.0  #: from its own other series only
    moved: int = 0
    top: list[dict[str, Any]] = field(default_factory=list)
    onset_at: pd.Timestamp | None = None

    @property
    def logs_errors(self) -> bool:
        """Whether it stands out by the errors it logs (rather than by its metrics, or by
        statements it stops reaching): what a caller does when a call fails."""
        return self.errors > 0 and self.errors >= self.metrics


def iso_stamp(t: pd.Timestamp | datetime | None) -> str | None:
    return None if t is None else pd.Timestamp(t).isoformat().replace("+00:00", "Z")


def _series_entry(name: str, labels: dict[str, str], move: SeriesMove) -> dict[str, Any]:
    return {
        "series": name,
        "labels": labels,
        "robust_z": round(move.z, 3),
        "surprise": round(move.surprise, 3),
        "peak_at": iso_stamp(move.peak_at),
        "onset_at": iso_stamp(move.onset_at),
        "value": move.value,
        "baseline": move.baseline,
    }


_MACHINE = re.compile(r"^(?:(?i:node|host|machine)[_.:]|(?:[nN]ode|[hH]ost|[mM]achine)[A-Z])")


def _is_machine(name: str) -> bool:
    """A machine's series even when labelled with a pod (``node_load1``,
    ``NodeCpuUsageRate``, ``host_cpu_utilization``): shared evidence, weighed less."""
    return bool(_MACHINE.match(name))


def _is_client_side(name: str) -> bool:
    """A caller's view of its calls (``http_client_request_duration``, ``PodClientLatency``):
    evidence about what the service waits on, its callees, not about the service. A span
    operation's latency (``span_duration_seconds_*``) is one too: a span lasts as long as the
    calls it makes."""
    return "client" in name.lower() or name.startswith("span_duration")


_LEVEL_SERIES = {"error": "log_error_lines", "warn": "log_warn_lines"}


def _lines_about_others(points: pd.DataFrame, smap: ServiceMap) -> dict[tuple[str, str], pd.Series]:
    """Per ``(service, log_error_lines | log_warn_lines)``: the lines a minute of its
    templates that name another service (:func:`efficiency.rca.events.named_service`), which
    are that service's evidence and so are taken out of the logger's level count."""
    templates = points[points["name"] == "log_template_lines"]
    out: dict[tuple[str, str], pd.Series] = {}
    for _, group in templates.groupby("series_id", sort=False):
        labels = dict(group["labels"].iloc[0])
        level, logger = _LEVEL_SERIES.get(labels.get("level", "")), labels.get("service", "")
        if level is None or named_service(labels, logger, smap.services) is None:
            continue
        counts = pd.Series(group["value"].to_numpy(np.float64), index=pd.DatetimeIndex(group["ts"]))
        key = (logger, level)
        out[key] = counts if key not in out else out[key].add(counts, fill_value=0.0)
    return out


def _moves(
    points: pd.DataFrame, at: datetime, params: RankingParams, smap: ServiceMap
) -> list[tuple[int, str, dict[str, str], SeriesMove]]:
    out = []
    at_ts = pd.Timestamp(at)
    about_others = _lines_about_others(points, smap)
    for series_id, group in points.groupby("series_id", sort=False):
        if not smap.services_of(int(series_id)):
            continue
        first = group.iloc[0]
        name, labels = str(first["name"]), dict(first["labels"])
        ts, values = pd.DatetimeIndex(group["ts"]), group["value"].to_numpy(np.float64)
        others = about_others.get((labels.get("service", ""), name))
        if others is not None:  # a level's lines less those about another service
            values = np.maximum(values - others.reindex(ts, fill_value=0.0).to_numpy(), 0.0)
        if is_count_series(name):
            if not judged(name, labels):
                continue
            move = count_move(ts, values, at_ts, params.events)
        else:
            move = series_move(ts, values, at_ts, name, params.signals)
        if move is not None:
            out.append((int(series_id), name, labels, move))
    shares = share_moves(points, at_ts, params.events)
    return out + [m for m in shares if smap.services_of(m[0])]


Found = list[tuple[float, dict[str, Any], pd.Timestamp | None]]


def evidence_kind(entry: dict[str, Any]) -> str:
    """What kind of evidence a series entry is: ``edge`` (call-edge latency), ``share`` (a
    statement or operation's fall against the calls in), ``errors`` (a trouble count's rise)
    or the metric's name."""
    if "edge_side" in entry:
        return "edge"
    if "measured" in entry:
        return "share"
    if is_count_series(str(entry["series"])):
        return "errors"
    return str(entry["series"])


def relative_to_kind(own: dict[str, Found], quantile: float, min_services: int) -> None:
    """Each kind of evidence judged against its own level across the services at ``T``: when
    the ``quantile`` of the services' strongest evidence of a kind (over at least
    ``min_services`` services) is above calm, the kind moved in most of the system (a shift
    of the traffic every service sees, not one service's fault), and each of its strengths
    is divided by that level over calm. In place."""
    per_kind: dict[str, dict[str, float]] = defaultdict(dict)
    for service, found in own.items():
        for strength, entry, _ in found:
            seen = per_kind[evidence_kind(entry)]
            seen[service] = max(seen.get(service, 0.0), strength)
    level = {
        kind: float(np.quantile(list(by.values()), quantile))
        for kind, by in per_kind.items()
        if len(by) >= min_services
    }
    damp = {kind: CALM / value for kind, value in level.items() if value > CALM}
    if not damp:
        return
    for service, found in own.items():
        own[service] = [
            (strength * damp.get(evidence_kind(entry), 1.0), entry, onset)
            for strength, entry, onset in found
        ]


def collect_evidence(
    points: pd.DataFrame,
    at: datetime,
    params: RankingParams,
    smap: ServiceMap,
    graph: nx.DiGraph,
) -> tuple[dict[str, Evidence], set[tuple[str, str]]]:
    """Per service: its abnormality and its series that moved most.

    Two passes: first each service's own series (and call-edge series where it is the
    callee, machine series of its machine); then each caller's client-side series, shared
    among its callees in proportion to their own abnormality (the callee that itself moved
    takes the blame a caller sees; with none moved, they share it equally)."""
    own: dict[str, Found] = defaultdict(list)
    seen: dict[str, Found] = defaultdict(list)
    client: list[tuple[tuple[str, ...], float, dict[str, Any], pd.Timestamp | None]] = []
    edges = EdgeMoves()
    edge_level: dict[tuple[str, str], float] = {}
    known = smap.services | set(graph.nodes)
    for series_id, name, labels, move in _moves(points, at, params, smap):
        owner = smap.owners[series_id]
        services = smap.services_of(series_id)
        strength = math.log1p(move.surprise)
        entry = _series_entry(name, labels, move)
        named = None
        if name == "log_template_lines" and owner.kind == "service":
            named = named_service(labels, owner.service, known)
        if named is not None:  # a caller's text about its callee: the callee's evidence
            services = (named,)
            entry["logged_by"] = owner.service
        if is_count_series(name) and not judged(name, labels):
            entry["measured"] = "fall against the calls into the service (baseline: expected)"
        if _is_client_side(name) and owner.kind == "service":
            client.append((services, params.client_weight * strength, entry, move.onset_at))
            continue
        if owner.kind == "edge":
            pair = (owner.caller, owner.service)
            edge_level[pair] = max(edge_level.get(pair, 0.0), strength)
        if owner.kind == "edge" and is_latency(name):
            edges.add(pair, strength, entry, move.onset_at, move.value - move.baseline)
            continue
        weight = params.host_weight if (_is_machine(name) or owner.kind == "host") else 1.0
        if direction(name) == 0 and not is_count_series(name):
            weight *= params.traffic_weight
        if is_count_series(name):
            weight = params.events.weight
        for service in services:
            own[service].append((weight * strength, entry, move.onset_at))
    for service, score in edges.scores(params.out_quantile, params.in_quantile).items():
        entry = {**score.entry, "edge_side": score.side}
        own[service].append((score.strength, entry, score.onset_at))
    relative_to_kind(own, params.kind_quantile, params.kind_min_services)
    event_level, error_level = {}, {}
    for service, found in own.items():
        for strength, entry, _ in found:
            if is_count_series(entry["series"]):
                event_level[service] = max(event_level.get(service, 0.0), strength)
                if "measured" not in entry:  # a rise of a trouble count, not a fall
                    error_level[service] = max(error_level.get(service, 0.0), strength)
    own_level = {s: max((m[0] for m in found), default=0.0) for s, found in own.items()}
    metric_level = {
        s: max((m[0] for m in found if not is_count_series(m[1]["series"])), default=0.0)
        for s, found in own.items()
    }
    for callers, strength, entry, onset in client:
        callees = sorted({c for s in callers if s in graph for c in graph.successors(s)})
        if not callees:
            continue
        total = sum(own_level.get(c, 0.0) for c in callees)
        for callee in callees:
            share = own_level.get(callee, 0.0) / total if total > 0 else 1.0 / len(callees)
            if share > 0:
                seen[callee].append((strength * share, {**entry, "seen_by": callers[0]}, onset))
    out = {s: Evidence(s) for s in smap.services | set(graph.nodes)}
    calm_edges = {e for e, strength in edge_level.items() if strength < CALM}
    threshold = CALM
    for service in out:
        found = sorted(own.get(service, []) + seen.get(service, []), key=lambda m: -m[0])
        if not found:
            continue
        ev = out[service]
        further = sum(1 for m in found[1:] if m[0] >= threshold)
        ev.abnormality = found[0][0] * (1.0 + params.breadth * math.log1p(further))
        ev.own = own_level.get(service, 0.0)
        ev.events = event_level.get(service, 0.0)
        ev.errors = error_level.get(service, 0.0)
        ev.metrics = metric_level.get(service, 0.0)
        ev.moved = sum(1 for m in found if m[0] >= threshold)
        ev.top = [m[1] for m in found[:3]]
        onsets = [m[2] for m in found if m[2] is not None and m[0] >= threshold]
        ev.onset_at = min(onsets) if onsets else None
    return out, calm_edges
