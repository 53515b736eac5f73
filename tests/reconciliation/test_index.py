"""The index follows the store: a graph gone is dropped, a graph changed is read again."""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import NamedNode, Quad, RdfFormat, parse

from ptce_kg.rdf import graphs
from ptce_kg.rdf.resources import data_dir
from ptce_kg.reconciliation.index import ReconIndex
from ptce_kg.reconciliation.matching import Query, reconcile
from ptce_kg.reconciliation.service import Reconciler, index_location
from ptce_kg.store import OxigraphStore

POLE_FILE = data_dir() / "demo" / "sarthe-exemple.ttl"
GRAPH = graphs.graph_iri("pole/sarthe-exemple")


def test_a_pole_graph_loaded_then_dropped() -> None:
    store = OxigraphStore()
    target = NamedNode(GRAPH)
    store.replace_graph(
        GRAPH,
        [
            Quad(q.subject, q.predicate, q.object, target)
            for q in parse(path=POLE_FILE, format=RdfFormat.TURTLE)
        ],
    )
    index = ReconIndex(None)
    try:
        assert index.refresh(store).refreshed == [GRAPH]
        found = reconcile(index, Query("pole sarthe", ("pole",)))
        assert found and found[0].entity.graph == GRAPH
        store.drop_graph(GRAPH)
        summary = index.refresh(store)
        assert summary.dropped == [GRAPH] and summary.entities == 0
        assert reconcile(index, Query("pole sarthe", ("pole",))) == []
    finally:
        index.close()
        store.close()


def test_a_served_index_follows_a_write_in_the_background(tmp_path: Path) -> None:
    store = OxigraphStore(tmp_path / "store")
    target = NamedNode(GRAPH)
    quads = [
        Quad(q.subject, q.predicate, q.object, target)
        for q in parse(path=POLE_FILE, format=RdfFormat.TURTLE)
    ]
    store.replace_graph(GRAPH, quads)
    reconciler = Reconciler(store, index_location(store, tmp_path / "store"))
    try:
        assert reconcile(reconciler.index(), Query("pole sarthe", ("pole",)))
        assert (tmp_path / "store.reconcile.sqlite").is_file()
        store.drop_graph(GRAPH)
        refresh = reconciler.mark_stale()
        assert refresh is not None
        refresh.join()
        assert reconcile(reconciler.index(), Query("pole sarthe", ("pole",))) == []
    finally:
        reconciler.close()
        store.close()
