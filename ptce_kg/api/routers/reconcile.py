"""The W3C Reconciliation API: version 0.2 at ``/reconcile`` (what OpenRefine speaks) and
1.0-draft at ``/reconcile/v1`` (docs/reconciliation.md).

Every route answers cross-origin requests (the protocol requires CORS on all its endpoints,
whatever ``PTCE_CORS_ORIGINS`` says for the rest of the service): ``ReconcileCors``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ptce_kg.reconciliation import protocol
from ptce_kg.reconciliation.index import ReconIndex
from ptce_kg.reconciliation.protocol import ReconciliationError
from ptce_kg.reconciliation.service import Reconciler

PREFIX = "/reconcile"
_CORS_HEADERS = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-allow-methods", b"GET, POST, OPTIONS"),
    (b"access-control-allow-headers", b"Content-Type, Accept"),
    (b"access-control-max-age", b"86400"),
]

PrefixParam = Annotated[str, Query(description="What the user typed")]
TypeParam = Annotated[str | None, Query(description="A type id (see suggest/type)")]
LimitParam = Annotated[int | None, Query(ge=1, description="How many results")]


class ReconcileCors:
    """CORS for every reconciliation route, any origin (the answers hold public data and the
    routes never write): preflight answered here, the header added to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS":
            await send({"type": "http.response.start", "status": 204, "headers": _CORS_HEADERS})
            await send({"type": "http.response.body", "body": b""})
            return

        async def with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [h for h in message.get("headers", []) if not h[0].startswith(b"access-")]
                message = {**message, "headers": kept + _CORS_HEADERS[:1]}
            await send(message)

        await self.app(scope, receive, with_cors)


def _reconciler(request: Request) -> Reconciler:
    return request.app.state.reconciler


async def _run(request: Request, work: Callable[[ReconIndex], Any]) -> Any:
    """``work`` on the index in the thread pool (scoring is CPU work)."""
    reconciler = _reconciler(request)
    return await run_in_threadpool(lambda: work(reconciler.index()))


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


async def _fields(request: Request) -> dict[str, str]:
    """The ``queries``/``extend`` fields of a 0.2 request: URL query string, form body, or a
    JSON body (the batch itself, or an object holding ``queries`` or ``extend``)."""
    fields = {k: v for k, v in request.query_params.items() if k in ("queries", "extend")}
    if request.method != "POST":
        return fields
    body = await request.body()
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        data = protocol.parse_json(body, "body")
        if isinstance(data, dict) and set(data) & {"queries", "extend"} and len(data) == 1:
            key, value = next(iter(data.items()))
            return {key: value if isinstance(value, str) else json.dumps(value)}
        return {"queries": body.decode("utf-8", "replace")}
    if kind in ("application/x-www-form-urlencoded", ""):
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ReconciliationError("the form is not UTF-8", "body") from exc
        try:
            form = parse_qs(text, keep_blank_values=True, max_num_fields=10)
        except ValueError as exc:  # more fields than a reconciliation form has
            raise ReconciliationError(f"not a reconciliation form: {exc}", "body") from exc
        return {**fields, **{k: v[-1] for k, v in form.items() if k in ("queries", "extend")}}
    raise ReconciliationError(
        f"send the queries form-encoded or as JSON, not {kind!r}", "Content-Type"
    )


def make_router() -> APIRouter:
    """The 0.2 and 1.0-draft routes."""
    router = APIRouter(tags=["reconciliation"])

    # -- 0.2 ----------------------------------------------------------------------------
    summary_v02 = "Reconciliation API 0.2: manifest, query batches (queries=), extension (extend=)"

    # One route per method, each with its own operationId: one route of two methods gave both
    # the same id, and OpenAPI's id for it varied from one start to the next.
    @router.get(PREFIX, summary=summary_v02, operation_id="reconcile_v02_get")
    @router.post(PREFIX, summary=summary_v02, operation_id="reconcile_v02_post")
    async def service_v02(request: Request) -> Response:
        fields = await _fields(request)
        if "queries" in fields:
            queries = protocol.parse_batch_v02(protocol.parse_json(fields["queries"], "queries"))
            return JSONResponse(await _run(request, lambda ix: protocol.answer_v02(ix, queries)))
        if "extend" in fields:
            ext = protocol.parse_extension(protocol.parse_json(fields["extend"], "extend"))
            return JSONResponse(await _run(request, lambda ix: protocol.extend_v02(ix, ext)))
        return JSONResponse(protocol.manifest_v02(_base(request)))

    @router.get(PREFIX + "/suggest/entity", summary="0.2 suggest: entities by name prefix")
    async def suggest_entity_v02(
        request: Request,
        prefix: PrefixParam = "",
        type: TypeParam = None,
        cursor: Annotated[int, Query(ge=0)] = 0,
        limit: LimitParam = None,
    ) -> JSONResponse:
        answer = await _run(
            request,
            lambda ix: protocol.suggest_entities(ix, prefix, type, limit or 10, cursor),
        )
        return JSONResponse(answer)

    # -- 1.0-draft ----------------------------------------------------------------------
    v1 = PREFIX + "/v1"

    @router.get(v1, summary="Reconciliation API 1.0-draft: manifest")
    def manifest_v1(request: Request) -> JSONResponse:
        return JSONResponse(protocol.manifest_v1(_base(request)))

    @router.post(v1 + "/match", summary="1.0-draft: a batch of reconciliation queries (JSON)")
    async def match_v1(request: Request) -> JSONResponse:
        batch = protocol.parse_batch_v1(protocol.parse_json(await request.body(), "body"))
        return JSONResponse(await _run(request, lambda ix: protocol.answer_v1(ix, batch)))

    @router.get(v1 + "/suggest/entity", summary="1.0-draft suggest: entities")
    async def suggest_entity_v1(
        request: Request,
        prefix: PrefixParam = "",
        type: TypeParam = None,
        limit: LimitParam = None,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> JSONResponse:
        answer = await _run(
            request,
            lambda ix: protocol.suggest_entities(ix, prefix, type, limit or 10, offset),
        )
        return JSONResponse(answer)

    @router.post(v1 + "/extend", summary="1.0-draft data extension (JSON)")
    async def extend_v1(request: Request) -> JSONResponse:
        ext = protocol.parse_extension(protocol.parse_json(await request.body(), "body"))
        return JSONResponse(await _run(request, lambda ix: protocol.extend_v1(ix, ext)))

    # -- the same answer under both versions ------------------------------------------
    def suggest_type(prefix: PrefixParam = "") -> JSONResponse:
        return JSONResponse(protocol.suggest_types(prefix))

    def suggest_property(prefix: PrefixParam = "") -> JSONResponse:
        return JSONResponse(protocol.suggest_properties(prefix))

    async def preview(request: Request, id: str) -> HTMLResponse:
        return HTMLResponse(await _run(request, lambda ix: protocol.preview_html(ix, id)))

    def propose(type: str = "legal-unit", limit: LimitParam = None) -> JSONResponse:
        return JSONResponse(protocol.propose_properties(type, limit))

    for base, version in ((PREFIX, "0.2"), (v1, "1.0-draft")):
        router.add_api_route(
            base + "/suggest/type", suggest_type, summary=f"{version} suggest: types"
        )
        router.add_api_route(
            base + "/suggest/property", suggest_property, summary=f"{version} suggest: properties"
        )
        router.add_api_route(
            base + "/preview", preview, summary=f"{version} preview of an entity (HTML)"
        )
        router.add_api_route(
            base + "/extend/propose",
            propose,
            summary=f"{version} data extension: properties of a type",
        )

    return router
