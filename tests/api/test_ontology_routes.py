"""/ontology and /vocab/{scheme} on a live server: every RDF syntax gives the shipped graph,
browsers get the pyLODE page, unknown formats and schemes are refused."""

from __future__ import annotations

import pytest
import rdflib
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS

from ptce_kg.rdf.resources import ontology_dir
from tests.helpers.documents import BROWSER_ACCEPT, RDF_SYNTAXES

ONTOLOGY = rdflib.URIRef("https://w3id.org/ptce/ontology")


def shipped(path) -> rdflib.Graph:
    return rdflib.Graph().parse(path, format="turtle")


def schemes() -> list[str]:
    return sorted(p.stem for p in (ontology_dir() / "vocab").glob("*.ttl"))


@pytest.mark.server
@pytest.mark.parametrize(("accept", "short", "parser"), RDF_SYNTAXES)
def test_ontology_in_each_rdf_syntax(live_server, accept, short, parser):
    expected = shipped(ontology_dir() / "ptce.ttl")
    with live_server.client() as client:
        by_accept = client.get("/ontology", headers={"Accept": accept})
        by_param = client.get("/ontology", params={"format": short})
    for response in (by_accept, by_param):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].split(";")[0] == accept
        graph = rdflib.Graph().parse(data=response.content, format=parser)
        assert (ONTOLOGY, RDF.type, OWL.Ontology) in graph
        assert len(graph) == len(expected)


@pytest.mark.server
def test_ontology_html_for_browsers(live_server):
    title = next(shipped(ontology_dir() / "ptce.ttl").objects(ONTOLOGY, DCTERMS.title))
    with live_server.client() as client:
        response = client.get("/ontology", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<html" in response.text.lower()
    assert str(title) in response.text


@pytest.mark.server
def test_ontology_refuses_unknown_formats(live_server):
    with live_server.client() as client:
        not_acceptable = client.get("/ontology", headers={"Accept": "image/png"})
        bad_param = client.get("/ontology", params={"format": "docx"})
    assert not_acceptable.status_code == 406
    assert "text/turtle" in not_acceptable.json()["detail"]
    assert bad_param.status_code == 400
    assert "docx" in bad_param.json()["detail"]


@pytest.mark.server
def test_vocab_list_names_every_scheme(live_server):
    with live_server.client() as client:
        listed = client.get("/vocab").json()
    assert [entry["scheme"] for entry in listed] == sorted([*schemes(), "legal-form"])
    assert all(entry["iri"] == f"https://w3id.org/ptce/vocab/{entry['scheme']}" for entry in listed)


@pytest.mark.server
@pytest.mark.parametrize("scheme", schemes())
def test_each_vocabulary_by_content_negotiation(live_server, scheme):
    iri = rdflib.URIRef(f"https://w3id.org/ptce/vocab/{scheme}")
    expected = shipped(ontology_dir() / "vocab" / f"{scheme}.ttl")
    with live_server.client() as client:
        turtle = client.get(f"/vocab/{scheme}", headers={"Accept": "text/turtle"})
        jsonld = client.get(f"/ontology/vocab/{scheme}", headers={"Accept": "application/ld+json"})
        html = client.get(f"/vocab/{scheme}", headers={"Accept": BROWSER_ACCEPT})
    for response, parser in ((turtle, "turtle"), (jsonld, "json-ld")):
        assert response.status_code == 200, response.text
        graph = rdflib.Graph().parse(data=response.content, format=parser)
        assert (iri, RDF.type, SKOS.ConceptScheme) in graph
        assert len(graph) == len(expected)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    some_label = next(expected.objects(iri, SKOS.prefLabel))
    assert str(some_label) in html.text


@pytest.mark.server
def test_legal_form_scheme_comes_from_the_store(live_server):
    iri = rdflib.URIRef("https://w3id.org/ptce/vocab/legal-form")
    graph_iri = "https://w3id.org/ptce/graph/reference/legal-forms"
    count_query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}"
    with live_server.client() as client:
        turtle = client.get("/vocab/legal-form", headers={"Accept": "text/turtle"})
        html = client.get("/vocab/legal-form", params={"format": "html"})
        count = client.post(
            "/sparql",
            data={"query": count_query},
            headers={"Accept": "application/sparql-results+json"},
        ).json()
    assert turtle.status_code == 200, turtle.text
    graph = rdflib.Graph().parse(data=turtle.content, format="turtle")
    assert (iri, RDF.type, SKOS.ConceptScheme) in graph
    assert len(graph) == int(count["results"]["bindings"][0]["n"]["value"])
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    label = next(graph.objects(next(graph.subjects(SKOS.inScheme, iri)), SKOS.prefLabel))
    assert str(label) in html.text


@pytest.mark.server
@pytest.mark.parametrize("name", ["no-such-scheme", "..%2Fptce", "%2E%2E", "Theme"])
def test_unknown_or_hostile_scheme_names_are_404(live_server, name):
    with live_server.client() as client:
        response = client.get(f"/vocab/{name}")
    assert response.status_code == 404
