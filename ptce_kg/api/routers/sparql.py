"""``/sparql``: the SPARQL 1.1 Protocol query operation (and the update operation when allowed).

Requests are read by hand rather than through FastAPI parameters: the protocol asks for 4xx on
duplicate ``query`` parameters, wrong media types and non-UTF-8 bodies, which parameter binding
would hide. The request is parsed by an async dependency; the endpoint itself is a plain ``def``
so the blocking query call runs in the thread pool, never on the event loop.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any
from urllib.parse import parse_qsl

import rdflib
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from ptce_kg.api.dependencies import get_query_service, get_settings
from ptce_kg.rdf.namespaces import SD
from ptce_kg.runtime.query_service import QueryService
from ptce_kg.settings import Settings
from ptce_kg.sparql.negotiation import (
    FORMAT_NAMES,
    FORMAT_PARAMETER,
    GRAPH_MEDIA_TYPES,
    RESULTS_MEDIA_TYPES,
    NotAcceptable,
    check_format,
    choose_media_type,
    format_media_type,
    format_media_types,
)

FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"
UPDATE_BODY = "application/sparql-update"
_DESCRIPTION_FILE = "service_description.ttl"
_DESCRIPTION_FORMATS = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
}
_PROTOCOL_PARAMS = (
    "query",
    "update",
    "default-graph-uri",
    "named-graph-uri",
    "using-graph-uri",
    "using-named-graph-uri",
    FORMAT_PARAMETER,  # ours, not the protocol's: the answer's format, overriding Accept
)

router = APIRouter(tags=["SPARQL"])


@dataclass(frozen=True)
class ProtocolRequest:
    """A SPARQL Protocol request once read and checked."""

    method: str
    query: str | None
    update: str | None
    params: dict[str, list[str]]
    base_iri: str
    accept: str | None
    authorization: str | None

    def values(self, name: str) -> list[str]:
        return self.params.get(name, [])

    @property
    def format(self) -> str | None:
        """The ``format`` parameter (checked when the request is read)."""
        return next(iter(self.values(FORMAT_PARAMETER)), None)


def _bad(message: str, status: int = 400) -> HTTPException:
    return HTTPException(status_code=status, detail=message)


def _decode(raw: bytes, charset: str | None, what: str) -> str:
    if charset is not None and charset.lower() not in ("utf-8", "utf8"):
        raise _bad(f"the {what} must be UTF-8, not charset={charset}")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _bad(f"the {what} is not valid UTF-8 (byte {exc.start})") from exc


def _content_type(request: Request) -> tuple[str | None, str | None]:
    """Media type (lower case) and charset of the request body."""
    header = request.headers.get("content-type")
    if not header:
        return None, None
    parts = [p.strip() for p in header.split(";")]
    charset = None
    for part in parts[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"')
    return parts[0].lower(), charset


def _parse_form(text: str, what: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as exc:
        raise _bad(f"the {what} has percent-encoded bytes that are not UTF-8") from exc


async def read_protocol_request(request: Request) -> ProtocolRequest:
    """Read the query/update and dataset parameters from the URL and the body."""
    pairs = _parse_form(request.url.query, "URL")
    query: str | None = None
    update: str | None = None
    if request.method == "POST":
        media_type, charset = _content_type(request)
        body = await request.body()
        if media_type is None:
            raise _bad(f"a POST needs a Content-Type: {FORM}, {QUERY_BODY} or {UPDATE_BODY}")
        if media_type == FORM:
            pairs += _parse_form(_decode(body, charset, "form body"), "form body")
        elif media_type == QUERY_BODY:
            query = _decode(body, charset, "query")
        elif media_type == UPDATE_BODY:
            update = _decode(body, charset, "update")
        else:
            raise _bad(
                f"unsupported Content-Type {media_type!r}: "
                f"use {FORM}, {QUERY_BODY} or {UPDATE_BODY}",
                415,
            )
    params: dict[str, list[str]] = {}
    for name, value in pairs:
        if name in _PROTOCOL_PARAMS:
            params.setdefault(name, []).append(value)
    for name, direct in (("query", query), ("update", update)):
        given = params.get(name, [])
        if len(given) + (direct is not None) > 1:
            raise _bad(f"more than one {name!r} in the request")
    formats = params.get(FORMAT_PARAMETER, [])
    check_format(next(iter(formats), None))  # an unknown format is a 400 before any work
    if len(formats) > 1:
        # SPARQLWrapper repeats its format as media types (format=rdf+xml&format=application/
        # rdf+xml): names of one format are one format, kept as the media types they share.
        shared = list(format_media_types(formats[0]))
        for other in formats[1:]:
            shared = [m for m in shared if m in format_media_types(other)]
        if not shared:
            raise _bad(f"more than one {FORMAT_PARAMETER!r} in the request")
        params[FORMAT_PARAMETER] = [",".join(shared)]
    query = query if query is not None else next(iter(params.get("query", [])), None)
    update = update if update is not None else next(iter(params.get("update", [])), None)
    if query is not None and update is not None:
        raise _bad("a request carries either a query or an update, not both")
    if update is not None and request.method != "POST":
        raise _bad("updates must be sent with POST", 400)
    base = str(request.url.replace(query=""))
    return ProtocolRequest(
        method=request.method,
        query=query,
        update=update,
        params=params,
        base_iri=base,
        accept=request.headers.get("accept"),
        authorization=request.headers.get("authorization"),
    )


@lru_cache(maxsize=16)
def _description(base: str, update: bool, federated: bool, serializer: str) -> bytes:
    from importlib.resources import files

    graph = rdflib.Graph()
    text = files("ptce_kg.api").joinpath(_DESCRIPTION_FILE).read_text(encoding="utf-8")
    graph.parse(data=text, format="turtle", publicID=base)
    for service in graph.subjects(rdflib.RDF.type, SD.Service):
        if update:
            graph.add((service, SD.supportedLanguage, SD.SPARQL11Update))
        if federated:
            graph.add((service, SD.feature, SD.BasicFederatedQuery))
    return graph.serialize(format=serializer, encoding="utf-8")


def _service_description(req: ProtocolRequest, settings: Settings) -> Response:
    if req.format is not None:
        media_type = format_media_type(req.format, list(_DESCRIPTION_FORMATS))
        if media_type is None:
            raise NotAcceptable(
                f"the service description has no {req.format} form; format takes ttl, nt, "
                "jsonld, xml",
                where="parameter 'format'",
            )
    else:
        media_type = choose_media_type(req.accept, list(_DESCRIPTION_FORMATS))
    if media_type is None:
        raise _bad(
            f"the service description is available as {', '.join(_DESCRIPTION_FORMATS)}", 406
        )
    body = _description(
        req.base_iri,
        settings.allow_update,
        bool(settings.service_allowlist),
        _DESCRIPTION_FORMATS[media_type],
    )
    return Response(body, media_type=media_type, headers={"Vary": "Accept"})


def _check_update_allowed(req: ProtocolRequest, settings: Settings) -> None:
    if not settings.allow_update:
        raise _bad(
            "updates are disabled on this service (start it with --allow-update or "
            "PTCE_ALLOW_UPDATE=true for a local or protected deployment)",
            403,
        )
    if settings.admin_token:
        scheme, _, token = (req.authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.strip().encode(), settings.admin_token.encode()
        ):
            raise HTTPException(
                status_code=401,
                detail="updates need the admin token: Authorization: Bearer <token>",
                headers={"WWW-Authenticate": "Bearer"},
            )


_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Query results, negotiated by Accept",
        "content": {media: {} for media in RESULTS_MEDIA_TYPES + GRAPH_MEDIA_TYPES},
    },
    400: {"description": "Malformed or refused query or request, unknown format"},
    403: {"description": "Updates are disabled"},
    406: {"description": "No acceptable media type, or a format the answer cannot take"},
    413: {"description": "Request body or result too large"},
    415: {"description": "Unsupported Content-Type"},
    503: {"description": "The query ran past the time limit and was stopped"},
}


def sparql(
    req: Annotated[ProtocolRequest, Depends(read_protocol_request)],
    settings: Annotated[Settings, Depends(get_settings)],
    service: Annotated[QueryService, Depends(get_query_service)],
) -> Response:
    """SPARQL 1.1 Protocol: ``query`` (GET, POST form, POST application/sparql-query),
    ``default-graph-uri``/``named-graph-uri``; updates (POST) only when enabled.
    Without a query, answers the SPARQL Service Description."""
    if req.update is not None:
        _check_update_allowed(req, settings)
        service.update(
            req.update,
            using_graph_uris=req.values("using-graph-uri"),
            using_named_graph_uris=req.values("using-named-graph-uri"),
            base_iri=req.base_iri,
        )
        return Response(status_code=204)
    if req.query is None:
        if req.method == "POST" or req.params.keys() - {FORMAT_PARAMETER}:
            raise _bad("the request has no 'query' (nor 'update') parameter")
        return _service_description(req, settings)
    result = service.execute(
        req.query,
        default_graph_uris=req.values("default-graph-uri"),
        named_graph_uris=req.values("named-graph-uri"),
        accept=req.accept,
        format=req.format,
        base_iri=req.base_iri,
    )
    return Response(result.body, media_type=result.media_type, headers={"Vary": "Accept"})


def _param(name: str, description: str, many: bool = False) -> dict[str, object]:
    schema: dict[str, object] = {"type": "string"}
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "array", "items": schema} if many else schema,
        "explode": True,
    }


_FORMAT = {
    **_param(FORMAT_PARAMETER, "The answer's format, overriding Accept"),
    "schema": {"type": "string", "enum": list(FORMAT_NAMES)},
}
_DATASET = [
    _param("default-graph-uri", "Graph(s) forming the default graph (overrides FROM)", True),
    _param("named-graph-uri", "Graph(s) available to GRAPH (overrides FROM NAMED)", True),
]
_USING = [
    _param("using-graph-uri", "Update only: USING graph(s)", True),
    _param("using-named-graph-uri", "Update only: USING NAMED graph(s)", True),
]
_OPENAPI: dict[str, dict[str, Any]] = {
    "GET": {
        "parameters": [_param("query", "The SPARQL query; none: service description")]
        + _DATASET
        + [_FORMAT]
    },
    "POST": {
        "parameters": _DATASET + _USING + [_FORMAT],
        "requestBody": {
            "required": True,
            "content": {
                FORM: {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "query": {"type": "string"},
                            "update": {"type": "string"},
                            FORMAT_PARAMETER: {"type": "string", "enum": list(FORMAT_NAMES)},
                        },
                    }
                },
                QUERY_BODY: {"schema": {"type": "string"}},
                UPDATE_BODY: {"schema": {"type": "string"}},
            },
        },
    },
}

for _path in ("/sparql", "/sparql/"):  # the W3C suite addresses /sparql/
    for _method, _extra in _OPENAPI.items():
        router.add_api_route(
            _path,
            sparql,
            methods=[_method],
            summary=f"SPARQL 1.1 Protocol ({_method})",
            responses=_RESPONSES,
            openapi_extra=_extra,
            operation_id=f"sparql_{_method.lower()}",
            include_in_schema=_path == "/sparql",
        )
