"""``ptce-kg import``: national open data (SIRENE stock files, API Recherche d'entreprises JSON).

Each import says whether it replaced its graph or added to it, with the triple counts before
and after."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ptce_kg.cli.options import StoreOptions, store_options
from ptce_kg.kg.importers.common import ImportSummary
from ptce_kg.kg.importers.recherche_entreprises import import_recherche_entreprises
from ptce_kg.kg.importers.sirene import Filter, import_sirene, read_siren_list, statutory_ess_forms
from ptce_kg.kg.linking import rebuild_derived
from ptce_kg.kg.statistics import StatisticsOutcome, refresh_statistics
from ptce_kg.rdf import graphs
from ptce_kg.reconciliation.service import refresh_index
from ptce_kg.statistics.facts import RegistryFacts

_FILE = click.Path(exists=True, dir_okay=False, readable=True, path_type=Path)


@click.group("import")
def import_() -> None:
    """Import national registries into the store (then rebuild the derived graph and the
    statistics cube).

    `sirene` REPLACES graph `sirene`; `recherche-entreprises` ADDS units to graph
    `recherche-entreprises` (--replace to replace it). Each prints the graph's triple count
    before and after.
    """


def _report(summary: ImportSummary, derived: int, statistics: StatisticsOutcome) -> None:
    click.echo(summary.text())
    click.echo(f"derived graph rebuilt: {derived} triples")
    click.echo(statistics.text())


@import_.command("sirene")
@click.option(
    "--unites-legales",
    "unites_legales",
    type=_FILE,
    required=True,
    help="StockUniteLegale CSV (INSEE, unzipped).",
)
@click.option("--etablissements", type=_FILE, default=None, help="StockEtablissement CSV.")
@click.option(
    "--only-ess",
    is_flag=True,
    help="Keep units with SIRENE ESS flag O or a statutory ESS legal form (needs init).",
)
@click.option(
    "--siren-list",
    type=_FILE,
    default=None,
    help="Keep only the SIRENs listed in FILE (one per line, # comments).",
)
@store_options
def sirene(
    unites_legales: Path,
    etablissements: Path | None,
    only_ess: bool,
    siren_list: Path | None,
    store_options: StoreOptions,
) -> None:
    """Import SIRENE stock files into graph `sirene`, REPLACING the whole graph.

    Prints the graph's triple count before and after. Columns are read by header name; a
    missing required column stops the import before anything is written. Natural persons'
    names, sex and pseudonyms are never stored.
    """
    if only_ess and siren_list:
        raise click.UsageError("give --only-ess or --siren-list, not both")
    settings = store_options.settings()
    with store_options.open(settings, create=True) as store:
        keep = Filter(
            only_ess_forms=statutory_ess_forms(store) if only_ess else None,
            sirens=read_siren_list(siren_list) if siren_list else None,
        )
        facts = RegistryFacts()
        summary = import_sirene(
            store,
            unites_legales,
            etablissements,
            keep=keep,
            progress=sys.stderr.isatty(),
            facts=facts,
        )
        derived = rebuild_derived(store)
        _report(summary, derived, refresh_statistics(store, imported={graphs.SIRENE: facts}))
        index = refresh_index(store, settings.store)
        if index is not None:
            click.echo(index.text())


@import_.command("recherche-entreprises")
@click.argument("files", nargs=-1, required=True, type=_FILE)
@click.option(
    "--replace",
    is_flag=True,
    help="Replace the whole graph by these files' units [default: add them to it].",
)
@store_options
def recherche_entreprises(
    files: tuple[Path, ...], replace: bool, store_options: StoreOptions
) -> None:
    """Import API Recherche d'entreprises responses (JSON) into graph `recherche-entreprises`.

    ADDS their units to the graph: the units already there (the shipped samples, earlier
    imports) stay, and a unit imported again replaces its earlier description (legal unit and
    establishments). --replace replaces the whole graph instead. Prints the graph's triple
    count before and after. The API's est_ess (SIRENE flag O OR ESS France list) is kept as
    ptce:directoryEssClaim, never as the SIRENE flag.
    """
    settings = store_options.settings()
    with store_options.open(settings, create=True) as store:
        summary = import_recherche_entreprises(store, files, replace=replace)
        derived = rebuild_derived(store)
        _report(summary, derived, refresh_statistics(store))
        index = refresh_index(store, settings.store)
        if index is not None:
            click.echo(index.text())
