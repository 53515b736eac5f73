"""The rdflib store of the graphs pySHACL reads (the validation graph, the shapes graph).

rdflib's default ``Memory`` store keeps, for every triple, the contexts it belongs to and
dispatches an event: adding a triple cost about as much as pySHACL's checks of it, and every
triple read pays for its contexts too. A graph pySHACL validates is one graph: this store keeps
three dict indexes as ``SimpleMemory`` does (it inherits that store's namespace bindings) and
nothing else per triple, tells a pattern's free positions with ``is None`` (``SimpleMemory``
compares every term with ``None`` through rdflib's ``==``, a Python call) and knows its size
(``SimpleMemory`` counts its triples on every ``len``, which pySHACL takes for every result it
makes).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from rdflib.graph import Graph
from rdflib.plugins.stores.memory import SimpleMemory
from rdflib.term import Node

_Triple = tuple[Any, Any, Any]
_Pattern = tuple[Any, Any, Any]
_NO_CONTEXTS: tuple[Graph | None, ...] = ()


class OneGraphStore(SimpleMemory):
    """The store of one rdflib graph: give it to a single ``rdflib.Graph(store=...)``.

    pySHACL accepts only context-aware, graph-aware stores; one that holds a single graph is
    both trivially (the context of every triple is that graph), so the flags say so. It is not
    for a Dataset: the contexts are ignored.
    """

    context_aware = True
    graph_aware = True

    def __init__(self) -> None:
        super().__init__()
        self._spo: dict[Node, dict[Node, dict[Node, None]]] = {}
        self._pos: dict[Node, dict[Node, dict[Node, None]]] = {}
        self._osp: dict[Node, dict[Node, dict[Node, None]]] = {}
        self._size = 0

    def add(self, triple: _Triple, context: Any = None, quoted: bool = False) -> None:
        """Add one triple (once: a second add of it changes nothing)."""
        s, p, o = triple
        objects = self._spo.setdefault(s, {}).setdefault(p, {})
        if o in objects:
            return
        objects[o] = None
        self._pos.setdefault(p, {}).setdefault(o, {})[s] = None
        self._osp.setdefault(o, {}).setdefault(s, {})[p] = None
        self._size += 1

    def addN(self, quads: Iterable[tuple[Any, Any, Any, Any]]) -> None:  # noqa: N802 -- rdflib's name
        """Add each quad's triple (the context is this store's one graph)."""
        for s, p, o, _ in quads:
            self.add((s, p, o))

    def remove(self, triple: _Pattern, context: Any = None) -> None:
        """Remove the triples matching the pattern (``None`` matches anything)."""
        for (s, p, o), _ in list(self.triples(triple)):
            _discard(self._spo, s, p, o)
            _discard(self._pos, p, o, s)
            _discard(self._osp, o, s, p)
            self._size -= 1

    def triples(
        self, triple_pattern: _Pattern, context: Any = None
    ) -> Iterator[tuple[_Triple, Iterator[Graph | None]]]:
        """The triples matching the pattern (``None`` matches anything), each with no context
        listed (every one is in this store's one graph). The indexes are copied level by level
        as they are read: a caller may add or remove triples while it iterates."""
        s, p, o = triple_pattern
        if s is not None:
            by_predicate = self._spo.get(s, {})
            predicates = (p,) if p is not None else tuple(by_predicate)
            for q in predicates:
                objects = by_predicate.get(q, {})
                if o is None:
                    for x in tuple(objects):
                        yield (s, q, x), iter(_NO_CONTEXTS)
                elif o in objects:
                    yield (s, q, o), iter(_NO_CONTEXTS)
        elif p is not None:
            by_object = self._pos.get(p, {})
            values = (o,) if o is not None else tuple(by_object)
            for y in values:
                for x in tuple(by_object.get(y, {})):
                    yield (x, p, y), iter(_NO_CONTEXTS)
        elif o is not None:
            for x, predicates_of in tuple(self._osp.get(o, {}).items()):
                for q in tuple(predicates_of):
                    yield (x, q, o), iter(_NO_CONTEXTS)
        else:
            for x, by_predicate in tuple(self._spo.items()):
                for q, objects in tuple(by_predicate.items()):
                    for y in tuple(objects):
                        yield (x, q, y), iter(_NO_CONTEXTS)

    def __len__(self, context: Any = None) -> int:
        return self._size


def _discard(index: dict[Node, dict[Node, dict[Node, None]]], a: Node, b: Node, c: Node) -> None:
    """Drop ``c`` from ``index[a][b]``, and the emptied levels with it."""
    inner = index[a][b]
    del inner[c]
    if not inner:
        del index[a][b]
        if not index[a]:
            del index[a]


def one_graph_copy(graph: Graph) -> Graph:
    """A copy of ``graph`` (its triples and namespace bindings) in a :class:`OneGraphStore`."""
    copy = Graph(store=OneGraphStore())
    for prefix, namespace in graph.namespaces():
        copy.bind(prefix, namespace, override=True, replace=True)
    for triple in graph:
        copy.add(triple)
    return copy
