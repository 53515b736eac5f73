"""Uploaded files are read and validated in worker processes, under a wall-clock limit.

pySHACL and the RDF / spreadsheet readers cannot be interrupted inside a thread, so a hostile
upload (a file crafted to be slow to parse or to validate) would hold a server thread for as
long as it likes. ``UploadChecker`` runs ``pole_data.check_upload`` in a small pool of worker
processes (pebble's ``ProcessPool``, ``forkserver`` like the query workers): past the limit the
worker is killed and replaced, and the caller gets ``ValidationTimeout`` (HTTP 503). Each worker's
address space is capped like a query worker's, so a file that needs too much memory stops its
own worker (``ValidationAborted``, 503) rather than the machine.

The pool starts on the first upload (a service that validates nothing never pays for it) and
workers stay warm between uploads.
"""

from __future__ import annotations

import resource
import threading
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from pebble import ProcessExpired, ProcessPool

from ptce_kg.errors import PtceError
from ptce_kg.kg.submissions import CheckedUpload, check_upload
from ptce_kg.runtime.pool import forkserver_context, worker_memory_limit

_TASKS_PER_WORKER = 50
_START_SECONDS = 120


class ValidationTimeout(PtceError):
    """Reading and validating an upload ran past the time limit and was stopped (HTTP 503)."""

    http_status = 503


class ValidationAborted(PtceError):
    """The worker validating an upload died, most likely past its memory cap (HTTP 503)."""

    http_status = 503


def _start_worker(memory_limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    # An empty file builds the shapes and prepare-step caches, so no upload waits for them.
    check_upload(b"", "warm-up.ttl")


def _ready() -> bool:
    return True


class UploadChecker:
    """``check_upload`` with a time limit, in killable worker processes."""

    def __init__(self, timeout: float, workers: int) -> None:
        self.timeout = timeout
        self.workers = max(workers, 1)
        self.memory_limit = worker_memory_limit(self.workers)
        self._pool: ProcessPool | None = None
        self._lock = threading.Lock()

    def _started(self) -> ProcessPool:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPool(
                    max_workers=self.workers,
                    # Python rarely gives memory back: a worker that parsed a big upload is
                    # replaced now and then rather than kept at its peak size for ever.
                    max_tasks=_TASKS_PER_WORKER,
                    initializer=_start_worker,
                    initargs=(self.memory_limit,),
                    context=forkserver_context(),  # the query workers' fork server
                )
                # The time limit is for the upload, not for starting the pool: wait until a
                # worker answers (imports and warm-up take seconds on a busy machine).
                try:
                    self._pool.schedule(_ready).result(timeout=_START_SECONDS)
                except (FutureTimeout, ProcessExpired) as exc:
                    self._pool.stop()
                    self._pool = None
                    raise ValidationAborted("the validation workers did not start") from exc
            return self._pool

    def check(self, data: bytes, filename: str, **options: Any) -> CheckedUpload:
        """``check_upload(data, filename, **options)`` in a worker; raises what it raises, or
        ValidationTimeout / ValidationAborted.

        The limit counts from the request, waiting for a free worker included, so a flood of
        slow uploads holds no server thread longer than the limit either.
        """
        # An error raised in the worker comes back whole (PtceError pickles with its fields).
        future = self._started().schedule(check_upload, args=(data, filename), kwargs=options)
        try:
            outcome: CheckedUpload = future.result(timeout=self.timeout)
        except FutureTimeout as exc:
            started = future.running()
            future.cancel()  # a running check is stopped with its worker, which is replaced
            raise ValidationTimeout(
                f"reading and validating the file ran past the {self.timeout:g} s limit and was "
                "stopped; send a smaller file, or validate it locally with `ptce-kg validate`"
                if started
                else f"every validation worker stayed busy for {self.timeout:g} s; "
                "try again shortly"
            ) from exc
        except (ProcessExpired, MemoryError) as exc:
            raise ValidationAborted(
                "the validation worker stopped: the file needed more than "
                f"{self.memory_limit // 2**20} MB of memory, or the worker crashed"
            ) from exc
        return outcome

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.stop()
            pool.join()
