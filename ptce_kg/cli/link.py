"""``ptce-kg link``: rebuild the derived graph and report what does not link up."""

from __future__ import annotations

import json
import sys

import click

from ptce_kg.cli.options import StoreOptions, store_options
from ptce_kg.errors import EXIT_NONCONFORMANT, EXIT_OK
from ptce_kg.kg.linking import LANGUAGES, link_report, rebuild_derived
from ptce_kg.store import OxigraphStore


@click.command("link")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--rebuild/--no-rebuild",
    default=None,
    help="Rebuild the derived graph first [default: rebuild, unless a running server holds "
    "the store: its derived graph is then reported as it is] (--no-rebuild for a read-only "
    "endpoint).",
)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default="fr",
    show_default=True,
    help="Language of the report's titles and sentences.",
)
@store_options
def link(fmt: str, rebuild: bool | None, lang: str, store_options: StoreOptions) -> None:
    """Report members with an unknown SIREN, ceased members, ESS conflicts, members outside
    the pole's territory.

    Exit code 0 when nothing is found, 1 when there are findings.
    """
    with store_options.open(read_only=rebuild is not True) as store:
        if rebuild is None:
            # Beside a running server the store is a read-only view: its derived graph is the
            # one the server rebuilt after its last pole upload (not after a SPARQL update).
            rebuild = not (isinstance(store, OxigraphStore) and store.read_only)
            if not rebuild:
                click.echo("note: the derived graph is reported as the server left it", err=True)
        if rebuild:
            rebuild_derived(store)
        report = link_report(store, lang)
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(report.text())
    # click.Context.exit's code would be returned and lost; main() maps SystemExit to the status.
    sys.exit(EXIT_OK if report.ok else EXIT_NONCONFORMANT)
