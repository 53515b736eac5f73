"""The page and its assets over HTTP (no browser): local assets only, YASGUI from node_modules,
catalogue query texts, no way out of the asset folders."""

from __future__ import annotations

import re

import pytest

from ptce_kg.api.routers.web import yasgui_dir

pytestmark = pytest.mark.server


def test_page_references_only_local_assets(live_server):
    with live_server.client() as client:
        page = client.get("/")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assets = (("/assets/app.js", "text/javascript"), ("/assets/app.css", "text/css"))
        for asset, media in assets:
            assert asset in page.text
            response = client.get(asset)
            assert response.status_code == 200
            assert response.headers["content-type"].startswith(media)
    external = re.findall(r'(?:src|href)="(?:https?:)?//[^"]*"', page.text)
    assert external == [], "the page must not load anything from another site"


def test_yasgui_build_is_served_when_installed(live_server):
    with live_server.client() as client:
        response = client.get("/yasgui/yasgui.min.js")
    if yasgui_dir() is None:
        assert response.status_code == 404 and "npm ci" in response.json()["detail"]
    else:
        assert response.status_code == 200
        assert response.content == (yasgui_dir() / "yasgui.min.js").read_bytes()


@pytest.mark.parametrize(
    "path",
    [
        "/assets/..%2F..%2Fsettings.py",
        "/assets/index.htm",
        "/yasgui/..%2Fpackage.json",
        "/assets/%2Fetc%2Fpasswd",
    ],
)
def test_no_file_outside_the_asset_lists(live_server, path):
    with live_server.client() as client:
        assert client.get(path).status_code == 404


def test_catalogue_query_texts(live_server):
    with live_server.client() as client:
        entries = client.get("/queries", headers={"Accept": "application/json"}).json()
        entries = entries if isinstance(entries, list) else entries["queries"]
        assert entries, "the catalogue is empty"
        for entry in entries:
            text = client.get(f"/queries/{entry['name']}/text")
            assert text.status_code == 200
            assert text.headers["content-type"].startswith("application/sparql-query")
            assert (
                "SELECT" in text.text.upper()
                or "ASK" in text.text.upper()
                or "CONSTRUCT" in text.text.upper()
            )
        assert client.get("/queries/no-such-query/text").status_code == 404


def test_serve_initialised_the_fresh_store(live_server):
    """The live server was started on an empty folder: ``serve`` ran ``init`` first, so the
    ontology, the reference data, the known PTCE (one per row of the shipped CSV) and each demo
    pole's graph are in the store. (The one test of this: it needs no server of its own.)"""
    import csv

    from ptce_kg.rdf.resources import data_dir

    with (data_dir() / "known-ptce" / "ptce-connus.csv").open(encoding="utf-8") as handle:
        known = sum(1 for _ in csv.DictReader(handle))
    demo = sorted(p.stem for p in (data_dir() / "demo").glob("*.ttl"))
    graph = "https://w3id.org/ptce/graph/"
    pole_class = "https://w3id.org/ptce/ontology#Pole"
    query = f"""SELECT ?g (COUNT(DISTINCT ?pole) AS ?poles) WHERE {{ GRAPH ?g {{
        ?pole a <{pole_class}> }} }} GROUP BY ?g"""
    asks = {
        "cog": f"ASK {{ GRAPH <{graph}reference/cog> {{ ?s ?p ?o }} }}",
        "ontology": f"ASK {{ GRAPH <{graph}ontology> {{ <{pole_class}> a "
        "<http://www.w3.org/2002/07/owl#Class> } }",
    }
    with live_server.client() as client:
        response = client.post(
            "/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}
        )
        assert response.status_code == 200, response.text
        poles = {
            b["g"]["value"]: int(b["poles"]["value"])
            for b in response.json()["results"]["bindings"]
        }
        found = {
            name: client.get("/sparql", params={"query": ask}).json()["boolean"]
            for name, ask in asks.items()
        }
    assert known and poles[f"{graph}known-ptce"] == known
    assert all(poles.get(f"{graph}pole/{slug}") == 1 for slug in demo), poles
    assert found == {"cog": True, "ontology": True}
