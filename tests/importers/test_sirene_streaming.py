"""The SIRENE import streams: the memory it uses to read and convert rows does not grow with the
number of rows (the national files hold about 30 M legal units and 40 M establishments)."""

from __future__ import annotations

import csv
import tracemalloc
from pathlib import Path

import pytest

from ptce_kg.kg.importers import sirene
from ptce_kg.store import OxigraphStore, staging
from tests.importers.conftest import DATA


def synthetic_stock(folder: Path, units: int) -> tuple[Path, Path]:
    """Stock files in the official header of the fixtures, with obviously synthetic rows."""
    paths = []
    for name, make in (
        ("StockUniteLegale_test.csv", _unit_row),
        ("StockEtablissement_test.csv", _site_row),
    ):
        with open(DATA / name, encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        path = folder / f"{units}-{name}"
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, header, restval="")
            writer.writeheader()
            writer.writerows(make(n) for n in range(units))
        paths.append(path)
    return paths[0], paths[1]


def _unit_row(n: int) -> dict[str, str]:
    return {
        "siren": f"{900000000 + n}",
        "denominationUniteLegale": f"UNITE DE TEST SYNTHETIQUE {n}",
        "categorieJuridiqueUniteLegale": "9220",
        "etatAdministratifUniteLegale": "A",
        "activitePrincipaleUniteLegale": "88.99B",
        "nomenclatureActivitePrincipaleUniteLegale": "NAFRev2",
        "economieSocialeSolidaireUniteLegale": "O",
        "dateCreationUniteLegale": "2020-01-01",
    }


def _site_row(n: int) -> dict[str, str]:
    return {
        "siren": f"{900000000 + n}",
        "siret": f"{900000000 + n}00011",
        "etablissementSiege": "true",
        "etatAdministratifEtablissement": "A",
        "codeCommuneEtablissement": "72181",
    }


def peak_while_importing(
    files: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, int]:
    """(peak bytes allocated by Python during the whole import, units kept).

    The store's staging keeps small writes in memory (``staging.MEMORY_LIMIT`` quads): a low
    limit makes it spill to disk here as it does for a national import.
    """
    monkeypatch.setattr(staging, "MEMORY_LIMIT", 1_000)
    with OxigraphStore(tmp_path / f"db-{files[0].name}") as store:
        tracemalloc.start()
        try:
            summary = sirene.import_sirene(store, *files)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    return peak, summary.units_kept


def test_memory_is_flat_in_the_number_of_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small, kept_small = peak_while_importing(synthetic_stock(tmp_path, 500), tmp_path, monkeypatch)
    large, kept_large = peak_while_importing(
        synthetic_stock(tmp_path, 5_000), tmp_path, monkeypatch
    )
    assert (kept_small, kept_large) == (500, 5_000)
    # Ten times the rows: holding them (or their triples) would take about ten times the memory.
    assert large < 2 * small, (small, large)
