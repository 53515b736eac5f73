"""/sparql over HTTP, every way of sending a query (GET, POST form, POST
application/sparql-query) crossed with every media type of the issue, and the protocol's
dataset parameters; each body is parsed back and compared with the data loaded here."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import (
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    parse,
    parse_query_results,
)

from ptce_kg.api.app import create_app
from ptce_kg.settings import Settings
from ptce_kg.store import OxigraphStore
from tests.helpers.documents import GRAPH_PARSERS, RESULT_PARSERS

G1 = "http://example.org/graph/one"
G2 = "http://example.org/graph/two"
P = "http://example.org/p"
DATA = {G1: ["a", "b"], G2: ["c"]}

METHODS = ("get", "form", "direct")


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    store = OxigraphStore(None)
    for graph, values in DATA.items():
        store.add_to_graph(
            graph,
            [
                Quad(NamedNode(f"http://example.org/s/{v}"), NamedNode(P), Literal(v))
                for v in values
            ],
        )
    with TestClient(create_app(Settings(), store)) as test_client:
        yield test_client


def send(client: TestClient, method: str, query: str, accept: str, **dataset: list[str]):
    params = [(k.replace("_", "-"), v) for k, values in dataset.items() for v in values]
    headers = {"accept": accept}
    if method == "get":
        return client.get("/sparql", params=[("query", query), *params], headers=headers)
    if method == "form":
        return client.post("/sparql", data={"query": query}, params=params, headers=headers)
    headers["content-type"] = "application/sparql-query"
    return client.post("/sparql", content=query.encode(), params=params, headers=headers)


def every_value() -> list[str]:
    return sorted(v for values in DATA.values() for v in values)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("media_type", list(RESULT_PARSERS))
def test_select_in_every_results_format(client, method: str, media_type: str) -> None:
    response = send(client, method, f"SELECT ?v WHERE {{ ?s <{P}> ?v }}", media_type)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    if media_type == "text/csv":  # pyoxigraph does not parse CSV results (lossy)
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert sorted(row["v"] for row in rows) == every_value()
    else:
        rows = parse_query_results(response.content, RESULT_PARSERS[media_type])
        assert sorted(row["v"].value for row in rows) == every_value()


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("media_type", list(RESULT_PARSERS)[:2])
def test_ask_in_both_boolean_formats(client, method: str, media_type: str) -> None:
    for value, expected in (("a", True), ("z", False)):
        response = send(client, method, f"ASK {{ ?s <{P}> '{value}' }}", media_type)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].split(";")[0] == media_type
        result = parse_query_results(response.content, RESULT_PARSERS[media_type])
        assert isinstance(result, QueryBoolean) and bool(result) is expected


@pytest.mark.parametrize("form", ["text/csv", "text/tab-separated-values"])
def test_ask_has_no_tabular_form(client, form: str) -> None:
    response = send(client, "get", "ASK {}", form)
    assert response.status_code == 406 and "available" in response.json()["detail"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("media_type", list(GRAPH_PARSERS))
@pytest.mark.parametrize(
    "query", [f"CONSTRUCT {{ ?s <{P}> ?v }} WHERE {{ ?s <{P}> ?v }}", "DESCRIBE ?s { ?s ?p ?o }"]
)
def test_graph_queries_in_every_rdf_format(client, method, media_type, query) -> None:
    response = send(client, method, query, media_type)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    triples = list(parse(response.content, GRAPH_PARSERS[media_type]))
    assert sorted(t.object.value for t in triples) == every_value()
    assert {t.predicate.value for t in triples} == {P}


@pytest.mark.parametrize("method", METHODS)
def test_default_and_named_graph_uri(client, method: str) -> None:
    json = "application/sparql-results+json"
    select = f"SELECT ?v WHERE {{ ?s <{P}> ?v }}"
    one = send(client, method, select, json, default_graph_uri=[G1])
    assert sorted(b["v"]["value"] for b in one.json()["results"]["bindings"]) == DATA[G1]
    both = send(client, method, select, json, default_graph_uri=[G1, G2])
    assert sorted(b["v"]["value"] for b in both.json()["results"]["bindings"]) == every_value()
    in_graphs = f"SELECT ?g ?v WHERE {{ GRAPH ?g {{ ?s <{P}> ?v }} }}"
    named = send(client, method, in_graphs, json, named_graph_uri=[G2])
    assert [(b["g"]["value"], b["v"]["value"]) for b in named.json()["results"]["bindings"]] == [
        (G2, "c")
    ]
    # the protocol's dataset replaces the query's FROM
    overridden = send(
        client, method, f"SELECT ?v FROM <{G2}> {{ ?s <{P}> ?v }}", json, default_graph_uri=[G1]
    )
    assert sorted(b["v"]["value"] for b in overridden.json()["results"]["bindings"]) == DATA[G1]


def test_a_repeated_query_parameter_is_a_400(client) -> None:
    response = client.get("/sparql", params=[("query", "ASK {}"), ("query", "ASK {}")])
    assert response.status_code == 400 and "more than one" in response.json()["detail"]


FORMATS = {
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
}
GRAPH_FORMATS = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "json": "application/ld+json",
    "xml": "application/rdf+xml",
}


def with_format(client: TestClient, method: str, query: str, fmt: str):
    """A query sent with ``format`` in the URL (GET, direct POST) or the form body, and an
    Accept header the format must override."""
    headers = {"accept": "image/png"}
    if method == "get":
        return client.get("/sparql", params={"query": query, "format": fmt}, headers=headers)
    if method == "form":
        return client.post("/sparql", data={"query": query, "format": fmt}, headers=headers)
    headers["content-type"] = "application/sparql-query"
    return client.post("/sparql", params={"format": fmt}, content=query.encode(), headers=headers)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", list(FORMATS))
def test_format_overrides_accept_for_select(client, method: str, fmt: str) -> None:
    response = with_format(client, method, f"SELECT ?v WHERE {{ ?s <{P}> ?v }}", fmt)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == FORMATS[fmt]
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert sorted(row["v"] for row in rows) == every_value()
    else:
        rows = parse_query_results(response.content, RESULT_PARSERS[FORMATS[fmt]])
        assert sorted(row["v"].value for row in rows) == every_value()


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", list(GRAPH_FORMATS))
def test_format_overrides_accept_for_construct(client, method: str, fmt: str) -> None:
    response = with_format(client, method, f"CONSTRUCT {{ ?s <{P}> ?v }} {{ ?s <{P}> ?v }}", fmt)
    assert response.status_code == 200, response.text
    media_type = GRAPH_FORMATS[fmt]
    assert response.headers["content-type"].split(";")[0] == media_type
    triples = list(parse(response.content, GRAPH_PARSERS[media_type]))
    assert sorted(t.object.value for t in triples) == every_value()


def test_formats_an_answer_cannot_take(client) -> None:
    for query, fmt, answer, names in [
        ("SELECT * {}", "ttl", "a SELECT", "csv, tsv, json, xml"),
        ("ASK {}", "csv", "an ASK", "json, xml"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "tsv", "a CONSTRUCT or DESCRIBE", "json, xml, ttl"),
    ]:
        response = with_format(client, "get", query, fmt)
        assert response.status_code == 406, (query, fmt)
        detail = response.json()["detail"]
        assert f"{answer} query has no {fmt} answer" in detail and names in detail
    unknown = with_format(client, "form", "SELECT * {}", "excel")
    assert unknown.status_code == 400
    assert "'excel' is not one of csv, tsv, json, xml, ttl, nt, jsonld" in unknown.text
    twice = client.get(
        "/sparql", params=[("query", "ASK {}"), ("format", "json"), ("format", "xml")]
    )
    assert twice.status_code == 400 and "more than one 'format'" in twice.text


def test_format_aliases_and_media_types(client) -> None:
    """Other names clients put in ``format`` (SPARQLWrapper's, media types), and one format
    given twice under two names, as SPARQLWrapper does for TSV."""
    select, construct = "SELECT * {}", "CONSTRUCT WHERE { ?s ?p ?o }"
    for query, values, media_type in [
        (select, ["text/csv"], "text/csv"),
        (select, ["tsv", "text/tab-separated-values"], "text/tab-separated-values"),
        (construct, ["turtle"], "text/turtle"),
        (construct, ["n3"], "text/turtle"),
        (construct, ["rdf+xml", "application/rdf+xml"], "application/rdf+xml"),
        (construct, ["json-ld", "application/ld+json"], "application/ld+json"),
        (construct, ["ntriples"], "application/n-triples"),
    ]:
        params = [("query", query)] + [("format", value) for value in values]
        response = client.get("/sparql", params=params)
        assert response.status_code == 200, (values, response.text)
        assert response.headers["content-type"].split(";")[0] == media_type, values


def test_service_description_with_format(client) -> None:
    turtle = client.get("/sparql", params={"format": "ttl"}, headers={"accept": "image/png"})
    assert turtle.status_code == 200
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert client.get("/sparql", params={"format": "csv"}).status_code == 406


@pytest.mark.parametrize("accept", [None, "*/*"])
def test_no_preference_gets_sparql_json(client, accept: str | None) -> None:
    """/sparql is the SPARQL clients' endpoint: with no preference, SPARQL JSON results (and
    Turtle for a graph); tables are one ``format=csv`` away."""
    request = client.build_request("GET", "/sparql", params={"query": "SELECT * {}"})
    if accept is None:
        del request.headers["accept"]
    else:
        request.headers["accept"] = accept
    response = client.send(request)
    assert response.headers["content-type"].startswith("application/sparql-results+json")
