"""``create_app(settings, store)``: the FastAPI application, assembled from its routers."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ptce_kg import __version__
from ptce_kg.api.errors import install_error_handlers
from ptce_kg.api.routers import (
    health,
    ontology,
    pages,
    poles,
    queries,
    reconcile,
    sparql,
    validate,
    web,
)
from ptce_kg.errors import PtceError
from ptce_kg.reconciliation.service import Reconciler, index_location
from ptce_kg.runtime.query_service import QueryService, RefreshingStore
from ptce_kg.runtime.upload_workers import UploadChecker
from ptce_kg.settings import Settings
from ptce_kg.store.base import Store


class _BodyTooLarge(Exception):
    pass


class BodyTooLarge(PtceError):
    """The request body is larger than ``PTCE_MAX_BODY_BYTES`` (HTTP 413)."""

    http_status = 413


class BodySizeLimit:
    """Refuse request bodies past ``limit`` bytes with 413, before the body reaches a route.

    Checks ``Content-Length`` first, then counts streamed (chunked) bytes. Past the limit the
    route's own answer is replaced by the 413: body parsers (FastAPI's form reader) catch the
    error raised from ``receive`` and would answer 400 "error parsing the body" instead.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.limit
                except ValueError:
                    too_big = False
                if too_big:
                    await self._refuse(send)
                    return
        received = 0
        exceeded = refused = started = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    exceeded = True
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started, refused
            if refused:
                return
            if exceeded and not started:  # the route's answer to the cut body: 413 instead
                started = refused = True
                await self._refuse(send)
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except _BodyTooLarge:
            pass
        if exceeded and not started:
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        error = BodyTooLarge(f"the request body is larger than {self.limit} bytes")
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"connection", b"close")],
            }
        )
        await send({"type": "http.response.body", "body": json.dumps(error.as_dict()).encode()})


def create_app(
    settings: Settings, store: Store, query_service: QueryService | None = None
) -> FastAPI:
    """The ptce-kg web service over ``store``; ``settings`` and the store are never global."""
    service = query_service or QueryService(settings, store)
    uploads = UploadChecker(settings.validation_timeout, settings.validation_workers)
    reconciler = Reconciler(store, index_location(store, settings.store))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        uploads.close()
        service.close()
        reconciler.close()

    app = FastAPI(
        title="ptce-kg",
        version=__version__,
        summary="Knowledge graph of the Pôles Territoriaux de Coopération Économique (PTCE)",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = RefreshingStore(store, service)  # writes by routers refresh the workers
    app.state.query_service = service
    app.state.upload_checker = uploads
    app.state.reconciler = reconciler
    install_error_handlers(app)
    # The web page (``/`` and its assets) comes last.
    for router in (
        health.router,
        sparql.router,
        queries.make_router(settings),
        validate.router,
        poles.router,
        ontology.router,
        pages.router,
        reconcile.make_router(),
        web.router,
    ):
        app.include_router(router)
    app.add_middleware(BodySizeLimit, limit=settings.max_body_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Accept", "Content-Type", "Authorization"],
            expose_headers=list(validate.EXPOSED_HEADERS),
        )
    app.add_middleware(reconcile.ReconcileCors)  # outermost: any origin on /reconcile
    return app
