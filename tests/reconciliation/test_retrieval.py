"""Candidate retrieval at scale: the right unit must reach the scorer among many namesakes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pyoxigraph import Literal, NamedNode, Quad
from rdflib.namespace import RDF, RDFS

from ptce_kg.rdf import graphs
from ptce_kg.rdf.iris import legal_unit_iri
from ptce_kg.rdf.namespaces import PTCE
from ptce_kg.reconciliation.index import ReconIndex
from ptce_kg.reconciliation.matching import CANDIDATES, Query, reconcile
from ptce_kg.store import OxigraphStore

TARGET = legal_unit_iri("100000000")


def unit(siren: str, name: str) -> list[Quad]:
    iri, graph = NamedNode(legal_unit_iri(siren)), NamedNode(graphs.SIRENE)
    return [
        Quad(iri, NamedNode(str(RDF.type)), NamedNode(str(PTCE.LegalUnit)), graph),
        Quad(iri, NamedNode(str(PTCE.siren)), Literal(siren), graph),
        Quad(iri, NamedNode(str(RDFS.label)), Literal(name), graph),
    ]


@pytest.fixture(scope="module")
def crowded() -> Iterator[ReconIndex]:
    """``JARDINS DE COCAGNE PROVENCE`` among more namesakes ``JARDINS DE PROVENCE`` than a
    search window holds: shorter names, so BM25 ranks every one of them first."""
    quads = unit("100000000", "JARDINS DE COCAGNE PROVENCE")
    for n in range(2 * CANDIDATES):
        quads += unit(f"2{n:08d}", "JARDINS DE PROVENCE")
    store = OxigraphStore()
    store.replace_graph(graphs.SIRENE, quads)
    index = ReconIndex(None)
    index.refresh(store)
    yield index
    index.close()
    store.close()


@pytest.mark.parametrize(
    "written",
    [
        "Jardins de Cocagne Provence",
        "jardins ccoagne provence",  # a typo in the first four letters: no prefix finds it
        "jardins de cocagen provence",
        "JARDIN COCAGNE PROVENCE",  # a letter dropped from a word all the namesakes share
    ],
)
def test_the_unit_is_found_among_namesakes_sharing_its_common_words(
    crowded: ReconIndex, written: str
) -> None:
    found = reconcile(crowded, Query(written, ("legal-unit",)))
    assert found[0].entity.iri == TARGET, [c.entity.name for c in found]
    assert found[0].score > 80
