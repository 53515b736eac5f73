"""The catalogue routes: ``/queries`` listing, one OpenAPI operation per query, runs with
query-string parameters, content negotiation and ``?format=``, the query text and body, 404 and
422 — in-process (TestClient) and on a live ``ptce-kg serve`` (on-disk store, queries in worker
processes)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from urllib.parse import urlencode

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from ptce_kg.api.app import create_app
from ptce_kg.settings import Settings
from ptce_kg.sparql.catalogue import Catalogue
from ptce_kg.store import OxigraphStore
from tests.helpers.documents import BROWSER_ACCEPT
from tests.helpers.servers import LiveServer, start_server, stop_server

JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def client(demo_store) -> Iterator[TestClient]:
    """A client asking for SPARQL JSON results (with no preference it would get CSV)."""
    with TestClient(create_app(Settings(), demo_store), headers={"Accept": JSON}) as test_client:
        yield test_client


def _rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    return [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]


def test_catalogue_listing(client: TestClient, catalogue: Catalogue) -> None:
    listing = client.get("/queries").json()
    assert [q["name"] for q in listing] == catalogue.names()
    members = next(q for q in listing if q["name"] == "pole-members")
    assert members["summary"]["fr"] and members["summary"]["en"] and members["tags"]
    role = next(p for p in members["parameters"] if p["name"] == "role")
    assert role["type"] == "concept:member-role" and "founder" in role["allowed"]


def test_every_named_query_is_an_openapi_operation(
    client: TestClient, catalogue: Catalogue
) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for query in catalogue:
        operation = paths[f"/queries/{query.name}"]["get"]
        assert operation["summary"] == query.summary["en"]
        declared = {p["name"]: p for p in operation.get("parameters", [])}
        assert set(declared) == {p.name for p in query.params} | {"format"}
        for p in query.params:
            assert declared[p.name]["required"] == p.required
            if p.allowed:
                assert declared[p.name]["schema"]["enum"] == list(p.allowed)
    assert "/queries/{name}" in paths
    assert client.get("/docs").status_code == 200


def test_run_with_parameters_same_as_the_catalogue(client: TestClient, run_query) -> None:
    via_api = _rows(
        client.get("/queries/pole-members", params={"pole": "sarthe-exemple", "role": "founder"})
    )
    assert via_api == run_query("pole-members", pole="sarthe-exemple", role="founder") and via_api
    generic = _rows(client.get("/queries/pole-members?pole=sarthe-exemple&role=founder"))
    assert generic == via_api


def test_content_negotiation(client: TestClient, run_query) -> None:
    response = client.get(
        "/queries/jobs-by-pole?pole=sarthe-exemple", headers={"Accept": "text/csv"}
    )
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["date"] for r in rows] == [
        r["date"] for r in run_query("jobs-by-pole", pole="sarthe-exemple")
    ]
    xml = client.get(
        "/queries/poles-search?text=estuaire", headers={"Accept": "application/sparql-results+xml"}
    )
    assert (
        xml.headers["content-type"].startswith("application/sparql-results+xml")
        and "<sparql" in xml.text
    )
    refused = client.get("/queries/poles-search", headers={"Accept": "image/png"})
    assert refused.status_code == 406


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "text/csv"),  # urllib, hence pandas.read_csv(url)
        ("*/*", "text/csv"),  # curl, requests, httpx, wget, R's read.csv (libcurl)
        ("*/*;q=0.5", "text/csv"),
        ("application/json, */*", JSON),  # a preference is a preference
        (BROWSER_ACCEPT, "application/sparql-results+xml"),  # as before: not a CSV download
        ("text/tab-separated-values", "text/tab-separated-values"),
    ],
)
def test_clients_with_no_preference_get_csv(demo_store, accept: str | None, expected: str) -> None:
    with TestClient(create_app(Settings(), demo_store)) as bare:
        headers = {"Accept": accept} if accept is not None else {}
        if accept is None:
            bare.headers.pop("accept", None)  # the client's own */* default too
        response = bare.get("/queries/poles-search", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == expected
    assert response.headers["vary"] == "Accept"


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
        ("json", JSON),
        ("xml", "application/sparql-results+xml"),
    ],
)
def test_format_overrides_accept(client: TestClient, fmt: str, media_type: str) -> None:
    response = client.get(
        f"/queries/jobs-by-pole?pole=sarthe-exemple&format={fmt}",
        headers={"Accept": "image/png"},  # would be a 406 without the format
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    generic = client.get(f"/queries/jobs-by-pole?format={fmt}&pole=sarthe-exemple")
    assert generic.content == response.content


def test_formats_a_select_cannot_take(client: TestClient) -> None:
    for fmt in ("ttl", "nt", "jsonld"):
        response = client.get(f"/queries/poles-search?format={fmt}")
        assert response.status_code == 406, fmt
        detail = response.json()["detail"]
        assert f"SELECT query has no {fmt} answer" in detail and "csv, tsv, json, xml" in detail
    unknown = client.get("/queries/poles-search?format=xlsx")
    assert unknown.status_code == 400
    assert "'xlsx' is not one of csv, tsv, json, xml, ttl, nt, jsonld" in unknown.json()["detail"]
    twice = client.get("/queries/poles-search?format=csv&format=json")
    assert twice.status_code == 422 and "more than once" in twice.json()["detail"]


def test_errors(client: TestClient) -> None:
    missing = client.get("/queries/no-such-query")
    assert missing.status_code == 404 and "no-such-query" in missing.json()["detail"]
    for url, parameter, why in [
        ("/queries/pole-members?role=boss", "role", "not one of"),
        ("/queries/pole-members?pole=a%20b", "pole", "IRI"),
        ("/queries/pole-members?pole=x&pole=y", "pole", "more than once"),
        ("/queries/pole-members?colour=red", "colour", "unknown parameter"),
        ("/queries/jobs-by-pole?since=yesterday", "since", "xsd:date"),
    ]:
        response = client.get(url)
        assert response.status_code == 422, url
        assert parameter in response.json()["detail"] and why in response.json()["detail"]
    required = client.get("/queries/ess-population-by-family")
    assert required.status_code == 422 and "area" in json.dumps(required.json())


def test_query_text(client: TestClient, catalogue: Catalogue) -> None:
    response = client.get("/queries/poles-search/text")
    assert response.status_code == 200 and response.text == catalogue.get("poles-search").text
    assert client.get("/queries/nope/text").status_code == 404


def test_query_body_runs_on_sparql_as_the_named_route(
    client: TestClient, catalogue: Catalogue
) -> None:
    """The body has no header, and gives on /sparql the rows the named route gives with no
    parameter: defaults bound (jobs-by-pole's since), no empty column (pole-members' category)."""
    for name in [q.name for q in catalogue if not any(p.required for p in q.params)]:
        body = client.get(f"/queries/{name}/body")
        assert body.status_code == 200
        assert body.headers["content-type"].startswith("application/sparql-query")
        assert "#+" not in body.text and body.text.lstrip().startswith("PREFIX")
        on_sparql = client.post("/sparql", data={"query": body.text})
        named = client.get(f"/queries/{name}")
        assert on_sparql.status_code == 200, on_sparql.text
        assert on_sparql.json() == named.json(), name
    assert client.get("/queries/nope/body").status_code == 404


def test_injection_through_the_api(client: TestClient) -> None:
    before = _rows(client.get("/queries/poles-search"))
    hostile = _rows(client.get("/queries/poles-search", params={"text": '"} ; DROP ALL ; {'}))
    assert hostile == []
    assert _rows(client.get("/queries/poles-search")) == before


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, demo_store) -> Iterator[LiveServer]:
    """``ptce-kg serve`` on an on-disk copy of the init store (quicker than a second init)."""
    folder = tmp_path_factory.mktemp("queries-live")
    copy = OxigraphStore(folder / "store")
    copy.raw.bulk_extend(demo_store.quads())
    copy.close()
    del copy  # releases the RocksDB lock for the server process
    # every catalogue query must succeed here: a generous limit, as on a loaded 2-core machine
    # the default 10 s was once passed (a JSON error document instead of results)
    server = start_server(folder / "store", folder / "server.log", PTCE_QUERY_TIMEOUT="120")
    yield server
    stop_server(server)


@pytest.mark.server
def test_live_server_runs_named_queries_in_workers(live: LiveServer, run_query) -> None:
    with live.client() as http:
        assert len(http.get("/queries").json()) >= 15
        for name, params in [
            ("pole-members", {"pole": "estuaire-exemple", "category": "ess-enterprise"}),
            ("ess-population-by-family", {"area": "http://id.insee.fr/geo/region/11"}),
            ("eligible-poles-state-call", {"onlyEligible": "true"}),
        ]:
            response = http.get(f"/queries/{name}", params=params, headers={"Accept": JSON})
            assert _rows(response) == run_query(name, **params), name
        bad = http.get("/queries/jobs-by-pole", params={"since": "2025-02-30"})
        assert bad.status_code == 422 and "since" in bad.json()["detail"]


@pytest.mark.server
def test_pandas_reads_every_catalogue_query(live: LiveServer, catalogue: Catalogue) -> None:
    """``pd.read_csv(url)`` (urllib: no Accept header) and ``?format=csv`` give the rows and
    columns of the JSON answer, for every catalogue query (required parameters given)."""
    # a région with ESS units; a shipped registry unit (data/demo/recherche-entreprises)
    required = {"area": "http://id.insee.fr/geo/region/52", "siren": "400461356"}
    with live.client() as http:
        for query in catalogue:
            params = {p.name: required[p.name] for p in query.params if p.required}
            url = f"{live.url}/queries/{query.name}"
            answer = http.get(url, params=params, headers={"Accept": JSON})
            assert answer.status_code == 200, (query.name, answer.text)
            document = answer.json()
            columns = document["head"]["vars"]
            rows = len(document["results"]["bindings"])
            for extra in ({"format": "csv"}, {}):
                table = pd.read_csv(f"{url}?{urlencode({**params, **extra})}")
                assert list(table.columns) == columns, (query.name, extra)
                assert len(table) == rows, (query.name, extra)
