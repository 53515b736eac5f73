"""create_app pieces that need no worker processes: service description, CORS, OpenAPI, request
errors (in-process on the in-memory store).

``ptce-kg serve`` running ``init`` on a fresh store is exercised by the ``live_server`` of
``tests/conftest.py`` (a full init takes most of a minute; it is not repeated here)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import rdflib
from fastapi.testclient import TestClient

from ptce_kg.api.app import create_app
from ptce_kg.settings import Settings
from ptce_kg.store import OxigraphStore

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")


def client_for(**settings: object) -> TestClient:
    return TestClient(create_app(Settings(**settings), OxigraphStore(None)))


@pytest.fixture
def client() -> Iterator[TestClient]:
    with client_for() as c:
        yield c


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [(None, "turtle"), ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")],
)
def test_service_description(client: TestClient, accept: str | None, fmt: str) -> None:
    response = client.get("/sparql", headers={"accept": accept} if accept else {})
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.content, format=fmt)
    service = graph.value(predicate=rdflib.RDF.type, object=SD.Service)
    assert graph.value(service, SD.endpoint) == rdflib.URIRef("http://testserver/sparql")
    assert (service, SD.supportedLanguage, SD.SPARQL11Update) not in graph


def test_service_description_announces_updates_and_federation() -> None:
    with client_for(allow_update=True, service_allowlist=["https://example.org/sparql"]) as c:
        graph = rdflib.Graph().parse(data=c.get("/sparql").content, format="turtle")
    service = graph.value(predicate=rdflib.RDF.type, object=SD.Service)
    assert (service, SD.supportedLanguage, SD.SPARQL11Update) in graph
    assert (service, SD.feature, SD.BasicFederatedQuery) in graph


def test_service_description_406(client: TestClient) -> None:
    response = client.get("/sparql", headers={"accept": "image/png"})
    assert response.status_code == 406 and "available" in response.json()["detail"]


def test_cors_is_off_by_default_and_configurable() -> None:
    origin = {"origin": "https://researcher.example"}
    with client_for() as c:
        assert (
            "access-control-allow-origin"
            not in c.get("/sparql?query=ASK{}", headers=origin).headers
        )
    with client_for(cors_origins=["https://researcher.example"]) as c:
        simple = c.get("/sparql?query=ASK{}", headers=origin)
        preflight = c.options(
            "/sparql",
            headers={
                **origin,
                "access-control-request-method": "POST",
                "access-control-request-headers": "content-type",
            },
        )
    assert simple.headers["access-control-allow-origin"] == "https://researcher.example"
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


def test_openapi_documents_the_protocol(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/sparql"])
    assert "/sparql/" not in paths
    assert "application/sparql-query" in paths["/sparql"]["post"]["requestBody"]["content"]
    assert "/health" in paths
    ids = [op["operationId"] for path in paths.values() for op in path.values()]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert paths["/reconcile"]["post"]["operationId"] == "reconcile_v02_post"


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"content": b"ASK {}"}, 400),  # no Content-Type
        ({"content": b"ASK {}", "headers": {"content-type": "text/plain"}}, 415),
        ({"data": {"default-graph-uri": "http://g"}}, 400),  # no query
        ({"data": {"query": "ASK {}", "update": "CLEAR ALL"}}, 400),
        (
            {
                "content": b"ASK {}",
                "headers": {"content-type": "application/sparql-query"},
                "params": {"query": "ASK {}"},
            },
            400,
        ),  # a query twice
        ({"data": {"query": "ASK {}", "default-graph-uri": "not an iri"}}, 400),
    ],
)
def test_bad_requests(client: TestClient, kwargs: dict, status: int) -> None:
    response = client.post("/sparql", **kwargs)
    assert response.status_code == status, response.text
    assert response.json()["detail"]


def test_health_in_memory(client: TestClient) -> None:
    body = client.get("/health").json()
    assert (
        body["status"] == "ok" and body["triples"] == 0 and body["isolated_query_workers"] is False
    )


def test_serve_usage_errors_exit_2(tmp_path, capsys) -> None:
    from ptce_kg.cli import main

    both = ["serve", "--store", str(tmp_path / "s"), "--endpoint", "http://127.0.0.1:1/query"]
    assert main(both) == 2
    assert main(["serve", "--query-timeout", "0"]) == 2
    assert "--query-timeout" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()  # nothing was opened or created


def test_a_forged_host_header_cannot_add_sparql(client: TestClient) -> None:
    # The base IRI comes from the request URL; a Host that is no host is not used (Starlette
    # falls back to the server address) and check_iri would refuse it anyway.
    forged = "x> SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } } #"
    response = client.get("/sparql", params={"query": "ASK {}"}, headers={"host": forged})
    assert response.status_code == 200 and response.json()["boolean"] is True


def test_using_graph_parameters_cannot_add_sparql() -> None:
    injected = "http://g> WHERE {} ; LOAD <http://127.0.0.1:1/> ; INSERT {} USING <http://x"
    update = "INSERT { GRAPH <http://t> { ?s ?p ?o } } WHERE { ?s ?p ?o }"
    with client_for(allow_update=True) as c:
        response = c.post(
            "/sparql",
            params={"using-graph-uri": injected},
            content=update.encode(),
            headers={"content-type": "application/sparql-update"},
        )
    assert response.status_code == 400
    assert "using-graph-uri" in response.json()["detail"]


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("application/json, text/plain;q=0.5", "application/json"),
        ("text/plain, application/json;q=0.5", "text/plain"),
    ],
)
def test_errors_follow_the_clients_preference(client: TestClient, accept, media_type) -> None:
    response = client.get("/sparql", params={"query": "ASK {"}, headers={"accept": accept})
    assert response.status_code == 400
    assert response.headers["content-type"].split(";")[0] == media_type
    text = response.json()["detail"] if media_type == "application/json" else response.text
    assert "1:" in text  # where the parser stopped


@pytest.mark.parametrize(
    ("settings", "warned"),
    [
        ({"allow_update": True, "host": "0.0.0.0"}, True),
        ({"allow_update": True, "host": "ptce.example.org"}, True),
        ({"allow_update": True, "host": "0.0.0.0", "admin_token": "secret"}, False),
        ({"allow_update": True, "host": "127.0.0.1"}, False),
        ({"allow_update": True, "host": "::1"}, False),
        ({"allow_update": True, "host": "localhost"}, False),
        ({"allow_update": False, "host": "0.0.0.0"}, False),
    ],
)
def test_serve_warns_when_anyone_could_update(settings: dict, warned: bool) -> None:
    from ptce_kg.cli.serve import open_update_warning

    warning = open_update_warning(Settings(**settings))
    assert (warning is not None) is warned
    if warned:
        assert settings["host"] in warning and "PTCE_ADMIN_TOKEN" in warning
