"""``ptce-kg reconcile FILE``: match the rows of a spreadsheet to the graph's legal units, poles
or communes, and write it back with the match columns added (docs/reconciliation.md)."""

from __future__ import annotations

from pathlib import Path

import click

from ptce_kg.cli.options import StoreOptions, store_options
from ptce_kg.reconciliation.service import Reconciler, index_location
from ptce_kg.reconciliation.table import (
    TYPES,
    Columns,
    column_positions,
    read_table,
    reconcile_table,
    write_table,
)


@click.command("reconcile")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--name", "name_column", required=True, metavar="COL", help="Column of names.")
@click.option("--commune", metavar="COL", help="Column of communes (name or INSEE code).")
@click.option("--postcode", metavar="COL", help="Column of postcodes.")
@click.option("--siret", metavar="COL", help="Column of SIRETs or SIRENs.")
@click.option(
    "--type",
    "type_",
    type=click.Choice(TYPES),
    default="legal-unit",
    show_default=True,
    help="What the rows are.",
)
@click.option("--sheet", metavar="NAME", help="Sheet of an .xlsx file [default: the first].")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (.csv or .xlsx), with the match columns added.",
)
@store_options
def reconcile(
    file: Path,
    name_column: str,
    commune: str | None,
    postcode: str | None,
    siret: str | None,
    type_: str,
    sheet: str | None,
    output: Path,
    store_options: StoreOptions,
) -> None:
    """Match each row of FILE (.csv or .xlsx) and write OUTPUT with the match columns:
    match_id, match_code, match_siret, match_label, match_score, match (yes/no),
    match_runner_up. Prints how many rows matched, are ambiguous, have no candidate."""
    columns = Columns(name_column, commune, postcode, siret)
    table = read_table(file, sheet)
    column_positions(table, columns)  # a mistyped column is told before the index is opened
    settings = store_options.settings()
    with store_options.open(settings, read_only=True) as store:
        reconciler = Reconciler(store, index_location(store, settings.store))
        try:
            summary = reconcile_table(reconciler.index(), table, columns, type_)
        finally:
            reconciler.close()
    write_table(table, summary, output)
    click.echo(f"{summary.text()}\nwritten: {output}")
