"""The HTTP API (FastAPI). Every write is one transaction; bad input is a 4xx naming the field.

Endpoints are listed in DESIGN.md; OpenAPI lives at ``/docs``.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from efficiency import __version__
from efficiency.config import Config
from efficiency.ingest.alerts import AlertmanagerWebhook, store_alerts
from efficiency.ingest.canary_routes import canary_router
from efficiency.ingest.changes import ChangeBatchIn, store_changes
from efficiency.ingest.errors import InputError
from efficiency.ingest.event_routes import event_router
from efficiency.ingest.httperrors import CatchErrors, install_handlers, responses
from efficiency.ingest.incident_routes import ActorIn, incident_router, refused
from efficiency.ingest.metrics import MetricBatchIn, store_metrics
from efficiency.ingest.profiles import ProfileBatchIn, store_profiles, window_from_payload
from efficiency.ingest.rca_api import rca_answer
from efficiency.store.db import Database
from efficiency.store.incident_queries import (
    TransitionError,
    get_incident,
    incidents_page,
)
from efficiency.store.paging import DEFAULT_LIMIT, MAX_ID, MAX_LIMIT, CursorError
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
        text = b'"request body is larger than the configured api.max_body_bytes"'
        body = b'{"error":' + text + b',"detail":' + text + b"}"
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


def _db_session(request: Request) -> Iterator[Session]:
    db: Database = request.app.state.db
    with db.session() as s:
        yield s


DbSession = Annotated[Session, Depends(_db_session)]
IncidentId = Annotated[int, Path(ge=1, le=MAX_ID, description="An incident's id.")]
SilenceId = Annotated[int, Path(ge=1, le=MAX_ID, description="A silence's id.")]
#: the error answers each kind of route can give (see ``httperrors``)
WRITE = responses(401, 413, 422, 500, 503)
READ = responses(401, 422, 500, 503)
BY_ID = responses(401, 404, 422, 500, 503)
CHANGE = responses(401, 404, 409, 413, 422, 500, 503)
NEXT_PAGE = {
    200: {
        "headers": {
            "X-Next-Cursor": {"description": "Cursor of the next page; absent on the last.",
                              "schema": {"type": "string"}},
            "Link": {"description": '`<URL of the next page>; rel="next"`, as RFC 8288.',
                     "schema": {"type": "string"}},
        }
    }
}  # fmt: skip


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

    install_handlers(app)
    # inside the metrics middleware, so an unexpected 500 is counted like any answer
    app.add_middleware(CatchErrors)

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

    @app.post("/api/v1/alerts/alertmanager", dependencies=[Auth], tags=["ingest"],
              responses=WRITE)  # fmt: skip
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

    @app.post("/api/v1/profiles", dependencies=[Auth], tags=["ingest"], responses=WRITE)
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

    @app.post("/api/v1/metrics", dependencies=[Auth], tags=["ingest"], responses=WRITE)
    def post_metrics(payload: MetricBatchIn) -> dict[str, Any]:
        result = write(lambda s: store_metrics(s, payload.points))
        metrics.records.labels("metric_point", "stored").inc(result.stored)
        metrics.records.labels("metric_point", "duplicate").inc(result.received - result.stored)
        return result.as_dict()

    @app.post("/api/v1/changes", dependencies=[Auth], tags=["ingest"], responses=WRITE)
    def post_changes(payload: ChangeBatchIn) -> dict[str, Any]:
        result = write(lambda s: store_changes(s, payload.changes))
        metrics.records.labels("change", "stored").inc(result.stored)
        metrics.records.labels("change", "duplicate").inc(result.received - result.stored)
        return result.as_dict()

    @app.get("/api/v1/incidents", dependencies=[Auth], tags=["incidents"],
             responses={**READ, **NEXT_PAGE})  # fmt: skip
    def get_incidents(
        s: DbSession,
        request: Request,
        response: Response,
        status: Literal["open", "acknowledged", "resolved", "all"] = "open",
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
        cursor: Annotated[str | None, Query(max_length=200)] = None,
    ) -> list[dict[str, Any]]:
        """One page of incidents, newest first: a JSON array. When more follow, the
        ``X-Next-Cursor`` header holds the ``cursor`` of the next page and ``Link`` its URL."""
        try:
            rows, following = incidents_page(s, status, limit, cursor)
        except CursorError as exc:
            raise InputError("cursor", str(exc)) from None
        if following is not None:
            response.headers["X-Next-Cursor"] = following
            url = request.url.include_query_params(cursor=following)
            response.headers["Link"] = f'<{url}>; rel="next"'
        return rows

    @app.get("/api/v1/rca", dependencies=[Auth], tags=["incidents"], responses=READ)
    def get_rca(at: str, s: DbSession) -> Any:
        """Every service ranked for a problem at ``at`` (RFC 3339 or Unix seconds)."""
        return rca_answer(s, config, at)

    @app.get("/api/v1/incidents/{incident_id}", dependencies=[Auth], tags=["incidents"],
             responses=BY_ID)  # fmt: skip
    def get_one(incident_id: IncidentId, s: DbSession) -> dict[str, Any]:
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

    @app.post("/api/v1/incidents/{incident_id}/ack", dependencies=[Auth], tags=["incidents"],
              responses=CHANGE)  # fmt: skip
    def ack(incident_id: IncidentId, body: ActorIn | None = None) -> dict[str, Any]:
        return transition(incident_id, "acknowledged", body)

    @app.post("/api/v1/incidents/{incident_id}/resolve", dependencies=[Auth],
              tags=["incidents"], responses=CHANGE)  # fmt: skip
    def resolve(incident_id: IncidentId, body: ActorIn | None = None) -> dict[str, Any]:
        return transition(incident_id, "resolved", body)

    app.include_router(incident_router(db, incident_actions, [Auth]))
    app.include_router(canary_router(config, db, [Auth]))
    app.include_router(event_router(write, [Auth]))

    @app.get("/api/v1/silences", dependencies=[Auth], tags=["silences"], responses=READ)
    def get_silences(s: DbSession, include_expired: bool = False) -> list[dict[str, Any]]:
        """Silences by id; ``include_expired=true`` adds the expired and ended ones."""
        return list_silences(s, include_expired=include_expired)

    @app.post("/api/v1/silences", dependencies=[Auth], tags=["silences"], status_code=201,
              responses=WRITE)  # fmt: skip
    def post_silence(payload: SilenceIn) -> dict[str, Any]:
        """Add a silence: one-off (``ends_at``) or weekly windows (``recurrence``)."""
        window = payload.recurrence.model_dump() if payload.recurrence else None
        return write(
            lambda s: add_silence(
                s, payload.matchers, payload.starts_at, payload.ends_at, window,
                payload.comment, payload.created_by,
            )
        )  # fmt: skip

    @app.delete("/api/v1/silences/{silence_id}", dependencies=[Auth], tags=["silences"],
                responses=BY_ID)  # fmt: skip
    def delete_silence(silence_id: SilenceId) -> dict[str, Any]:
        """Expire a silence now (it stays listed with ``include_expired=true``)."""
        try:
            return write(lambda s: expire_silence(s, silence_id))
        except UnknownSilence as exc:
            raise HTTPException(404, str(exc)) from None

    @app.get("/healthz", tags=["ops"], responses=responses(503))
    def healthz() -> JSONResponse:
        try:
            with db.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            name = exc.__class__.__name__
            return JSONResponse(
                {"status": "unhealthy", "database": name, "error": f"database: {name}"},
                status_code=503,
            )
        return JSONResponse({"status": "ok", "version": __version__, "database": db.dialect})

    prometheus_text = {
        200: {"content": {"text/plain": {}}, "description": "Prometheus text format."}
    }

    @app.get("/metrics", tags=["ops"], response_class=Response, responses=prometheus_text)
    def prometheus_metrics() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    app.add_middleware(BodyLimit, limit=config.api.max_body_bytes)
    return app
