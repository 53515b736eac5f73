"""The reconciliation index (in memory) of the store ``ptce-kg init`` fills (``demo_store``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ptce_kg.reconciliation.index import ReconIndex
from ptce_kg.store import OxigraphStore


@pytest.fixture(scope="session")
def index(demo_store: OxigraphStore) -> Iterator[ReconIndex]:
    index = ReconIndex(None)
    index.refresh(demo_store)
    yield index
    index.close()
