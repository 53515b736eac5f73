"""Query results as text: a plain table, or the standard SPARQL results / RDF serialisations."""

from __future__ import annotations

from typing import cast

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    Triple,
    serialize,
)

from ptce_kg.sparql.serialisation import GRAPH_FORMATS, RESULT_FORMATS

#: What ``Store.query`` returns: solutions (SELECT), a boolean (ASK; use ``bool(result)``),
#: or triples (CONSTRUCT/DESCRIBE: ``QueryTriples`` embedded, a list of ``Triple`` remote).
QueryResult = QuerySolutions | QueryBoolean | QueryTriples | list[Triple]

# csv/tsv/json are the W3C SPARQL 1.1 results formats; turtle/ntriples apply to CONSTRUCT/DESCRIBE.
FORMATS = ("table", "csv", "tsv", "json", "turtle", "ntriples")
# The command line's format names for media types of ``serialisation``'s one format map.
_MEDIA_TYPES = {
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "json": "application/sparql-results+json",
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
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
        if fmt in ("csv", "tsv", "json"):
            return cast(bytes, result.serialize(format=RESULT_FORMATS[_MEDIA_TYPES[fmt]]))
        return _table(result).encode()
    if isinstance(result, (QueryBoolean, bool)):
        if fmt == "json":
            return f'{{"head":{{}},"boolean":{str(bool(result)).lower()}}}\n'.encode()
        return f"{str(bool(result)).lower()}\n".encode()
    media_type = _MEDIA_TYPES.get(fmt, "application/n-triples")  # table: N-Triples
    return cast(bytes, serialize(result, format=GRAPH_FORMATS[media_type]))


def solutions(result: QueryResult) -> QuerySolutions:
    """The rows of a SELECT's ``result``; raises TypeError for another query form (the caller's
    query text is wrong)."""
    if not isinstance(result, QuerySolutions):
        raise TypeError(f"a SELECT query was expected, its result is {type(result).__name__}")
    return result


def triples(result: QueryResult) -> QueryTriples | list[Triple]:
    """The triples of a CONSTRUCT's ``result``; raises TypeError for another query form (the
    caller's query text is wrong)."""
    if not isinstance(result, (QueryTriples, list)):
        raise TypeError(f"a CONSTRUCT query was expected, its result is {type(result).__name__}")
    return result
