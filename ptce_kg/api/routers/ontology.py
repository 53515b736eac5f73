"""``/ontology`` and the SKOS vocabularies (``/vocab/{scheme}``, also ``/ontology/vocab/{scheme}``)
with content negotiation: Turtle, JSON-LD, RDF/XML, N-Triples, and pyLODE HTML for browsers.

The shipped ``ontology/`` files are the source (they are what ``init`` loads into the store);
a ``?format=`` parameter (ttl, jsonld, rdf, nt, html) overrides the Accept header, for links.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import rdflib
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from ptce_kg.api.conneg import choose_media_type
from ptce_kg.paths import ontology_dir

# media type → (rdflib serializer, short name for ?format=)
_FORMATS = {
    "text/turtle": ("turtle", "ttl"),
    "application/ld+json": ("json-ld", "jsonld"),
    "application/rdf+xml": ("xml", "rdf"),
    "application/n-triples": ("nt", "nt"),
    "text/html": ("html", "html"),
}
_BY_SHORT_NAME = {short: media for media, (_, short) in _FORMATS.items()}
_SCHEME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

router = APIRouter(tags=["ontology"])


def vocab_files() -> dict[str, Path]:
    """Scheme name → its Turtle file in ``ontology/vocab/``."""
    folder = ontology_dir() / "vocab"
    return {p.stem: p for p in sorted(folder.glob("*.ttl"))} if folder.is_dir() else {}


@lru_cache(maxsize=64)
def _rendered(path: Path, serializer: str) -> bytes:
    """The shipped file in one syntax (files do not change while the service runs)."""
    if serializer == "html":
        from ptce_kg.docs import render_html

        return render_html(path).encode("utf-8")
    graph = rdflib.Graph().parse(path, format="turtle")
    return graph.serialize(format=serializer, encoding="utf-8")


def _negotiated(request: Request, path: Path, fmt: str | None) -> Response:
    if fmt is not None:
        media_type = _BY_SHORT_NAME.get(fmt)
        if media_type is None:
            raise HTTPException(400, f"unknown format {fmt!r}; use one of {sorted(_BY_SHORT_NAME)}")
    else:
        media_type = choose_media_type(request.headers.get("accept"), list(_FORMATS))
        if media_type is None:
            raise HTTPException(406, f"cannot answer in {request.headers.get('accept')!r}; "
                                f"available: {', '.join(_FORMATS)}")
    body = _rendered(path, _FORMATS[media_type][0])
    charset = "; charset=utf-8" if media_type.startswith("text/") else ""
    return Response(body, media_type=media_type + charset, headers={"Vary": "Accept"})


_FORMAT_PARAM = Query(None, description="ttl, jsonld, rdf, nt or html; overrides Accept")


@router.get("/ontology", summary="The PTCE ontology (OWL), by content negotiation")
def ontology(request: Request, format: str | None = _FORMAT_PARAM) -> Response:  # noqa: A002
    return _negotiated(request, ontology_dir() / "ptce.ttl", format)


@router.get("/vocab", summary="The SKOS vocabularies: name and IRI of each scheme")
def vocabularies() -> list[dict[str, str]]:
    return [
        {"scheme": name, "iri": f"https://w3id.org/ptce/vocab/{name}", "href": f"/vocab/{name}"}
        for name in vocab_files()
    ]


@router.get("/vocab/{scheme}", summary="One SKOS vocabulary, by content negotiation")
@router.get("/ontology/vocab/{scheme}", include_in_schema=False)
def vocabulary(request: Request, scheme: str, format: str | None = _FORMAT_PARAM) -> Response:  # noqa: A002
    path = vocab_files().get(scheme) if _SCHEME.match(scheme) else None
    if path is None:
        raise HTTPException(404, f"no vocabulary named {scheme!r}; see /vocab for the list")
    return _negotiated(request, path, format)
