"""Store options shared by every command: ``--store PATH`` or ``--endpoint URL`` (+ update/GSP)."""

from __future__ import annotations

import functools
import shlex
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from ptce_kg.errors import InputError, StoreError, StoreInUse, StoreNotFound
from ptce_kg.runtime.snapshots import served_snapshot
from ptce_kg.settings import Settings, default_store_path
from ptce_kg.store import OxigraphStore, Store, open_store

# Looks for the server's newest snapshot; each fails only if the server wrote several times
# between the look and the open, which deletes the older ones.
_VIEW_ATTEMPTS = 5


@dataclass(frozen=True)
class StoreOptions:
    """What the user chose on the command line; unset values fall back to ``PTCE_…`` settings."""

    store: Path | None = None
    endpoint: str | None = None
    update_endpoint: str | None = None
    gsp_endpoint: str | None = None

    def settings(self, **overrides: Any) -> Settings:
        """Settings from the environment, overridden by the options that were given."""
        given = {
            "store": self.store,
            "endpoint": self.endpoint,
            "update_endpoint": self.update_endpoint,
            "gsp_endpoint": self.gsp_endpoint,
            **overrides,
        }
        return Settings(**{k: v for k, v in given.items() if v is not None})

    @contextmanager
    def open(
        self, settings: Settings | None = None, *, create: bool = False, read_only: bool = False
    ) -> Iterator[Store]:
        """The store the options name, closed on exit.

        Only commands that write pass ``create``: for a command that only reads, a missing
        store is a mistyped path or a store never initialised, and a new empty store would
        answer with nothing; it is a usage error (exit 2) that says how to create one.

        A running ``ptce-kg serve`` holds the embedded store. Commands that only read pass
        ``read_only``: they then get a view of the server's latest snapshot (see
        ``served_view``); the others get ``StoreInUse`` (exit 2), which says what to do.
        """
        settings = settings or self.settings()
        try:
            store = open_store(settings, create=create)
        except StoreNotFound as exc:
            raise InputError(self._missing_store_advice(settings.store), exc.where) from exc
        except StoreInUse:
            store = served_view(settings.store, read_only=read_only)
        try:
            yield store
        finally:
            store.close()

    def _missing_store_advice(self, path: Path) -> str:
        """Where the path came from (the likely typo) and the command that creates the store."""
        if self.store is not None:
            init = f"ptce-kg init --store {shlex.quote(str(path))}"
            return f"no ptce-kg store at this path (given with --store); create one with `{init}`"
        if path == default_store_path():
            return (
                "no ptce-kg store yet (the default per-user store); create it with `ptce-kg init`"
            )
        return (
            "no ptce-kg store at this path (set by $PTCE_STORE); check the variable, "
            "or create the store with `ptce-kg init`"
        )


def served_view(path: Path, *, read_only: bool) -> OxigraphStore:
    """A read-only view of the store at ``path``, which another process holds.

    Oxigraph leaves a reader beside a writer undefined, so the view is the newest snapshot of
    the running server: the RocksDB checkpoint it makes after each of its writes for its own
    query workers, so the view holds everything the server had written when the command
    started. Raises ``StoreInUse`` with what to do when the command writes (``read_only``
    False) or when the holder is not a server (a command still running, a server starting).
    """
    for _attempt in range(_VIEW_ATTEMPTS):
        served = served_snapshot(path)
        if served is None:
            raise StoreInUse(
                f"the store at {path} is in use by another process (a ptce-kg command still "
                "running, or a server starting): wait until it has finished, then run this "
                "command again"
            )
        pid, snapshot = served
        if not read_only:
            raise StoreInUse(
                f"a running `ptce-kg serve` (pid {pid}) holds the store at {path}, and only one "
                "process at a time can write to a store: stop the server (Ctrl-C where it runs, "
                f"or `kill {pid}`), run this command, then start the server again. Commands "
                "that only read (query, graphs, link --no-rebuild) work beside the server"
            )
        try:
            view = OxigraphStore(snapshot, read_only=True)
        except (StoreError, StoreNotFound):
            continue  # the server replaced that snapshot meanwhile: take its newest
        click.echo(
            f"note: a running `ptce-kg serve` (pid {pid}) holds the store; reading the snapshot "
            "it made after its last write",
            err=True,
        )
        return view
    raise StoreError(f"cannot open a snapshot of the store at {path} beside the running server")


def _http_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Refuse an endpoint that is not an http(s) URL as a usage error (exit 2), not a crash."""
    if value is not None:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise click.BadParameter(f"{value!r} is not an http:// or https:// URL")
    return value


def store_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--store``, ``--endpoint``, ``--update-endpoint``, ``--gsp-endpoint`` to a command.

    The command receives them as one ``store_options: StoreOptions`` argument.
    """

    @functools.wraps(func)
    def wrapper(
        *args: Any,
        store: Path | None,
        endpoint: str | None,
        update_endpoint: str | None,
        gsp_endpoint: str | None,
        **kwargs: Any,
    ) -> Any:
        if store is not None and endpoint is not None:
            raise click.UsageError("give --store or --endpoint, not both")
        if (update_endpoint or gsp_endpoint) and not endpoint:
            raise click.UsageError("--update-endpoint and --gsp-endpoint need --endpoint")
        options = StoreOptions(store, endpoint, update_endpoint, gsp_endpoint)
        return func(*args, store_options=options, **kwargs)

    decorators = [
        click.option(
            "--store",
            type=click.Path(file_okay=False, path_type=Path),
            default=None,
            help="Folder of the embedded store [default: PTCE_STORE or a per-user folder].",
        ),
        click.option(
            "--endpoint",
            default=None,
            metavar="URL",
            callback=_http_url,
            help="Remote SPARQL query endpoint instead of the embedded store (e.g. http://host:7878/query).",
        ),
        click.option(
            "--update-endpoint",
            default=None,
            metavar="URL",
            callback=_http_url,
            help="SPARQL update endpoint [default: <base>/update].",
        ),
        click.option(
            "--gsp-endpoint",
            default=None,
            metavar="URL",
            callback=_http_url,
            help="Graph Store Protocol endpoint [default: <base>/store].",
        ),
    ]
    for decorator in reversed(decorators):
        wrapper = decorator(wrapper)
    return wrapper
