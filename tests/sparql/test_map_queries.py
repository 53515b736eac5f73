"""The map's queries against their sources: ``poles-count-by-area`` counts the 39 known PTCE of
``data/known-ptce/ptce-connus.csv`` (the copy of ``shared/data/ptce/``) and the example poles of
``data/demo/*.ttl`` in the départements and régions the sources give, and
``member-locations`` gives the registry coordinates of the example poles' members.

The expected areas are computed here from the CSV columns and the COG reference CSVs, never
from the catalogue's SPARQL.
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from pathlib import Path

import rdflib

from ptce_kg.rdf.resources import data_dir

GEO = "http://id.insee.fr/geo/"
PTCE = rdflib.Namespace("https://w3id.org/ptce/ontology#")


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def expected_areas() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Each pole (by label) → its départements and its régions, from the sources."""
    reference = data_dir() / "reference"
    communes = {r["code"]: r for r in _rows(reference / "communes.csv") if r["typecom"] == "COM"}
    region_of = {r["code"]: r["region"] for r in _rows(reference / "departements.csv")}
    epci_departements: dict[str, set[str]] = defaultdict(set)
    for row in _rows(reference / "epci-membres.csv"):
        epci_departements[row["epci"]].add(communes[row["commune"]]["departement"])
    departements: dict[str, set[str]] = {}
    regions: dict[str, set[str]] = {}
    for row in _rows(data_dir() / "known-ptce" / "ptce-connus.csv"):
        # The most precise area the source gives: the EPCI, else the département, else the région.
        if row["epci_siren"]:
            deps = epci_departements[row["epci_siren"]]
        else:
            deps = {row["departement"]} if row["departement"] else set()
        departements[row["nom"]] = deps
        known_region = {row["code_region"]} if row["code_region"] else set()  # may be unknown
        regions[row["nom"]] = {region_of[d] for d in deps} or known_region
    for path in sorted((data_dir() / "demo").glob("*.ttl")):
        graph = rdflib.Graph().parse(path, format="turtle")
        for pole in graph.subjects(rdflib.RDF.type, PTCE.Pole):
            label = str(graph.value(pole, rdflib.RDFS.label))
            deps = set()
            for territory in graph.objects(pole, PTCE.territory):
                for area in map(str, graph.objects(territory, PTCE.perimeterArea)):
                    code = area.rsplit("/", 1)[1]
                    if "/commune/" in area:
                        deps.add(communes[code]["departement"])
                    elif "/intercommunalite/" in area:
                        deps |= epci_departements[code]
                    elif "/departement/" in area:
                        deps.add(code)
            departements[label] = deps
            regions[label] = {region_of[d] for d in deps}
    return departements, regions


def test_poles_count_by_area_matches_the_sources(run_query) -> None:
    departements, regions = expected_areas()
    assert len(departements) == 39 + len(list((data_dir() / "demo").glob("*.ttl")))
    expected = Counter(f"{GEO}departement/{d}" for deps in departements.values() for d in deps)
    expected += Counter(f"{GEO}region/{r}" for regs in regions.values() for r in regs)
    rows = run_query("poles-count-by-area")
    assert {r["area"]: int(r["poles"]) for r in rows} == dict(expected)
    # On the map: every pole whose source names a place (in a département, or in its région
    # only); the one source that names none (a porteur's page) gives no area to count it in.
    unplaced = {pole for pole, regs in regions.items() if not regs}
    assert len(unplaced) <= 1


def test_member_locations_are_the_registry_coordinates(run_query) -> None:
    api = {}
    for path in sorted((data_dir() / "demo" / "recherche-entreprises").glob("*.json")):
        site = json.loads(path.read_text(encoding="utf-8"))["results"][0]["siege"]
        api[site["siret"]] = (float(site["longitude"]), float(site["latitude"]))
    rows = run_query("member-locations")
    assert rows, "the example poles have members with registry coordinates"
    for row in rows:
        siret = row["establishment"].rsplit("/", 1)[1]
        lon, lat = row["wkt"].removeprefix("POINT(").removesuffix(")").split()
        assert abs(float(lon) - api[siret][0]) < 1e-6 and abs(float(lat) - api[siret][1]) < 1e-6
    sarthe = run_query("member-locations", pole="sarthe-exemple")
    assert {r["pole"] for r in sarthe} == {"https://w3id.org/ptce/id/pole/sarthe-exemple"}


def test_establishments_with_coordinates_by_source(run_query) -> None:
    geo = rdflib.Namespace("http://www.opengis.net/ont/geosparql#")
    expected = {}
    for path in sorted((data_dir() / "demo").glob("*.ttl")):
        graph = rdflib.Graph().parse(path, format="turtle")
        sites = set(graph.subjects(rdflib.RDF.type, PTCE.Establishment))
        located = {s for s in sites if (s, geo.hasGeometry, None) in graph}
        expected[f"https://w3id.org/ptce/graph/pole/{path.stem}"] = (len(sites), len(located))
    samples = sorted((data_dir() / "demo" / "recherche-entreprises").glob("*.json"))
    heads = [json.loads(p.read_text(encoding="utf-8"))["results"][0]["siege"] for p in samples]
    expected["https://w3id.org/ptce/graph/recherche-entreprises"] = (
        len(heads),
        sum(1 for site in heads if site.get("latitude") and site.get("longitude")),
    )
    rows = run_query("establishments-with-coordinates")
    assert {
        r["graph"]: (int(r["establishments"]), int(r["withCoordinates"])) for r in rows
    } == expected
