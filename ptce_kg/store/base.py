"""The store interface every backend implements (embedded Oxigraph, remote SPARQL endpoint).

The store layer knows RDF and SPARQL, nothing of validation, import or the API.
Terms crossing this interface are pyoxigraph terms (``NamedNode``, ``Literal``, ``Quad``…).

Writes are graph-at-a-time: ``replace_graph`` and ``add_to_graph`` read the whole input before
anything is written, so an input that fails half way (a parse error raised by the iterable)
leaves the store exactly as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from pyoxigraph import NamedNode, Quad, Triple

from ptce_kg.sparql.results import QueryResult


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
    ) -> QueryResult:
        """Run a SPARQL query; ``substitutions`` pre-bind variables (name without ``?``).

        Raises ``QueryError`` on a malformed query, ``StoreError`` when the backend fails.
        """

    def update(self, sparql: str) -> None:
        """Run a SPARQL update (one transaction)."""

    def replace_graph(self, graph: str, quads_or_triples: Iterable[Quad | Triple]) -> int:
        """Replace the content of ``graph`` atomically; return the triple count written.

        The graph name of each quad is ignored: everything goes into ``graph``.
        """

    def add_to_graph(self, graph: str, quads_or_triples: Iterable[Quad | Triple]) -> int:
        """Add triples to ``graph`` atomically; return the count given."""

    def add_constructed(self, graph: str, construct: str) -> None:
        """Add the triples of a CONSTRUCT query over this store to ``graph``, the fast way: not
        atomic (a failure may leave part of them written); raises ``QueryError`` on a malformed
        query."""

    def drop_graph(self, graph: str) -> None:
        """Remove a named graph (no error when absent)."""

    def graphs(self) -> list[GraphInfo]:
        """List the named graphs with their sizes, sorted by IRI."""

    def graph_names(self) -> list[str]:
        """List the named graphs' IRIs, sorted, without counting their triples."""

    def quads(self, graph: str | None = None) -> Iterator[Quad]:
        """Iterate the quads of a graph (all graphs when None)."""

    def unit_of_work(self) -> AbstractContextManager[None]:
        """Mark the writes made inside it as one change. The stores write each call at once
        (this is no transaction); a wrapper that acts after writes (the query service's
        ``RefreshingStore``) acts once, when the outermost unit ends."""

    @property
    def folder(self) -> Path | None:
        """The store's folder on disk when ``snapshot`` can copy it, else None."""

    def snapshot(self, path: Path) -> None:
        """Write a consistent copy of the store to the new folder ``path``, for read-only use
        (on disk, hard links where it can: a few ms). Raises ``StoreError`` when this store
        cannot (``folder`` is None: in memory, remote) or the copy fails."""

    def close(self) -> None:
        """Release resources."""


__all__ = ["GraphInfo", "NamedNode", "QueryResult", "Store"]
