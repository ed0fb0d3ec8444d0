"""Root cause for a moment in time: every service ranked by how abnormal it was, how early it
moved and whether its callees explain it, from stored series alone (no alert needed): metrics,
and the per-minute log and span counts ``ingest logs|spans`` store (:mod:`.events`)."""

from efficiency.rca.graph_file import load_service_graph, parse_service_graph
from efficiency.rca.ranking import RankedService, RankingParams, rank_services
from efficiency.rca.services import owner_of, service_of, strip_pod_suffix
from efficiency.rca.signals import SignalParams, direction, series_move

__all__ = [
    "RankedService",
    "RankingParams",
    "SignalParams",
    "direction",
    "load_service_graph",
    "owner_of",
    "parse_service_graph",
    "rank_services",
    "series_move",
    "service_of",
    "strip_pod_suffix",
]
