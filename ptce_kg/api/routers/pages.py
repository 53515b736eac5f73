"""The linked-data pages: ``/id/{path}`` for every ``https://w3id.org/ptce/id/{path}``
resource (a pole's is its public sheet), ``/vocab/{scheme}/{notation}`` for each SKOS concept,
``/graph/{name}`` for each named graph's description, ``/resource?iri=…`` for the reference IRIs
the graph uses without owning them (INSEE territories, NAF codes). Content negotiation: HTML,
Turtle, JSON-LD, N-Triples, RDF/XML; ``?format=`` overrides ``Accept``."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import RedirectResponse, Response

from ptce_kg.api.dependencies import get_store
from ptce_kg.api.documents import document_media_type, document_response
from ptce_kg.errors import InputError
from ptce_kg.pages.hrefs import page_href
from ptce_kg.pages.service import page, unknown
from ptce_kg.rdf.iris import commune_iri
from ptce_kg.rdf.namespaces import GRAPH, ID, VOCAB
from ptce_kg.store.base import Store

# A key path under a namespace of ours: segments of IRI-safe characters (design.md §1).
_PATH = re.compile(r"^[A-Za-z0-9._~-]+(?:/[A-Za-z0-9._~-]+)*$")
# An absolute http(s) IRI without the characters IRIs forbid.
_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
MAX_IRI = 2000

FormatParam = Annotated[
    str | None, Query(description="ttl, jsonld, rdf, nt or html; overrides Accept")
]
LangParam = Annotated[Literal["fr", "en"], Query(description="language of the HTML page")]
AcceptHeader = Annotated[str | None, Header()]
StoreDep = Annotated[Store, Depends(get_store)]

router = APIRouter(tags=["pages"])


def _respond(
    store: Store,
    iri: str,
    request: Request,
    fmt: str | None,
    accept: str | None,
    lang: str,
    query: dict[str, str] | None = None,
) -> Response:
    media_type = document_media_type(accept, fmt)
    answer = page(store, iri, media_type, lang=lang, path=request.url.path, query=query)
    return document_response(answer.body, answer.media_type, answer.status)


def _ours(
    store: Store,
    base: str,
    key: str,
    request: Request,
    fmt: str | None,
    accept: str | None,
    lang: str,
) -> Response:
    """The page of ``base + key``; a key no IRI of ours can have is unknown, never looked up."""
    if _PATH.match(key):
        return _respond(store, base + key, request, fmt, accept, lang)
    media_type = document_media_type(accept, fmt)
    answer = unknown(base + key[:200], media_type, lang=lang, path=request.url.path)
    return document_response(answer.body, answer.media_type, answer.status)


@router.get("/id/{path:path}", summary="A resource of the graph (a pole: its public sheet)")
def resource(
    path: str,
    request: Request,
    store: StoreDep,
    format: FormatParam = None,  # noqa: A002
    lang: LangParam = "fr",
    accept: AcceptHeader = None,
) -> Response:
    return _ours(store, str(ID), path, request, format, accept, lang)


@router.get("/vocab/{scheme}/{notation}", summary="One concept of a SKOS vocabulary")
def concept(
    scheme: str,
    notation: str,
    request: Request,
    store: StoreDep,
    format: FormatParam = None,  # noqa: A002
    lang: LangParam = "fr",
    accept: AcceptHeader = None,
) -> Response:
    return _ours(store, str(VOCAB), f"{scheme}/{notation}", request, format, accept, lang)


@router.get("/graph/{name:path}", summary="The description of a named graph")
def graph(
    name: str,
    request: Request,
    store: StoreDep,
    format: FormatParam = None,  # noqa: A002
    lang: LangParam = "fr",
    accept: AcceptHeader = None,
) -> Response:
    return _ours(store, str(GRAPH), name, request, format, accept, lang)


@router.get("/resource", summary="A reference IRI the graph uses (INSEE territory, NAF code)")
def reference(
    iri: Annotated[str, Query(description=f"the IRI, e.g. {commune_iri('72181')}")],
    request: Request,
    store: StoreDep,
    format: FormatParam = None,  # noqa: A002
    lang: LangParam = "fr",
    accept: AcceptHeader = None,
) -> Response:
    """Never fetched from the network: the page shows what the graph says of it."""
    if len(iri) > MAX_IRI or not _IRI.match(iri):
        raise InputError("not an absolute http(s) IRI", where="parameter 'iri'")
    local = page_href(iri)
    if local is not None and not local.startswith("/resource"):
        return RedirectResponse(local, status_code=303)
    return _respond(store, iri, request, format, accept, lang, {"iri": iri})
