"""The map in a real headless Chromium: areas coloured by the counts the API gives, a click lists
the poles of the area, the région view, a pole's members as points, a catalogue query's map,
a phone-sized screen. Expected values come from the API (the same queries over HTTP) and from
the shipped API samples, never written down here.

The projection is tested where it runs, in the page: the real head offices of the API samples
(data/demo/recherche-entreprises), placed by the page's own function, fall inside the path of
their département (Paris included, a few SVG units wide).
"""

from __future__ import annotations

import csv
import json
from collections import Counter

import pytest

from ptce_kg.geo.boundaries import france_svg
from ptce_kg.rdf.resources import data_dir
from tests.helpers.browser import needs_chromium
from tests.helpers.servers import LiveServer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    needs_chromium,
    pytest.mark.skipif(france_svg() is None, reason="the map's npm packages are not installed"),
]
ZERO = "rgb(238, 241, 244)"  # the fill of an area counting 0 (map.js)
TIMEOUT = 60_000  # ms: queries on a loaded 2-core machine


def rows(server: LiveServer, name: str, **params: str) -> list[dict[str, str]]:
    with server.client() as client:
        response = client.get(
            f"/queries/{name}", params=params, headers={"Accept": "application/sparql-results+json"}
        )
    assert response.status_code == 200, response.text
    return [{k: v["value"] for k, v in r.items()} for r in response.json()["results"]["bindings"]]


def fills(page) -> dict[str, str]:
    return page.evaluate(
        "Object.fromEntries([...document.querySelectorAll('#map .area')]"
        ".map((p) => [p.dataset.departement, getComputedStyle(p).fill]))"
    )


def open_map(page, server: LiveServer, query: str = "") -> None:
    page.goto(f"{server.url}/map{query}")
    page.wait_for_function(
        "document.querySelector('#map .area[aria-label]') !== null", timeout=TIMEOUT
    )


def test_areas_are_coloured_by_count_and_a_click_lists_the_poles(page, live_server) -> None:
    counts = {r["area"]: int(r["poles"]) for r in rows(live_server, "poles-count-by-area")}
    open_map(page, live_server)
    coloured = fills(page)
    assert len(coloured) == 101
    for code, fill in coloured.items():
        count = counts.get(f"http://id.insee.fr/geo/departement/{code}", 0)
        assert (fill != ZERO) == (count > 0), (code, count, fill)
    label = page.get_attribute("#dep-72", "aria-label")
    assert label.startswith("Sarthe") and "pôle" in label

    page.click("#dep-72")
    page.wait_for_selector("#area-content li", timeout=TIMEOUT)
    expected = {r["pole"] for r in rows(live_server, "poles-by-departement", departement="72")}
    links = page.eval_on_selector_all("#area-content li a", "as => as.map((a) => a.href)")
    assert {href.replace(live_server.url + "/", "https://w3id.org/ptce/") for href in links} == (
        expected
    )
    assert page.text_content("#area-heading") == "Sarthe"
    assert page.outside == []


def test_region_view_and_an_overseas_inset(page, live_server) -> None:
    counts = {r["area"]: int(r["poles"]) for r in rows(live_server, "poles-count-by-area")}
    open_map(page, live_server)
    page.click(".level[data-level=region]")
    page.wait_for_function(
        "document.querySelector('#dep-72')?.getAttribute('aria-label')?.startsWith('Pays')",
        timeout=TIMEOUT,
    )
    coloured = fills(page)
    assert coloured["72"] == coloured["44"]  # one région, one colour
    poles = counts["http://id.insee.fr/geo/region/52"]
    assert page.get_attribute("#dep-72", "aria-label").endswith(f"{poles} pôles")
    # An overseas département is an inset; a click on its frame chooses it.
    page.click('.inset-frames rect[data-departement="971"]')
    page.wait_for_selector("#area-content li, #area-content p", timeout=TIMEOUT)
    assert page.text_content("#area-heading") == "Guadeloupe"
    expected = {r["pole"] for r in rows(live_server, "poles-by-region", region="01")}
    assert page.locator("#area-content li").count() == len(expected)


def test_real_establishments_fall_inside_their_departement(page, live_server) -> None:
    with open(data_dir() / "reference" / "communes.csv", encoding="utf-8") as handle:
        departement = {r["code"]: r["departement"] for r in csv.DictReader(handle)}
    points = []
    for path in sorted((data_dir() / "demo" / "recherche-entreprises").glob("*.json")):
        site = json.loads(path.read_text(encoding="utf-8"))["results"][0]["siege"]
        points.append(
            [float(site["longitude"]), float(site["latitude"]), departement[site["commune"]]]
        )
    open_map(page, live_server)
    inside = page.evaluate(
        """(points) => points.map(([lon, lat, dep]) => {
             const [x, y] = project(lon, lat);
             const path = document.querySelector(`#dep-${dep}`);
             const point = path.ownerSVGElement.createSVGPoint();
             point.x = x; point.y = y;
             return [dep, path.isPointInFill(point)];
           })""",
        points,
    )
    assert len(inside) == len(points) and all(ok for _, ok in inside), inside
    assert {dep for dep, _ in inside} >= {"75", "92", "64"}


def test_pole_map_shows_its_territory_and_its_members_points(page, live_server) -> None:
    located = rows(live_server, "member-locations", pole="sarthe-exemple")
    assert located, "the Sarthe example has a member with registry coordinates"
    open_map(page, live_server, "?pole=sarthe-exemple")
    page.wait_for_selector("#map .points circle", timeout=TIMEOUT)
    assert page.locator("#map .points circle").count() == len(located)
    assert "territory" in (page.get_attribute("#dep-72", "class") or "")
    # The member's head office (Mazères-Lezons) is drawn inside the Pyrénées-Atlantiques.
    assert page.evaluate(
        """() => {
             const c = document.querySelector('#map .points circle');
             const path = document.querySelector('#dep-64');
             const p = path.ownerSVGElement.createSVGPoint();
             p.x = Number(c.getAttribute('cx')); p.y = Number(c.getAttribute('cy'));
             return path.isPointInFill(p);
           }"""
    )
    assert page.locator("#area-content tbody tr").count() == len(located)


def test_a_catalogue_query_with_a_territory_column_is_mapped(page, live_server) -> None:
    region = "http://id.insee.fr/geo/region/52"
    answer = rows(live_server, "ess-population-by-family", area=region)
    open_map(page, live_server, f"?query=ess-population-by-family&area={region}")
    assert page.is_hidden(".map-controls")  # one level only: no toggle
    assert fills(page)["72"] != ZERO and fills(page)["75"] == ZERO
    page.click("#dep-53")
    page.wait_for_selector("#area-content table", timeout=TIMEOUT)
    assert page.locator("#area-content tbody tr").count() == len(answer)


def test_map_on_a_phone(phone_page, live_server) -> None:
    open_map(phone_page, live_server)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, "nothing wider than the screen"
    box = phone_page.locator("#map svg").bounding_box()
    assert box is not None and box["width"] <= 375 and box["height"] > 300
    phone_page.click("#dep-44")
    phone_page.wait_for_selector("#area-content li", timeout=TIMEOUT)
    assert phone_page.text_content("#area-heading") == "Loire-Atlantique"


def test_catalogue_queries_with_a_territory_open_on_the_map(page, live_server) -> None:
    with live_server.client() as client:
        catalogue = client.get("/queries", headers={"Accept": "application/json"}).json()
    entries = catalogue if isinstance(catalogue, list) else catalogue["queries"]
    tagged = {e["name"] for e in entries if "carte" in e.get("tags", [])}
    assert {"poles-count-by-area", "poles-by-region"} <= tagged
    page.goto(f"{live_server.url}/")
    page.wait_for_selector(".map-link", timeout=TIMEOUT)
    links = page.eval_on_selector_all(".map-link", "as => as.map((a) => a.getAttribute('href'))")
    assert set(links) == {f"/map?query={name}" for name in tagged}
    page.click('.map-link[href="/map?query=poles-by-region"]')
    page.wait_for_function(
        "document.querySelector('#dep-72')?.getAttribute('aria-label')?.startsWith('Pays')",
        timeout=TIMEOUT,
    )
    # poles-by-region has no number column: its rows (one per pole and région) are counted.
    regions = Counter(r["region"] for r in rows(live_server, "poles-by-region"))
    assert page.get_attribute("#dep-72", "aria-label").endswith(
        f": {regions['http://id.insee.fr/geo/region/52']}"
    )
    assert page.is_hidden(".map-controls")
