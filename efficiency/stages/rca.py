"""The root-cause query: read the metric window around a moment from the store and rank every
service for it (:func:`efficiency.rca.rank_services`). What `efficiency rca`, `GET
/api/v1/rca` and the correlate stage (for incidents opened by detections) all call, so the three
give the same ranking for the same moment."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from efficiency.config import RcaConfig
from efficiency.rca import RankingParams, SignalParams, load_service_graph, rank_services
from efficiency.rca.events import EventParams
from efficiency.rca.ranking import RankedService
from efficiency.store.metric_queries import metric_points_frame


def params_from_config(cfg: RcaConfig) -> RankingParams:
    window = {
        "history": timedelta(seconds=cfg.history_seconds),
        "after": timedelta(seconds=cfg.after_seconds),
        "lead": timedelta(seconds=cfg.lead_seconds),
    }
    return RankingParams(
        signals=SignalParams(**window, min_history=cfg.min_history_points),
        events=EventParams(**window),
        explain=cfg.explain,
    )


def graph_edges(
    cfg: RcaConfig, service_graph: str | None = None, known: Iterable[tuple[str, str]] = ()
) -> list[tuple[str, str]]:
    """Caller -> callee edges: the given file (else ``rca.service_graph``) plus ``known``
    (the services file's dependencies)."""
    path = service_graph or cfg.service_graph
    edges = list(known)
    if path:
        edges += load_service_graph(path)
    return edges


def rank_at(
    session: Session, at: datetime, cfg: RcaConfig, edges: Sequence[tuple[str, str]] = ()
) -> list[RankedService]:
    """Every service ranked for a problem at ``at``, from the metrics stored around it."""
    params = params_from_config(cfg)
    start = at - params.signals.history
    end = at + params.signals.after
    points = metric_points_frame(session, start, end)
    return rank_services(points, at, edges, params)


def rca_report(ranking: Sequence[RankedService], at: datetime) -> dict[str, Any]:
    """What `rca --json` prints and the API returns."""
    return {
        "at": at.isoformat().replace("+00:00", "Z"),
        "ranking": [r.as_dict() for r in ranking],
    }
