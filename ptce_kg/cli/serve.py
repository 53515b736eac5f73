"""``ptce-kg serve``: the SPARQL endpoint, query catalogue, validation API and web page.

With a fresh (empty) embedded store it runs ``init`` first, so the first command of the README
shows the demo graph at once.
"""

from __future__ import annotations

import ipaddress

import click

from ptce_kg.cli.options import StoreOptions, store_options
from ptce_kg.settings import Settings
from ptce_kg.store import Store


def open_update_warning(settings: Settings) -> str | None:
    """A warning when anyone who can reach the service may change the graph: updates on,
    no admin token, and an interface other than loopback."""
    if not settings.allow_update or settings.admin_token:
        return None
    try:
        loopback = ipaddress.ip_address(settings.host).is_loopback
    except ValueError:
        loopback = settings.host == "localhost"
    if loopback:
        return None
    return (
        f"warning: SPARQL updates are enabled on {settings.host} without PTCE_ADMIN_TOKEN: "
        "anyone who can reach the service can change or delete the graph"
    )


def _initialise_if_empty(settings: Settings, store: Store) -> None:
    """Run the init service on an empty embedded store (never on a remote endpoint)."""
    if settings.endpoint or store.graphs():
        return
    from ptce_kg.kg.initialise import initialise

    click.echo("The store is empty: running init first…", err=True)
    click.echo(initialise(store).text(), err=True)


@click.command("serve")
@click.option(
    "--host", default=None, help="Interface to listen on [default: PTCE_HOST or 127.0.0.1]."
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=None,
    help="TCP port [default: PTCE_PORT or 8000].",
)
@click.option(
    "--allow-update/--no-allow-update",
    default=None,
    help="Accept SPARQL updates on /sparql (with PTCE_ADMIN_TOKEN set, "
    "they also need it as a bearer token).",
)
@click.option(
    "--query-timeout",
    type=click.FloatRange(min=0.1),
    default=None,
    help="Wall-clock limit per query, in seconds [default: PTCE_QUERY_TIMEOUT or 10].",
)
@click.option(
    "--query-workers",
    type=click.IntRange(min=1),
    default=None,
    help="Query worker processes kept ready; about one per client querying at once "
    "[default: PTCE_QUERY_WORKERS or 2].",
)
@store_options
def serve(
    host: str | None,
    port: int | None,
    allow_update: bool | None,
    query_timeout: float | None,
    query_workers: int | None,
    store_options: StoreOptions,
) -> None:
    """Start the web service: SPARQL 1.1 Protocol at /sparql, OpenAPI docs at /docs."""
    import uvicorn

    from ptce_kg.api.app import create_app

    overrides = {
        "host": host,
        "port": port,
        "allow_update": allow_update,
        "query_timeout": query_timeout,
        "query_workers": query_workers,
    }
    settings = store_options.settings(**{k: v for k, v in overrides.items() if v is not None})
    with store_options.open(settings, create=True) as store:
        _initialise_if_empty(settings, store)
        app = create_app(settings, store)
        where = settings.endpoint or settings.store
        click.echo(f"ptce-kg serving {where} on http://{settings.host}:{settings.port}/", err=True)
        warning = open_update_warning(settings)
        if warning:
            click.echo(warning, err=True)
        # Requests are not logged one by one: at hundreds per second the access log would cost
        # more than a light query. uvloop and httptools (dependencies) are picked by "auto".
        uvicorn.run(
            app, host=settings.host, port=settings.port, log_level="warning", access_log=False
        )
