"""The SPARQL updates built from a graph and its triples: generic plumbing that names no domain
term, so it is written here rather than kept in ``sparql/`` (the one place in the package
besides the query guard's lexer that writes SPARQL text; see tests/test_declarative.py). The
stores use it, and writers that must add triples in the same transaction as a bound ``.rq``
update (``in_sequence``). Domain queries and updates are ``.rq`` files under ``sparql/``."""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import NamedNode, Quad, Triple


def insert_data(graph: NamedNode, triples: Iterable[Quad | Triple]) -> str:
    """Add ``triples`` to ``graph`` (the graph of a quad is ignored)."""
    body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
    return f"INSERT DATA {{ GRAPH {graph} {{\n{body}\n}} }}"


def delete_data(graph: NamedNode, triples: Iterable[Quad | Triple]) -> str:
    """Remove ``triples`` from ``graph`` (the graph of a quad is ignored)."""
    body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
    return f"DELETE DATA {{ GRAPH {graph} {{\n{body}\n}} }}"


def drop_and_insert(graph: NamedNode, quads: Iterable[Quad]) -> str:
    """One update that swaps the content of ``graph`` (one transaction in Oxigraph)."""
    return in_sequence(
        f"DROP SILENT GRAPH {graph}", f"CREATE SILENT GRAPH {graph}", insert_data(graph, quads)
    )


def in_sequence(*updates: str) -> str:
    """Several updates as one request: one transaction in Oxigraph."""
    return " ;\n".join(updates)


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
