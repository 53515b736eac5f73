"""Every ptce: term and vocabulary concept the importers, rules and demo data write exists."""

from __future__ import annotations

from pyoxigraph import NamedNode, RdfFormat, parse

from ptce_kg.kg.demo import demo_graphs
from ptce_kg.kg.importers.recherche_entreprises import import_recherche_entreprises
from ptce_kg.kg.importers.sirene import import_sirene
from ptce_kg.kg.linking import rebuild_derived
from ptce_kg.rdf.resources import ontology_dir
from tests.importers.conftest import DATA, load_turtle

PTCE = "https://w3id.org/ptce/ontology#"
VOCAB = "https://w3id.org/ptce/vocab/"


def declared() -> set[str]:
    files = [ontology_dir() / "ptce.ttl", *sorted((ontology_dir() / "vocab").glob("*.ttl"))]
    return {
        str(q.subject.value)
        for path in files
        for q in parse(path=path, format=RdfFormat.TURTLE)
        if isinstance(q.subject, NamedNode)
    }


def test_written_terms_are_declared(store):
    for graph, quads, _ in demo_graphs():
        store.replace_graph(graph, quads)
    import_sirene(store, DATA / "StockUniteLegale_test.csv", DATA / "StockEtablissement_test.csv")
    import_recherche_entreprises(store, sorted(DATA.glob("search-*.json")))
    load_turtle(store, DATA / "pole-links.ttl", "https://w3id.org/ptce/graph/pole/test-liens")
    rebuild_derived(store)
    used = set()
    for quad in store.quads():
        for term in (quad.predicate, quad.object):
            iri = str(term.value) if isinstance(term, NamedNode) else ""
            # Legal forms are reference data built at init, not files of ontology/vocab.
            if iri.startswith(PTCE) or (iri.startswith(VOCAB) and "/legal-form/" not in iri):
                used.add(iri)
    assert used, "nothing checked"
    assert sorted(used - declared()) == []
