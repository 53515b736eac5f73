"""One killable worker pool: child processes that run jobs, queries and upload checks.

pyoxigraph cannot cancel a running query, nor pySHACL and the file readers a running check, so
queries on the embedded on-disk store and uploads run in child processes (small pools started
with ``forkserver``), each query worker opening a read-only snapshot of the store
(``snapshots``). On timeout the worker is killed (SIGKILL) and replaced; the pool
grows on demand up to a bound, starting workers in the background ahead of need, and a job
still running after a fraction of a second drops to a lower CPU priority, so a runaway query
never holds up a light one. Each worker's address space is capped, so a job that needs too
much memory kills its own worker, not the machine.

A job is any picklable object with a ``generation`` (the snapshot it must read) and a
``run(query)`` method, ``query`` being ``Store.query`` of the snapshot opened as a read-only
``OxigraphStore``: a query runs the same way, with the same parameter binding, in a worker as
from the command line or on an in-process store. The job also names the errors that come back
from the worker whole and builds those the pool raises when it overruns or its worker dies, so
each kind of job keeps its own messages. A pool without snapshots (the upload checker's) opens
no store: its jobs must not query.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import resource
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

from ptce_kg.errors import PtceError, StoreError
from ptce_kg.runtime.snapshots import snapshot_path
from ptce_kg.sparql.serialisation import short_message
from ptce_kg.store.oxigraph import OxigraphStore

_SPARE = 1  # workers kept ready or starting beyond those that waiting requests will take
_START_SECONDS = 120  # a worker that has not opened its snapshot by then is given up
_READY = ("ready",)
# A job still running after this long is heavy: its worker drops to a lower CPU priority so
# that light queries, worker starts and the server itself get the CPU first (it cannot be
# raised back without privileges, so the worker is replaced after that job).
_HEAVY_SECONDS = 0.2
_HEAVY_NICE = 10
# Modules the fork server imports once, so that a worker (query or validation) starts in tens
# of milliseconds instead of importing them again. multiprocessing also runs the main script
# again in every worker, and Python 3.11 and 3.12 ignore a "__main__" preload (CPython
# gh-126631): for ``ptce-kg`` (the console script, whose only import is ``ptce_kg.cli``) that
# run then finds everything imported already, instead of costing half a second of CPU each.
_FORKSERVER_PRELOAD = [
    "__main__",
    "ptce_kg.cli",
    "ptce_kg.runtime.query_service",
    "ptce_kg.runtime.upload_workers",
]


class QueryAborted(PtceError):
    """The worker running the query died, most likely past its memory cap (HTTP 503)."""

    http_status = 503


class Job(Protocol):
    """What a worker runs: picklable, reading snapshot ``generation``."""

    @property
    def generation(self) -> int:
        """The snapshot the job must read."""

    @property
    def errors(self) -> tuple[type[BaseException], ...]:
        """Errors sent back as they are (they pickle whole); any other becomes a StoreError."""

    def run(self, query: Callable[..., Any]) -> Any:
        """The job's answer, ``query`` being ``Store.query`` over the snapshot."""

    def timed_out(self, limit: float, started: bool) -> PtceError:
        """The error for a job stopped at the limit, or (not ``started``) that found every
        worker busy until then."""

    def aborted(self, memory_mb: int) -> PtceError:
        """The error for a job whose worker died (past its ``memory_mb`` cap, or a crash)."""


def _no_store(*args: Any, **kwargs: Any) -> Any:
    raise StoreError("this worker pool has no store to query")


def _open(snapshots: str, generation: int) -> OxigraphStore:
    """Snapshot ``generation``, read-only: jobs query it through ``Store.query`` like every
    other query (one parameter-binding rule). Raises StoreError, StoreNotFound."""
    return OxigraphStore(Path(snapshot_path(snapshots, generation)), read_only=True)


def _pack(message: Any) -> bytes:
    """A job or a reply as bytes for the pipe. Plain ``pickle`` rather than ``Connection.send``:
    its ForkingPickler copies the reducer table on every message, a tenth of a light query's
    time in the worker. Only the server and its own workers write to these pipes."""
    return pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)


def forkserver_context() -> Any:
    """The ``forkserver`` multiprocessing context, its server preloading what workers need.

    The fork server is one per process, started by whichever pool starts a worker first: every
    pool of worker processes gets its context here, so the preload is the same whichever it is.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_FORKSERVER_PRELOAD)
    return context


def _worker_main(
    conn: Connection,
    snapshots: str | None,
    generation: int,
    memory_limit: int,
    warm_up: Callable[[], None] | None,
) -> None:
    """Loop of a worker process: say it is ready, then receive a job, answer ("ok", result) or
    ("error", exception).

    The store is opened and ``warm_up`` run at start, before the worker says it is ready, so no
    job waits for them (the pool hands out ready workers only). The address space is
    capped so that a query materialising a huge intermediate result kills its own worker (an
    allocation failure aborts it) instead of pushing the machine into swap or the OOM killer.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us; Ctrl-C is for it
    resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    store: OxigraphStore | None = None
    if snapshots is not None:
        try:
            store = _open(snapshots, generation)
        except PtceError:
            generation = -1  # reported with the first job
    if warm_up is not None:
        warm_up()
    try:
        conn.send_bytes(_pack(_READY))
    except OSError:
        return
    while True:
        try:
            job: Job = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        try:
            if snapshots is None:
                reply: tuple = ("ok", job.run(_no_store))
            else:
                if store is None or job.generation != generation:
                    store = None  # release the old snapshot before opening the new one
                    store = _open(snapshots, job.generation)
                    generation = job.generation
                reply = ("ok", job.run(store.query))
        except job.errors as exc:
            reply = ("error", exc)
        except PtceError as exc:
            reply = ("error", StoreError(str(exc)))
        except Exception as exc:  # noqa: BLE001 - reported to the parent, never a crash
            reply = ("error", StoreError(f"{type(exc).__name__}: {short_message(str(exc))}"))
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
    def __init__(self, ctx: Any, name: str, *args: Any) -> None:
        """Start a worker process named ``name``, ``args`` being ``_worker_main``'s after the
        pipe."""
        parent, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, *args), daemon=True, name=name)
        self.process.start()
        child.close()
        self.conn: Connection = parent
        self.demoted = False
        self.jobs = 0

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
    """Child processes running jobs, on a read-only view of the on-disk store for queries.

    A request takes an idle worker, one that has already opened its snapshot, and never starts
    one itself: workers are started in background threads, ahead of need, so that every waiting
    request plus ``_SPARE`` have a worker ready or on its way, and there are never fewer than
    ``size`` nor more than ``max_size``. Runaway queries holding workers thus leave the next
    light query a ready worker, or at worst the one process start already under way.

    ``snapshots`` None: the workers open no store (upload checks). ``name`` names the worker
    processes (``ptce-<name>-worker``) and the messages. ``warm_up`` runs in each worker before
    it says it is ready. A worker is replaced after ``jobs_per_worker`` jobs (None: never), and
    with ``demote`` a job still running after ``_HEAVY_SECONDS`` drops to a lower CPU priority.
    Raises StoreError when no worker starts.
    """

    def __init__(
        self,
        snapshots: Path | None,
        size: int,
        max_size: int,
        generation: int,
        *,
        name: str = "query",
        warm_up: Callable[[], None] | None = None,
        jobs_per_worker: int | None = None,
        demote: bool = True,
    ) -> None:
        self._ctx = forkserver_context()
        self._path = None if snapshots is None else str(snapshots)
        self.generation = generation  # kept by the service; new workers open this version
        self._size = max(size, 1)
        self._max = max(max_size, self._size)
        self.memory_limit = worker_memory_limit(self._max)
        self._name = name
        self._warm_up = warm_up
        self._jobs_per_worker = jobs_per_worker
        self._demote = demote
        self._idle: list[_Worker] = []  # ready, waiting for a job
        self._busy: set[_Worker] = set()  # running a job
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
            raise StoreError(f"cannot start a {name} worker: {self._start_error or 'no answer'}")

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
                target=self._start, name=f"ptce-{self._name}-worker-start", daemon=True
            ).start()

    def _start(self) -> None:
        """Start one worker (its slot is counted) and park it idle once it is ready."""
        worker: _Worker | None = None
        try:
            worker = _Worker(
                self._ctx,
                f"ptce-{self._name}-worker",
                self._path,
                self.generation,
                self.memory_limit,
                self._warm_up,
            )
            error = "" if worker.ready(_START_SECONDS) else "it stopped while starting up"
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

    def _acquire(self, deadline: float) -> _Worker | None:
        """An idle worker, now marked busy; None if none was free by ``deadline``. Raises
        StoreError when the pool is closed or its workers cannot start."""
        with self._cond:
            failed_before = self._failed_starts
            self._waiting += 1
            try:
                while not self._idle:
                    if self._closed:
                        raise StoreError(f"the {self._name} service is closed")
                    if self._failed_starts > failed_before and not self._starting:
                        raise StoreError(f"cannot start a {self._name} worker: {self._start_error}")
                    self._top_up()
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return None
                    self._cond.wait(remaining)
                worker = self._idle.pop()
                self._busy.add(worker)
            finally:
                self._waiting -= 1
            self._top_up()  # a spare for the next request
            return worker

    def _release(self, worker: _Worker, healthy: bool) -> None:
        with self._cond:
            self._busy.discard(worker)
            # Healthy workers stay (the pool is bounded by max_size): killing and respawning
            # them under steady concurrency would cost a process start per request.
            worn = self._jobs_per_worker is not None and worker.jobs >= self._jobs_per_worker
            if healthy and not worker.demoted and not worn and not self._closed:
                self._idle.append(worker)
                self._cond.notify()
                return
            self._count -= 1
            if not self._closed:
                self._top_up()  # its replacement
        worker.kill()

    def run(self, job: Job, timeout: float) -> Any:
        """``job``'s answer from a worker, or what it raised (if among ``job.errors``, else a
        StoreError); raises ``job.timed_out(...)`` past ``timeout`` (waiting for a worker
        included), ``job.aborted(...)`` if the worker dies."""
        deadline = time.monotonic() + timeout
        worker = self._acquire(deadline)
        if worker is None:
            raise job.timed_out(timeout, started=False)
        healthy = False
        try:
            try:
                worker.jobs += 1
                worker.conn.send_bytes(_pack(job))
                remaining = max(deadline - time.monotonic(), 0.0)
                ready = worker.conn.poll(
                    min(remaining, _HEAVY_SECONDS) if self._demote else remaining
                )
                if not ready and self._demote and deadline > time.monotonic():
                    worker.demote()
                    ready = worker.conn.poll(max(deadline - time.monotonic(), 0.0))
                reply = pickle.loads(worker.conn.recv_bytes()) if ready else None
            except (EOFError, OSError) as exc:
                raise job.aborted(self.memory_limit // 2**20) from exc
            if reply is None:
                raise job.timed_out(timeout, started=True)
            healthy = True
        finally:
            self._release(worker, healthy)
        if reply[0] == "ok":
            return reply[1]
        raise reply[1]

    def close(self) -> None:
        """Stop the workers, those running a job included (their callers get ``aborted``)."""
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            busy = list(self._busy)
            self._cond.notify_all()
        for worker in idle:
            worker.kill()
        for worker in busy:
            worker.process.kill()  # its caller sees the pipe close, then releases and reaps it
