"""Fixtures of the catalogue tests: a store holding exactly what ``ptce-kg init`` loads, the
query service over it, and the source facts the expected results are computed from."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Quad, RdfFormat, parse

from ptce_kg.kg.initialise import initialise
from ptce_kg.kg.linking import rebuild_derived
from ptce_kg.runtime.query_service import QueryService
from ptce_kg.settings import Settings
from ptce_kg.sparql.catalogue import Catalogue, load_catalogue
from ptce_kg.store import OxigraphStore
from tests.queries.sources import Sources

DATA = Path(__file__).parent / "data"
SHARED_FIXTURE = DATA / "partage-exemple.ttl"
SHARED_GRAPH = "https://w3id.org/ptce/graph/pole/partage-exemple"

Row = dict[str, str]
Runner = Callable[..., list[Row]]


def _runner(service: QueryService, catalogue: Catalogue) -> Runner:
    def run(name: str, **params: str) -> list[Row]:
        query = catalogue.get(name)
        assert query is not None, name
        result = service.execute(
            query.text, substitutions=query.bind(params), accept="application/sparql-results+json"
        )
        bindings = json.loads(result.body)["results"]["bindings"]
        return [{k: v["value"] for k, v in row.items()} for row in bindings]

    return run


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="session")
def demo_store() -> Iterator[OxigraphStore]:
    store = OxigraphStore()
    initialise(store)
    yield store
    store.close()


@pytest.fixture(scope="session")
def run(demo_store: OxigraphStore, catalogue: Catalogue) -> Iterator[Runner]:
    service = QueryService(Settings(), demo_store)
    yield _runner(service, catalogue)
    service.close()


@pytest.fixture(scope="session")
def sources(demo_store: OxigraphStore) -> Sources:
    return Sources(demo_store)


@pytest.fixture(scope="session")
def shared_store() -> Iterator[OxigraphStore]:
    """The init store plus one fictitious pole that shares members with two example poles."""
    store = OxigraphStore()
    initialise(store)
    graph = NamedNode(SHARED_GRAPH)
    store.replace_graph(
        SHARED_GRAPH,
        [
            Quad(q.subject, q.predicate, q.object, graph)
            for q in parse(path=SHARED_FIXTURE, format=RdfFormat.TURTLE)
        ],
    )
    rebuild_derived(store)
    yield store
    store.close()


@pytest.fixture(scope="session")
def run_shared(shared_store: OxigraphStore, catalogue: Catalogue) -> Iterator[Runner]:
    service = QueryService(Settings(), shared_store)
    yield _runner(service, catalogue)
    service.close()
