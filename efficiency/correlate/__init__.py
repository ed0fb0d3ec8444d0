"""Incidents from alerts, detections and changes: the evidence graph, grouping, root cause.

Pure: records in, :class:`IncidentUpdate` s out; nothing here touches the database or sends
anything. The entry point is :class:`Correlator`.
"""

from efficiency.correlate.correlator import Correlator, Incident
from efficiency.correlate.graph import learn_cooccurrence
from efficiency.correlate.records import (
    AlertRecord,
    ChangeRecord,
    DetectionRecord,
    IncidentUpdate,
    RootCause,
    Topology,
)
from efficiency.correlate.rootcause import RankingWeights, rank_root_causes
from efficiency.correlate.rules import CorrelationRules

__all__ = [
    "AlertRecord",
    "ChangeRecord",
    "CorrelationRules",
    "Correlator",
    "DetectionRecord",
    "Incident",
    "IncidentUpdate",
    "RankingWeights",
    "RootCause",
    "Topology",
    "learn_cooccurrence",
    "rank_root_causes",
]
