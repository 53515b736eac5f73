"""An endpoint's answers read as pyoxigraph results, with what engines are known to write
differently from the W3C formats mended first (the remote backend's one reader).

Virtuoso 7 writes, in SPARQL results JSON, blank nodes as ``nodeID://b10001`` (not a valid
blank node label), booleans as ``"1"``/``"0"`` (valid lexical forms, but not the canonical
ones every other engine and our own data use) and WKT literals with its own datatype
``virtrdf:Geometry``; all three are rewritten before parsing (the WKT to ``geo:wktLiteral``,
the datatype it was written with).
"""

from __future__ import annotations

import json
from typing import Any

from pyoxigraph import QueryResultsFormat, RdfFormat, Triple, parse, parse_query_results
from rdflib.namespace import XSD

from ptce_kg.errors import StoreError
from ptce_kg.rdf.namespaces import GEO
from ptce_kg.sparql.results import QueryResult

RESULT_FORMATS = {
    "application/sparql-results+json": QueryResultsFormat.JSON,
    "application/sparql-results+xml": QueryResultsFormat.XML,
    "text/tab-separated-values": QueryResultsFormat.TSV,
}
RDF_FORMATS = {
    "application/n-triples": RdfFormat.N_TRIPLES,
    "text/turtle": RdfFormat.TURTLE,
    "application/rdf+xml": RdfFormat.RDF_XML,
}

_VIRTUOSO_BLANK = "nodeID://"
_BOOLEAN = str(XSD.boolean)
_CANONICAL_BOOLEANS = {"1": "true", "0": "false"}
_VIRTUOSO_GEOMETRY = "http://www.openlinksw.com/schemas/virtrdf#Geometry"


def read_answer(content: bytes, media_type: str) -> QueryResult:
    """The result in ``content`` (of ``media_type``); raises ``StoreError`` for a media type
    that is neither SPARQL results nor RDF, ``SyntaxError`` for a malformed document."""
    if media_type == "application/sparql-results+json":
        return parse_query_results(_mended_json(content), QueryResultsFormat.JSON)
    if media_type in RESULT_FORMATS:
        return parse_query_results(content, RESULT_FORMATS[media_type])
    if media_type in RDF_FORMATS:
        return [
            Triple(q.subject, q.predicate, q.object)
            for q in parse(content, RDF_FORMATS[media_type])
        ]
    raise StoreError(f"the endpoint answered with an unexpected media type {media_type!r}")


def _mended_json(content: bytes) -> bytes:
    """``content`` with Virtuoso's blank nodes, booleans and geometries rewritten (as is when
    it has none: most answers are not decoded twice)."""
    if not any(
        mark.encode() in content for mark in (_VIRTUOSO_BLANK, _BOOLEAN, _VIRTUOSO_GEOMETRY)
    ):
        return content
    document = json.loads(content)
    for row in document.get("results", {}).get("bindings", ()):
        for term in row.values():
            _mend(term)
    return json.dumps(document).encode()


def _mend(term: dict[str, Any]) -> None:
    value = term.get("value")
    if term.get("type") == "bnode" and isinstance(value, str):
        term["value"] = value.removeprefix(_VIRTUOSO_BLANK)
    elif term.get("datatype") == _BOOLEAN and value in _CANONICAL_BOOLEANS:
        term["value"] = _CANONICAL_BOOLEANS[value]
    elif term.get("datatype") == _VIRTUOSO_GEOMETRY:
        term["datatype"] = str(GEO.wktLiteral)
