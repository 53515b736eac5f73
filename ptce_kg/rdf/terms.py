"""rdflib terms and graphs as pyoxigraph terms and triples (parsed files go into the store)."""

from __future__ import annotations

from collections.abc import Iterator

import rdflib
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_oxigraph(term: rdflib.term.Node) -> NamedNode | BlankNode | Literal:
    """One rdflib term as a pyoxigraph term."""
    if isinstance(term, rdflib.URIRef):
        return NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return Literal(str(term), language=term.language)
        return Literal(str(term), datatype=NamedNode(str(term.datatype or _XSD_STRING)))
    raise TypeError(f"unsupported RDF term {term!r}")


def triples_from_rdflib(graph: rdflib.Graph) -> Iterator[Triple]:
    """Every triple of ``graph`` (of all graphs of a Dataset) as pyoxigraph triples."""
    parts = list(graph.graphs()) if isinstance(graph, rdflib.Dataset) else [graph]
    for part in parts:
        for s, p, o in part:
            yield Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))
