"""What both importers share: the import summary, the column mapping, the on-disk spool.

An import never writes to the store while it reads: it spools N-Triples to a temporary file,
and only when every input file has been read to the end does it replace the target graph in
one call. A file that fails half way (bad encoding, truncated, missing column) leaves the
store exactly as it was.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pyoxigraph import NamedNode, Quad, RdfFormat, parse
from pyoxigraph import Store as OxStore

from ptce_kg.metadata import GraphDescription, record_unless_same, sha256_of
from ptce_kg.paths import mappings_dir
from ptce_kg.reference import LO2
from ptce_kg.store.base import Store

# Below this many triples the store's own transactional replace is fast enough.
_BULK_THRESHOLD = 250_000


@dataclass
class ImportSummary:
    """Counts of one import: rows read, kept, skipped (with reasons), triples written."""

    graph: str
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
            f"{self.triples} triples written to <{self.graph}>"
        )


@lru_cache(maxsize=1)
def column_mapping() -> dict[str, Any]:
    """The declarative SIRENE column mapping (``mappings/sirene-columns.yaml``)."""
    with open(mappings_dir() / "sirene-columns.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


class Spool:
    """N-Triples lines written to a temporary file, counted, then loaded in one go."""

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="ptce-import-")
        self.path = Path(self._dir.name) / "spool.nt"
        self._handle = open(self.path, "w", encoding="utf-8")
        self.count = 0

    def write(self, lines: list[str]) -> None:
        self._handle.writelines(lines)
        self.count += len(lines)

    def flush(self) -> None:
        self._handle.flush()

    def quads(self, graph: str) -> Iterator[Quad]:
        """The spooled triples as quads of ``graph`` (streamed, never all in memory)."""
        self.flush()
        target = NamedNode(graph)
        for quad in parse(path=self.path, format=RdfFormat.N_TRIPLES):
            yield Quad(quad.subject, quad.predicate, quad.object, target)

    def close(self) -> None:
        self._handle.close()
        self._dir.cleanup()

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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


def replace_graph_from_spool(store: Store, graph: str, spool: Spool) -> int:
    """Replace ``graph`` by the spooled triples, once every input file was read to the end.

    On the embedded store (which exposes its pyoxigraph store as ``raw`` for bulk loaders) the
    spool file is handed to Oxigraph's parallel bulk loader: the graph is removed, then loaded.
    The spool is complete and was written by us, so bad input can no longer stop the load half
    way; only a crash during it could, and re-running the import (idempotent) repairs that.
    Staging the spool again through ``replace_graph`` would parse and re-serialise every triple
    (about twice the time). Other stores get ``replace_graph`` (its own atomicity).
    """
    raw = getattr(store, "raw", None)
    if not isinstance(raw, OxStore) or spool.count < _BULK_THRESHOLD:
        return store.replace_graph(graph, spool.quads(graph))
    spool.flush()
    target = NamedNode(graph)
    if raw.contains_named_graph(target):
        raw.remove_graph(target)
    # lenient: skip Oxigraph's IRI re-validation (about 9 % faster); every IRI in the spool was
    # built from values checked against strict patterns (model.py).
    raw.bulk_load(path=spool.path, format=RdfFormat.N_TRIPLES, to_graph=target, lenient=True)
    raw.add_graph(target)
    return spool.count
