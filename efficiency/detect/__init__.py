"""Detection: pure functions and estimators over pandas/numpy; no database, no I/O."""

from efficiency.detect.attribution import SuspectedChange, rank_changes
from efficiency.detect.derive import (
    SharePanel,
    function_shares,
    kernel_shares,
    regular_series,
    service_cores,
    with_metric_cores,
)
from efficiency.detect.functions import (
    Dropped,
    FunctionDetections,
    FunctionFinding,
    detect_function_changes,
)
from efficiency.detect.onset import refine_onset, refine_onsets
from efficiency.detect.regression import ShareChange, ShareRegressionDetector

__all__ = [
    "Dropped",
    "FunctionDetections",
    "FunctionFinding",
    "ShareChange",
    "SharePanel",
    "ShareRegressionDetector",
    "SuspectedChange",
    "detect_function_changes",
    "function_shares",
    "kernel_shares",
    "rank_changes",
    "refine_onset",
    "refine_onsets",
    "regular_series",
    "service_cores",
    "with_metric_cores",
]
