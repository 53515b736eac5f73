"""Run SPARQL queries safely: guard, content negotiation, wall-clock timeout, result caps.

pyoxigraph cannot cancel a running query, so queries on the embedded on-disk store run in
child processes (a small pool started with ``forkserver``), each opening the store read-only.
On timeout the worker is killed (SIGKILL) and replaced; the pool grows on demand up to a bound,
starting workers in the background ahead of need, and a query still running after a fraction
of a second drops to a lower CPU priority, so a runaway query never holds up a light one.

Workers never open the live store (RocksDB does not allow a reader while another process
writes): they open a read-only *snapshot*, a RocksDB checkpoint made of hard links (a few ms),
kept beside the store in ``.<store folder name>.query-snapshots-<pid>-…/gen-<n>``.
``refresh()`` makes a new snapshot after a write and each worker moves to it before its next
query.

Stores without a folder on disk (the in-memory test store, a remote SPARQL endpoint, whose
client has its own HTTP timeout) run in-process: there the timeout cannot stop the work.

A result past ``max_result_rows`` or ``max_result_bytes`` is an error (``ResultTooLarge`` →
HTTP 413), never a silently truncated body.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import pickle
import re
import resource
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import count
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Literal

from pyoxigraph import (
    NamedNode,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Variable,
    parse_query_results,
    serialize,
)
from pyoxigraph import Store as OxStore

from ptce_kg.errors import (
    EXIT_INPUT,
    PtceError,
    QueryError,
    QueryTimeout,
    ResultTooLarge,
    StoreError,
)
from ptce_kg.settings import Settings
from ptce_kg.sparql.guard import add_using_clauses, check_iri, inspect_query, inspect_update
from ptce_kg.sparql.negotiation import GRAPH_MEDIA_TYPES, RESULTS_MEDIA_TYPES, choose_media_type
from ptce_kg.store.base import Store

Kind = Literal["select", "ask", "graph"]

_RESULT_FORMATS = {
    "application/sparql-results+json": QueryResultsFormat.JSON,
    "application/sparql-results+xml": QueryResultsFormat.XML,
    "text/csv": QueryResultsFormat.CSV,
    "text/tab-separated-values": QueryResultsFormat.TSV,
}
_GRAPH_FORMATS = {
    "text/turtle": RdfFormat.TURTLE,
    "application/n-triples": RdfFormat.N_TRIPLES,
    "application/ld+json": RdfFormat.JSON_LD,
    "application/rdf+xml": RdfFormat.RDF_XML,
}
# ASK answers are SPARQL results too, but CSV/TSV have no boolean form.
_BOOLEAN_MEDIA_TYPES = RESULTS_MEDIA_TYPES[:2]
_MESSAGE_LIMIT = 600  # parser messages list every expected token; keep the useful start
_KEPT_SNAPSHOTS = 3  # a query may still be reading an older one after two quick writes
_SPARE = 1  # workers kept ready or starting beyond those that waiting requests will take
_START_SECONDS = 120  # a worker that has not opened its snapshot by then is given up
_READY = ("ready",)
# A query still running after this long is heavy: its worker drops to a lower CPU priority so
# that light queries, worker starts and the server itself get the CPU first (it cannot be
# raised back without privileges, so the worker is replaced after that query).
_HEAVY_SECONDS = 0.2
_HEAVY_NICE = 10
# Modules the fork server imports once, so that a worker (query or validation) starts in tens
# of milliseconds instead of importing them again. multiprocessing also runs the main script
# again in every worker, and Python 3.11 and 3.12 ignore a "__main__" preload (CPython
# gh-126631): for ``ptce-kg`` (the console script, whose only import is ``ptce_kg.cli``) that
# run then finds everything imported already, instead of costing half a second of CPU each.
_FORKSERVER_PRELOAD = ["__main__", "ptce_kg.cli", __name__, "ptce_kg.runtime.upload_workers"]
# Every triple sits in a named graph (design.md §1); GRAPH avoids the union's deduplication.
_COUNT_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


class QueryAborted(PtceError):
    """The worker running the query died, most likely past its memory cap (HTTP 503)."""

    http_status = 503


class NotAcceptable(PtceError):
    """No media type the client accepts fits the query form (HTTP 406)."""

    exit_code = EXIT_INPUT
    http_status = 406


@dataclass(frozen=True)
class QueryResult:
    """A serialised query answer."""

    body: bytes
    media_type: str
    kind: Kind


@dataclass(frozen=True)
class _Job:
    """Everything a worker needs to run one query (picklable).

    The guard and the content negotiation run in the job too: on a worker they fall under the
    time limit, so a huge crafted text cannot tie up the server process.
    """

    query: str  # the user's text
    accept: str | None = None
    base_iri: str | None = None
    allowlist: tuple[str, ...] = ()
    substitutions: dict[str, Any] = field(default_factory=dict)
    default_graphs: tuple[str, ...] | None = None  # None: no protocol dataset
    named_graphs: tuple[str, ...] | None = None
    max_rows: int = 0
    max_bytes: int = 0
    generation: int = 0


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


def _capped(items: Any, limit: int) -> Any:
    for n, item in enumerate(items, start=1):
        if n > limit:
            raise _too_many_rows(limit)
        yield item


def negotiate(form: str, accept: str | None) -> str:
    """The media type of the answer to a query of ``form`` for this Accept header."""
    chosen = _media_type(form, accept)
    if chosen is None:
        available = _AVAILABLE[form]
        raise NotAcceptable(
            f"cannot answer this query in {accept!r}; available: {', '.join(available)}"
        )
    return chosen


_AVAILABLE = {
    "select": RESULTS_MEDIA_TYPES,
    "ask": _BOOLEAN_MEDIA_TYPES,
    "graph": GRAPH_MEDIA_TYPES,
}


# Clients send few distinct Accept headers; parsing one costs more than a lookup.
@lru_cache(maxsize=64)
def _media_type(form: str, accept: str | None) -> str | None:
    return choose_media_type(accept, _AVAILABLE[form])


def run_job(query_fn: Callable[..., Any], job: _Job) -> QueryResult:
    """Check, run and serialise ``job`` with ``query_fn`` (the Store protocol's ``query``).

    With neither a protocol dataset nor FROM in the query, the default graph is the union of
    all graphs, so queries need no GRAPH clause.
    """
    inspection = inspect_query(job.query, job.allowlist)
    media_type = negotiate(inspection.form, job.accept)
    # BASE on the first line keeps the line numbers of parser messages right.
    prefix = f"BASE <{check_iri(job.base_iri, 'base IRI')}> " if job.base_iri else ""
    kwargs: dict[str, Any] = {
        "substitutions": job.substitutions or None,
        "default_graph": job.default_graphs,
        "named_graphs": job.named_graphs,
        "use_default_graph_as_union": job.default_graphs is None
        and not inspection.has_dataset_clause,
    }
    try:
        result = query_fn(prefix + job.query, **kwargs)
        writer = _CappedWriter(job.max_bytes)
        if isinstance(result, (QueryTriples, list)):  # a remote store gives a list
            serialize(_capped(result, job.max_rows), writer, _GRAPH_FORMATS[media_type])
            return QueryResult(writer.getvalue(), media_type, "graph")
        fmt = _RESULT_FORMATS[media_type]
        result.serialize(writer, fmt)
        body = writer.getvalue()
        kind: Kind = "select" if isinstance(result, QuerySolutions) else "ask"
        # Every row takes at least one byte in every format, so only a body at least as long as
        # the row cap can break it; only then are rows counted.
        if kind == "select" and len(body) > job.max_rows and _count_rows(body, fmt) > job.max_rows:
            raise _too_many_rows(job.max_rows)
        return QueryResult(body, media_type, kind)
    except SyntaxError as exc:
        raise QueryError(_short(str(exc), len(prefix)), "query") from exc
    except QueryError as exc:
        raise QueryError(_short(exc.message, len(prefix)), exc.where) from exc
    except PtceError:
        raise
    except OSError as exc:
        raise StoreError(f"the store could not answer: {_short(str(exc))}") from exc
    except (ValueError, TypeError, RuntimeError) as exc:
        # pyoxigraph's messages for queries it cannot evaluate as given (e.g. a substituted
        # variable missing from the projection)
        raise QueryError(_short(str(exc)), "query") from exc


def _count_rows(body: bytes, fmt: QueryResultsFormat) -> int:
    """Rows of a serialised SELECT answer."""
    if fmt == QueryResultsFormat.CSV:  # pyoxigraph refuses to parse CSV results (lossy)
        return sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8"), newline=""))) - 1
    return sum(1 for _ in parse_query_results(body, fmt))


_POSITION = re.compile(r"\b1:(\d+)")


def _short(message: str, shift: int = 0) -> str:
    """A parser message cut to a readable length; ``shift`` undoes the BASE we prepended."""
    if shift:
        message = _POSITION.sub(lambda m: f"1:{max(int(m.group(1)) - shift, 1)}", message, count=1)
    return message if len(message) <= _MESSAGE_LIMIT else message[:_MESSAGE_LIMIT] + "…"


# ---------------------------------------------------------------- worker processes

# Errors a worker sends back as they are (they pickle whole); any other is a StoreError.
_ERRORS = (QueryError, ResultTooLarge, StoreError, NotAcceptable)


def _protocol_query(store: OxStore) -> Callable[..., Any]:
    """``store.query`` with the Store protocol's argument types (names and IRIs as strings)."""

    def query(
        sparql: str,
        *,
        substitutions: Mapping[str, Any] | None,
        default_graph: Sequence[str] | None,
        named_graphs: Sequence[str] | None,
        use_default_graph_as_union: bool,
    ) -> Any:
        kwargs: dict[str, Any] = {"use_default_graph_as_union": use_default_graph_as_union}
        if substitutions:
            kwargs["substitutions"] = {
                Variable(k.lstrip("?$")): v for k, v in substitutions.items()
            }
        if default_graph is not None:
            kwargs["default_graph"] = [NamedNode(g) for g in default_graph]
        if named_graphs is not None:
            kwargs["named_graphs"] = [NamedNode(g) for g in named_graphs]
        return store.query(sparql, **kwargs)

    return query


def _pack(message: Any) -> bytes:
    """A job or a reply as bytes for the pipe. Plain ``pickle`` rather than ``Connection.send``:
    its ForkingPickler copies the reducer table on every message, a tenth of a light query's
    time in the worker. Only the server and its own workers write to these pipes."""
    return pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)


def _snapshot_path(root: str | Path, generation: int) -> str:
    return os.path.join(root, f"gen-{generation}")


def forkserver_context() -> Any:
    """The ``forkserver`` multiprocessing context, its server preloading what workers need.

    The fork server is one per process, started by whichever pool starts a worker first: every
    pool of worker processes gets its context here, so the preload is the same whichever it is.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_FORKSERVER_PRELOAD)
    return context


def _worker_main(conn: Connection, snapshots: str, generation: int, memory_limit: int) -> None:
    """Loop of a worker process: say it is ready, then receive a job, answer ("ok", result) or
    ("error", exception).

    The store is opened at start, before the worker says it is ready, so no query waits for
    that (the pool hands out ready workers only). The address space is
    capped so that a query materialising a huge intermediate result kills its own worker (an
    allocation failure aborts it) instead of pushing the machine into swap or the OOM killer.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us; Ctrl-C is for it
    resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    store: OxStore | None = None
    try:
        store = OxStore.read_only(_snapshot_path(snapshots, generation))
    except (OSError, RuntimeError):
        generation = -1  # reported with the first job
    try:
        conn.send_bytes(_pack(_READY))
    except OSError:
        return
    while True:
        try:
            job: _Job = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        try:
            if store is None or job.generation != generation:
                store = None  # release the old snapshot before opening the new one
                store = OxStore.read_only(_snapshot_path(snapshots, job.generation))
                generation = job.generation
            reply: tuple = ("ok", run_job(_protocol_query(store), job))
        except _ERRORS as exc:
            reply = ("error", exc)
        except PtceError as exc:
            reply = ("error", StoreError(str(exc)))
        except Exception as exc:  # noqa: BLE001 - reported to the parent, never a crash
            reply = ("error", StoreError(f"{type(exc).__name__}: {_short(str(exc))}"))
        try:
            conn.send_bytes(_pack(reply))
        except (BrokenPipeError, OSError):
            return


def worker_memory_limit(max_workers: int) -> int:
    """Address-space cap per worker: the machine's memory shared by the most workers that can
    run at once, never below 2 GiB (an idle worker maps about 0.7 GiB)."""
    physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return max(2 * 2**30, physical // max(max_workers, 1))


class _Worker:
    def __init__(self, ctx: Any, snapshots: str, generation: int, memory_limit: int) -> None:
        parent, child = ctx.Pipe()
        self.process = ctx.Process(
            target=_worker_main,
            args=(child, snapshots, generation, memory_limit),
            daemon=True,
            name="ptce-query-worker",
        )
        self.process.start()
        child.close()
        self.conn: Connection = parent
        self.demoted = False

    def demote(self) -> None:
        """Lower the worker's CPU priority for the rest of its life (that of its main thread,
        whose id is the pid on Linux: the one running the query)."""
        self.demoted = True
        try:
            os.setpriority(os.PRIO_PROCESS, self.process.pid, _HEAVY_NICE)
        except OSError:  # it ended meanwhile
            pass

    def ready(self, timeout: float) -> bool:
        """Wait for the worker to say it is ready; False if it died or took too long."""
        try:
            return self.conn.poll(timeout) and pickle.loads(self.conn.recv_bytes()) == _READY
        except (EOFError, OSError):
            return False

    def kill(self) -> None:
        self.process.kill()  # SIGKILL; a worker that already died is no error
        self.process.join(timeout=5)
        self.conn.close()


class WorkerPool:
    """Child processes running queries on a read-only view of the on-disk store.

    A request takes an idle worker, one that has already opened its snapshot, and never starts
    one itself: workers are started in background threads, ahead of need, so that every waiting
    request plus ``_SPARE`` have a worker ready or on its way, and there are never fewer than
    ``size`` nor more than ``max_size``. Runaway queries holding workers thus leave the next
    light query a ready worker, or at worst the one process start already under way.
    """

    def __init__(self, snapshots: Path, size: int, max_size: int, generation: int) -> None:
        self._ctx = forkserver_context()
        self._path = str(snapshots)
        self.generation = generation  # kept by the service; new workers open this version
        self._size = max(size, 1)
        self._max = max(max_size, self._size + 1)
        self.memory_limit = worker_memory_limit(self._max)
        self._idle: list[_Worker] = []  # ready, waiting for a job
        self._count = 0  # workers idle, busy or starting
        self._starting = 0
        self._waiting = 0  # requests waiting for an idle worker
        self._failed_starts = 0
        self._start_error = ""
        self._closed = False
        self._cond = threading.Condition()
        # The time limit is for queries, not for starting the pool (the fork server's imports
        # take seconds on a busy machine): wait here until the first workers are ready.
        with self._cond:
            self._top_up()
            self._cond.wait_for(lambda: not self._starting, _START_SECONDS)
            started = bool(self._idle)
        if not started:
            self.close()
            raise StoreError(f"cannot start a query worker: {self._start_error or 'no answer'}")

    def _top_up(self) -> None:
        """Start the workers the policy above asks for (call with the lock held)."""
        wanted = max(
            self._waiting + _SPARE - len(self._idle) - self._starting,
            self._size - self._count,
        )
        for _ in range(min(wanted, self._max - self._count)):
            self._count += 1
            self._starting += 1
            threading.Thread(
                target=self._start, name="ptce-query-worker-start", daemon=True
            ).start()

    def _start(self) -> None:
        """Start one worker (its slot is counted) and park it idle once it is ready."""
        worker: _Worker | None = None
        try:
            worker = _Worker(self._ctx, self._path, self.generation, self.memory_limit)
            error = "" if worker.ready(_START_SECONDS) else "it stopped while opening the store"
        except Exception as exc:  # noqa: BLE001 - reported to the requests waiting for it
            error = str(exc) or type(exc).__name__
        with self._cond:
            self._starting -= 1
            if worker is not None and not error and not self._closed:
                self._idle.append(worker)
                self._cond.notify()
                return
            self._count -= 1
            if error:
                self._failed_starts += 1
                self._start_error = error
            self._cond.notify_all()
        if worker is not None:
            worker.kill()

    def _acquire(self, deadline: float) -> _Worker:
        with self._cond:
            failed_before = self._failed_starts
            self._waiting += 1
            try:
                while not self._idle:
                    if self._closed:
                        raise StoreError("the query service is closed")
                    if self._failed_starts > failed_before and not self._starting:
                        raise StoreError(f"cannot start a query worker: {self._start_error}")
                    self._top_up()
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise QueryTimeout("every query worker is busy; try again shortly")
                    self._cond.wait(remaining)
                worker = self._idle.pop()
            finally:
                self._waiting -= 1
            self._top_up()  # a spare for the next request
            return worker

    def _release(self, worker: _Worker, healthy: bool) -> None:
        with self._cond:
            # Healthy workers stay (the pool is bounded by max_size): killing and respawning
            # them under steady concurrency would cost a process start per request.
            if healthy and not worker.demoted and not self._closed:
                self._idle.append(worker)
                self._cond.notify()
                return
            self._count -= 1
            if not self._closed:
                self._top_up()  # its replacement
        worker.kill()

    def run(self, job: _Job, timeout: float) -> QueryResult:
        deadline = time.monotonic() + timeout
        worker = self._acquire(deadline)
        healthy = False
        try:
            try:
                worker.conn.send_bytes(_pack(job))
                ready = worker.conn.poll(min(max(deadline - time.monotonic(), 0.0), _HEAVY_SECONDS))
                if not ready and deadline > time.monotonic():
                    worker.demote()
                    ready = worker.conn.poll(max(deadline - time.monotonic(), 0.0))
                reply = pickle.loads(worker.conn.recv_bytes()) if ready else None
            except (EOFError, OSError) as exc:
                raise QueryAborted(
                    "the query worker stopped: the query needed more than "
                    f"{self.memory_limit // 2**20} MB of memory, or the worker crashed"
                ) from exc
            if reply is None:
                raise QueryTimeout(
                    f"the query ran past the {timeout:g} s limit and was stopped; "
                    "narrow it or add LIMIT"
                )
            healthy = True
        finally:
            self._release(worker, healthy)
        if reply[0] == "ok":
            return reply[1]
        raise reply[1]

    def close(self) -> None:
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._cond.notify_all()
        for worker in idle:
            worker.kill()


# ---------------------------------------------------------------- the service


def _snapshot_prefix(store_folder: Path) -> str:
    return f".{store_folder.name}.query-snapshots-"


def _snapshot_folders(store_folder: Path) -> Iterator[tuple[int, Path]]:
    """The snapshot folders beside the store, with the pid of the service that made each."""
    prefix = _snapshot_prefix(store_folder)
    for folder in store_folder.parent.glob(prefix + "*"):
        pid = folder.name[len(prefix) :].split("-")[0]
        if pid.isdigit():
            yield int(pid), folder


def _snapshot_folder(store_folder: Path) -> Path:
    """A new folder for this service's snapshots, beside the store (same file system, so the
    checkpoints are hard links); folders left by dead processes are removed first."""
    prefix = _snapshot_prefix(store_folder)
    for pid, old in _snapshot_folders(store_folder):
        if not _alive(pid):
            shutil.rmtree(old, ignore_errors=True)
    try:
        return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=store_folder.parent))
    except OSError as exc:
        raise StoreError(
            f"cannot create a folder for the query workers' snapshots beside {store_folder}: {exc}"
        ) from exc


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def served_snapshot(store_folder: Path) -> tuple[int, Path] | None:
    """The pid of the running service that holds the store in ``store_folder`` and the newest
    snapshot it made (after its last write), or None when no live service made any.

    A snapshot is a RocksDB checkpoint, complete once its ``gen-<n>`` name appears (RocksDB
    renames it from ``gen-<n>.tmp``), and no process writes to it: another process may open it
    with ``OxigraphStore(path, read_only=True)``. It may be deleted a few writes later, so open
    it at once and look again if that fails.
    """
    folder = store_folder.resolve()
    for pid, snapshots in _snapshot_folders(folder):
        if not _alive(pid):
            continue
        generations = [
            int(match.group(1))
            for path in snapshots.glob("gen-*")
            if (match := re.fullmatch(r"gen-(\d+)", path.name))
        ]
        if generations:
            return pid, Path(_snapshot_path(snapshots, max(generations)))
    return None


def _store_folder(store: Store) -> Path | None:
    """The on-disk folder of an embedded store that can be snapshotted, or None."""
    path = getattr(store, "path", None)
    raw = getattr(store, "raw", None)
    if path is None or not Path(path).is_dir() or not hasattr(raw, "backup"):
        return None
    return Path(path).resolve()


class QueryService:
    """The one place queries and updates from users run (API, CLI, catalogue)."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self._generation = count(1)
        self.generation = next(self._generation)
        self._triples: tuple[int, int] | None = None  # (generation, count)
        self._refresh_lock = threading.Lock()
        folder = _store_folder(store)
        self._pool: WorkerPool | None = None
        self._snapshots: Path | None = None
        if folder is not None:
            self._snapshots = _snapshot_folder(folder)
            try:
                self._snapshot(self.generation)
                self._pool = WorkerPool(
                    self._snapshots,
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
        base_iri: str | None = None,
    ) -> QueryResult:
        """Run a query and serialise its answer in the negotiated media type.

        Protocol dataset IRIs override the query's FROM / FROM NAMED. With neither, the default
        graph is the union of all graphs, so queries need no GRAPH clause. The text is checked
        (``sparql_guard``) inside the job, under the time limit.
        Raises QueryError, NotAcceptable, QueryTimeout, ResultTooLarge, StoreError.
        """
        protocol_dataset = bool(default_graph_uris or named_graph_uris)
        job = _Job(
            query=query,
            accept=accept,
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
        return run_job(self.store.query, job)

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
                raise QueryError(_short(str(exc), len(prefix)), "update") from exc
            except QueryError as exc:
                raise QueryError(_short(exc.message, len(prefix)), exc.where or "update") from exc
            except PtceError:
                raise
            except (OSError, ValueError) as exc:
                raise StoreError(f"the update failed: {_short(str(exc))}") from exc
            finally:
                self.refresh()

    def _snapshot(self, generation: int) -> None:
        """Checkpoint the store for the workers; keep the last few for queries still running."""
        assert self._snapshots is not None
        try:
            self.store.raw.backup(_snapshot_path(self._snapshots, generation))  # type: ignore[attr-defined]
        except (OSError, RuntimeError) as exc:
            raise StoreError(f"cannot snapshot the store for the query workers: {exc}") from exc
        for old in range(generation - _KEPT_SNAPSHOTS, 0, -1):
            path = _snapshot_path(self._snapshots, old)
            if not os.path.isdir(path):
                break
            shutil.rmtree(path, ignore_errors=True)

    def refresh(self) -> None:
        """Call after any write to the store: the next queries see the new data."""
        with self._refresh_lock:
            generation = next(self._generation)
            if self._snapshots is not None:
                self._snapshot(generation)
            self.generation = generation
            if self._pool is not None:
                self._pool.generation = generation

    def triple_count(self) -> int:
        """Triples in all graphs, counted once per store version (health probes stay cheap)."""
        cached = self._triples
        if cached is not None and cached[0] == self.generation:
            return cached[1]
        generation = self.generation
        result = self.execute(_COUNT_TRIPLES, accept="application/sparql-results+json")
        bindings = json.loads(result.body)["results"]["bindings"]
        total = int(bindings[0]["n"]["value"]) if bindings else 0
        self._triples = (generation, total)
        return total

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        if self._snapshots is not None:
            shutil.rmtree(self._snapshots, ignore_errors=True)
            self._snapshots = None


class RefreshingStore:
    """The store as the API's routers see it: every write is followed by ``service.refresh()``,
    so a router that writes (a pole's data upload…) cannot leave the query workers on old data.
    Everything else is passed through to the wrapped store."""

    def __init__(self, store: Store, service: QueryService) -> None:
        self._store = store
        self._service = service

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def _written(self, write: Callable[..., Any], *args: Any) -> Any:
        try:
            return write(*args)
        finally:  # even a failed write may have changed something
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
