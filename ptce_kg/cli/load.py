"""``ptce-kg load FILE…``: RDF files (or the spreadsheet template) into named graphs, atomically;
each target graph is replaced, and the output says its triple count before and after."""

from __future__ import annotations

from pathlib import Path

import click

from ptce_kg.cli.options import StoreOptions, store_options
from ptce_kg.kg.loading import load_files
from ptce_kg.reconciliation.service import refresh_index


@click.command("load")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--graph",
    default=None,
    metavar="IRI",
    help="Target graph, for every file [default: …/graph/pole/<slug> of the one "
    "…/id/pole/<slug> typed ptce:Pole each file describes].",
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
    """Load FILES into named graphs, REPLACING each target graph (never adding to it).

    Every file is parsed before anything is written. A file goes to the graph of the pole it
    describes, unless --graph is given; data loaded into a pole's graph may only be about that
    pole, its own resources and the actors it names (else exit 2, with the refused subjects).
    Each graph is reported with its triple count before and after.
    """
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
            if result.changed:
                click.echo(
                    f"replaced <{result.graph}>: {result.before} triples before, "
                    f"{result.triples} after ({names})"
                )
            else:
                click.echo(
                    f"unchanged <{result.graph}>: {result.triples} triples, same files ({names})"
                )
        index = refresh_index(store, settings.store)
        if index is not None:
            click.echo(index.text())
