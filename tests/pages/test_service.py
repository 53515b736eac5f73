"""A resource's page from the store, in process: its HTML with the pole's sheet built from the
demo file itself, its RDF forms, an unknown IRI; and no network access on the way."""

from __future__ import annotations

import pytest
import rdflib
from rdflib.namespace import RDF, RDFS

from ptce_kg.pages.rdf_forms import SYNTAXES
from ptce_kg.pages.service import HTML, UnknownResource, page
from tests.helpers.files import demo_file

ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
POLE = "https://w3id.org/ptce/id/pole/sarthe-exemple"
PARSERS = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}


def test_pole_sheet_lists_the_members_of_the_file(demo_store, no_network):
    data = rdflib.Graph().parse(demo_file("sarthe-exemple"), format="turtle")
    members = set(data.objects(None, ORG.member))
    labels = [str(data.value(m, RDFS.label) or "") for m in members]
    html = page(demo_store, POLE, HTML, path="/id/pole/sarthe-exemple").body.decode()
    assert f"({len(members)})" in html
    for label in filter(None, labels):
        assert label.replace("'", "&#39;") in html
    assert 'src="/map?pole=sarthe-exemple&amp;embed=1' in html and "<svg" in html


@pytest.mark.parametrize("media_type", sorted(SYNTAXES))
def test_rdf_forms_parse_to_the_same_triples(demo_store, media_type):
    turtle = page(demo_store, POLE, "text/turtle", path="/")
    other = page(demo_store, POLE, media_type, path="/")
    expected = rdflib.Graph().parse(data=turtle.body, format="turtle")
    graph = rdflib.Graph().parse(data=other.body, format=PARSERS[media_type])
    assert set(graph) == set(expected)
    assert (rdflib.URIRef(POLE), RDF.type, None) in graph


def test_commune_page_in_english(demo_store, no_network):
    html = page(
        demo_store,
        "http://id.insee.fr/geo/commune/72181",
        HTML,
        lang="en",
        path="/resource",
        query={"iri": "http://id.insee.fr/geo/commune/72181"},
    ).body.decode()
    assert "Le Mans" in html and "Where the statements come from" in html
    french = 'href="/resource?iri=http%3A%2F%2Fid.insee.fr%2Fgeo%2Fcommune%2F72181" hreflang="fr"'
    assert french in html  # the same page in French


def test_unknown_iri(demo_store):
    answer = page(demo_store, POLE + "-nowhere", HTML, path="/id/pole/x")
    assert answer.status == 404 and b"<h1>" in answer.body
    with pytest.raises(UnknownResource):
        page(demo_store, POLE + "-nowhere", "text/turtle", path="/id/pole/x")
