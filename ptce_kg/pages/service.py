"""Pages of the resources the graph names: a resource's HTML page or RDF form, a pole's sheet,
the helpful page of an IRI the graph does not name. The one entry point the API calls."""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import NamedNode
from rdflib.namespace import RDF

from ptce_kg.errors import InputError
from ptce_kg.pages.description import describe
from ptce_kg.pages.labels import vocabulary_labels
from ptce_kg.pages.pole_sheet import pole_sheet
from ptce_kg.pages.provenance import described_graphs, sources, version
from ptce_kg.pages.rdf_forms import SYNTAXES, rdf_form
from ptce_kg.pages.render import not_found_page, pole_page, resource_page, term_labels
from ptce_kg.pages.verdicts import sheet_verdict
from ptce_kg.pages.view import resource_view
from ptce_kg.rdf.graphs import ONTOLOGY, REFERENCE_LEGAL_FORMS, REFERENCE_NAF, VOCAB
from ptce_kg.rdf.iris import POLES
from ptce_kg.rdf.namespaces import PTCE
from ptce_kg.store.base import Store

HTML = "text/html"
_VOCABULARY_GRAPHS = (ONTOLOGY, VOCAB, REFERENCE_LEGAL_FORMS, REFERENCE_NAF)
_GROUPINGS = {str(PTCE.Pole), str(PTCE.TerritorialGrouping), str(PTCE.Cluster)}


class UnknownResource(InputError):
    """The graph names no such resource (HTTP 404)."""

    http_status = 404


@dataclass(frozen=True)
class Page:
    """An answer: its body, media type and HTTP status."""

    body: bytes
    media_type: str
    status: int = 200


def unknown(
    iri: str, media_type: str, *, lang: str, path: str, query: dict[str, str] | None = None
) -> Page:
    """The answer for an IRI the graph does not name: the helpful HTML page with status 404;
    raises ``UnknownResource`` when RDF is asked."""
    if media_type != HTML:
        raise UnknownResource("the graph does not name this resource", where=iri)
    body = not_found_page(iri, lang, path, query or {})
    return Page(body.encode("utf-8"), media_type, 404)


def page(
    store: Store,
    iri: str,
    media_type: str,
    *,
    lang: str = "fr",
    path: str,
    query: dict[str, str] | None = None,
) -> Page:
    """The page of ``iri`` in ``media_type`` (HTML, or a key of ``rdf_forms.SYNTAXES``); a
    pole's IRI gets its sheet, with its validation verdict.

    Raises ``UnknownResource`` for an IRI the graph does not name when RDF is asked (an HTML
    request gets the helpful page, with status 404).
    """
    description = describe(store, iri, incoming=media_type == HTML)
    if not description.known:
        return unknown(iri, media_type, lang=lang, path=path, query=query)
    if media_type in SYNTAXES:
        return Page(rdf_form(description.triples(), media_type), media_type)
    described = described_graphs(store)
    labels = term_labels(vocabulary_labels(store, version(described, _VOCABULARY_GRAPHS)))
    labels.update(description.labels)
    view = resource_view(description, labels, lang, sources(described, description.graphs()))
    types = {v.value for v in description.values(str(RDF.type)) if isinstance(v, NamedNode)}
    if iri.startswith(POLES) and "/" not in iri[len(POLES) :] and types & _GROUPINGS:
        sheet = pole_sheet(store, iri)
        labels.update(sheet.labels)
        verdict = sheet_verdict(store, iri[len(POLES) :], lang, described)
        body = pole_page(view, sheet, labels, lang, path, verdict)
    else:
        body = resource_page(view, lang, path, query or {})
    return Page(body.encode("utf-8"), media_type)
