"""Scheduling the stages: what `efficiency detect` runs once and `efficiency daemon` runs
on a schedule next to the HTTP API.

:class:`Pipeline` holds the configured stages (detect, correlate, page delivery);
:func:`run_daemon` serves the API in the main thread and runs the stages from one background
thread: every ``daemon.tick_seconds`` correlate (lifecycle timers, anything the webhook did not
correlate yet) and deliver due pages, every ``daemon.detect_seconds`` a detection pass. The
first tick runs at start, so whatever a killed predecessor left (alerts stored but not
correlated, pages planned but not sent) is picked up at once.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from efficiency.config import Config
from efficiency.notify.base import Notifier
from efficiency.notify.deliver import DeliveryReport, deliver_due
from efficiency.notify.retry import RetryPolicy
from efficiency.report.costs import CostModel
from efficiency.services import ServicesCatalog, load_services
from efficiency.stages.correlate import CorrelateReport, CorrelateStage, rules_from_config
from efficiency.stages.correlate_lifecycle import lifecycle_from_config
from efficiency.stages.detect import (
    DetectReport,
    detect_functions,
    detect_kernels,
    detect_metric_anomalies,
)
from efficiency.stages.incident_actions import IncidentActions
from efficiency.stages.partitions import scoring
from efficiency.stages.rca import graph_edges
from efficiency.stages.rollback import notifiers_for
from efficiency.stages.savings import realize_savings
from efficiency.store.db import Database

log = logging.getLogger(__name__)


def load_catalog(config: Config) -> ServicesCatalog | None:
    """The services catalog named by ``notify.services_file``; None when there is none.
    Raises ServicesError (naming the file and key) when it is invalid."""
    path = config.notify.services_file
    return load_services(path) if path else None


@dataclass
class DetectReports:
    functions: DetectReport
    gpu_kernels: DetectReport
    metrics: DetectReport
    #: proposals whose realized saving this pass found
    realized_proposal_ids: list[int]

    def as_dict(self) -> dict[str, Any]:
        return {
            "functions": self.functions.as_dict(),
            "gpu_kernels": self.gpu_kernels.as_dict(),
            "metrics": self.metrics.as_dict(),
            "realized_proposal_ids": self.realized_proposal_ids,
        }


class Pipeline:
    """The stages over one database, configured once."""

    def __init__(
        self,
        config: Config,
        database: Database,
        catalog: ServicesCatalog | None = None,
        notifiers: dict[str, Notifier] | None = None,
    ) -> None:
        self.config, self.database = config, database
        self.catalog = catalog if catalog is not None else load_catalog(config)
        self.correlator = CorrelateStage(
            database,
            rules_from_config(config.correlate),
            lifecycle_from_config(config.correlate),
            self.catalog,
            rca=config.rca,
            rca_edges=graph_edges(
                config.rca,
                known=self.catalog.dependency_graph().edges if self.catalog is not None else (),
            ),
        )
        if notifiers is None:  # the catalog's routes, and the canary rollback hook's
            notifiers = notifiers_for(config, self.catalog)
        self.notifiers = notifiers or {}
        cfg = config.notify
        self.retry = RetryPolicy(
            cfg.retry_initial_seconds, cfg.retry_max_seconds, cfg.retry_max_attempts or None
        )
        self.lease = timedelta(seconds=cfg.lease_seconds)
        #: acknowledge, resolve, merge, split and silence by hand, with audit and pages
        self.actions = IncidentActions(database, self.catalog, rules_from_config(config.correlate))

    def detect(self) -> DetectReports:
        """One detection pass, each detector in its own transaction."""
        cfg = self.config.detect
        with self.database.session() as s:
            functions = detect_functions(s, cfg)
        with self.database.session() as s:
            kernels = detect_kernels(s, cfg)
        with self.database.session() as s, scoring(cfg.dask_scheduler) as mapper:
            metrics = detect_metric_anomalies(s, cfg, mapper)
        with self.database.session() as s:  # a deployed fix shows up as an improvement
            realized = realize_savings(s, CostModel.from_config(self.config.costs))
        return DetectReports(functions, kernels, metrics, realized)

    def remediate(self, now: datetime | None = None) -> dict[str, dict[str, Any]]:
        """`efficiency remediate` for each service with a repo, over the last interval."""
        from efficiency.stages.remediate import last_interval, remediate_services

        now = now or datetime.now(UTC)
        return remediate_services(self.database, self.config, self.catalog,
                                  since=last_interval(self.config, now), now=now)  # fmt: skip

    def correlate(self, now: datetime | None = None) -> CorrelateReport:
        report = self.correlator.run(now)
        if report.opened or report.resolved or report.pages:
            log.info(
                "correlated %d alerts, %d detections, %d changes: incidents opened %s, "
                "updated %s, resolved %s; %d pages planned", report.alerts, report.detections,
                report.changes, report.opened, report.updated, report.resolved, report.pages,
                extra={"incidents_opened": list(report.opened),
                       "incidents_resolved": list(report.resolved), "pages_planned": report.pages},
            )  # fmt: skip
        return report

    def deliver(self, now: datetime | None = None) -> DeliveryReport:
        if not self.notifiers:
            return DeliveryReport()
        report = deliver_due(
            self.database, self.notifiers, now or datetime.now(UTC), retry=self.retry,
            lease=self.lease,
        )  # fmt: skip
        if report.sent or report.failed:
            log.info("pages: %d sent, %d failed for good, %d to retry", report.sent,
                     report.failed, report.retrying,
                     extra={"pages_sent": report.sent, "pages_failed": report.failed,
                            "pages_retrying": report.retrying})  # fmt: skip
        return report

    def set_status(self, incident_id: int, status: str, actor: str = "api") -> dict[str, Any]:
        """Acknowledge or resolve by hand, planning the follow-up pages with it and recording
        who did it."""
        return self.actions.set_status(incident_id, status, actor)


def _stage_loop(pipeline: Pipeline, stop: threading.Event) -> None:
    cfg = pipeline.config.daemon
    next_detect = time.monotonic() if cfg.detect_seconds else float("inf")
    every = pipeline.config.remediate.interval_seconds
    next_remediate = time.monotonic() + every if every else float("inf")
    try:  # what a killed predecessor planned or claimed goes out before anything else
        pipeline.deliver()
    except Exception:
        log.exception("deliver failed; retrying next tick")
    while not stop.is_set():
        if time.monotonic() >= next_detect:
            next_detect = time.monotonic() + cfg.detect_seconds
            try:
                pipeline.detect()
            except Exception:
                log.exception("detection pass failed; next one in %.0f s", cfg.detect_seconds)
        if time.monotonic() >= next_remediate:
            next_remediate = time.monotonic() + every
            try:
                pipeline.remediate()
            except Exception:
                log.exception("remediate pass failed; next one in %.0f s", every)
        for name, step in (("correlate", pipeline.correlate), ("deliver", pipeline.deliver)):
            try:
                step()
            except Exception:
                log.exception("%s failed; retrying next tick", name)
        stop.wait(cfg.tick_seconds)


def run_daemon(
    config: Config, database: Database, host: str, port: int,
    sock: socket.socket | None = None, workers: int = 1,
) -> None:  # fmt: skip
    """Serve the API and run the stages until SIGINT/SIGTERM. ``sock``: already bound (the
    CLI binds first, so a busy port is one clear error); else bound here. With ``workers`` > 1
    the API runs in that many processes (see :mod:`efficiency.workers`) and the stages once,
    here."""
    import uvicorn

    from efficiency.ingest.api import create_app
    from efficiency.serving import bind_listener, serve
    from efficiency.workers import FACTORY

    sock = sock or bind_listener(host, port)
    pipeline = Pipeline(config, database)
    stop = threading.Event()
    worker = threading.Thread(target=_stage_loop, args=(pipeline, stop), name="stages")
    worker.start()
    try:
        if workers > 1:
            sock.close()  # the port is free; uvicorn's worker processes bind it themselves
            uvicorn.run(FACTORY, factory=True, workers=workers, host=host, port=port,
                        log_level="info")  # fmt: skip
        else:
            after = pipeline.correlate if config.correlate.on_ingest else None
            app = create_app(config, database, after_alerts=after, actions=pipeline.actions)
            serve(app, sock)
    finally:
        stop.set()
        worker.join()
