"""Query answers as bytes: the one media type → format map, result caps (the media type is
``sparql.negotiation``'s choice).

A result past ``max_rows`` or ``max_bytes`` is an error (``ResultTooLarge`` → HTTP 413), never a
silently truncated body. Nothing here runs a query: the caller hands over what ``Store.query``
returned.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any, Literal, TypeVar, cast

from pyoxigraph import (
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    parse_query_results,
    serialize,
)

from ptce_kg.errors import ResultTooLarge

Kind = Literal["select", "ask", "graph"]

#: The one map from the media types we answer in to pyoxigraph's serialisers.
RESULT_FORMATS = {
    "application/sparql-results+json": QueryResultsFormat.JSON,
    "application/sparql-results+xml": QueryResultsFormat.XML,
    "text/csv": QueryResultsFormat.CSV,
    "text/tab-separated-values": QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "text/turtle": RdfFormat.TURTLE,
    "application/n-triples": RdfFormat.N_TRIPLES,
    "application/ld+json": RdfFormat.JSON_LD,
    "application/rdf+xml": RdfFormat.RDF_XML,
}
_MESSAGE_LIMIT = 600  # parser messages list every expected token; keep the useful start
_POSITION = re.compile(r"\b1:(\d+)")

T = TypeVar("T")


@dataclass(frozen=True)
class SerialisedResult:
    """A serialised query answer."""

    body: bytes
    media_type: str
    kind: Kind


class _CappedWriter:
    """A binary sink that refuses to grow past ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise ResultTooLarge(f"the result is larger than {self.limit} bytes")
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Part of the file protocol the serialisers call."""

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


def _too_many_rows(limit: int) -> ResultTooLarge:
    return ResultTooLarge(f"the result has more than {limit} rows; add LIMIT or narrow the query")


def _capped(items: Iterable[T], limit: int) -> Iterator[T]:
    for n, item in enumerate(items, start=1):
        if n > limit:
            raise _too_many_rows(limit)
        yield item


def serialise(result: Any, media_type: str, max_rows: int, max_bytes: int) -> SerialisedResult:
    """``result`` (what ``Store.query`` returned) in ``media_type``, within the caps.

    Raises ResultTooLarge past ``max_rows`` rows or ``max_bytes`` bytes.
    """
    writer = _CappedWriter(max_bytes)
    if isinstance(result, (QueryTriples, list)):  # a remote store gives a list
        serialize(_capped(result, max_rows), cast(IO[bytes], writer), GRAPH_FORMATS[media_type])
        return SerialisedResult(writer.getvalue(), media_type, "graph")
    fmt = RESULT_FORMATS[media_type]
    result.serialize(cast(IO[bytes], writer), fmt)
    body = writer.getvalue()
    kind: Kind = "select" if isinstance(result, QuerySolutions) else "ask"
    # Every row takes at least one byte in every format, so only a body at least as long as
    # the row cap can break it; only then are rows counted.
    if kind == "select" and len(body) > max_rows and _count_rows(body, fmt) > max_rows:
        raise _too_many_rows(max_rows)
    return SerialisedResult(body, media_type, kind)


def _count_rows(body: bytes, fmt: QueryResultsFormat) -> int:
    """Rows of a serialised SELECT answer."""
    if fmt == QueryResultsFormat.CSV:  # pyoxigraph refuses to parse CSV results (lossy)
        return sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8"), newline=""))) - 1
    return sum(1 for _ in cast(QuerySolutions, parse_query_results(body, fmt)))


def short_message(message: str, shift: int = 0) -> str:
    """A parser message cut to a readable length; ``shift`` undoes a prefix the caller put
    before the user's text on its first line (the column of ``1:<column>``)."""
    if shift:
        message = _POSITION.sub(lambda m: f"1:{max(int(m.group(1)) - shift, 1)}", message, count=1)
    return message if len(message) <= _MESSAGE_LIMIT else message[:_MESSAGE_LIMIT] + "…"
