"""Terms between rdflib and pyoxigraph: parsed files go into the store, stored triples into
rdflib graphs (validation, reference subsets). The one converter of each direction."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import rdflib
from pyoxigraph import BlankNode, Literal, NamedNode, Triple
from rdflib.namespace import XSD

_XSD_STRING = str(XSD.string)
# rdflib checks every IRI it builds; the same IRIs (reference data, vocabularies) come back for
# every validated pole, so each is built once.
_iri = lru_cache(maxsize=2**16)(rdflib.URIRef)
# The other way too: the predicates, types and vocabulary IRIs of every pole are the same ones.
_named_node = lru_cache(maxsize=2**16)(NamedNode)


def to_oxigraph(term: rdflib.term.Node) -> NamedNode | BlankNode | Literal:
    """One rdflib term as a pyoxigraph term."""
    if isinstance(term, rdflib.URIRef):
        return _named_node(str(term))
    if isinstance(term, rdflib.BNode):
        return BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return Literal(str(term), language=term.language)
        return Literal(str(term), datatype=NamedNode(str(term.datatype or _XSD_STRING)))
    raise TypeError(f"unsupported RDF term {term!r}")


def to_rdflib(term: NamedNode | BlankNode | Literal | Triple) -> rdflib.term.Identifier:
    """One pyoxigraph term as an rdflib term (plain strings get no datatype, as rdflib reads
    them); TypeError for a quoted triple (RDF-star), which rdflib does not have."""
    if isinstance(term, NamedNode):
        return _iri(term.value)
    if isinstance(term, BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, Triple):
        raise TypeError(f"unsupported RDF term {term!r}")
    return _literal(term)


@lru_cache(maxsize=2**16)
def _literal(term: Literal) -> rdflib.Literal:
    """rdflib parses every literal's value as it builds it; the same ones (reference names and
    codes, the helper flags' ``true``) come back for every validated pole: each is built once."""
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == _XSD_STRING:
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=_iri(term.datatype.value))


def to_oxigraph_statement(
    s: rdflib.term.Node, p: rdflib.term.Node, o: rdflib.term.Node
) -> tuple[NamedNode | BlankNode, NamedNode, NamedNode | BlankNode | Literal]:
    """One rdflib triple as the three pyoxigraph terms of a ``Triple`` or ``Quad``.

    Raises TypeError when it is not an RDF statement (a literal subject, a predicate that is not
    an IRI), as pyoxigraph itself would.
    """
    subject, predicate = to_oxigraph(s), to_oxigraph(p)
    if isinstance(subject, Literal) or not isinstance(predicate, NamedNode):
        raise TypeError(f"not an RDF statement: {s!r} {p!r} {o!r}")
    return subject, predicate, to_oxigraph(o)


def triples_from_rdflib(graph: rdflib.Graph) -> Iterator[Triple]:
    """Every triple of ``graph`` (of all graphs of a Dataset) as pyoxigraph triples."""
    parts = list(graph.graphs()) if isinstance(graph, rdflib.Dataset) else [graph]
    for part in parts:
        for s, p, o in part:
            yield Triple(*to_oxigraph_statement(s, p, o))
