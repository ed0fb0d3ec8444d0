"""The detection stage: read the derived series from the store, call the pure detectors,
write their detections.

It runs in event time (the timestamps in the data, never the wall clock) and is
idempotent: a detection has a stable key, and a second pass over the same data writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from hashlib import blake2b
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from efficiency.config import DetectConfig
from efficiency.detect import (
    FunctionDetections,
    FunctionFinding,
    SharePanel,
    ShareRegressionDetector,
    SuspectedChange,
    detect_function_changes,
    function_shares,
    kernel_shares,
    rank_changes,
    refine_onsets,
    service_cores,
    with_metric_cores,
)
from efficiency.stages.partitions import Mapper, local_map, partitioned_scores
from efficiency.store.canary_queries import judged_canary_windows
from efficiency.store.events import ChangeEvent
from efficiency.store.fence import hold_for_write
from efficiency.store.incidents import Detection
from efficiency.store.metric_queries import latest_metric_ts, metric_points_frame
from efficiency.store.profile_queries import latest_window_end, samples_frame
from efficiency.store.remediation import Watermark
from efficiency.store.trace_queries import kernel_times_frame, latest_trace_end

FUNCTION_DETECTOR = "share-regression"
KERNEL_DETECTOR = "kernel-share"
METRIC_DETECTOR = "metric-anomaly"
WATERMARK_FUNCTIONS = "detect.functions"
WATERMARK_KERNELS = "detect.kernels"
WATERMARK_METRICS = "detect.metrics"


@dataclass
class DetectReport:
    """What one detection pass did."""

    start: datetime | None = None
    end: datetime | None = None
    buckets: int = 0
    series: int = 0
    new: list[int] = field(default_factory=list)
    already_known: int = 0
    revised: int = 0  #: known changes whose onset this pass refined on more data
    dropped: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        iso = lambda t: t.isoformat().replace("+00:00", "Z") if t else None  # noqa: E731
        return {
            "start": iso(self.start),
            "end": iso(self.end),
            "buckets": self.buckets,
            "series": self.series,
            "new_detection_ids": self.new,
            "already_known": self.already_known,
            "onsets_revised": self.revised,
            "dropped": self.dropped,
        }


def _floor(t: datetime, step: timedelta) -> datetime:
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return epoch + ((t - epoch) // step) * step


def _key(f: FunctionFinding, detector: str) -> str:
    ident = f"{f.service}\0{f.function}\0{f.metric}\0{f.kind}\0{f.onset_at.isoformat()}"
    prefix = "fn-" if detector == FUNCTION_DETECTOR else "gk-"
    return prefix + blake2b(ident.encode(), digest_size=16).hexdigest()


def _known(
    session: Session, f: FunctionFinding, step: timedelta, detector: str
) -> Detection | None:
    """The same change found by an earlier pass: same key, or the same function and kind with
    an onset a bucket or two away (more data can move the best split a little)."""
    onset = f.onset_at.to_pydatetime()
    return session.scalars(
        select(Detection).where(
            (Detection.key == _key(f, detector))
            | (
                (Detection.detector == detector)
                & (Detection.service == f.service)
                & (Detection.function == f.function)
                & (Detection.kind == f.kind)
                & (Detection.onset_at >= onset - 2 * step)
                & (Detection.onset_at <= onset + 2 * step)
            )
        )
    ).first()


def _suspected(suspects: list[SuspectedChange]) -> list[dict[str, Any]]:
    return [
        {"id": s.change_id, "score": round(s.score, 4), "lead_seconds": s.lead_seconds}
        for s in suspects[:5]
    ]


def _revise_onset(
    known: Detection, f: FunctionFinding, end: datetime, suspects: list[SuspectedChange]
) -> bool:
    """Move a known change's onset to this pass's, refined to the profile windows on more
    data after it than the pass that stored it saw, and rank the deploys against it again;
    the first onset stays in its evidence. False when the onset is the same or this pass
    could not refine it."""
    onset = f.onset_at.to_pydatetime()
    if "onset_bucket_at" not in f.evidence or known.onset_at == onset:
        return False
    evidence = dict(known.evidence or {})
    evidence.setdefault("onset_first_reported_at", known.onset_at.isoformat())
    evidence["onset_revised_at"] = end.isoformat()
    evidence["onset_bucket_at"] = f.evidence["onset_bucket_at"]
    evidence["suspected_changes"] = _suspected(suspects)
    known.onset_at, known.evidence = onset, evidence
    known.suspected_change_id = suspects[0].change_id if suspects else None
    return True


def _changes(session: Session, start: datetime, end: datetime) -> pd.DataFrame:
    rows = session.execute(
        select(ChangeEvent.id, ChangeEvent.service, ChangeEvent.at).where(
            ChangeEvent.at >= start, ChangeEvent.at < end
        )
    ).all()
    frame = pd.DataFrame.from_records(rows, columns=["id", "service", "at"])
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    return frame


def _detector(cfg: DetectConfig) -> ShareRegressionDetector:
    return ShareRegressionDetector(
        alpha=cfg.alpha,
        min_relative=cfg.min_relative,
        min_cores=cfg.min_cores,
        min_gpu_hours=cfg.min_gpu_hours,
        fdr=cfg.fdr,
        min_absolute=cfg.min_absolute,
        min_segment=cfg.min_segment,
        went_away_buckets=cfg.went_away_buckets,
    )


def _store_findings(
    session: Session,
    cfg: DetectConfig,
    report: DetectReport,
    panel: SharePanel,
    result: FunctionDetections,
    detector: str,
    end: datetime,
) -> None:
    """Store the findings not known yet, each with the change events that match its onset."""
    step = timedelta(seconds=cfg.bucket_seconds)
    for d in result.dropped:
        report.dropped[d.reason] = report.dropped.get(d.reason, 0) + 1
    assert report.start is not None
    changes = _changes(session, report.start - cfg.change_buckets * step, end)
    for f in result.findings:
        suspects = rank_changes(
            changes, f.service, f.onset_at, pd.Timedelta(step), cfg.change_buckets
        )
        known = _known(session, f, step, detector)
        if known is not None:
            report.already_known += 1
            report.revised += _revise_onset(known, f, end, suspects)
            continue
        c = f.change
        evidence: dict[str, Any] = {**f.evidence, "bucket_seconds": cfg.bucket_seconds}
        if detector == FUNCTION_DETECTOR:
            measured = panel.cores_measured
            by_metrics = measured is not None and measured[c.series, c.onset :].any()
            evidence["cores_from"] = "process metrics" if by_metrics else "profile samples"
        if f.magnitude_gpu_hours is not None:
            evidence["gpu_hours_from"] = "trace GPU time over trace length"
        evidence["suspected_changes"] = _suspected(suspects)
        detection = Detection(
            key=_key(f, detector),
            kind=f.kind,
            service=f.service,
            function=f.function,
            onset_at=f.onset_at.to_pydatetime(),
            detected_at=end,
            magnitude_rel=c.relative if c.before > 0 else None,
            magnitude_cores=f.magnitude_cores,
            magnitude_gpu_hours=f.magnitude_gpu_hours,
            p_value=c.p_value,
            detector=detector,
            status="active",
            suspected_change_id=suspects[0].change_id if suspects else None,
            evidence=evidence,
        )
        hold_for_write(session)  # the correlate stage follows detections by id
        session.add(detection)
        session.flush()
        report.new.append(detection.id)


def detect_functions(session: Session, cfg: DetectConfig) -> DetectReport:
    """One pass of function-level regression detection over the last ``lookback_buckets``
    complete buckets of profile data; stores new detections and moves the watermark."""
    report = DetectReport()
    latest = latest_window_end(session)
    if latest is None:
        return report
    step = timedelta(seconds=cfg.bucket_seconds)
    end = _floor(latest, step)  # only complete buckets
    start = end - cfg.lookback_buckets * step
    report.start, report.end = start, end
    samples, stacks = samples_frame(session, start, end)
    canaries = judged_canary_windows(session, start, end)  # a canary has a verdict of its own
    if canaries:
        samples = samples[~samples["window_id"].isin(canaries)]
    # the axis starts at the first bucket with data: empty history before it is no evidence
    panel = function_shares(samples, stacks, pd.Timedelta(step), end=pd.Timestamp(end))
    # process CPU metrics, where the agent sends them, turn shares into cores better than
    # the profile's own sample counts
    cpu = metric_points_frame(session, start, end, names=["process_cpu_cores"])
    panel = with_metric_cores(panel, service_cores(cpu, panel.buckets))
    report.buckets, report.series = len(panel.buckets), len(panel.index)
    season = round(cfg.season_seconds / cfg.bucket_seconds) if cfg.season_seconds else 0
    result = detect_function_changes(panel, _detector(cfg), season_buckets=season)
    refine_onsets(
        result.findings,
        samples,
        stacks,
        pd.Timedelta(step),
        pd.Timestamp(end),
        cfg.onset_tolerance_windows,
    )
    _store_findings(session, cfg, report, panel, result, FUNCTION_DETECTOR, end)
    _advance(session, WATERMARK_FUNCTIONS, end)
    return report


def detect_kernels(session: Session, cfg: DetectConfig) -> DetectReport:
    """The same detection on GPU operations: each operation's share of the GPU time of the
    Kineto traces of its service, bucket by bucket (a kernel that got slower, or a new copy
    that appeared, after a deploy). Stored as detections of detector ``kernel-share``."""
    report = DetectReport()
    latest = latest_trace_end(session)
    if latest is None:
        return report
    step = timedelta(seconds=cfg.bucket_seconds)
    end = _floor(latest, step) + step  # a trace is complete once stored
    start = end - cfg.lookback_buckets * step
    report.start, report.end = start, end
    kernels = kernel_times_frame(session, start, end)
    panel = kernel_shares(kernels, pd.Timedelta(step), end=pd.Timestamp(end))
    report.buckets, report.series = len(panel.buckets), len(panel.index)
    result = detect_function_changes(panel, _detector(cfg))
    _store_findings(session, cfg, report, panel, result, KERNEL_DETECTOR, end)
    _advance(session, WATERMARK_KERNELS, end)
    return report


def _advance(session: Session, stage: str, value: datetime) -> None:
    mark = session.get(Watermark, stage)
    now = datetime.now(UTC)
    if mark is None:
        session.add(Watermark(stage=stage, value=value, updated_at=now))
    elif value > mark.value:
        mark.value, mark.updated_at = value, now


def detect_metric_anomalies(
    session: Session, cfg: DetectConfig, mapper: Mapper = local_map
) -> DetectReport:
    """One pass of anomaly detection over every metric series: each series' last
    ``metric_history_hours`` are scored causally, and points past the watermark that score
    at least ``anomaly_threshold`` become anomaly detections, with the host's
    isolation-forest score as evidence. ``mapper`` runs the scoring partitions (series by
    series, host by host): here by default, or on a Dask cluster (:class:`DaskMapper`)."""
    report = DetectReport()
    latest = latest_metric_ts(session)
    if latest is None:
        return report
    start = latest - timedelta(hours=cfg.metric_history_hours)
    report.start, report.end = start, latest
    mark = session.get(Watermark, WATERMARK_METRICS)
    since = mark.value if mark is not None else None
    points = metric_points_frame(session, start, latest)
    scored, host_scores = partitioned_scores(points, cfg, mapper)
    for found in scored:
        report.series += 1
        series_id, first = found.series_id, found.first
        labels = dict(first["labels"])
        name = f"{first['name']}{{{first['labels_key']}}}" if first["labels_key"] else first["name"]
        for at, value, score in found.alarms:
            ts = at.to_pydatetime()
            if since is not None and ts <= since:
                continue
            key = (
                "an-"
                + blake2b(f"{series_id}\0{ts.isoformat()}".encode(), digest_size=16).hexdigest()
            )
            if session.scalars(select(Detection.id).where(Detection.key == key)).first():
                report.already_known += 1
                continue
            host = str(labels.get("host", ""))
            host_score = host_scores.get(host)
            evidence: dict[str, Any] = {
                "metric": first["name"],
                "labels": labels,
                "value": value,
                "score": score,
            }
            if host_score is not None and ts in host_score.index:
                evidence["host_score"] = float(host_score.loc[ts])
            detection = Detection(
                key=key,
                kind="anomaly",
                service=str(labels.get("service", "")),
                function=name,
                metric_series_id=int(series_id),
                onset_at=ts,
                detected_at=latest,
                p_value=None,
                detector=METRIC_DETECTOR,
                status="active",
                evidence=evidence,
            )
            hold_for_write(session)
            session.add(detection)
            session.flush()
            report.new.append(detection.id)
    _advance(session, WATERMARK_METRICS, latest)
    return report
