"""Establishment coordinates imported as GeoSPARQL WKT points in WGS84: from the SIRENE stock's
Lambert-93 columns and from the API Recherche d'entreprises' latitude and longitude.

The stock fixture has no coordinates (no real stock row with them is public, tests/kg/data
README), so the test fills the Lambert-93 columns of its 7 real head offices from the API's
WGS84 coordinates of the same establishments, by the forward projection below, and checks the
import gives those coordinates back.
"""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path

from ptce_kg.geo.lambert import LAMBERT_93, isometric_latitude
from ptce_kg.kg.importers.recherche_entreprises import import_recherche_entreprises
from ptce_kg.kg.importers.sirene import import_sirene

DATA = Path(__file__).parent / "data"
GEO = "http://www.opengis.net/ont/geosparql#"
ESTABLISHMENT = "https://w3id.org/ptce/id/establishment/"
WKT = re.compile(r"^POINT\((-?\d{1,3}\.\d{7}) (-?\d{1,2}\.\d{7})\)$")
X, Y = "coordonneeLambertAbscisseEtablissement", "coordonneeLambertOrdonneeEtablissement"


def api_points() -> dict[str, tuple[float, float]]:
    """SIRET → (longitude, latitude) of the API sample head offices."""
    points = {}
    for path in sorted(
        (DATA.parents[2] / "data" / "demo" / "recherche-entreprises").glob("*.json")
    ):
        site = json.loads(path.read_text(encoding="utf-8"))["results"][0]["siege"]
        points[site["siret"]] = (float(site["longitude"]), float(site["latitude"]))
    return points


def to_lambert93(lon: float, lat: float) -> tuple[float, float]:
    """The forward Lambert-93 projection (IGN ALG0003), for the fixture only."""
    p = LAMBERT_93
    radius = p.c * math.exp(-p.n * isometric_latitude(math.radians(lat), p.e))
    gamma = p.n * (math.radians(lon) - p.central_meridian)
    return p.xs + radius * math.sin(gamma), p.ys - radius * math.cos(gamma)


def geometries(store) -> dict[str, str]:
    """SIRET → WKT of every located establishment."""
    found = {}
    for quad in store.quads():
        if quad.predicate.value == GEO + "hasGeometry":
            site = quad.subject.value.removeprefix(ESTABLISHMENT)
            (wkt,) = [q.object for q in store.quads() if q.subject == quad.object]
            assert wkt.datatype.value == GEO + "wktLiteral"
            found[site] = wkt.value
    return found


def lon_lat(wkt: str) -> tuple[float, float]:
    match = WKT.match(wkt)
    assert match, wkt
    return float(match[1]), float(match[2])


def test_stock_lambert93_columns_become_wgs84_points(store, tmp_path: Path) -> None:
    points = api_points()
    with open(DATA / "StockEtablissement_test.csv", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames, list(reader)
    assert header is not None
    unlocated = set()
    for row in rows:
        if row["siret"] in points:
            x, y = to_lambert93(*points[row["siret"]])
            row[X], row[Y] = f"{x:.1f}", f"{y:.1f}"  # INSEE gives decimetres at most
        elif row["siret"].startswith("000000001"):
            row[X], row[Y] = "[ND]", "[ND]"  # non-diffusible
            unlocated.add(row["siret"])
        elif row["siret"].startswith("000000002"):
            row["codeCommuneEtablissement"] = "97411"  # overseas: a local UTM pair, not Lambert-93
            row[X], row[Y] = "340000.0", "7680000.0"
            unlocated.add(row["siret"])
    assert unlocated, "the fixture still has the synthetic rows"
    located = tmp_path / "StockEtablissement_coordonnees.csv"
    with open(located, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    import_sirene(store, DATA / "StockUniteLegale_test.csv", located)
    found = geometries(store)
    assert set(found) == set(points)
    for siret, wkt in found.items():
        lon, lat = lon_lat(wkt)
        # cells rounded to 0.1 m (up to 7e-7° of longitude), WKT to 1e-7°: within about 10 cm
        assert abs(lon - points[siret][0]) < 1e-6 and abs(lat - points[siret][1]) < 1e-6


def test_api_coordinates_become_wgs84_points(store) -> None:
    import_recherche_entreprises(store, sorted(DATA.glob("search-*.json")))
    found = geometries(store)
    points = api_points()
    assert found and set(found) <= set(points)
    for siret, wkt in found.items():
        assert lon_lat(wkt) == (round(points[siret][0], 7), round(points[siret][1], 7))
    # Importing the same unit again replaces its geometry, never adds a second one.
    import_recherche_entreprises(store, sorted(DATA.glob("search-*.json")))
    assert len([q for q in store.quads() if q.predicate.value == GEO + "asWKT"]) == len(found)
