"""The embedded backend: a pyoxigraph (RocksDB) store on disk, or in memory for tests."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import BinaryIO, cast

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    QueryTriples,
    RdfFormat,
    Triple,
    Variable,
    parse,
)
from pyoxigraph import Store as _OxStore

from ptce_kg.errors import InputError, QueryError, StoreError, StoreInUse, StoreNotFound
from ptce_kg.sparql.binding import prebind
from ptce_kg.sparql.catalogue import statement
from ptce_kg.sparql.results import solutions
from ptce_kg.store.base import GraphInfo, QueryResult
from ptce_kg.store.staging import Staged, retarget
from ptce_kg.store.updates import delete_chunk, drop_and_insert, not_empty

# What Oxigraph pre-binds a variable to: the catalogue binds pyoxigraph terms.
Term = NamedNode | BlankNode | Literal | Triple
DELETE_CHUNK = 100_000
# Replacing an existing graph by at most this much N-Triples/N-Quads (about 100 000 triples) is
# one transaction (``replace_graph``); above it, chunked clear then bulk load.
SMALL_REPLACE_BYTES = 12_000_000
_COPY_BUFFER = 1 << 20


class OxigraphStore:
    """The ``Store`` protocol over ``pyoxigraph.Store``.

    Atomicity of ``replace_graph``: the input is staged first (see ``staging``). A small write
    (up to ``staging.MEMORY_LIMIT`` quads) is then one transaction: ``Store.extend`` into an
    absent graph, or one SPARQL update ``DROP GRAPH …; INSERT DATA …`` over an existing one,
    so readers and crashes see the old graph or the new one, never a mix. A large write (a
    national import) empties the graph in chunks, then bulk-loads (``bulk_extend``, not
    transactional): bad input still cannot leave half a graph, because the staged file was
    read to the end first; only a crash during the write can, and re-running the import
    repairs it.
    """

    def __init__(
        self, path: Path | None = None, *, create: bool = True, read_only: bool = False
    ) -> None:
        """Open the store at ``path`` (in memory when None); without ``create``, a path that
        holds no store raises ``StoreNotFound`` and nothing is created there.

        ``read_only`` opens a view that cannot write, only for a folder no process writes to
        while it is open (a checkpoint): Oxigraph leaves a reader beside a writer undefined.
        Raises ``StoreInUse`` when another process holds the store, ``StoreError`` when it
        cannot be opened for another reason.
        """
        self.path = path
        self.read_only = read_only
        if path is not None:
            _check_folder(path, create and not read_only)
        try:
            if path is None:
                self._store = _OxStore()
            elif read_only:
                self._store = _OxStore.read_only(str(path))
            else:
                path.mkdir(parents=True, exist_ok=True)
                self._store = _OxStore(str(path))
        except OSError as exc:
            # RocksDB's lock on <path>/LOCK: "IO error: While lock file: …/LOCK: Resource
            # temporarily unavailable" (another process), "lock hold by current process" (this one).
            if "LOCK" in str(exc):
                raise StoreInUse(f"the store at {path} is in use by another process") from exc
            raise StoreError(f"cannot open the store at {path}: {exc}") from exc

    def unit_of_work(self) -> AbstractContextManager[None]:
        """Nothing to do here: each write is written at once (see ``Store.unit_of_work``)."""
        return nullcontext()

    @property
    def folder(self) -> Path | None:
        """The store's folder when it is a writable store on disk (``snapshot`` copies it)."""
        if self.path is None or self.read_only or not self.path.is_dir():
            return None
        return self.path.resolve()

    def snapshot(self, path: Path) -> None:
        """A RocksDB checkpoint of the store in the new folder ``path`` (hard links, a few ms),
        complete once ``path`` appears; open it with ``OxigraphStore(path, read_only=True)``.

        Raises StoreError for a store in memory or read-only, or when the checkpoint fails.
        """
        if self.folder is None:
            raise StoreError("only a writable store on disk can be snapshotted")
        try:
            self._store.backup(str(path))
        except (OSError, RuntimeError) as exc:
            raise StoreError(f"cannot snapshot the store: {exc}") from exc

    @property
    def raw(self) -> _OxStore:
        """The underlying pyoxigraph store (for bulk loaders that need it)."""
        return self._store

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, object] | None = None,
        default_graph: Iterable[str] | None = None,
        named_graphs: Iterable[str] | None = None,
        use_default_graph_as_union: bool = False,
    ) -> QueryResult:
        """Run a SPARQL query (see ``Store.query``).

        Substitutions bind variables to RDF terms, never to text. When every bound variable is
        in the SELECT projection they go to Oxigraph itself (SEP-0007 pre-binding), which also
        binds them inside subqueries that project them: the catalogue's per-pole queries
        aggregate one pole instead of all of them (`bench/api.py`, ess-share-by-pole: 15×).
        Otherwise, and for the other query forms, they go in as the VALUES block of
        ``sparql.binding.prebind``, as on the remote backend. Both give the same solutions.
        """
        defaults: list[NamedNode | BlankNode | DefaultGraph] | None = None
        if default_graph is not None:
            defaults = [NamedNode(g) for g in default_graph]
        named: list[NamedNode | BlankNode] | None = None
        if named_graphs is not None:
            named = [NamedNode(g) for g in named_graphs]
        try:
            if substitutions:
                try:
                    return self._store.query(
                        sparql,
                        substitutions={
                            Variable(k): cast(Term, v) for k, v in substitutions.items()
                        },
                        use_default_graph_as_union=use_default_graph_as_union,
                        default_graph=defaults,
                        named_graphs=named,
                    )
                except RuntimeError as exc:
                    if "projection" not in str(exc):  # not a variable Oxigraph can pre-bind
                        raise
            return self._store.query(
                prebind(sparql, substitutions or {}),
                use_default_graph_as_union=use_default_graph_as_union,
                default_graph=defaults,
                named_graphs=named,
            )
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"query failed: {exc}") from exc
        except (RuntimeError, ValueError) as exc:  # evaluation errors caused by the query
            raise QueryError(f"query failed: {exc}") from exc

    def update(self, sparql: str) -> None:
        """Run a SPARQL update in one transaction."""
        try:
            self._store.update(sparql)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL update syntax error: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"update failed: {exc}") from exc

    def replace_graph(self, graph: str, quads_or_triples: Iterable[Quad | Triple]) -> int:
        """Replace ``graph`` by the given triples (see the class docstring for atomicity)."""
        node = NamedNode(graph)
        with Staged(graph, quads_or_triples) as staged:
            exists = self._store.contains_named_graph(node)
            try:
                if staged.large:
                    if exists:
                        self._clear_in_chunks(node)
                    self._store.bulk_extend(staged.quads())
                elif exists:
                    self._store.update(drop_and_insert(node, staged.quads()))
                else:
                    self._store.extend(staged.quads())
                    self._store.add_graph(node)  # an empty replacement still names the graph
            except OSError as exc:
                raise StoreError(f"writing graph <{graph}> failed: {exc}") from exc
            return staged.count

    def _clear_in_chunks(self, node: NamedNode) -> None:
        """Empty a large graph by bounded deletes: one transaction over millions of quads is
        several times slower and holds them all in memory (measured: 1 M quads, 119 s and
        2 GB with ``remove_graph``, 71 s and 0.8 GB in chunks of 100 000)."""
        chunk = delete_chunk(node, DELETE_CHUNK)
        while self._store.query(not_empty(node)):
            self._store.update(chunk)

    def bulk_replace_file(
        self, graph: str, path: Path, format: RdfFormat, *, lenient: bool = False
    ) -> None:
        """Replace ``graph`` by the triples of a complete file written by ptce-kg itself, with
        Oxigraph's parallel bulk loader (the fast path of national imports).

        Same guarantees as the large case of ``replace_graph``: only use it for a file that was
        read to the end (a spool), so bad input cannot stop it half way. ``lenient`` skips
        Oxigraph's IRI re-validation: only for files whose IRIs were checked when written.
        """
        node = NamedNode(graph)
        try:
            if self._store.contains_named_graph(node):
                self._clear_in_chunks(node)
            self._store.bulk_load(path=path, format=format, to_graph=node, lenient=lenient)
            self._store.add_graph(node)
        except (OSError, SyntaxError) as exc:
            raise StoreError(f"bulk loading graph <{graph}> failed: {exc}") from exc

    def bulk_replace_stream(
        self, graph: str, stream: BinaryIO, format: RdfFormat, *, lenient: bool = False
    ) -> None:
        """Replace ``graph`` by the triples read from ``stream``, with the bulk loader.

        Oxigraph's bulk loader writes its sorted files aside and adds them to the database only
        once the whole input was read, in one step: an input that fails half way (an exception
        raised by ``stream.read``, which propagates unchanged) leaves the store as it was. So
        when the graph does not exist yet (a first import), the stream goes straight to the
        loader: the caller's conversion runs while the loader's threads encode and sort, and no
        temporary copy is written. When it exists, the old triples must go first, which only
        makes sense once the input is known to be whole: the stream is copied to a temporary
        file, then loaded like ``bulk_replace_file`` (a small one in one transaction).
        """
        if not self._store.contains_named_graph(NamedNode(graph)):
            self.bulk_add_stream(graph, stream, format, lenient=lenient)
            return
        with tempfile.TemporaryDirectory(prefix="ptce-bulk-") as folder:
            path = Path(folder) / "input"
            with open(path, "wb") as handle:
                shutil.copyfileobj(stream, handle, _COPY_BUFFER)
            if path.stat().st_size > SMALL_REPLACE_BYTES:
                self.bulk_replace_file(graph, path, format, lenient=lenient)
                return
            try:
                self.replace_graph(graph, parse(path=path, format=format, lenient=lenient))
            except SyntaxError as exc:
                raise StoreError(f"loading graph <{graph}> failed: {exc}") from exc

    def bulk_add_stream(
        self, graph: str, stream: BinaryIO, format: RdfFormat, *, lenient: bool = False
    ) -> None:
        """Add the triples read from ``stream`` to ``graph`` with the bulk loader, straight
        from the stream (no temporary copy). Not atomic: an input that fails half way may leave
        part of its triples added, so only for ptce-kg's own output."""
        node = NamedNode(graph)
        try:
            self._store.bulk_load(input=stream, format=format, to_graph=node, lenient=lenient)
            self._store.add_graph(node)
        except (OSError, SyntaxError) as exc:
            raise StoreError(f"bulk loading into graph <{graph}> failed: {exc}") from exc

    def add_to_graph(self, graph: str, quads_or_triples: Iterable[Quad | Triple]) -> int:
        """Add the given triples to ``graph`` (one transaction unless the write is large)."""
        with Staged(graph, quads_or_triples) as staged:
            try:
                if staged.large:
                    self._store.bulk_extend(staged.quads())
                else:
                    self._store.extend(staged.quads())
                self._store.add_graph(NamedNode(graph))
            except OSError as exc:
                raise StoreError(f"writing graph <{graph}> failed: {exc}") from exc
            return staged.count

    def add_constructed(self, graph: str, construct: str) -> None:
        """Stream the triples of a CONSTRUCT query into ``graph`` with the bulk loader.

        A SPARQL ``INSERT … WHERE`` does the same in one transaction, which Oxigraph slows down
        as its pending writes grow (a rule deriving 380 000 triples from a million legal units);
        the bulk loader writes sorted files aside and adds them at the end. The query reads a
        snapshot, so it never sees its own output. Not atomic: an error part way through may
        leave part of the triples written.
        """
        triples = self.query(construct)
        if not isinstance(triples, QueryTriples):
            raise QueryError("a CONSTRUCT query was expected", where=graph)
        node = NamedNode(graph)
        try:
            self._store.bulk_extend(retarget(t, node) for t in triples)
        except OSError as exc:
            raise StoreError(f"writing graph <{graph}> failed: {exc}") from exc

    def drop_graph(self, graph: str) -> None:
        """Remove a named graph (no error when absent)."""
        node = NamedNode(graph)
        if self._store.contains_named_graph(node):
            self._store.remove_graph(node)

    def graphs(self) -> list[GraphInfo]:
        """The named graphs with their triple counts (empty graphs count 0)."""
        rows = solutions(self._store.query(statement("store/graph-sizes")))
        sizes = {row["g"].value: int(row["n"].value) for row in rows}
        for node in self._store.named_graphs():
            if isinstance(node, NamedNode):
                sizes.setdefault(node.value, 0)
        return [GraphInfo(iri, n) for iri, n in sorted(sizes.items())]

    def graph_names(self) -> list[str]:
        """The named graphs' IRIs (empty graphs included), sorted."""
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, NamedNode))

    def quads(self, graph: str | None = None) -> Iterator[Quad]:
        """The quads of ``graph``, or of the whole store."""
        return iter(
            self._store.quads_for_pattern(None, None, None, NamedNode(graph) if graph else None)
        )

    def close(self) -> None:
        """Flush pending writes and release the RocksDB handle (and its lock); idempotent."""
        store = self.__dict__.pop("_store", None)
        if store is not None and not self.read_only:
            store.flush()

    def __enter__(self) -> OxigraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _check_folder(path: Path, create: bool) -> None:
    """Refuse a path that cannot be a store, before anything is created there."""
    if path.exists() and not path.is_dir():
        raise InputError("the store must be a folder, this is a file", where=str(path))
    # RocksDB keeps a CURRENT file in every database folder from its creation on.
    if not create and not (path / "CURRENT").is_file():
        raise StoreNotFound(str(path))
