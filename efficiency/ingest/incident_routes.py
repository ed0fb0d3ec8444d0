"""HTTP routes for what people do to incidents besides acknowledging and resolving: merge,
split, silence from an incident, and the audit trail. Each is one transaction with its audit
row and its pages (:class:`efficiency.stages.incident_actions.IncidentActions`).

Who acts is the body's ``actor`` (required: the audit trail records who). A refused action is
404 (no such incident) or 409 (not allowed in its state, with the reason); a malformed body is
422 naming the field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, HTTPException, Path, params
from pydantic import Field

from efficiency.ingest.errors import InputError
from efficiency.ingest.httperrors import responses
from efficiency.ingest.validation import IngestModel
from efficiency.store.db import Database
from efficiency.store.incident_actions import ActionInputError, list_actions
from efficiency.store.incident_queries import TransitionError, get_incident
from efficiency.store.paging import MAX_ID

if TYPE_CHECKING:
    from efficiency.stages.incident_actions import IncidentActions


IncidentId = Annotated[int, Path(ge=1, le=MAX_ID, description="An incident's id.")]
ACTION = responses(401, 404, 409, 413, 422, 500, 503)


class ActorIn(IngestModel):
    """Who does it (and optionally why); recorded in the incident's audit trail."""

    actor: str = Field("", max_length=200)
    comment: str = ""


class MergeIn(ActorIn):
    #: the incident merged into this one (it is resolved, its members move here)
    incident_id: int = Field(ge=1, le=MAX_ID)


class SplitIn(ActorIn):
    #: the alerts (Alertmanager fingerprints) moved out into a new incident
    fingerprints: list[str] = Field(min_length=1)


class SilenceFromIncidentIn(ActorIn):
    #: Alertmanager matchers, e.g. ``service="checkout"``
    matchers: list[str] = Field(min_length=1)
    duration_seconds: float = Field(gt=0, le=30 * 86400)


def refused(exc: TransitionError) -> Exception:
    """What an action's refusal is over HTTP: 422 for a bad request (naming the field), 404
    for an unknown incident, 409 for an action its state does not allow."""
    if isinstance(exc, ActionInputError):
        return InputError(exc.field, exc.message)
    code = 404 if "does not exist" in str(exc) else 409
    return HTTPException(code, str(exc))


def incident_router(
    db: Database, actions: Callable[[], IncidentActions], auth: Sequence[params.Depends]
) -> APIRouter:
    router = APIRouter(dependencies=list(auth), tags=["incidents"])

    def run(fn: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        try:
            return fn()
        except TransitionError as exc:
            raise refused(exc) from None

    @router.post("/api/v1/incidents/{incident_id}/merge", responses=ACTION)
    def merge(incident_id: IncidentId, body: MergeIn) -> dict[str, Any]:
        """Merge ``body.incident_id`` into this incident (it is resolved, its page too)."""
        return run(lambda: actions().merge(incident_id, body.incident_id, body.actor))

    @router.post("/api/v1/incidents/{incident_id}/split", status_code=201, responses=ACTION)
    def split(incident_id: IncidentId, body: SplitIn) -> dict[str, Any]:
        """Move the alerts ``body.fingerprints`` out into a new incident (returned)."""
        return run(lambda: actions().split(incident_id, body.fingerprints, body.actor))

    @router.post("/api/v1/incidents/{incident_id}/silence", status_code=201, responses=ACTION)
    def silence(incident_id: IncidentId, body: SilenceFromIncidentIn) -> dict[str, Any]:
        """Silence pages matching ``body.matchers`` for ``body.duration_seconds``."""
        duration = timedelta(seconds=body.duration_seconds)
        return run(
            lambda: actions().silence(
                incident_id, body.matchers, duration, body.actor, body.comment
            )
        )

    @router.get(
        "/api/v1/incidents/{incident_id}/actions", responses=responses(401, 404, 422, 500, 503)
    )
    def audit(incident_id: IncidentId) -> list[dict[str, Any]]:
        """Who did what to the incident and when, oldest first."""
        with db.session() as s:
            if get_incident(s, incident_id) is None:
                raise HTTPException(404, f"incident {incident_id} does not exist")
            return list_actions(s, incident_id)

    return router
