"""The store the importer tests run on.

Uses the project's embedded Oxigraph store when ``ptce_kg.store`` provides it; until then, a thin
adapter over an in-memory ``pyoxigraph.Store`` implementing the Store protocol methods the
importers and linking use (the engine is the real Oxigraph either way).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pyoxigraph import NamedNode, Quad
from pyoxigraph import Store as OxStore


class _PyoxigraphAdapter:
    def __init__(self) -> None:
        self._store = OxStore()

    def query(self, sparql: str, **kwargs: object):
        return self._store.query(sparql, **kwargs)

    def update(self, sparql: str) -> None:
        self._store.update(sparql)

    def replace_graph(self, graph: str, quads: Iterable[Quad]) -> int:
        items = list(quads)
        self.drop_graph(graph)
        self._store.extend(items)
        return len(items)

    def add_to_graph(self, graph: str, quads: Iterable[Quad]) -> int:
        items = list(quads)
        self._store.extend(items)
        return len(items)

    def drop_graph(self, graph: str) -> None:
        node = NamedNode(graph)
        if node in set(self._store.named_graphs()):
            self._store.remove_graph(node)

    def quads(self, graph: str | None = None) -> Iterator[Quad]:
        return iter(self._store.quads_for_pattern(None, None, None, NamedNode(graph) if graph else None))

    def close(self) -> None:
        pass


def make_store():
    return _PyoxigraphAdapter()
