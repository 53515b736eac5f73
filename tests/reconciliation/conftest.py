"""A store holding what ``ptce-kg init`` loads, and its reconciliation index (in memory)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ptce_kg.kg.initialise import initialise
from ptce_kg.reconciliation.index import ReconIndex
from ptce_kg.store import OxigraphStore


@pytest.fixture(scope="session")
def demo_store() -> Iterator[OxigraphStore]:
    store = OxigraphStore()
    initialise(store)
    yield store
    store.close()


@pytest.fixture(scope="session")
def index(demo_store: OxigraphStore) -> Iterator[ReconIndex]:
    index = ReconIndex(None)
    index.refresh(demo_store)
    yield index
    index.close()
