"""``ptce-kg init``: create or update the store (ontology, vocabularies, reference, demo data)."""

from __future__ import annotations

import click

from ptce_kg.cli.options import StoreOptions, store_options
from ptce_kg.kg.initialise import initialise
from ptce_kg.reconciliation.service import refresh_index


@click.command("init")
@click.option(
    "--demo/--no-demo",
    default=True,
    show_default=True,
    help="Load the demo data (known PTCE, example poles).",
)
@store_options
def init(demo: bool, store_options: StoreOptions) -> None:
    """Create or update the store (idempotent: unchanged graphs are kept as they are)."""
    settings = store_options.settings()
    with store_options.open(settings, create=True) as store:
        summary = initialise(store, demo=demo)
        click.echo(summary.text())
        index = refresh_index(store, settings.store)
        if index is not None:
            click.echo(index.text())
