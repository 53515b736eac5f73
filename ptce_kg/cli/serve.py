"""``ptce-kg serve``: the SPARQL endpoint, query catalogue, validation API and web page.

With a fresh (empty) embedded store it runs ``init`` first, so the first command of the README
shows the demo graph at once.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from ptce_kg.settings import Settings
from ptce_kg.store.base import Store


def _initialise_if_empty(settings: Settings, store: Store) -> None:
    """Run the init service on an empty embedded store (never on a remote endpoint)."""
    if settings.endpoint or store.graphs():
        return
    try:
        module = importlib.import_module("ptce_kg.initialise")
    except ModuleNotFoundError as exc:
        if exc.name != "ptce_kg.initialise":
            raise
        click.echo("warning: the store is empty and init is not available", err=True)
        return
    click.echo("The store is empty: running init first…", err=True)
    module.initialise(settings, store)


@click.command("serve")
@click.option("--host", default=None, help="Interface to listen on [default: PTCE_HOST or 127.0.0.1].")
@click.option("--port", type=int, default=None, help="TCP port [default: PTCE_PORT or 8000].")
@click.option(
    "--store",
    "store_path",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of the embedded store [default: PTCE_STORE].",
)
@click.option("--endpoint", default=None, help="Use a remote SPARQL endpoint instead of the embedded store.")
@click.option(
    "--allow-update/--no-allow-update",
    default=None,
    help="Accept SPARQL updates on /sparql (also needs PTCE_ADMIN_TOKEN as bearer token when set).",
)
@click.option("--query-timeout", type=float, default=None, help="Wall-clock limit per query, in seconds [default: 10].")
def serve(
    host: str | None,
    port: int | None,
    store_path: Path | None,
    endpoint: str | None,
    allow_update: bool | None,
    query_timeout: float | None,
) -> None:
    """Start the web service (SPARQL 1.1 Protocol at /sparql, OpenAPI docs at /docs)."""
    import uvicorn

    from ptce_kg.api.app import create_app
    from ptce_kg.store import open_store

    if store_path is not None and endpoint is not None:
        raise click.UsageError("give --store or --endpoint, not both")
    given = {
        "host": host,
        "port": port,
        "store": store_path,
        "endpoint": endpoint,
        "allow_update": allow_update,
        "query_timeout": query_timeout,
    }
    settings = Settings(**{k: v for k, v in given.items() if v is not None})
    if settings.query_timeout <= 0:
        raise click.BadParameter("must be positive", param_hint="--query-timeout")
    store = open_store(settings)
    try:
        _initialise_if_empty(settings, store)
        app = create_app(settings, store)
        where = settings.endpoint or settings.store
        click.echo(f"ptce-kg serving {where} on http://{settings.host}:{settings.port}/", err=True)
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
    finally:
        store.close()
