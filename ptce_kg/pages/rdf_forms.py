"""A resource's statements in an RDF syntax (its page's machine-readable forms)."""

from __future__ import annotations

from pyoxigraph import RdfFormat, Triple, serialize

from ptce_kg.pages.labels import PREFIXES

SYNTAXES = {
    "text/turtle": RdfFormat.TURTLE,
    "application/ld+json": RdfFormat.JSON_LD,
    "application/n-triples": RdfFormat.N_TRIPLES,
    "application/rdf+xml": RdfFormat.RDF_XML,
}


def rdf_form(triples: list[Triple], media_type: str) -> bytes:
    """``triples`` in the syntax of ``media_type`` (a key of ``SYNTAXES``), with the usual
    prefixes where the syntax has them."""
    syntax = SYNTAXES[media_type]
    prefixes = None
    if syntax in (RdfFormat.TURTLE, RdfFormat.RDF_XML):
        prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.namespaces()}
    body = serialize(triples, format=syntax, prefixes=prefixes)
    assert body is not None  # returned, as no output was given
    return body
