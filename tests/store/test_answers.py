"""Reading an endpoint's answers: Virtuoso's blank nodes, booleans and geometries become W3C
terms (from a
real Virtuoso answer, tests/store/data), other answers are read as they are."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, QuerySolutions

from ptce_kg.errors import StoreError
from ptce_kg.store.answers import read_answer

VIRTUOSO_ANSWER = Path(__file__).parent / "data" / "virtuoso-answer.json"
BOOLEAN = NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
JSON = "application/sparql-results+json"
WKT = NamedNode("http://www.opengis.net/ont/geosparql#wktLiteral")


def test_virtuoso_blank_nodes_booleans_and_geometries_are_read_as_w3c_terms() -> None:
    answer = read_answer(VIRTUOSO_ANSWER.read_bytes(), JSON)
    assert isinstance(answer, QuerySolutions)
    rows = [(r["s"], r["o"]) for r in answer]
    node = rows[0][1]
    assert isinstance(node, BlankNode) and node.value == "b10116"
    assert rows[0][0] == NamedNode("https://example.org/s")
    assert rows[1:] == [
        (node, Literal("true", datatype=BOOLEAN)),
        (node, Literal("false", datatype=BOOLEAN)),
        (node, Literal("Sarthe", language="fr")),
        # written "POINT(-0.3553640 43.2777212)": Virtuoso keeps the geometry, not the text
        (node, Literal("POINT(-0.355364 43.2777212)", datatype=WKT)),
    ]


def test_other_answers_are_read_as_they_are() -> None:
    document = (
        b'{"head": {"vars": ["o"]}, "results": {"bindings": [{"o": {"type": "literal", '
        b'"datatype": "http://www.w3.org/2001/XMLSchema#integer", "value": "1"}}]}}'
    )
    (row,) = read_answer(document, JSON)
    assert row["o"] == Literal("1", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    triples = read_answer(b"<urn:a> <urn:b> _:c .\n", "application/n-triples")
    assert isinstance(triples, list) and isinstance(triples[0].object, BlankNode)


def test_an_unexpected_media_type_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="text/html"):
        read_answer(b"<html></html>", "text/html")
