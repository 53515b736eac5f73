"""One place that turns errors into HTTP answers: a status and a message, never a stack trace."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from ptce_kg.errors import InternalError, PtceError
from ptce_kg.sparql.negotiation import choose_media_type

log = logging.getLogger("ptce_kg.api")


def error_response(request: Request, status: int, error: PtceError) -> Response:
    """JSON ``{"error", "detail", "errors"}`` (``detail`` is FastAPI's key; ``errors`` lists
    each problem with its place, see ``PtceError.as_dict``), or plain text when the client
    prefers it."""
    wanted = choose_media_type(request.headers.get("accept"), ["application/json", "text/plain"])
    if wanted == "text/plain":
        return PlainTextResponse(f"{type(error).__name__}: {error}\n", status_code=status)
    return JSONResponse(error.as_dict(), status_code=status)


async def _ptce_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PtceError)
    status = exc.http_status
    if status >= 500:
        log.warning("%s %s: %s", request.method, request.url.path, exc)
    return error_response(request, status, exc)


async def _unexpected(request: Request, exc: Exception) -> Response:
    # The trace goes to the server log only; the client gets a line it can report.
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return error_response(request, 500, InternalError("internal error; see the server log"))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(PtceError, _ptce_error)
    app.add_exception_handler(Exception, _unexpected)
