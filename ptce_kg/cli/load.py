"""``ptce-kg load FILE…``: RDF files (or the spreadsheet template) into named graphs, atomically."""

from __future__ import annotations

from pathlib import Path

import click

from ptce_kg.cli.options import StoreOptions, store_options
from ptce_kg.loading import load_files
from ptce_kg.reconciliation.service import refresh_index


@click.command("load")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--graph",
    default=None,
    metavar="IRI",
    help="Target graph [default: …/graph/pole/<file stem> per file].",
)
@click.option(
    "--replace", is_flag=True, help="Overwrite a graph that holds data loaded from other files."
)
@click.option(
    "--input-format",
    default=None,
    metavar="FORMAT",
    help="RDF syntax (turtle, nt, nquads, trig, xml, json-ld) [default: from the extension].",
)
@click.option(
    "--license",
    default=None,
    metavar="IRI|TEXT",
    help="Licence recorded in the graph's metadata [default: the files' dcterms:license].",
)
@click.option("--no-link", is_flag=True, help="Do not rebuild the derived graph afterwards.")
@store_options
def load(
    files: tuple[Path, ...],
    graph: str | None,
    replace: bool,
    input_format: str | None,
    license: str | None,
    no_link: bool,
    store_options: StoreOptions,
) -> None:
    """Load FILES into named graphs; every file is parsed before anything is written."""
    settings = store_options.settings()
    with store_options.open(settings, create=True) as store:
        results = load_files(
            store,
            list(files),
            graph=graph,
            replace=replace,
            input_format=input_format,
            link=not no_link,
            license=license,
        )
        for result in results:
            names = ", ".join(str(p) for p in result.files)
            what = "triples ->" if result.changed else "triples unchanged in"
            click.echo(f"{result.triples} {what} <{result.graph}> ({names})")
        click.echo(refresh_index(store, settings.store).text())
