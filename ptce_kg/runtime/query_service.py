"""The query service: every query and update from users (API, CLI, catalogue) runs here.

On the embedded on-disk store, queries run in killable worker processes (``pool``) over
read-only snapshots (``snapshots``), under a wall-clock limit; the guard and the content
negotiation run in the job too, under that limit. Stores without a folder on disk (the
in-memory test store, a remote SPARQL endpoint, whose client has its own HTTP timeout) run
queries in-process: there the timeout cannot stop the work.

A result past ``max_result_rows`` or ``max_result_bytes`` is an error (``ResultTooLarge`` →
HTTP 413), never a silently truncated body (``sparql.serialisation``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import count
from typing import Any, ClassVar

from ptce_kg.errors import PtceError, QueryError, QueryTimeout, ResultTooLarge, StoreError
from ptce_kg.runtime.pool import QueryAborted, WorkerPool
from ptce_kg.runtime.snapshots import Snapshots
from ptce_kg.settings import Settings
from ptce_kg.sparql.catalogue import statement
from ptce_kg.sparql.guard import add_using_clauses, check_iri, inspect_query, inspect_update
from ptce_kg.sparql.negotiation import NotAcceptable, UnknownFormat, negotiate
from ptce_kg.sparql.serialisation import SerialisedResult, serialise, short_message
from ptce_kg.store.base import Store

# Every triple sits in a named graph (design.md §1); GRAPH avoids the union's deduplication.
_COUNT_TRIPLES = statement("store/triple-count")
_ANSWERS = statement("store/answers")


@dataclass(frozen=True)
class QueryJob:
    """Everything a worker needs to run one query (picklable).

    The guard and the content negotiation run in the job too: on a worker they fall under the
    time limit, so a huge crafted text cannot tie up the server process.
    """

    query: str  # the user's text
    accept: str | None = None
    format: str | None = None  # a ?format= name: overrides accept
    script_default: str | None = None  # answered to a client stating no preference
    base_iri: str | None = None
    allowlist: tuple[str, ...] = ()
    substitutions: dict[str, Any] = field(default_factory=dict)
    default_graphs: tuple[str, ...] | None = None  # None: no protocol dataset
    named_graphs: tuple[str, ...] | None = None
    max_rows: int = 0
    max_bytes: int = 0
    generation: int = 0
    # Errors a worker sends back as they are (they pickle whole); any other is a StoreError.
    errors: ClassVar[tuple[type[BaseException], ...]] = (
        QueryError,
        ResultTooLarge,
        StoreError,
        NotAcceptable,
        UnknownFormat,
    )

    def timed_out(self, limit: float, started: bool) -> PtceError:
        """QueryTimeout: the query ran past ``limit``, or (not ``started``) no worker was free."""
        if not started:
            return QueryTimeout("every query worker is busy; try again shortly")
        return QueryTimeout(
            f"the query ran past the {limit:g} s limit and was stopped; narrow it or add LIMIT"
        )

    def aborted(self, memory_mb: int) -> PtceError:
        """QueryAborted: the worker died, most likely past its ``memory_mb`` cap."""
        return QueryAborted(
            f"the query worker stopped: the query needed more than {memory_mb} MB of memory, "
            "or the worker crashed"
        )

    def run(self, query: Callable[..., Any]) -> SerialisedResult:
        """Check, run and serialise the query with ``query`` (the Store protocol's ``query``).

        With neither a protocol dataset nor FROM in the query, the default graph is the union
        of all graphs, so queries need no GRAPH clause.
        Raises QueryError, NotAcceptable, UnknownFormat, ResultTooLarge, StoreError.
        """
        inspection = inspect_query(self.query, self.allowlist)
        media_type = negotiate(inspection.form, self.accept, self.format, self.script_default)
        # BASE on the first line keeps the line numbers of parser messages right.
        prefix = f"BASE <{check_iri(self.base_iri, 'base IRI')}> " if self.base_iri else ""
        kwargs: dict[str, Any] = {
            "substitutions": self.substitutions or None,
            "default_graph": self.default_graphs,
            "named_graphs": self.named_graphs,
            "use_default_graph_as_union": self.default_graphs is None
            and not inspection.has_dataset_clause,
        }
        try:
            result = query(prefix + self.query, **kwargs)
            return serialise(result, media_type, self.max_rows, self.max_bytes)
        except SyntaxError as exc:
            raise QueryError(short_message(str(exc), len(prefix)), "query") from exc
        except QueryError as exc:
            raise QueryError(short_message(exc.message, len(prefix)), exc.where or "query") from exc
        except PtceError:
            raise
        except OSError as exc:
            raise StoreError(f"the store could not answer: {short_message(str(exc))}") from exc
        except (ValueError, TypeError, RuntimeError) as exc:
            # pyoxigraph's messages for queries it cannot evaluate as given (e.g. a substituted
            # variable missing from the projection)
            raise QueryError(short_message(str(exc)), "query") from exc


class QueryService:
    """The one place queries and updates from users run (API, CLI, catalogue)."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self._generation = count(1)
        self.generation = next(self._generation)
        self._triples: tuple[int, int | None] | None = None  # (generation, count)
        self._refresh_lock = threading.Lock()
        folder = store.folder
        self._pool: WorkerPool | None = None
        self._snapshots: Snapshots | None = None
        if folder is not None:
            self._snapshots = Snapshots(store, folder)
            try:
                self._snapshots.make(self.generation)
                self._pool = WorkerPool(
                    self._snapshots.folder,
                    settings.query_workers,
                    max_size=max(4 * settings.query_workers, 4),
                    generation=self.generation,
                )
            except StoreError:
                self.close()
                raise
        self._update_lock = threading.Lock()

    @property
    def isolated(self) -> bool:
        """True when queries run in killable worker processes."""
        return self._pool is not None

    def execute(
        self,
        query: str,
        *,
        substitutions: Mapping[str, Any] | None = None,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        accept: str | None = None,
        format: str | None = None,
        script_default: str | None = None,
        base_iri: str | None = None,
    ) -> SerialisedResult:
        """Run a query and serialise its answer in the negotiated media type
        (``sparql.negotiation.negotiate``: ``format`` overrides ``accept``; ``script_default``
        goes to clients stating no preference).

        Protocol dataset IRIs override the query's FROM / FROM NAMED. With neither, the default
        graph is the union of all graphs, so queries need no GRAPH clause. The text is checked
        (``sparql_guard``) inside the job, under the time limit.
        Raises QueryError, NotAcceptable, UnknownFormat, QueryTimeout, ResultTooLarge,
        StoreError.
        """
        protocol_dataset = bool(default_graph_uris or named_graph_uris)
        job = QueryJob(
            query=query,
            accept=accept,
            format=format,
            script_default=script_default,
            base_iri=base_iri,
            allowlist=tuple(self.settings.service_allowlist),
            substitutions=dict(substitutions or {}),
            default_graphs=tuple(default_graph_uris) if protocol_dataset else None,
            named_graphs=tuple(named_graph_uris) if protocol_dataset else None,
            max_rows=self.settings.max_result_rows,
            max_bytes=self.settings.max_result_bytes,
            generation=self.generation,
        )
        if self._pool is not None:
            return self._pool.run(job, self.settings.query_timeout)
        return job.run(self.store.query)

    def update(
        self,
        update: str,
        *,
        using_graph_uris: Sequence[str] = (),
        using_named_graph_uris: Sequence[str] = (),
        base_iri: str | None = None,
    ) -> None:
        """Run a SPARQL update on the store (the caller checks it is allowed), then refresh.

        Updates run in this process (they need the writable store), one at a time, with no
        timeout: they are for local or token-protected deployments.
        """
        inspect_update(update, self.settings.service_allowlist)
        text = add_using_clauses(update, using_graph_uris, using_named_graph_uris)
        prefix = f"BASE <{check_iri(base_iri, 'base IRI')}> " if base_iri else ""
        with self._update_lock:
            try:
                self.store.update(prefix + text)
            except SyntaxError as exc:
                raise QueryError(short_message(str(exc), len(prefix)), "update") from exc
            except QueryError as exc:
                raise QueryError(
                    short_message(exc.message, len(prefix)), exc.where or "update"
                ) from exc
            except PtceError:
                raise
            except (OSError, ValueError) as exc:
                raise StoreError(f"the update failed: {short_message(str(exc))}") from exc
            finally:
                self.refresh()

    def refresh(self) -> None:
        """Call after any write to the store: the next queries see the new data."""
        with self._refresh_lock:
            generation = next(self._generation)
            if self._snapshots is not None:
                self._snapshots.make(generation)
            self.generation = generation
            if self._pool is not None:
                self._pool.generation = generation

    def answers(self) -> None:
        """Run the cheapest query that reads the store; raises its PtceError when it fails."""
        self.execute(_ANSWERS, accept="application/sparql-results+json")

    def triple_count(self) -> int | None:
        """Triples in all graphs, counted once per store version (health probes stay cheap);
        None when counting runs past the query time limit (a store of tens of millions of
        triples): a store too large to count in time is not a store that is down."""
        cached = self._triples
        if cached is not None and cached[0] == self.generation:
            return cached[1]
        generation = self.generation
        try:
            result = self.execute(_COUNT_TRIPLES, accept="application/sparql-results+json")
        except QueryTimeout:
            total = None
        else:
            bindings = json.loads(result.body)["results"]["bindings"]
            total = int(bindings[0]["n"]["value"]) if bindings else 0
        self._triples = (generation, total)
        return total

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        if self._snapshots is not None:
            self._snapshots.close()
            self._snapshots = None


class RefreshingStore:
    """The store as the API's routers see it: every write is followed by ``service.refresh()``,
    so a router that writes (a pole's data upload…) cannot leave the query workers on old data.
    Writes inside ``unit_of_work()`` (a pole submission: its graph, provenance, derived graph
    and metadata) refresh once, when the outermost unit of the thread ends. Everything else is
    passed through to the wrapped store."""

    def __init__(self, store: Store, service: QueryService) -> None:
        self._store = store
        self._service = service
        self._units = threading.local()  # units of work open in each request's thread

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def _depth(self) -> int:
        depth: int = getattr(self._units, "depth", 0)
        return depth

    @contextmanager
    def unit_of_work(self) -> Iterator[None]:
        """Writes inside refresh the query workers once, at the end (even after an error: a
        failed write may have changed something)."""
        self._units.depth = self._depth() + 1
        try:
            with self._store.unit_of_work():
                yield
        finally:
            self._units.depth -= 1
            if not self._units.depth:
                self._service.refresh()

    def _written(self, write: Callable[..., Any], *args: Any) -> Any:
        try:
            return write(*args)
        finally:  # even a failed write may have changed something
            if not self._depth():
                self._service.refresh()

    def update(self, sparql: str) -> None:
        self._written(self._store.update, sparql)

    def replace_graph(self, graph: str, quads_or_triples: Iterable[Any]) -> int:
        return self._written(self._store.replace_graph, graph, quads_or_triples)

    def add_to_graph(self, graph: str, quads_or_triples: Iterable[Any]) -> int:
        return self._written(self._store.add_to_graph, graph, quads_or_triples)

    def add_constructed(self, graph: str, construct: str) -> None:
        self._written(self._store.add_constructed, graph, construct)

    def drop_graph(self, graph: str) -> None:
        self._written(self._store.drop_graph, graph)
