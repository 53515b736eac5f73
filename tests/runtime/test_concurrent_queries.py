"""Concurrent clients on a live server with a single warm query worker: the pool grows on demand,
the cached guard keeps refusing what it must, and every client gets its own query's answer."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from ptce_kg.cli import main

JSON = "application/sparql-results+json"
# One text, several parameter values: the shape of a catalogue query under load.
TEMPLATE = "SELECT ?s ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g = <{graph}>) }} ORDER BY ?s ?o"
GRAPHS = [f"http://kasei.us/2009/09/sparql/data/data{i}.rdf" for i in (1, 2, 3)]


@pytest.fixture(scope="module")
def server(live_server_factory):
    return live_server_factory("--query-workers", "1")


def _rows(client, query: str) -> list[tuple[str, str]]:
    response = client.get("/sparql", params={"query": query}, headers={"Accept": JSON})
    assert response.status_code == 200, response.text
    return [(b["s"]["value"], b["o"]["value"]) for b in response.json()["results"]["bindings"]]


def test_concurrent_answers_match_the_sequential_ones(server) -> None:
    queries = [TEMPLATE.format(graph=g) for g in GRAPHS]
    with server.client() as client:
        expected = {q: _rows(client, q) for q in queries}
    assert all(expected.values())  # every graph has triples: a mix-up would show

    def ask(index: int) -> tuple[str, list[tuple[str, str]]]:
        query = queries[index % len(queries)]
        with server.client() as client:
            return query, _rows(client, query)

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(ask, range(36)))
    for query, rows in answers:
        assert rows == expected[query]


def test_a_refused_query_stays_refused_between_accepted_ones(server) -> None:
    refused = "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    with server.client() as client:
        for _ in range(3):
            assert client.get("/sparql", params={"query": refused}).status_code == 400
            assert _rows(client, TEMPLATE.format(graph=GRAPHS[0]))


def test_query_workers_must_be_positive(capsys) -> None:
    assert main(["serve", "--query-workers", "0"]) == 2
    assert "--query-workers" in capsys.readouterr().err
