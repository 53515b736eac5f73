"""The linked-data pages: ``/id/{path}`` for every ``https://w3id.org/ptce/id/{path}``
resource (a pole's is its public sheet), ``/vocab/{scheme}/{notation}`` for each SKOS concept,
``/graph/{name}`` for each named graph's description, ``/resource?iri=…`` for the reference IRIs
the graph uses without owning them (INSEE territories, NAF codes). Content negotiation: HTML,
Turtle, JSON-LD, N-Triples, RDF/XML; ``?format=`` overrides ``Accept``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from ptce_kg.api.dependencies import get_store
from ptce_kg.api.documents import (
    AcceptHeader,
    FormatParam,
    document_media_type,
    document_response,
)
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

LangParam = Annotated[Literal["fr", "en"], Query(description="language of the HTML page")]

router = APIRouter(tags=["pages"])


@dataclass(frozen=True)
class PageRequest:
    """What every page route answers from: the store, the page's own path, ``?format=``,
    ``?lang=`` and the ``Accept`` header."""

    store: Store
    path: str
    fmt: str | None
    lang: str
    accept: str | None

    def respond(self, iri: str, query: dict[str, str] | None = None) -> Response:
        """The page of ``iri``; ``query`` addresses it (400 / 406 for a format it cannot have)."""
        media_type = document_media_type(self.accept, self.fmt)
        answer = page(self.store, iri, media_type, lang=self.lang, path=self.path, query=query)
        return document_response(answer.body, answer.media_type, answer.status)

    def ours(self, base: str, key: str) -> Response:
        """The page of ``base + key``; a key no IRI of ours can have is unknown, never looked
        up (400 / 406 for a format it cannot have)."""
        if _PATH.match(key):
            return self.respond(base + key)
        media_type = document_media_type(self.accept, self.fmt)
        answer = unknown(base + key[:200], media_type, lang=self.lang, path=self.path)
        return document_response(answer.body, answer.media_type, answer.status)


def page_request(
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    format: FormatParam = None,  # noqa: A002
    lang: LangParam = "fr",
    accept: AcceptHeader = None,
) -> PageRequest:
    """The request parameters every page route takes."""
    return PageRequest(store, request.url.path, format, lang, accept)


PageDep = Annotated[PageRequest, Depends(page_request)]


@router.get("/id/{path:path}", summary="A resource of the graph (a pole: its public sheet)")
def resource(path: str, asked: PageDep) -> Response:
    return asked.ours(str(ID), path)


@router.get("/vocab/{scheme}/{notation}", summary="One concept of a SKOS vocabulary")
def concept(scheme: str, notation: str, asked: PageDep) -> Response:
    return asked.ours(str(VOCAB), f"{scheme}/{notation}")


@router.get("/graph/{name:path}", summary="The description of a named graph")
def graph(name: str, asked: PageDep) -> Response:
    return asked.ours(str(GRAPH), name)


@router.get("/resource", summary="A reference IRI the graph uses (INSEE territory, NAF code)")
def reference(
    iri: Annotated[str, Query(description=f"the IRI, e.g. {commune_iri('72181')}")],
    asked: PageDep,
) -> Response:
    """Never fetched from the network: the page shows what the graph says of it."""
    if len(iri) > MAX_IRI or not _IRI.match(iri):
        raise InputError("not an absolute http(s) IRI", where="parameter 'iri'")
    local = page_href(iri)
    if local is not None and not local.startswith("/resource"):
        # The page asked for, in the format and language asked for (French is the default).
        kept = {"format": asked.fmt, "lang": None if asked.lang == "fr" else asked.lang}
        query = urlencode({k: v for k, v in kept.items() if v})
        return RedirectResponse(f"{local}?{query}" if query else local, status_code=303)
    return asked.respond(iri, {"iri": iri})
