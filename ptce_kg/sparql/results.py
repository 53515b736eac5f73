"""Query results as text: a plain table, or the standard SPARQL results / RDF serialisations."""

from __future__ import annotations

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    serialize,
)

from ptce_kg.store.base import QueryResult

# csv/tsv/json are the W3C SPARQL 1.1 results formats; turtle/ntriples apply to CONSTRUCT/DESCRIBE.
FORMATS = ("table", "csv", "tsv", "json", "turtle", "ntriples")
_RESULTS = {
    "csv": QueryResultsFormat.CSV,
    "tsv": QueryResultsFormat.TSV,
    "json": QueryResultsFormat.JSON,
}


def _cell(term: NamedNode | BlankNode | Literal | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Literal) and term.language:
        return f"{term.value}@{term.language}"
    return term.value


def _table(solutions: QuerySolutions) -> str:
    names = [v.value for v in solutions.variables]
    rows = [[_cell(solution[name]) for name in names] for solution in solutions]
    widths = [max([len(n), *(len(r[i]) for r in rows)]) for i, n in enumerate(names)]
    lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def render(result: QueryResult, fmt: str) -> bytes:
    """``result`` in ``fmt`` (one of ``FORMATS``); graph results are N-Triples unless ``turtle``."""
    if isinstance(result, QuerySolutions):
        if fmt in _RESULTS:
            return result.serialize(format=_RESULTS[fmt])
        return _table(result).encode()
    if isinstance(result, (QueryBoolean, bool)):
        if fmt == "json":
            return f'{{"head":{{}},"boolean":{str(bool(result)).lower()}}}\n'.encode()
        return f"{str(bool(result)).lower()}\n".encode()
    rdf_format = RdfFormat.TURTLE if fmt == "turtle" else RdfFormat.N_TRIPLES
    return serialize(result, format=rdf_format)
