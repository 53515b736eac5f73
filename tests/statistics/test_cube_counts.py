"""The statistics cube's counts equal a plain aggregation (collections.Counter) of the same
input files: the shipped SIRENE sample (tests/kg/data) and a generated national-layout file
(obviously synthetic units with real codes), several slices of each.

The oracle reads the CSV files, the legal-form mapping and the COG files itself; only the
definitions of docs/statistics.md are shared with the code under test."""

from __future__ import annotations

import csv
import random
from collections import Counter
from pathlib import Path

import pytest

from ptce_kg.kg.importers.sirene import import_sirene
from ptce_kg.kg.linking import rebuild_derived
from ptce_kg.kg.statistics import refresh_statistics
from ptce_kg.rdf import graphs
from ptce_kg.statistics.facts import RegistryFacts
from tests.helpers.files import REPO

DATA = REPO / "tests" / "kg" / "data"
REFERENCE = REPO / "data" / "reference"
DIMS = ("category", "flag", "naf", "band", "status")
T = "_T"
CELLS = """
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX ptce: <https://w3id.org/ptce/ontology#>
PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
SELECT ?measure ?area ?category ?flag ?naf ?band ?status ?n WHERE {
  GRAPH <https://w3id.org/ptce/graph/statistics> {
    ?o a qb:Observation ; sdmx-dimension:refArea ?area ; ptce:essCategory ?category ;
       ptce:essFlagCode ?flag ; ptce:nafSection ?naf ; ptce:headcountBandCode ?band ;
       ptce:administrativeStatus ?status ; qb:measureType ?measure ; ?measure ?n } }
"""
LEVEL_OF = {
    "commune": "/geo/commune/",
    "epci": "/geo/intercommunalite/",
    "arrondissement": "/geo/arrondissement/",
    "departement": "/geo/departement/",
    "region": "/geo/region/",
    "france": "/geo/pays/",
}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _areas_of_commune() -> dict[str, dict[str, str]]:
    epci = {r["commune"]: r["epci"] for r in _rows(REFERENCE / "epci-membres.csv")}
    areas = {}
    for r in _rows(REFERENCE / "communes.csv"):
        if r["typecom"] == "COM":
            areas[r["code"]] = {
                "commune": f"http://id.insee.fr/geo/commune/{r['code']}",
                "epci": f"http://id.insee.fr/geo/intercommunalite/{epci[r['code']]}"
                if r["code"] in epci
                else "",
                "arrondissement": f"http://id.insee.fr/geo/arrondissement/{r['arrondissement']}",
                "departement": f"http://id.insee.fr/geo/departement/{r['departement']}",
                "region": f"http://id.insee.fr/geo/region/{r['region']}",
            }
    plm = {"75056": (75101, 75120), "69123": (69381, 69389), "13055": (13201, 13216)}
    for commune, (first, last) in plm.items():
        for code in range(first, last + 1):
            areas[str(code)] = areas[commune]
    return areas


def _family(form: str, flag: str) -> str | None:
    mapping = {r["code"]: r for r in _rows(REPO / "mappings" / "ess-family-by-legal-form.csv")}
    row = mapping.get(form)
    if row is not None:
        return row["ess_family"] if row["borderline"] != "true" or flag == "O" else None
    return "commercial-ess-company" if form.startswith("5") and flag == "O" else None


def oracle(units_csv: Path, sites_csv: Path) -> tuple[list[dict], list[dict]]:
    """Units and establishments with their coded dimensions and the areas they count in."""
    sections = {
        r["code_sous_classe"]: r["code_section"]
        for r in _rows(REFERENCE / "naf-rev2-5-niveaux.csv")
    }
    bands = {r["code"] for r in _rows(REFERENCE / "tranches-effectifs.csv")}
    areas = _areas_of_commune()
    units: dict[str, dict] = {}
    for r in _rows(units_csv):
        if len(r["siren"]) != 9 or not r["siren"].isdigit():
            continue
        flag = r["economieSocialeSolidaireUniteLegale"]
        activity = r["activitePrincipaleUniteLegale"]
        nafrev2 = r["nomenclatureActivitePrincipaleUniteLegale"] == "NAFRev2"
        units[r["siren"]] = {
            "category": _family(r["categorieJuridiqueUniteLegale"], flag)
            or ("not-ess" if flag == "N" else "unknown"),
            "flag": flag if flag in ("O", "N") else "unknown",
            "naf": sections.get(activity, "unknown") if nafrev2 else "unknown",
            "band": r["trancheEffectifsUniteLegale"]
            if r["trancheEffectifsUniteLegale"] in bands
            else "unknown",
            "status": "ceased" if r["etatAdministratifUniteLegale"] == "C" else "active",
            "areas": {"france": {"http://id.insee.fr/geo/pays/france"}},
        }
    sites = []
    for r in _rows(sites_csv):
        unit = units.get(r["siren"])
        if unit is None or len(r["siret"]) != 14 or not r["siret"].startswith(r["siren"]):
            continue
        where = areas.get(r["codeCommuneEtablissement"], {})
        closed = r["etatAdministratifEtablissement"] == "F"
        for level, area in where.items():
            if area and not closed:
                unit["areas"].setdefault(level, set()).add(area)
        sites.append(
            {
                **{d: unit[d] for d in DIMS if d != "status"},
                "status": "ceased" if closed else "active",
                "areas": {
                    "france": {"http://id.insee.fr/geo/pays/france"},
                    **{level: {area} for level, area in where.items() if area},
                },
            }
        )
    return list(units.values()), sites


def expected(things: list[dict], level: str, grouped: tuple[str, ...]) -> Counter:
    counts: Counter = Counter()
    for thing in things:
        for area in thing["areas"].get(level, ()):
            counts[(area, *(thing[d] if d in grouped else T for d in DIMS))] += 1
    return counts


def actual(cells: list[dict], measure: str, level: str, grouped: tuple[str, ...]) -> Counter:
    found: Counter = Counter()
    for c in cells:
        if c["measure"] != measure or LEVEL_OF[level] not in c["area"]:
            continue
        if all((c[d] != T) == (d in grouped) for d in DIMS):
            found[(c["area"], *(c[d] for d in DIMS))] = c["n"]
    return found


def cube_cells(store) -> list[dict]:
    cells = []
    for row in store.query(CELLS):
        cell = {d: row[d].value.rsplit("/", 1)[1] for d in DIMS}
        cell["measure"] = row["measure"].value.rsplit("#", 1)[1]
        cell["area"] = row["area"].value
        cell["n"] = int(row["n"].value)
        cells.append(cell)
    return cells


def build(store, units_csv: Path, sites_csv: Path) -> list[dict]:
    facts = RegistryFacts()
    import_sirene(store, units_csv, sites_csv, facts=facts)
    rebuild_derived(store)
    outcome = refresh_statistics(store, imported={graphs.SIRENE: facts})
    assert outcome.changed and outcome.observations > 0
    return cube_cells(store)


SLICES = [
    ("france", ("category", "status")),
    ("france", ()),
    ("france", ("category", "flag", "naf", "band")),
    ("france", ("category", "status", "flag", "naf", "band")),
    ("region", ("category", "naf")),
    ("departement", ("category", "status")),
    ("departement", ("status", "band")),
    ("departement", ("flag",)),
    ("epci", ("category", "status")),
    ("arrondissement", ("category",)),
    ("commune", ("category",)),
]


def generate(folder: Path, units: int, seed: int) -> tuple[Path, Path]:
    """A stock pair in the sample's header: synthetic names, real codes (forms of every ESS
    family and borderline ones, COG communes with PLM arrondissements, NAF, bands)."""
    rng = random.Random(seed)
    with (DATA / "StockUniteLegale_test.csv").open(encoding="utf-8") as f:
        ul_header = next(csv.reader(f))
    with (DATA / "StockEtablissement_test.csv").open(encoding="utf-8") as f:
        et_header = next(csv.reader(f))
    forms = ["1000", "5499", "5710", "9220", "5458", "9230", "6540", "7210", "5191", "9240", "6317"]
    communes = [
        "72181",
        "72003",
        "44109",
        "26281",
        "75113",
        "69383",
        "13201",
        "64373",
        "97411",
        "99999",
    ]
    naf = ["88.99B", "94.99Z", "70.22Z", "47.11F", "01.11Z", "62.01Z", "XX.XXX"]
    ul_path, et_path = folder / "ul.csv", folder / "et.csv"
    with (
        ul_path.open("w", newline="", encoding="utf-8") as ul_f,
        et_path.open("w", newline="", encoding="utf-8") as et_f,
    ):
        ul, et = csv.DictWriter(ul_f, ul_header), csv.DictWriter(et_f, et_header)
        ul.writeheader()
        et.writeheader()
        for n in range(units):
            siren = f"{n + 100000000:09d}"
            ul.writerow(
                {
                    "siren": siren,
                    "denominationUniteLegale": f"UNITE SYNTHETIQUE TEST {n}",
                    "categorieJuridiqueUniteLegale": rng.choice(forms),
                    "etatAdministratifUniteLegale": rng.choice("AAAC"),
                    "activitePrincipaleUniteLegale": rng.choice(naf),
                    "nomenclatureActivitePrincipaleUniteLegale": rng.choice(
                        ["NAFRev2"] * 5 + ["NAFRev1"]
                    ),
                    "trancheEffectifsUniteLegale": rng.choice(
                        ["NN", "00", "01", "12", "53", "", "ZZ"]
                    ),
                    "economieSocialeSolidaireUniteLegale": rng.choice(["O", "N", ""]),
                }
            )
            for k in range(rng.choice([0, 1, 1, 2, 3])):
                et.writerow(
                    {
                        "siren": siren,
                        "siret": f"{siren}{k + 1:05d}",
                        "etablissementSiege": "true" if k == 0 else "false",
                        "etatAdministratifEtablissement": rng.choice("AAF"),
                        "codeCommuneEtablissement": rng.choice(communes),
                    }
                )
    return ul_path, et_path


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    from ptce_kg.store import OxigraphStore

    store = OxigraphStore()
    _reference(store)
    units, sites = DATA / "StockUniteLegale_test.csv", DATA / "StockEtablissement_test.csv"
    yield build(store, units, sites), oracle(units, sites)
    store.close()


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    from ptce_kg.store import OxigraphStore

    store = OxigraphStore()
    _reference(store)
    units, sites = generate(tmp_path_factory.mktemp("generated"), 600, seed=15)
    yield build(store, units, sites), oracle(units, sites)
    store.close()


def _reference(store) -> None:
    from ptce_kg.reference.datasets import legal_form_triples

    store.replace_graph(graphs.REFERENCE_LEGAL_FORMS, legal_form_triples())


@pytest.mark.parametrize("level, grouped", SLICES)
@pytest.mark.parametrize("inputs", ["sample", "generated"])
def test_cube_counts_equal_a_plain_aggregation(inputs, level, grouped, request) -> None:
    cells, (units, sites) = request.getfixturevalue(inputs)
    for measure, things in (("legalUnitCount", units), ("establishmentCount", sites)):
        want = expected(things, level, grouped)
        assert want, (inputs, level, grouped)  # the slice is not empty by accident
        assert actual(cells, measure, level, grouped) == want, (measure, level, grouped)


def test_no_empty_cell_and_no_cell_outside_the_materialised_slices(generated) -> None:
    cells, _ = generated
    assert all(c["n"] > 0 for c in cells)
    detailed = [c for c in cells if sum(c[d] != T for d in ("flag", "naf", "band")) > 0]
    assert not [
        c for c in detailed if "/commune/" in c["area"] or "/intercommunalite/" in c["area"]
    ]
