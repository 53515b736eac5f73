"""``/queries``: the named-query catalogue, and one OpenAPI operation per named query.

Each query of ``sparql/*.rq`` gets its own route ``/queries/<name>`` at app creation, with its
parameters declared (description, enum, default), so ``/docs`` lists them one by one; the
generic ``/queries/{name}`` answers for the same names. Values are read from the raw query
string and checked by the catalogue (``NamedQuery.bind``), which names the parameter at fault
(422); they reach the store as RDF terms, never as query text. Answers are negotiated like
``/sparql`` (same service: guard, timeout, caps), ``?format=`` overriding ``Accept``, except
that a client stating no preference (no ``Accept``, or ``*/*``: scripts such as
``pandas.read_csv(url)``) gets CSV.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from ptce_kg.api.dependencies import get_query_service
from ptce_kg.settings import Settings
from ptce_kg.sparql.catalogue import Catalogue, NamedQuery, ParameterError, load_catalogue
from ptce_kg.sparql.negotiation import (
    FORMAT_NAMES,
    FORMAT_PARAMETER,
    RESULTS_MEDIA_TYPES,
    check_format,
)

QUERY_TEXT_MEDIA_TYPE = "application/sparql-query"
SCRIPT_DEFAULT = "text/csv"  # what a URL opened by a script (no Accept, or */*) gives
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Query results, negotiated by Accept (as /sparql)",
        "content": {media: {} for media in RESULTS_MEDIA_TYPES},
    },
    400: {"description": "An unknown format"},
    404: {"description": "No named query of that name"},
    406: {"description": "No acceptable media type, or a format the answer cannot take"},
    413: {"description": "Result too large"},
    422: {"description": "A parameter is unknown, missing, repeated or has a bad value"},
    503: {"description": "The query ran past the time limit and was stopped"},
}
# The two routes answering a query's text
_TEXT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {QUERY_TEXT_MEDIA_TYPE: {}}},
    404: {"description": "Unknown name"},
}


def run_named_query(request: Request, query: NamedQuery) -> Response:
    """Bind the query-string parameters and run ``query`` through the query service."""
    values: dict[str, str] = {}
    for name, value in request.query_params.multi_items():
        if name in values:
            raise ParameterError(name, "given more than once")
        values[name] = value
    fmt = check_format(values.pop(FORMAT_PARAMETER, None))
    prepared = query.prepare(values)
    result = get_query_service(request).execute(
        prepared.text,
        substitutions=prepared.substitutions,
        accept=request.headers.get("accept"),
        format=fmt,
        script_default=SCRIPT_DEFAULT,
    )
    return Response(result.body, media_type=result.media_type, headers={"Vary": "Accept"})


def _sparql(text: str) -> Response:
    return Response(text, media_type=f"{QUERY_TEXT_MEDIA_TYPE}; charset=utf-8")


def _declared(query: NamedQuery) -> list[inspect.Parameter]:
    """FastAPI query parameters documenting ``query``'s parameters in the OpenAPI document."""
    declared = [
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)
    ]
    for param in query.params:
        text = param.description.get("en") or param.description.get("fr") or ""
        extra: dict[str, Any] = {"x-ptce-type": param.type}
        if param.allowed:
            extra["enum"] = list(param.allowed)
        if param.base:
            extra["x-ptce-base"] = param.base
        if param.pattern:
            extra["pattern"] = param.pattern
        if param.type == "date":
            extra["format"] = "date"
        marker = Query(
            ... if param.required else param.default,
            alias=param.name,
            description=text
            + (f" Short keys are appended to <{param.base}>." if param.base else ""),
            json_schema_extra=extra,
        )
        declared.append(
            inspect.Parameter(
                f"param_{param.name}",
                inspect.Parameter.KEYWORD_ONLY,
                default=marker,
                annotation=str if param.required else str | None,
            )
        )
    declared.append(
        inspect.Parameter(
            "param_format",
            inspect.Parameter.KEYWORD_ONLY,
            default=Query(
                None,
                alias=FORMAT_PARAMETER,
                description="The answer's format, overriding Accept (no Accept or */*: csv).",
                json_schema_extra={"enum": list(FORMAT_NAMES)},
            ),
            annotation=str | None,
        )
    )
    return declared


def _operation(query: NamedQuery) -> Callable[..., Response]:
    def operation(request: Request, **_declared_values: Any) -> Response:
        # Declared parameters only document the operation; values are read raw and checked
        # by the catalogue, so unknown or repeated parameters are refused too.
        return run_named_query(request, query)

    operation.__signature__ = inspect.Signature(_declared(query))  # type: ignore[attr-defined]
    operation.__name__ = f"query_{query.name.replace('-', '_')}"
    return operation


def _describe(query: NamedQuery) -> str:
    return f"{query.description.get('en', '')}\n\n*FR* — {query.description.get('fr', '')}"


def make_router(settings: Settings, catalogue: Catalogue | None = None) -> APIRouter:
    """The catalogue routes; the catalogue is read once, when the app is created."""
    del settings  # the query service carries the limits; nothing else is configurable here
    catalogue = catalogue or load_catalogue()
    router = APIRouter(tags=["Named queries"])

    def list_queries() -> list[dict[str, Any]]:
        """The catalogue: name, summary, description (fr/en), tags and parameters of each query."""
        return [query.as_dict() for query in catalogue]

    def lookup(name: str) -> NamedQuery:
        query = catalogue.get(name)
        if query is None:
            raise HTTPException(404, f"no named query {name!r}; GET /queries lists them")
        return query

    def run_any(name: str, request: Request) -> Response:
        """Run the named query ``name`` with parameters from the query string."""
        return run_named_query(request, lookup(name))

    def text_of(name: str) -> Response:
        """The whole file of a named query: its ``#+`` header, then the SPARQL."""
        return _sparql(lookup(name).text)

    def body_of(name: str) -> Response:
        """A named query as plain SPARQL, to open in an editor: no header, the parameters'
        defaults in a VALUES block, no column of a parameter left unset that would be empty."""
        return _sparql(lookup(name).standalone())

    router.add_api_route(
        "/queries", list_queries, methods=["GET"], summary="The named-query catalogue"
    )
    for query in catalogue:
        router.add_api_route(
            f"/queries/{query.name}",
            _operation(query),
            methods=["GET"],
            summary=query.summary.get("en", query.name),
            description=_describe(query),
            responses=_RESPONSES,
        )
    router.add_api_route(
        "/queries/{name}",
        run_any,
        methods=["GET"],
        summary="Run any named query",
        responses=_RESPONSES,
    )
    router.add_api_route(
        "/queries/{name}/text",
        text_of,
        methods=["GET"],
        summary="The whole file of a named query (header and SPARQL)",
        response_class=Response,
        responses=_TEXT_RESPONSES,
    )
    router.add_api_route(
        "/queries/{name}/body",
        body_of,
        methods=["GET"],
        summary="A named query as plain SPARQL for an editor (no header, defaults bound)",
        response_class=Response,
        responses=_TEXT_RESPONSES,
    )
    return router
