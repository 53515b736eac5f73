"""``ptce-kg docs``: HTML documentation of the ontology and SKOS schemes (pyLODE)."""

from __future__ import annotations

from pathlib import Path

import click

from ptce_kg.ontology.docs import build_docs


@click.command("docs")
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
def docs(outdir: Path) -> None:
    """Write OUTDIR/index.html (ontology) and OUTDIR/vocab/<scheme>.html, generated from the TTL."""
    for path in build_docs(outdir):
        click.echo(str(path))
