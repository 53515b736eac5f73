"""The store interface every backend implements (embedded Oxigraph, remote SPARQL endpoint).

The store layer knows RDF and SPARQL, nothing of validation, import or the API.
Terms crossing this interface are pyoxigraph terms (``NamedNode``, ``Literal``, ``Quad``…).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from pyoxigraph import NamedNode, Quad, QuerySolutions, QueryTriples


@dataclass(frozen=True)
class GraphInfo:
    """A named graph with its triple count."""

    iri: str
    triples: int


@runtime_checkable
class Store(Protocol):
    """A quad store that answers SPARQL 1.1 and loads named graphs atomically."""

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, object] | None = None,
        default_graph: Iterable[str] | None = None,
        named_graphs: Iterable[str] | None = None,
        use_default_graph_as_union: bool = False,
    ) -> QuerySolutions | QueryTriples | bool:
        """Run a SPARQL query. Raises ``QueryError`` on a malformed query."""

    def update(self, sparql: str) -> None:
        """Run a SPARQL update."""

    def replace_graph(self, graph: str, quads_or_triples: Iterable[Quad]) -> int:
        """Replace the content of ``graph`` atomically; return the triple count written."""

    def add_to_graph(self, graph: str, quads_or_triples: Iterable[Quad]) -> int:
        """Add triples to ``graph`` atomically; return the count written."""

    def drop_graph(self, graph: str) -> None:
        """Remove a named graph (no error when absent)."""

    def graphs(self) -> list[GraphInfo]:
        """List the named graphs with their sizes."""

    def quads(self, graph: str | None = None) -> Iterator[Quad]:
        """Iterate the quads of a graph (all graphs when None)."""

    def close(self) -> None:
        """Release resources."""


__all__ = ["GraphInfo", "NamedNode", "Store"]
