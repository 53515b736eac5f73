"""The one-graph store pySHACL reads: the same triples as rdflib's Memory store for every
pattern, a constant-time size, removal, bindings copied, and pySHACL accepting it."""

from __future__ import annotations

from itertools import product
from pathlib import Path

import pyshacl
import pytest
import rdflib
from pyshacl.graph_abstraction import DataGraph

from ptce_kg.validation.graphstore import OneGraphStore, one_graph_copy

DATA = Path(__file__).parent / "data"
EX = rdflib.Namespace("https://example.org/")


@pytest.fixture(scope="module")
def memory() -> rdflib.Graph:
    graph = rdflib.Graph().parse(DATA / "base-pole.ttl")
    graph.bind("ex", EX)
    return graph


def test_every_pattern_matches_the_same_triples_as_memory(memory: rdflib.Graph) -> None:
    copy = one_graph_copy(memory)
    assert isinstance(copy.store, OneGraphStore)
    assert len(copy) == len(memory) > 50
    # Patterns built from real triples (each position bound or not) and from absent terms.
    seeds = list(memory)[::3] + [(EX.nothing, EX.nothing, rdflib.Literal("nothing"))]
    for s, p, o in seeds:
        for bound in product((True, False), repeat=3):
            pattern = tuple(t if keep else None for t, keep in zip((s, p, o), bound, strict=True))
            assert sorted(copy.triples(pattern)) == sorted(memory.triples(pattern)), pattern


def test_a_triple_added_twice_is_held_once_and_removal_follows_patterns() -> None:
    graph = rdflib.Graph(store=OneGraphStore())
    graph.add((EX.a, EX.p, EX.b))
    graph.add((EX.a, EX.p, EX.b))
    graph.add((EX.a, EX.q, rdflib.Literal("1", datatype=rdflib.XSD.integer)))
    graph.add((EX.c, EX.p, EX.b))
    assert len(graph) == 3
    graph.remove((None, EX.p, EX.b))
    assert len(graph) == 1
    assert list(graph) == [(EX.a, EX.q, rdflib.Literal("1", datatype=rdflib.XSD.integer))]
    assert list(graph.triples((None, EX.p, None))) == []
    assert list(graph.subjects(None, EX.b)) == []


def test_the_copy_keeps_literals_exact_and_the_bindings(memory: rdflib.Graph) -> None:
    copy = one_graph_copy(memory)
    assert dict(copy.namespaces())["ex"] == rdflib.URIRef(EX)
    literals = {o for o in memory.objects() if isinstance(o, rdflib.Literal)}
    copied = {o for o in copy.objects() if isinstance(o, rdflib.Literal)}
    assert {(o, o.datatype, o.language) for o in copied} == {
        (o, o.datatype, o.language) for o in literals
    }


def test_pyshacl_validates_a_graph_in_it() -> None:
    shapes = rdflib.Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <https://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path ex:p ; sh:minCount 1 ] .
        """,
        format="turtle",
    )
    data = rdflib.Graph(store=OneGraphStore())
    data.add((EX.x, rdflib.RDF.type, EX.C))
    data.add((EX.y, rdflib.RDF.type, EX.C))
    data.add((EX.y, EX.p, EX.z))
    conforms, report, _ = pyshacl.Validator(
        DataGraph.from_rdflib(data), shacl_graph=shapes, options={"inference": "none"}
    ).run()
    assert not conforms
    assert set(report.objects(None, rdflib.URIRef("http://www.w3.org/ns/shacl#focusNode"))) == {
        EX.x
    }
