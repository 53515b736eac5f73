"""QueryService over a remote SPARQL endpoint (each engine of ``ENGINES``, live on loopback),
and ``ptce-kg serve --endpoint`` in front of it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, parse

from ptce_kg.errors import QueryError
from ptce_kg.runtime.query_service import QueryService
from ptce_kg.settings import Settings
from tests.helpers.servers import Endpoint, start_server, stop_server
from tests.helpers.stores import conformance_store

G = "http://example.org/graph/remote"
P = NamedNode("http://example.org/p")

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def service(remote_endpoint: Endpoint) -> Iterator[QueryService]:
    store = remote_endpoint.store(timeout=10)
    triples = [Triple(NamedNode(f"http://example.org/s/{v}"), P, Literal(v)) for v in "abc"]
    store.add_to_graph(G, triples)
    settings = Settings(
        endpoint=remote_endpoint.query,
        update_endpoint=remote_endpoint.update,
        gsp_endpoint=remote_endpoint.gsp,
    )
    query_service = QueryService(settings, store)
    yield query_service
    query_service.close()
    store.close()


def test_select_through_the_endpoint_uses_the_union_default_graph(service: QueryService) -> None:
    assert not service.isolated
    # Only this test's predicate: an engine's default graph may hold its own graphs (Virtuoso).
    result = service.execute(f"SELECT ?v {{ ?s {P} ?v }} ORDER BY ?v")
    rows = json.loads(result.body)["results"]["bindings"]
    assert [r["v"]["value"] for r in rows] == ["a", "b", "c"]
    csv = service.execute(f"SELECT ?v {{ ?s {P} ?v }}", accept="text/csv")
    assert csv.media_type == "text/csv" and len(csv.body.splitlines()) == 4


def test_ask_construct_and_substitutions(service: QueryService) -> None:
    ask = service.execute("ASK { ?s ?p 'b' }")
    assert json.loads(ask.body)["boolean"] is True
    graph = service.execute(f"CONSTRUCT WHERE {{ ?s {P} ?o }}", accept="text/turtle")
    assert len(list(parse(graph.body, RdfFormat.TURTLE))) == 3
    bound = service.execute(
        f"SELECT ?s ?v {{ ?s {P} ?v }}", substitutions={"s": NamedNode("http://example.org/s/c")}
    )
    assert [r["v"]["value"] for r in json.loads(bound.body)["results"]["bindings"]] == ["c"]


def test_the_guard_still_applies(service: QueryService) -> None:
    with pytest.raises(QueryError, match="SERVICE"):
        service.execute(f"SELECT * {{ SERVICE <{service.settings.endpoint}> {{ ?s ?p ?o }} }}")


def test_update_with_using_through_the_endpoint(service: QueryService) -> None:
    service.update(
        "INSERT { GRAPH <http://example.org/copy> { ?s ?p ?o } } WHERE { ?s ?p ?o }",
        using_graph_uris=[G],
    )
    copied = service.execute("ASK { GRAPH <http://example.org/copy> { ?s ?p 'a' } }")
    assert json.loads(copied.body)["boolean"] is True


def test_serve_in_front_of_the_endpoint(service: QueryService, tmp_path: Path) -> None:
    """``ptce-kg serve --endpoint URL`` answers from the endpoint and never runs ``init`` on it."""
    endpoint = service.settings.endpoint
    direct = httpx.get(
        endpoint,
        params={"query": "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    expected = int(direct.json()["results"]["bindings"][0]["n"]["value"])
    server = start_server(None, tmp_path / "server.log", "--endpoint", endpoint)
    try:
        with server.client() as client:
            health = client.get("/health").json()
            rows = client.get(
                "/sparql", params={"query": f"SELECT ?v {{ GRAPH <{G}> {{ ?s ?p ?v }} }}"}
            ).json()["results"]["bindings"]
            refused = client.get(
                "/sparql", params={"query": f"ASK {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}"}
            )
    finally:
        stop_server(server)
    assert health["store"] == "remote" and health["isolated_query_workers"] is False
    assert health["triples"] == expected  # nothing was loaded: init never ran on the endpoint
    ontology = httpx.get(
        endpoint,
        params={"query": "ASK { GRAPH <https://w3id.org/ptce/graph/ontology> { ?s ?p ?o } }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert ontology.json()["boolean"] is False
    assert sorted(r["v"]["value"] for r in rows) == ["a", "b", "c"]
    assert refused.status_code == 400 and "SERVICE" in refused.json()["detail"]


def test_allow_listed_service_is_called(
    service: QueryService, remote_endpoint: Endpoint, tmp_path: Path
) -> None:
    """SERVICE to an endpoint of PTCE_SERVICE_ALLOWLIST runs (from a query worker); any other
    endpoint is still refused."""
    if remote_endpoint.engine == "virtuoso":
        pytest.skip(
            "Virtuoso 7.2 never answers a query POSTed as application/sparql-query, the one way "
            "Oxigraph's SERVICE client sends it (docs/store.md#engines-tested)"
        )
    endpoint = service.settings.endpoint
    store = conformance_store(tmp_path / "store")
    server = start_server(
        store, tmp_path / "server.log", PTCE_SERVICE_ALLOWLIST=json.dumps([endpoint])
    )
    federated = f"SELECT ?v WHERE {{ SERVICE <{endpoint}> {{ GRAPH <{G}> {{ ?s ?p ?v }} }} }}"
    other = endpoint.replace("/query", "/other")
    try:
        with server.client() as client:
            rows = client.get("/sparql", params={"query": federated}).json()["results"]["bindings"]
            refused = client.get("/sparql", params={"query": federated.replace(endpoint, other)})
    finally:
        stop_server(server)
    assert sorted(r["v"]["value"] for r in rows) == ["a", "b", "c"]
    assert refused.status_code == 400 and "allow-list" in refused.json()["detail"]
