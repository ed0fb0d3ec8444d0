"""The metric detection pass, partitioned by series so that it can run on a Dask
distributed cluster (``detect.dask_scheduler``, ``efficiency detect --dask-scheduler``).

The scoring is pure and per series (per host for the multivariate score): the detectors of
:mod:`efficiency.detect.anomaly` run unchanged on each partition, in this process or on the
cluster's workers, and only the findings come back; storing them stays in the caller's
transaction. Partitions keep the order of the series, so both paths store the same
detections in the same order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import numpy as np
import pandas as pd

from efficiency.config import ConfigError, DetectConfig
from efficiency.detect import regular_series

T = TypeVar("T")
R = TypeVar("R")
#: series per partition: large enough that a task outweighs the scheduler's overhead
PARTITION_SERIES = 500


class Mapper(Protocol):
    def __call__(self, fn: Callable[[T], R], parts: Sequence[T]) -> list[R]: ...


def local_map(fn: Callable[[T], R], parts: Sequence[T]) -> list[R]:
    return [fn(p) for p in parts]


class DaskMapper:
    """Runs each partition as a task on the Dask distributed cluster at ``address``; an
    unreachable scheduler is a ConfigError (exit 2, one line)."""

    def __init__(self, address: str, timeout: float = 10.0) -> None:
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - an install without the extra
            raise ConfigError(
                "--dask-scheduler: dask.distributed is not installed "
                "(pip install 'efficiency[dask]')"
            ) from None
        try:
            self.client = Client(address, timeout=f"{timeout}s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ConfigError(f"--dask-scheduler: cannot reach {address}: {exc}") from None

    def __call__(self, fn: Callable[[T], R], parts: Sequence[T]) -> list[R]:
        futures = self.client.map(fn, list(parts), pure=False)
        return list(self.client.gather(futures))

    def close(self) -> None:
        self.client.close()


@contextmanager
def scoring(scheduler: str) -> Iterator[Mapper]:
    """The mapper for one detection pass: the Dask cluster at ``scheduler``, or this
    process when it is empty."""
    if not scheduler:
        yield local_map
        return
    mapper = DaskMapper(scheduler)
    try:
        yield mapper
    finally:
        mapper.close()


@dataclass(frozen=True)
class ScoreParams:
    warmup: int
    min_history: int
    suppress: int
    threshold: float

    @classmethod
    def from_config(cls, cfg: DetectConfig) -> ScoreParams:
        return cls(
            warmup=max(cfg.anomaly_warmup_points, cfg.anomaly_min_history_points),
            min_history=cfg.anomaly_min_history_points,
            suppress=cfg.anomaly_suppress_points,
            threshold=cfg.anomaly_threshold,
        )


@dataclass(frozen=True)
class SeriesAlarms:
    series_id: int
    first: dict[str, Any]  # name, labels, labels_key of the series
    #: (timestamp, value, score) of each point scoring at least the threshold
    alarms: list[tuple[pd.Timestamp, float, float]]


def score_series(part: tuple[ScoreParams, list[tuple[int, pd.DataFrame]]]) -> list[SeriesAlarms]:
    """Score each series of one partition causally; keep the alarms."""
    from efficiency.detect.anomaly import MetricAnomalyDetector

    params, groups = part
    out = []
    for series_id, raw in groups:
        series = regular_series(raw["ts"], raw["value"])
        detector = MetricAnomalyDetector(
            warmup=params.warmup,
            min_history=params.min_history,
            suppress=params.suppress,
            threshold=params.threshold,  # the anomaly run's mute follows the alarm threshold
        ).fit(series.to_numpy(), series.index)
        scores = detector.score()
        alarms = [
            (series.index[i], float(series.iat[i]), float(scores[i]))
            for i in np.flatnonzero(scores >= params.threshold)
        ]
        first = raw.iloc[0]
        meta = {"name": first["name"], "labels": dict(first["labels"]),
                "labels_key": first["labels_key"]}  # fmt: skip
        out.append(SeriesAlarms(int(series_id), meta, alarms))
    return out


def score_hosts(groups: list[tuple[str, pd.DataFrame]]) -> dict[str, pd.Series]:
    """Per host with two or more series: the isolation-forest score of each timestamp of its
    aligned metric vector (the second, multivariate signal)."""
    from efficiency.detect.anomaly import HostAnomalyDetector

    out: dict[str, pd.Series] = {}
    for host, group in groups:
        wide = group.pivot_table(index="ts", columns="series_id", values="value", aggfunc="last")
        if wide.shape[1] < 2 or len(wide) < 20:
            continue
        detector = HostAnomalyDetector().fit(wide)
        out[host] = pd.Series(detector.score(), index=wide.index)
    return out


def chunks(items: list[T], size: int = PARTITION_SERIES) -> list[list[T]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def partitioned_scores(
    points: pd.DataFrame,
    cfg: DetectConfig,
    mapper: Mapper = local_map,
    size: int = PARTITION_SERIES,
) -> tuple[list[SeriesAlarms], dict[str, pd.Series]]:
    """The alarms of every series (in order of first appearance) and the host scores of the
    hosts with an alarm, in partitions of ``size`` series (``size`` // 10 hosts)."""
    params = ScoreParams.from_config(cfg)
    series = list(points.groupby("series_id", sort=False))
    scored = mapper(score_series, [(params, part) for part in chunks(series, size)])
    found = [s for part in scored for s in part]
    # the host score is evidence on an alarm, so a forest is fitted only for the hosts that
    # have one: the same evidence at a fraction of the cost (in a quiet fleet most hosts
    # have none, and the forests were most of the pass)
    alarmed = {str(s.first["labels"].get("host", "")) for s in found if s.alarms} - {""}
    hosts = points["labels"].map(lambda labels: str(labels.get("host", "")))
    with_host = points[hosts.isin(alarmed)]
    by_host = [(str(h), g) for h, g in with_host.groupby(hosts[hosts.isin(alarmed)])]
    host_scores: dict[str, pd.Series] = {}
    for part in mapper(score_hosts, chunks(by_host, max(1, size // 10))):
        host_scores.update(part)
    return found, host_scores
