"""Read-only snapshots of the on-disk store for the query workers.

Workers never open the live store (RocksDB does not allow a reader while another process
writes): they open a read-only *snapshot*, a RocksDB checkpoint made of hard links (a few ms),
kept beside the store in ``.<store folder name>.query-snapshots-<pid>-…/gen-<n>``. The service
makes a new one after each write; each worker moves to it before its next job. Other
processes (a CLI command beside the server) find the newest with ``served_snapshot``.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ptce_kg.errors import StoreError
from ptce_kg.store.base import Store

_KEPT_SNAPSHOTS = 3  # a query may still be reading an older one after two quick writes


def snapshot_path(root: str | Path, generation: int) -> str:
    """The folder of snapshot ``generation`` in the snapshot folder ``root``."""
    return os.path.join(root, f"gen-{generation}")


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
            return pid, Path(snapshot_path(snapshots, max(generations)))
    return None


class Snapshots:
    """This service's snapshots of ``store`` (one whose ``folder`` is not None), in a new
    folder beside it (removed on close)."""

    def __init__(self, store: Store, store_folder: Path) -> None:
        self.store = store
        self.folder = _snapshot_folder(store_folder)

    def make(self, generation: int) -> None:
        """Checkpoint the store as ``generation``; keep the last few for queries still running.

        Raises StoreError.
        """
        try:
            self.store.snapshot(Path(snapshot_path(self.folder, generation)))
        except StoreError as exc:
            raise StoreError(f"cannot snapshot the store for the query workers: {exc}") from exc
        for old in range(generation - _KEPT_SNAPSHOTS, 0, -1):
            path = snapshot_path(self.folder, old)
            if not os.path.isdir(path):
                break
            shutil.rmtree(path, ignore_errors=True)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
