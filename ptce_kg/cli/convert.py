"""``ptce-kg convert``: the spreadsheet template (.xlsx or CSV folder) to RDF."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ptce_kg.spreadsheet import to_rdf
from ptce_kg.spreadsheet.export import FORMATS, format_for, serialize, write_atomic


@click.command("convert")
@click.argument("source", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: standard output).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(FORMATS)),
    help="RDF syntax (default: from the output's suffix, else turtle).",
)
def convert(source: Path, output: Path | None, fmt: str | None) -> None:
    """Check SOURCE (pole.xlsx, a folder of CSV files or one of its CSV files) against the
    template's Table Schemas and write its RDF. Table errors are listed by sheet, row and
    column (exit 2); nothing is written then."""
    graph = to_rdf(source)
    data = serialize(graph, format_for(output, fmt))
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_atomic(data, output)
        click.echo(f"{len(graph)} triples written to {output}", err=True)
