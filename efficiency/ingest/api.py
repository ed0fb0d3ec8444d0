"""The HTTP API (FastAPI). Every write is one transaction; bad input is a 4xx naming the field.

Endpoints are listed in DESIGN.md; OpenAPI lives at ``/docs``.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from efficiency import __version__
from efficiency.config import Config
from efficiency.ingest.alerts import AlertmanagerWebhook, store_alerts
from efficiency.ingest.changes import ChangeBatchIn, store_changes
from efficiency.ingest.errors import InputError
from efficiency.ingest.incident_routes import ActorIn, incident_router, refused
from efficiency.ingest.metrics import MetricBatchIn, store_metrics
from efficiency.ingest.profiles import ProfileBatchIn, store_profiles, window_from_payload
from efficiency.store.db import Database
from efficiency.store.incident_queries import TransitionError, get_incident, list_incidents
from efficiency.store.silence_queries import (
    SilenceIn,
    UnknownSilence,
    add_silence,
    expire_silence,
    list_silences,
)

if TYPE_CHECKING:
    from efficiency.stages.incident_actions import IncidentActions

log = logging.getLogger(__name__)


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413, whether or not the client sent a
    Content-Length: the body is read (up to the limit) before the app sees the request."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                await self._reject(send)
                return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._reject(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _reject(self, send: Send) -> None:
        body = b'{"error":"request body is larger than the configured api.max_body_bytes"}'
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})


class Metrics:
    """The API's own Prometheus metrics, in a registry per app (tests build many apps)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "efficiency_http_requests",
            "HTTP requests by route and status code.",
            ["route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "efficiency_http_request_seconds",
            "HTTP request latency by route.",
            ["route"],
            registry=self.registry,
        )
        self.records = Counter(
            "efficiency_ingest_records",
            "Records received by kind and outcome (stored or duplicate).",
            ["kind", "outcome"],
            registry=self.registry,
        )


def _first_error(exc: RequestValidationError) -> str:
    err = exc.errors()[0]
    loc = [str(p) for p in err.get("loc", ()) if p != "body"]
    return f"{'.'.join(loc) or 'body'}: {err.get('msg', 'invalid')}"


def _db_session(request: Request) -> Iterator[Session]:
    db: Database = request.app.state.db
    with db.session() as s:
        yield s


DbSession = Annotated[Session, Depends(_db_session)]


#: what the daemon runs after an alert webhook is stored (the correlate stage); its report
#: goes back in the answer
AfterAlerts = Callable[[], Any]
#: how an incident is acknowledged or resolved (the daemon plans the follow-up pages too)
Transition = Callable[[int, str], dict[str, Any]]


def create_app(
    config: Config,
    db: Database,
    after_alerts: AfterAlerts | None = None,
    set_status: Transition | None = None,
    actions: IncidentActions | None = None,
) -> FastAPI:
    """Build the API over ``db``; the caller owns the database's lifetime.

    ``after_alerts``, when given, runs after each stored alert webhook (``efficiency daemon``
    correlates there, so the answer says which incidents the alerts opened); a failure there
    is logged and left to the next scheduled run, since the alerts are already stored.

    ``actions`` acknowledges, resolves, merges, splits and silences with the audit trail and
    pages (the daemon's, with its services catalog); without it, the same with no pages.
    """
    app = FastAPI(
        title="efficiency",
        version=__version__,
        description="Capacity-efficiency and incident-correlation API.",
    )
    metrics = Metrics()
    token = config.api.token

    def authorized(request: Request) -> None:
        if not token:
            return
        header = request.headers.get("authorization", "")
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip(), token):
            raise HTTPException(
                401, "missing or wrong bearer token", headers={"WWW-Authenticate": "Bearer"}
            )

    Auth = Depends(authorized)
    app.state.db = db

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        detail = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        return JSONResponse({"error": _first_error(exc), "detail": detail}, status_code=422)

    @app.exception_handler(InputError)
    async def _input(_: Request, exc: InputError) -> JSONResponse:
        return JSONResponse({"error": str(exc), "field": exc.field}, status_code=422)

    @app.exception_handler(SQLAlchemyError)
    async def _db(_: Request, exc: SQLAlchemyError) -> JSONResponse:
        # Unreachable or overloaded: worth a retry (503). Anything else is our fault (500);
        # either way the transaction was rolled back and nothing was written.
        if isinstance(exc, OperationalError | InterfaceError):
            return JSONResponse(
                {"error": f"database unavailable: {type(exc).__name__}"}, status_code=503
            )
        return JSONResponse(
            {"error": f"the database refused the write: {type(exc).__name__}"}, status_code=500
        )

    @app.middleware("http")
    async def _measure(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        name = getattr(route, "path", "unmatched")
        metrics.requests.labels(name, str(response.status_code)).inc()
        metrics.latency.labels(name).observe(time.perf_counter() - started)
        return response

    def write(fn: Callable[[Session], Any]) -> Any:
        """Run one write transaction; a concurrent writer of the same keys makes the first
        attempt fail on a unique constraint, and the retry then sees its rows as duplicates."""
        for attempt in (1, 2):
            try:
                with db.session() as s:
                    return fn(s)
            except IntegrityError:
                if attempt == 2:
                    raise
        raise RuntimeError("unreachable")

    @app.post("/api/v1/alerts/alertmanager", dependencies=[Auth], tags=["ingest"])
    def post_alertmanager(payload: AlertmanagerWebhook) -> dict[str, Any]:
        """Alertmanager webhook v4 receiver: point a ``webhook_configs`` URL here."""
        result = write(lambda s: store_alerts(s, [payload]))
        metrics.records.labels("alert", "stored").inc(result.events_new)
        metrics.records.labels("alert", "duplicate").inc(result.duplicates)
        answer = result.as_dict()
        if after_alerts is not None and result.events_new:
            try:
                answer["correlated"] = after_alerts().as_dict()
            except Exception:  # stored is what the sender needs to know; the tick retries
                log.exception("correlating after an alert webhook failed; will retry")
        return answer

    @app.post("/api/v1/profiles", dependencies=[Auth], tags=["ingest"])
    def post_profiles(payload: ProfileBatchIn) -> dict[str, Any]:
        windows = []
        for i, win in enumerate(payload.windows):
            try:
                windows.append(window_from_payload(win))
            except InputError as exc:
                raise InputError(f"windows.{i}.{exc.field or 'data'}", exc.message) from None
        result = write(lambda s: store_profiles(s, windows, batch_id=payload.batch_id))
        metrics.records.labels("profile_window", "stored").inc(result.windows_stored)
        metrics.records.labels("profile_window", "duplicate").inc(result.windows_skipped)
        return result.as_dict()

    @app.post("/api/v1/metrics", dependencies=[Auth], tags=["ingest"])
    def post_metrics(payload: MetricBatchIn) -> dict[str, Any]:
        result = write(lambda s: store_metrics(s, payload.points))
        metrics.records.labels("metric_point", "stored").inc(result.stored)
        metrics.records.labels("metric_point", "duplicate").inc(result.received - result.stored)
        return result.as_dict()

    @app.post("/api/v1/changes", dependencies=[Auth], tags=["ingest"])
    def post_changes(payload: ChangeBatchIn) -> dict[str, Any]:
        result = write(lambda s: store_changes(s, payload.changes))
        metrics.records.labels("change", "stored").inc(result.stored)
        metrics.records.labels("change", "duplicate").inc(result.received - result.stored)
        return result.as_dict()

    @app.get("/api/v1/incidents", dependencies=[Auth], tags=["incidents"])
    def get_incidents(
        s: DbSession, status: Literal["open", "acknowledged", "resolved", "all"] = "open"
    ) -> list[dict[str, Any]]:
        return list_incidents(s, status)

    @app.get("/api/v1/incidents/{incident_id}", dependencies=[Auth], tags=["incidents"])
    def get_one(incident_id: int, s: DbSession) -> dict[str, Any]:
        found = get_incident(s, incident_id)
        if found is None:
            raise HTTPException(404, f"incident {incident_id} does not exist")
        return found

    #: an older caller's own transition (no audit actor), kept for it
    legacy = set_status if actions is None else None

    def incident_actions() -> IncidentActions:
        nonlocal actions
        if actions is None:
            from efficiency.stages.incident_actions import IncidentActions

            actions = IncidentActions(db)
        return actions

    def transition(incident_id: int, status: str, body: ActorIn | None) -> dict[str, Any]:
        """Who acts is the body's ``actor``; without one, the audit trail says ``api``."""
        try:
            if legacy is not None:
                return legacy(incident_id, status)
            actor = body.actor if body is not None and body.actor.strip() else "api"
            return incident_actions().set_status(incident_id, status, actor)
        except TransitionError as exc:
            raise refused(exc) from None

    @app.post("/api/v1/incidents/{incident_id}/ack", dependencies=[Auth], tags=["incidents"])
    def ack(incident_id: int, body: ActorIn | None = None) -> dict[str, Any]:
        return transition(incident_id, "acknowledged", body)

    @app.post("/api/v1/incidents/{incident_id}/resolve", dependencies=[Auth], tags=["incidents"])
    def resolve(incident_id: int, body: ActorIn | None = None) -> dict[str, Any]:
        return transition(incident_id, "resolved", body)

    app.include_router(incident_router(db, incident_actions, [Auth]))

    @app.get("/api/v1/silences", dependencies=[Auth], tags=["silences"])
    def get_silences(s: DbSession, include_expired: bool = False) -> list[dict[str, Any]]:
        """Silences by id; ``include_expired=true`` adds the expired and ended ones."""
        return list_silences(s, include_expired=include_expired)

    @app.post("/api/v1/silences", dependencies=[Auth], tags=["silences"], status_code=201)
    def post_silence(payload: SilenceIn) -> dict[str, Any]:
        """Add a silence: one-off (``ends_at``) or weekly windows (``recurrence``)."""
        window = payload.recurrence.model_dump() if payload.recurrence else None
        return write(
            lambda s: add_silence(
                s, payload.matchers, payload.starts_at, payload.ends_at, window,
                payload.comment, payload.created_by,
            )
        )  # fmt: skip

    @app.delete("/api/v1/silences/{silence_id}", dependencies=[Auth], tags=["silences"])
    def delete_silence(silence_id: int) -> dict[str, Any]:
        """Expire a silence now (it stays listed with ``include_expired=true``)."""
        try:
            return write(lambda s: expire_silence(s, silence_id))
        except UnknownSilence as exc:
            raise HTTPException(404, str(exc)) from None

    @app.get("/healthz", tags=["ops"])
    def healthz() -> JSONResponse:
        try:
            with db.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            return JSONResponse(
                {"status": "unhealthy", "database": str(exc.__class__.__name__)}, status_code=503
            )
        return JSONResponse({"status": "ok", "version": __version__, "database": db.dialect})

    @app.get("/metrics", tags=["ops"])
    def prometheus_metrics() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    app.add_middleware(BodyLimit, limit=config.api.max_body_bytes)
    return app
