"""Fixtures of the importer/linking tests: a real Oxigraph store, the fixture files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Quad, RdfFormat

from tests.importers.store_adapter import make_store

DATA = Path(__file__).parent / "data"
GRAPH = "https://w3id.org/ptce/graph/"


@pytest.fixture
def store() -> Iterator[object]:
    s = make_store()
    yield s
    s.close()


@pytest.fixture
def reference_store(store):
    """A store with the reference subset (legal-form families, COG parents)."""
    load_turtle(store, DATA / "reference-subset.ttl", f"{GRAPH}reference/legal-forms")
    return store


def load_turtle(store, path: Path, graph: str) -> None:
    from pyoxigraph import parse

    target = NamedNode(graph)
    store.replace_graph(
        graph,
        [Quad(q.subject, q.predicate, q.object, target) for q in parse(path=path, format=RdfFormat.TURTLE)],
    )


def dump(store) -> list[str]:
    """Every quad of the store, sorted (to compare two states)."""
    return sorted(str(q) for q in store.quads())
