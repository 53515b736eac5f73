"""``ptce-kg reason``: HermiT consistency check of the ontology and optional data files."""

from __future__ import annotations

from pathlib import Path

import click

from ptce_kg.errors import EXIT_NONCONFORMANT, EXIT_OK
from ptce_kg.ontology.reasoning import reason as run_reasoner


@click.command("reason")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=120.0,
    show_default=True,
    help="Seconds before HermiT is stopped.",
)
@click.pass_context
def reason(ctx: click.Context, files: tuple[Path, ...], timeout: float) -> None:
    """Check with HermiT that the ontology plus FILES (RDF in any syntax) is consistent and has
    no unsatisfiable class; name the individuals and axioms involved when it is not.

    Exit 0 consistent, 1 inconsistent or unsatisfiable classes, 2 bad input or no Java,
    3 HermiT stopped at the timeout.
    """
    report = run_reasoner(list(files), timeout=timeout)
    click.echo(report.to_text())
    ctx.exit(EXIT_OK if report.ok else EXIT_NONCONFORMANT)
