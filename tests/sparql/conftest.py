"""Fixtures of the catalogue tests: the source facts the expected results are computed from,
and the init store plus one fictitious pole that shares members with two example poles."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ptce_kg.kg.initialise import initialise
from ptce_kg.kg.linking import rebuild_derived
from ptce_kg.runtime.query_service import QueryService
from ptce_kg.settings import Settings
from ptce_kg.sparql.catalogue import Catalogue
from ptce_kg.store import OxigraphStore
from tests.helpers.catalogue import Runner, Sources, catalogue_runner
from tests.helpers.stores import load_turtle

SHARED_FIXTURE = Path(__file__).parent / "data" / "partage-exemple.ttl"
SHARED_GRAPH = "https://w3id.org/ptce/graph/pole/partage-exemple"


@pytest.fixture(scope="session")
def sources(demo_store: OxigraphStore) -> Sources:
    return Sources(demo_store)


@pytest.fixture(scope="session")
def shared_fixture() -> Path:
    """The fictitious pole's file (tests/sparql/data/partage-exemple.ttl)."""
    return SHARED_FIXTURE


@pytest.fixture(scope="session")
def shared_store() -> Iterator[OxigraphStore]:
    """The init store plus one fictitious pole that shares members with two example poles."""
    store = OxigraphStore()
    initialise(store)
    load_turtle(store, SHARED_FIXTURE, SHARED_GRAPH)
    rebuild_derived(store)
    yield store
    store.close()


@pytest.fixture(scope="session")
def run_shared(shared_store: OxigraphStore, catalogue: Catalogue) -> Iterator[Runner]:
    service = QueryService(Settings(), shared_store)
    yield catalogue_runner(service, catalogue)
    service.close()
