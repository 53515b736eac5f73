"""The map over HTTP (no browser): the page and its assets, and the boundaries SVG built from
the npm packages: one path per département of the COG (metropolitan and the five overseas),
with its région and names from the reference data."""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET

import pytest

from ptce_kg.geo.boundaries import france_svg
from ptce_kg.rdf.resources import data_dir

pytestmark = pytest.mark.server
SVG = "{http://www.w3.org/2000/svg}"


def test_map_page_is_linked_and_local(live_server) -> None:
    with live_server.client() as client:
        assert 'href="/map"' in client.get("/").text
        page = client.get("/map")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        for asset in ("/assets/map.js", "/assets/map.css"):
            assert asset in page.text and client.get(asset).status_code == 200
    assert re.findall(r'(?:src|href)="(?:https?:)?//[^"]*"', page.text) == []


def test_boundaries_have_every_departement_with_its_region(live_server) -> None:
    with live_server.client() as client:
        response = client.get("/map/france.svg")
    if france_svg() is None:
        assert response.status_code == 404 and "npm ci" in response.json()["detail"]
        pytest.skip("the map's npm packages are not installed (npm ci)")
    assert response.status_code == 200 and response.headers["content-type"] == "image/svg+xml"
    root = ET.fromstring(response.text)
    areas = {p.attrib["data-departement"]: p for p in root.iter(f"{SVG}path")}
    with open(data_dir() / "reference" / "departements.csv", encoding="utf-8") as handle:
        reference = [r for r in csv.DictReader(handle) if r["zone"] in ("metro", "drom")]
    assert set(areas) == {r["code"] for r in reference}  # 96 + 5 overseas
    for row in reference:
        path = areas[row["code"]]
        assert path.attrib["id"] == f"dep-{row['code']}"
        assert path.attrib["data-region"] == row["region"]
        assert path.attrib["data-name"] == row["nom"]
        assert path.find(f"{SVG}title").text == f"{row['nom']} ({row['code']})"
    overseas = [r["code"] for r in reference if r["zone"] == "drom"]
    assert all("transform" in areas[code].attrib for code in overseas)  # drawn as insets
    assert "CC BY 4.0" in root.attrib["data-credit"]
    assert len(root.attrib["data-mercator"].split()) == 4
