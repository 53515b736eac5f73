"""The SPARQL updates the stores write themselves: generic plumbing over a graph and its
triples, never a domain term, so they are built here rather than kept in ``sparql/`` (the one
place in the package besides the query guard's lexer that writes SPARQL text; see
tests/test_declarative.py). Domain queries and updates are ``.rq`` files under ``sparql/``."""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import NamedNode, Quad


def drop_and_insert(graph: NamedNode, quads: Iterable[Quad]) -> str:
    """One update that swaps the content of ``graph`` (one transaction in Oxigraph)."""
    body = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
    return (
        f"DROP SILENT GRAPH {graph} ;\nCREATE SILENT GRAPH {graph} ;\n"
        f"INSERT DATA {{ GRAPH {graph} {{\n{body}\n}} }}"
    )


def drop(graph: NamedNode) -> str:
    """Remove ``graph`` (no error when absent)."""
    return f"DROP SILENT GRAPH {graph}"


def delete_chunk(graph: NamedNode, size: int) -> str:
    """Delete at most ``size`` triples of ``graph``: the graph is bound inside the sub-select,
    which a VALUES binding outside it would not reach."""
    return (
        f"DELETE {{ GRAPH {graph} {{ ?s ?p ?o }} }} WHERE {{ {{ SELECT ?s ?p ?o "
        f"WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }} LIMIT {size} }} }}"
    )


def not_empty(graph: NamedNode) -> str:
    """Ask whether ``graph`` holds a triple."""
    return f"ASK {{ GRAPH {graph} {{ ?s ?p ?o }} }}"
