"""``/ontology`` and the SKOS vocabularies (``/vocab/{scheme}``, also ``/ontology/vocab/{scheme}``)
with content negotiation: Turtle, JSON-LD, RDF/XML, N-Triples, and pyLODE HTML for browsers.

The shipped ``ontology/`` files are the source of the ontology and of the vocabularies of
``ontology/vocab/`` (they are what ``init`` loads); the legal-form scheme is reference data built
at ``init``, so it is read from the store's ``reference/legal-forms`` graph. A ``?format=``
parameter (ttl, jsonld, rdf, nt, html) overrides the Accept header, for links.

Every answer is computed once and kept (``_cached``): a pyLODE page costs a second or more of
CPU in the server process, holding the GIL, so rendering it per request would slow every other
request. Pages depend only on the shipped files, and for the legal-form scheme on the content of
its graph, whose digest is part of the cache key (computed once per store version).
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Annotated
from weakref import WeakKeyDictionary

import rdflib
from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import Response
from pyoxigraph import RdfFormat, serialize
from rdflib.namespace import SKOS

from ptce_kg.api.dependencies import get_query_service, get_store
from ptce_kg.api.documents import (
    AcceptHeader,
    FormatParam,
    document_media_type,
    document_response,
)
from ptce_kg.ontology.docs import render_html
from ptce_kg.rdf.graphs import REFERENCE_LEGAL_FORMS
from ptce_kg.rdf.namespaces import VOCAB
from ptce_kg.rdf.resources import ontology_dir, vocab_files
from ptce_kg.runtime.query_service import QueryService
from ptce_kg.store.base import Store

# media type → rdflib serializer
_SERIALIZERS = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
    "text/html": "html",
}
_SCHEME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LEGAL_FORM_SCHEME = "legal-form"


router = APIRouter(tags=["ontology"])


def _schemes() -> dict[str, Path]:
    """Scheme name → its Turtle file in ``ontology/vocab/``."""
    return {path.stem: path for path in vocab_files()}


def _serialize(graph: rdflib.Graph, serializer: str, source: Path | None) -> bytes:
    """``graph`` in one syntax; HTML is pyLODE's page of the Turtle ``source`` file."""
    if serializer != "html":
        return graph.serialize(format=serializer, encoding="utf-8")
    if source is not None:
        return render_html(source).encode("utf-8")
    with tempfile.TemporaryDirectory(prefix="ptce-vocab-") as tmp:
        path = Path(tmp) / "vocab.ttl"
        graph.serialize(path, format="turtle")
        return render_html(path).encode("utf-8")


# (source, serializer) -> (version of the source, answer): one entry per page and syntax.
_answers: dict[tuple[str, str], tuple[str, bytes]] = {}
_render_lock = threading.Lock()


def _cached(source: str, serializer: str, version: str, render: Callable[[], bytes]) -> bytes:
    """``render()``, computed once per ``version`` of ``source`` in ``serializer``.

    Renders run one at a time under a lock: concurrent first requests for a page wait for the
    one render instead of repeating it, and at most one render competes with other requests.
    """
    key = (source, serializer)
    hit = _answers.get(key)
    if hit is not None and hit[0] == version:
        return hit[1]
    with _render_lock:
        hit = _answers.get(key)
        if hit is None or hit[0] != version:
            hit = (version, render())
            _answers[key] = hit
    return hit[1]


def _shipped(path: Path, serializer: str) -> bytes:
    """A shipped file in one syntax (files do not change while serving)."""
    return _cached(
        str(path),
        serializer,
        "shipped",
        lambda: _serialize(rdflib.Graph().parse(path, format="turtle"), serializer, path),
    )


def _legal_form_ntriples(store: Store) -> bytes:
    """The legal-form graph as N-Triples (404 when ``init`` has not built it)."""
    triples = [quad.triple for quad in store.quads(REFERENCE_LEGAL_FORMS)]
    if not triples:
        raise HTTPException(404, "the legal-form scheme is not in the store: run `ptce-kg init`")
    ntriples = serialize(triples, format=RdfFormat.N_TRIPLES)
    assert ntriples is not None  # returned, as no output was given
    return ntriples


# Per query service: (store version, digest of the legal-form graph) for its last version.
_legal_form_digests: WeakKeyDictionary[QueryService, tuple[int, str]] = WeakKeyDictionary()


def _legal_forms(store: Store, service: QueryService, serializer: str) -> bytes:
    """The legal-form scheme from the store (rebuilt by ``init``): its graph is read once per
    version of the store (every write refreshes the query service) and rendered again only
    when its content changed."""
    generation = service.generation
    known = _legal_form_digests.get(service)
    ntriples: bytes | None = None
    if known is None or known[0] != generation:
        ntriples = _legal_form_ntriples(store)
        known = (generation, hashlib.sha256(ntriples).hexdigest())
        _legal_form_digests[service] = known

    def render() -> bytes:
        data = ntriples if ntriples is not None else _legal_form_ntriples(store)
        graph = rdflib.Graph().parse(data=data, format="nt")
        if serializer == "html":
            _label_unlabelled_parents(graph)
        return _serialize(graph, serializer, None)

    return _cached(LEGAL_FORM_SCHEME, serializer, known[1], render)


def _label_unlabelled_parents(graph: rdflib.Graph) -> None:
    """pyLODE fails on a broader concept without a label (INSEE's level-I code 0 has none):
    for the HTML page only, such a concept is labelled by its code."""
    for parent in set(graph.objects(None, SKOS.broader)):
        if (parent, SKOS.prefLabel, None) not in graph:
            label = graph.value(parent, SKOS.notation) or str(parent).rsplit("/", 1)[-1]
            graph.add((parent, SKOS.prefLabel, rdflib.Literal(str(label))))


@router.get("/ontology", summary="The PTCE ontology (OWL), by content negotiation")
def ontology(format: FormatParam = None, accept: AcceptHeader = None) -> Response:  # noqa: A002
    media_type = document_media_type(accept, format)
    body = _shipped(ontology_dir() / "ptce.ttl", _SERIALIZERS[media_type])
    return document_response(body, media_type)


@router.get("/vocab", summary="The SKOS vocabularies: name and IRI of each scheme")
def vocabularies() -> list[dict[str, str]]:
    names = sorted([*_schemes(), LEGAL_FORM_SCHEME])
    return [{"scheme": name, "iri": str(VOCAB[name]), "href": f"/vocab/{name}"} for name in names]


@router.get("/vocab/{scheme}", summary="One SKOS vocabulary, by content negotiation")
@router.get("/ontology/vocab/{scheme}", include_in_schema=False)
def vocabulary(
    scheme: str,
    store: Annotated[Store, Depends(get_store)],
    service: Annotated[QueryService, Depends(get_query_service)],
    format: FormatParam = None,  # noqa: A002
    accept: AcceptHeader = None,
) -> Response:
    path = _schemes().get(scheme) if _SCHEME.match(scheme) else None
    if path is None and scheme != LEGAL_FORM_SCHEME:
        raise HTTPException(404, f"no vocabulary named {scheme!r}; see /vocab for the list")
    media_type = document_media_type(accept, format)
    serializer = _SERIALIZERS[media_type]
    if path is None:
        body = _legal_forms(store, service, serializer)
    else:
        body = _shipped(path, serializer)
    return document_response(body, media_type)
