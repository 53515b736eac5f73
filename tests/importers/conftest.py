"""Fixtures of the importer/linking tests: a real Oxigraph store, the fixture files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Quad, RdfFormat, parse

from ptce_kg.rdf import graphs
from ptce_kg.reference import datasets as reference
from ptce_kg.store import OxigraphStore

DATA = Path(__file__).parent / "data"


@pytest.fixture
def store() -> Iterator[OxigraphStore]:
    """The embedded store, in memory."""
    s = OxigraphStore()
    yield s
    s.close()


# Communes the fixtures and the demo data use (with every area above them).
COMMUNES = (
    "72181",
    "72003",
    "72095",
    "72260",
    "44109",
    "44132",
    "44184",
    "44069",
    "26281",
    "26362",
    "64373",
    "49007",
    "34276",
    "92040",
    "75056",
    "69123",
    "13055",
)


@pytest.fixture(scope="session")
def reference_quads() -> list[Quad]:
    """The real reference data the rules need: every legal form, the COG around COMMUNES."""
    cog = reference.reference_subset(commune_codes=COMMUNES)
    forms = NamedNode(graphs.REFERENCE_LEGAL_FORMS)
    target = NamedNode(graphs.REFERENCE_COG)
    quads = [Quad(t.subject, t.predicate, t.object, forms) for t in reference.legal_form_triples()]
    text = cog.serialize(format="nt")
    quads += [
        Quad(q.subject, q.predicate, q.object, target)
        for q in parse(text, format=RdfFormat.N_TRIPLES)
    ]
    return quads


@pytest.fixture
def reference_store(store, reference_quads):
    """A store with the reference data (legal forms with ESS families, COG parents)."""
    for graph in (graphs.REFERENCE_LEGAL_FORMS, graphs.REFERENCE_COG):
        store.replace_graph(graph, [q for q in reference_quads if q.graph_name.value == graph])
    return store


def load_turtle(store, path: Path, graph: str) -> None:
    target = NamedNode(graph)
    store.replace_graph(
        graph,
        [
            Quad(q.subject, q.predicate, q.object, target)
            for q in parse(path=path, format=RdfFormat.TURTLE)
        ],
    )


def dump(store, graph: str | None = None) -> list[str]:
    """Every quad of the store (or of one graph), sorted, to compare two states."""
    return sorted(str(q) for q in store.quads(graph))
