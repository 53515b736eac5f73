"""Uploaded files are read and validated in worker processes, under a wall-clock limit.

pySHACL and the RDF / spreadsheet readers cannot be interrupted inside a thread, so a hostile
upload (a file crafted to be slow to parse or to validate) would hold a server thread for as
long as it likes. ``UploadChecker`` runs ``submissions.check_upload`` as an ``UploadJob`` on its
own ``WorkerPool`` (the query workers' implementation, with its own size, memory cap and time
limit, and no store): past the limit the worker is killed and replaced, and the caller gets
``ValidationTimeout`` (HTTP 503). Each worker's address space is capped, so a file that needs
too much memory stops its own worker (``ValidationAborted``, 503) rather than the machine.

The pool starts on the first upload (a service that validates nothing never pays for it) and
workers stay warm between uploads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ptce_kg.errors import PtceError, StoreError
from ptce_kg.kg.submissions import CheckedUpload, check_upload
from ptce_kg.runtime.pool import WorkerPool
from ptce_kg.validation import freeze_caches

# Python rarely gives memory back: a worker that parsed a big upload is replaced now and then
# rather than kept at its peak size for ever.
_JOBS_PER_WORKER = 50


class ValidationTimeout(PtceError):
    """Reading and validating an upload ran past the time limit and was stopped (HTTP 503)."""

    http_status = 503


class ValidationAborted(PtceError):
    """The worker validating an upload died, most likely past its memory cap (HTTP 503)."""

    http_status = 503


def _warm_up() -> None:
    # An empty file builds the shapes and prepare-step caches, so no upload waits for them;
    # they then stay out of the collector's passes.
    check_upload((("warm-up.ttl", b""),))
    freeze_caches()


@dataclass(frozen=True)
class UploadJob:
    """One ``check_upload`` call for a worker (picklable); it reads no store."""

    files: tuple[tuple[str, bytes], ...]
    options: dict[str, Any] = field(default_factory=dict)
    generation: int = 0  # unused: upload workers open no snapshot
    # An error raised by the check comes back whole (PtceError pickles with its fields); a
    # MemoryError comes back to be reported as ValidationAborted.
    errors: ClassVar[tuple[type[BaseException], ...]] = (PtceError, MemoryError)

    def run(self, query: Callable[..., Any]) -> CheckedUpload:
        """``check_upload(files, **options)``; raises what it raises."""
        return check_upload(self.files, **self.options)

    def timed_out(self, limit: float, started: bool) -> PtceError:
        """ValidationTimeout: the check ran past ``limit``, or (not ``started``) no worker was
        free until then."""
        if not started:
            return ValidationTimeout(
                f"every validation worker stayed busy for {limit:g} s; try again shortly"
            )
        return ValidationTimeout(
            f"reading and validating the upload ran past the {limit:g} s limit and was "
            "stopped; send less data, or validate it locally with `ptce-kg validate`"
        )

    def aborted(self, memory_mb: int) -> PtceError:
        """ValidationAborted: the worker died, most likely past its ``memory_mb`` cap."""
        return ValidationAborted(
            f"the validation worker stopped: the upload needed more than {memory_mb} MB of "
            "memory, or the worker crashed"
        )


class UploadChecker:
    """``check_upload`` with a time limit, in killable worker processes."""

    def __init__(self, timeout: float, workers: int) -> None:
        self.timeout = timeout
        self.workers = max(workers, 1)
        self._pool: WorkerPool | None = None
        self._lock = threading.Lock()

    def _started(self) -> WorkerPool:
        """The pool, started on first use (it waits until its workers are warm: the time limit
        is for the upload, not for starting the pool). Raises ValidationAborted."""
        with self._lock:
            if self._pool is None:
                try:
                    self._pool = WorkerPool(
                        None,
                        self.workers,
                        self.workers,
                        0,
                        name="validation",
                        warm_up=_warm_up,
                        jobs_per_worker=_JOBS_PER_WORKER,
                        # An upload takes longer than a query: demoting (and so replacing) the
                        # worker after each would make the next upload wait for a warm-up.
                        demote=False,
                    )
                except StoreError as exc:
                    raise ValidationAborted("the validation workers did not start") from exc
            return self._pool

    def check(self, files: Sequence[tuple[str, bytes]], **options: Any) -> CheckedUpload:
        """``check_upload(files, **options)`` in a worker; raises what it raises, or
        ValidationTimeout / ValidationAborted.

        The limit counts from the request, waiting for a free worker included, so a flood of
        slow uploads holds no server thread longer than the limit either.
        """
        pool = self._started()
        job = UploadJob(tuple(files), options)
        try:
            outcome: CheckedUpload = pool.run(job, self.timeout)
        except MemoryError as exc:
            raise job.aborted(pool.memory_limit // 2**20) from exc
        return outcome

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()
