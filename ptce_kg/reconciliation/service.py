"""The reconciliation index of a store, opened and brought up to date when first needed."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from ptce_kg.errors import PtceError
from ptce_kg.reconciliation.index import ReconIndex, RefreshSummary, index_path_for
from ptce_kg.store.base import Store

log = logging.getLogger("ptce_kg.reconciliation")


def index_location(store: Store, store_path: Path) -> Path | None:
    """Where the index of ``store`` lives: beside its folder, or beside ``store_path`` (the
    ``PTCE_STORE`` setting) for a read-only view (the snapshot a running server made of the
    store at ``store_path``); ``None``, in memory, for a store in memory or a remote endpoint
    (no folder of ours: ``serve`` and ``reconcile`` build it when first needed)."""
    own = getattr(store, "path", None)  # OxigraphStore, or the API's proxy of it
    if own is None:
        return None
    return index_path_for(store_path if getattr(store, "read_only", False) else Path(own))


def refresh_index(store: Store, store_path: Path) -> RefreshSummary | None:
    """Bring the index of ``store`` up to date (what ``init``, ``load`` and ``import`` run);
    ``None`` when it is kept in memory (nothing to keep up to date on disk)."""
    location = index_location(store, store_path)
    if location is None:
        return None
    index = ReconIndex(location)
    try:
        return index.refresh(store)
    finally:
        index.close()


class Reconciler:
    """The index a service answers from: opened and brought up to date on first use, and
    again after ``mark_stale`` (a write through the API)."""

    def __init__(self, store: Store, location: Path | None) -> None:
        self._store = store
        self._location = location
        self._index: ReconIndex | None = None
        self._stale = True
        self._lock = threading.Lock()

    def index(self) -> ReconIndex:
        """The up-to-date index; raises ``StoreError`` when it cannot be opened or built."""
        with self._lock:
            if self._index is None:
                self._index = ReconIndex(self._location)
            if self._stale:
                self._index.refresh(self._store)
                self._stale = False
            return self._index

    def mark_stale(self) -> threading.Thread | None:
        """The store changed: an index on disk is refreshed in the background (readers keep
        the old rows until each graph's transaction commits; the thread is returned), one in
        memory on next use."""
        with self._lock:
            if self._index is None or self._location is None:
                self._stale = True
                return None
        thread = threading.Thread(target=self._refresh, name="reconcile-refresh", daemon=True)
        thread.start()
        return thread

    def _refresh(self) -> None:
        with self._lock:
            if self._index is not None:
                try:
                    self._index.refresh(self._store)
                except PtceError as exc:  # the next mark_stale or restart tries again
                    log.warning("reconciliation index not refreshed: %s", exc)

    def close(self) -> None:
        with self._lock:
            if self._index is not None:
                self._index.close()
                self._index = None
