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

from ptce_kg.errors import InputError, StoreNotFound
from ptce_kg.settings import Settings, default_store_path
from ptce_kg.store import Store, open_store


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
    def open(self, settings: Settings | None = None, *, create: bool = False) -> Iterator[Store]:
        """The store the options name, closed on exit.

        Only commands that write pass ``create``: for a command that only reads, a missing
        store is a mistyped path or a store never initialised, and a new empty store would
        answer with nothing; it is a usage error (exit 2) that says how to create one.
        """
        settings = settings or self.settings()
        try:
            store = open_store(settings, create=create)
        except StoreNotFound as exc:
            raise InputError(self._missing_store_advice(settings.store), exc.where) from exc
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
