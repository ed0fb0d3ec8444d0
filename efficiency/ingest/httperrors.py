"""One error shape for every answer of the API that is not a success.

Every error body is ``{"error": "<field>: what is wrong", "detail": ...}``: ``error`` is one
line naming the field (what a person or a log reads), ``detail`` the machine-readable part
(pydantic's list of errors for a 422, the same text otherwise). The routes declare these
answers in the OpenAPI document (:func:`responses`), so a client generated from it knows
them, and schemathesis can hold the server to it.

Unexpected exceptions are caught by :class:`CatchErrors` *inside* the application: the client
gets a clean 500 in the same shape, the traceback goes to the log, and the kept-alive
connection stays usable (an exception that reaches uvicorn after the response started makes
it drop the connection).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from efficiency.ingest.errors import InputError

log = logging.getLogger("efficiency.ingest.api")


class ErrorBody(BaseModel):
    """What every error answer carries."""

    error: str
    detail: Any = None


_DESCRIPTIONS = {
    401: "Missing or wrong bearer token (only when `api.token` is set).",
    404: "No such record.",
    409: "The record cannot change that way now (e.g. an incident already resolved).",
    413: "The request body is larger than `api.max_body_bytes`.",
    422: "The request is malformed: `error` names the first bad field, `detail` lists all.",
    500: "An unexpected server error; nothing was written. The traceback is in the log.",
    503: "The database is unreachable or overloaded; retry later.",
}


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the error codes a route can answer."""
    return {code: {"model": ErrorBody, "description": _DESCRIPTIONS[code]} for code in codes}


def error_response(status: int, error: str, detail: Any = None, **extra: Any) -> JSONResponse:
    body = {"error": error, "detail": error if detail is None else detail, **extra}
    return JSONResponse(body, status_code=status)


def _msg(text: str) -> str:
    return text.removeprefix("Value error, ")


def first_error(exc: RequestValidationError) -> str:
    """One line for the first error: ``field.path: message``."""
    err = exc.errors()[0]
    if err.get("type") == "json_invalid":
        reason = (err.get("ctx") or {}).get("error", "")
        return f"body: not valid JSON: {reason}".rstrip(": ")
    loc = [str(p) for p in err.get("loc", ()) if p != "body"]
    return f"{'.'.join(loc) or 'body'}: {_msg(err.get('msg', 'invalid'))}"


def _unparsable_body(exc: StarletteHTTPException) -> str | None:
    """Why FastAPI could not parse a body it answers with a bare 400, if that is the case."""
    cause = exc.__cause__
    if exc.status_code != 400 or cause is None:
        return None
    if isinstance(cause, UnicodeDecodeError):
        return "body: not valid UTF-8"
    if isinstance(cause, RecursionError):
        return "body: JSON nested too deeply"
    if isinstance(cause, ValueError | json.JSONDecodeError):
        return f"body: not valid JSON: {cause}"
    return None


def install_handlers(app: FastAPI) -> None:
    """Give every error the one shape; see the module docstring."""

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        detail = [
            {"loc": list(e.get("loc", ())), "msg": _msg(e.get("msg", "")),
             "type": e.get("type", "")}
            for e in exc.errors()
        ]  # fmt: skip
        return error_response(422, first_error(exc), detail)

    @app.exception_handler(InputError)
    async def _input(_: Request, exc: InputError) -> JSONResponse:
        loc = ["body", *exc.field.split(".")] if exc.field else ["body"]
        detail = [{"loc": loc, "msg": exc.message, "type": "value_error"}]
        return error_response(422, str(exc), detail, field=exc.field)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        unparsable = _unparsable_body(exc)
        if unparsable is not None:
            detail = [{"loc": ["body"], "msg": unparsable.removeprefix("body: "),
                       "type": "json_invalid"}]  # fmt: skip
            return error_response(422, unparsable, detail)
        response = error_response(exc.status_code, str(exc.detail))
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(SQLAlchemyError)
    async def _db(request: Request, exc: SQLAlchemyError) -> JSONResponse:
        # Unreachable or overloaded: worth a retry (503). Anything else is our fault (500);
        # either way the transaction was rolled back and nothing was written.
        if isinstance(exc, OperationalError | InterfaceError):
            log.warning("%s %s: database unavailable: %s", request.method, request.url.path, exc)
            return error_response(503, f"database unavailable: {type(exc).__name__}")
        log.error("%s %s failed in the database", request.method, request.url.path,
                  exc_info=exc)  # fmt: skip
        return error_response(500, f"the database refused the write: {type(exc).__name__}")


class CatchErrors:
    """Turn any exception a route lets escape into a logged, clean 500 JSON answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            log.error("%s %s: unexpected error", scope.get("method"), scope.get("path"),
                      exc_info=exc)  # fmt: skip
            if started:  # half an answer is out: only dropping the connection is honest
                raise
            response = error_response(500, f"internal error: {type(exc).__name__}")
            await response(scope, receive, send)
