"""What both importers share: the import summary, the column mapping, the N-Triples stream.

An import turns its input into N-Triples lines that the store reads as they are produced, and
the target graph is written only once the last line was read. A file that fails half way (bad
encoding, truncated, missing column) leaves the store exactly as it was.
"""

from __future__ import annotations

import hashlib
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pyoxigraph import RdfFormat, parse

from ptce_kg.kg.metadata import GraphDescription, record_unless_same, sha256_of
from ptce_kg.rdf.resources import mappings_dir
from ptce_kg.reference.datasets import LO2
from ptce_kg.store.base import Store

# Lines joined and encoded at a time by NTriplesStream (about 1 MB of N-Triples).
_LINES_PER_CHUNK = 8_000


@dataclass
class ImportSummary:
    """Counts of one import: rows read, kept, skipped (with reasons), triples written, and the
    graph's size before and after (``added``: the units were added to the graph, those already
    there, ``units_replaced``, replaced by their new description; else the graph was replaced)."""

    graph: str
    added: bool = False
    before: int = 0
    after: int = 0
    units_replaced: int = 0
    units_read: int = 0
    units_kept: int = 0
    units_skipped: Counter[str] = field(default_factory=Counter)
    establishments_read: int = 0
    establishments_kept: int = 0
    establishments_skipped: Counter[str] = field(default_factory=Counter)
    triples: int = 0

    def text(self) -> str:
        """A few human-readable lines."""

        def reasons(counter: Counter[str]) -> str:
            return "".join(f"\n    {n:>10} {reason}" for reason, n in counter.most_common())

        return (
            f"legal units:    {self.units_read} read, {self.units_kept} kept, "
            f"{sum(self.units_skipped.values())} skipped{reasons(self.units_skipped)}\n"
            f"establishments: {self.establishments_read} read, {self.establishments_kept} kept, "
            f"{sum(self.establishments_skipped.values())} skipped"
            f"{reasons(self.establishments_skipped)}\n"
            f"{self.triples} triples written to <{self.graph}>\n{self.outcome()}"
        )

    def outcome(self) -> str:
        """One line: whether the graph was replaced or added to, its size before and after."""
        sizes = f"{self.before} triples before, {self.after} after"
        if self.added:
            return (
                f"units added to <{self.graph}> ({self.units_replaced} imported before replaced "
                f"by their new description): {sizes}"
            )
        return f"graph <{self.graph}> replaced: {sizes}"


@lru_cache(maxsize=1)
def column_mapping() -> dict[str, Any]:
    """The declarative SIRENE column mapping (``mappings/sirene-columns.yaml``)."""
    with open(mappings_dir() / "sirene-columns.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


class NTriplesStream(io.RawIOBase):
    """A readable binary stream of N-Triples, produced only as the reader asks for it.

    ``batches`` yields lists of N-Triples lines (the triples of one record); they are joined
    and encoded a few hundred kilobytes at a time. ``count`` is the number of lines produced so
    far. An exception raised while producing (bad input) reaches whoever reads the stream.
    """

    def __init__(self, batches: Iterable[list[str]]) -> None:
        super().__init__()
        self._batches = iter(batches)
        self._chunk = memoryview(b"")
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if not self._chunk and not self._refill():
            return 0
        size = min(len(buffer), len(self._chunk))
        buffer[:size] = self._chunk[:size]
        self._chunk = self._chunk[size:]
        return size

    def _refill(self) -> bool:
        lines: list[str] = []
        for batch in self._batches:
            lines += batch
            if len(lines) >= _LINES_PER_CHUNK:
                break
        self.count += len(lines)
        self._chunk = memoryview("".join(lines).encode("utf-8"))
        return bool(lines)


def record_import(
    store: Store, graph: str, title: str, sources: list[Path], extra: str, triples: int, credit: str
) -> None:
    """Describe the imported graph in the metadata graph (sources, sha256, count, licence).

    ``extra`` (the filter used) enters the fingerprint. When the fingerprint and count are
    those already recorded, the description is left as it is, so re-importing the same files
    leaves the whole store unchanged, metadata included.
    """
    digest = hashlib.sha256(f"{sha256_of(sources)} {extra}".encode()).hexdigest()
    uris = tuple(sorted(p.resolve().as_uri() for p in sources))
    record_unless_same(
        store,
        GraphDescription(
            graph=graph,
            title=title,
            sources=uris,
            sha256=digest,
            triples=triples,
            license=LO2,
            credit=credit,
            description=extra or None,
        ),
    )


def replace_graph_from_lines(store: Store, graph: str, batches: Iterable[list[str]]) -> int:
    """Replace ``graph`` by the N-Triples lines of ``batches``; return how many were written.

    The lines are produced while the store reads them, and the graph is replaced only once
    the last one was produced: input that fails half way leaves the store as it was. A store
    with a bulk loader for streams (the embedded one) gets them straight (see
    ``OxigraphStore.bulk_replace_stream``); any other store gets parsed triples through its own
    atomic ``replace_graph``. Every IRI in the lines was built from values checked against
    strict patterns (model.py), so the bulk loader may skip re-validating them (lenient).
    """
    return _write_lines(store, graph, batches, replace=True)


def add_lines_to_graph(store: Store, graph: str, batches: Iterable[list[str]]) -> int:
    """Add the N-Triples lines of ``batches`` to ``graph``; return how many were written.

    As ``replace_graph_from_lines`` (``OxigraphStore.bulk_add_stream``, else the store's
    ``add_to_graph``), but nothing is removed, so the lines must come from ptce-kg's own
    builders: a failure half way would leave part of them added.
    """
    return _write_lines(store, graph, batches, replace=False)


def _write_lines(store: Store, graph: str, batches: Iterable[list[str]], *, replace: bool) -> int:
    stream = NTriplesStream(batches)
    bulk = getattr(store, "bulk_replace_stream" if replace else "bulk_add_stream", None)
    if bulk is not None:
        bulk(graph, stream, RdfFormat.N_TRIPLES, lenient=True)
    else:
        readable = io.BufferedReader(stream)  # a binary file object, as pyoxigraph's parse reads
        write = store.replace_graph if replace else store.add_to_graph
        write(graph, parse(input=readable, format=RdfFormat.N_TRIPLES))
    return stream.count
