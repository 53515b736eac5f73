"""The tools researchers use, against a live ``ptce-kg serve``: SPARQLWrapper (GET and POST,
JSON, XML, CSV, CONSTRUCT) and rdflib's SPARQLStore. Expected values come from the suite's data
files, read with rdflib here."""

from __future__ import annotations

import csv
import io

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore

from tests.helpers.stores import CONFORMANCE, DATA_GRAPH

SPARQLWrapper = pytest.importorskip("SPARQLWrapper")

pytestmark = pytest.mark.server
RDF_TYPE = str(rdflib.RDF.type)


@pytest.fixture(scope="module")
def endpoint(live_server_factory) -> str:
    return live_server_factory().url + "/sparql"


def typed() -> list[str]:
    """Every typed subject of the three data files (the store holds each as a named graph)."""
    found = []
    for i in (1, 2, 3):
        graph = rdflib.Graph().parse(CONFORMANCE / f"data{i}.nt", format="nt")
        found += [str(s) for s in graph.subjects(rdflib.RDF.type, None)]
    return sorted(found)


QUERY = f"SELECT ?doc WHERE {{ ?doc <{RDF_TYPE}> ?class }}"


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_json_and_xml(endpoint: str, method: str) -> None:
    expected = typed()
    assert expected
    client = SPARQLWrapper.SPARQLWrapper(endpoint)
    client.setMethod(method)
    client.setQuery(QUERY)
    client.setReturnFormat(SPARQLWrapper.JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert sorted(r["doc"]["value"] for r in rows) == expected
    client.setReturnFormat(SPARQLWrapper.XML)
    document = client.query().convert()  # an xml.dom document
    iris = document.getElementsByTagName("uri")
    assert sorted(node.firstChild.data for node in iris) == expected


def test_sparqlwrapper_csv_ask_and_construct(endpoint: str) -> None:
    client = SPARQLWrapper.SPARQLWrapper(endpoint)
    client.setQuery(QUERY)
    client.setReturnFormat(SPARQLWrapper.CSV)
    table = list(csv.DictReader(io.StringIO(client.query().convert().decode("utf-8"))))
    assert sorted(row["doc"] for row in table) == typed()
    client.setReturnFormat(SPARQLWrapper.JSON)
    client.setQuery(f"ASK {{ <{typed()[0]}> <{RDF_TYPE}> ?class }}")
    assert client.query().convert()["boolean"] is True
    client.setQuery("ASK { <http://example.org/nothing> ?p ?o }")
    assert client.query().convert()["boolean"] is False
    client.setQuery(f"CONSTRUCT {{ ?s <{RDF_TYPE}> ?o }} WHERE {{ ?s <{RDF_TYPE}> ?o }}")
    client.setReturnFormat(SPARQLWrapper.TURTLE)
    graph = rdflib.Graph().parse(data=client.query().convert(), format="turtle")
    assert sorted(str(s) for s in graph.subjects()) == typed()


def test_rdflib_sparqlstore(endpoint: str) -> None:
    store = SPARQLStore(endpoint, returnFormat="json")
    rows = store.query(QUERY)
    assert sorted(str(row.doc) for row in rows) == typed()
    graph = rdflib.Graph(store, identifier=rdflib.URIRef(DATA_GRAPH.format(1)))
    expected = rdflib.Graph().parse(CONFORMANCE / "data1.nt", format="nt")
    assert len(graph) == len(expected)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_formats_sent_as_format_parameters(endpoint: str, method: str) -> None:
    """SPARQLWrapper sends its return format as ``format=`` too (``format=tsv&format=text/tab-
    separated-values`` for TSV, ``json-ld``, ``rdf+xml``, ``n3``): the endpoint reads them."""
    client = SPARQLWrapper.SPARQLWrapper(endpoint)
    client.setMethod(method)
    client.setQuery(QUERY)
    client.setReturnFormat(SPARQLWrapper.TSV)
    table = client.query().convert().decode("utf-8").splitlines()
    assert table[0] == "?doc" and len(table) == len(typed()) + 1
    client.setQuery(f"CONSTRUCT {{ ?s <{RDF_TYPE}> ?o }} WHERE {{ ?s <{RDF_TYPE}> ?o }}")
    for fmt, syntax in [
        (SPARQLWrapper.JSONLD, "json-ld"),
        (SPARQLWrapper.RDFXML, "xml"),
        (SPARQLWrapper.N3, "turtle"),
    ]:
        client.setReturnFormat(fmt)
        response = client.query().response.read()
        graph = rdflib.Graph().parse(data=response, format=syntax)
        assert sorted(str(s) for s in graph.subjects()) == typed(), fmt
