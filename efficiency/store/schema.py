"""Every table of the schema, imported in one place so ``Base.metadata`` is complete."""

from efficiency.store.base import Base
from efficiency.store.canary_runs import CanaryRun
from efficiency.store.events import Alert, AlertEvent, ChangeEvent
from efficiency.store.incidents import (
    Detection,
    Incident,
    IncidentAction,
    IncidentAlert,
    IncidentChange,
    IncidentDetection,
    Page,
    Silence,
)
from efficiency.store.metrics import MetricPoint, MetricSeries
from efficiency.store.profiles import Frame, IngestBatch, ProfileSample, ProfileWindow, Stack
from efficiency.store.remediation import Hotspot, Proposal, Saving, Watermark
from efficiency.store.traces import GpuApiCall, GpuKernel, GpuTrace

metadata = Base.metadata

__all__ = [
    "Alert",
    "AlertEvent",
    "Base",
    "CanaryRun",
    "ChangeEvent",
    "Detection",
    "Frame",
    "GpuApiCall",
    "GpuKernel",
    "GpuTrace",
    "Hotspot",
    "Incident",
    "IncidentAction",
    "IncidentAlert",
    "IncidentChange",
    "IncidentDetection",
    "IngestBatch",
    "MetricPoint",
    "MetricSeries",
    "Page",
    "ProfileSample",
    "ProfileWindow",
    "Proposal",
    "Saving",
    "Silence",
    "Stack",
    "Watermark",
    "metadata",
]
