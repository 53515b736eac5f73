"""The linked-data pages over the demo data (``ptce-kg init``): every IRI a catalogue query
returns opens a page; content negotiation gives the resource's own statements in each RDF
syntax; the provenance of statements is shown; unknown IRIs and bad input get 4xx."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
import rdflib
from fastapi.testclient import TestClient
from rdflib.namespace import DCTERMS, RDF, RDFS

from ptce_kg.api.app import create_app
from ptce_kg.pages.hrefs import page_href
from ptce_kg.rdf.resources import resource_dir
from ptce_kg.settings import Settings
from tests.helpers.documents import BROWSER_ACCEPT, RDF_SYNTAXES

JSON = "application/sparql-results+json"
OURS = "https://w3id.org/ptce/"
INSEE = "http://id.insee.fr/"
ORG = "https://w3id.org/ptce/id/org/338365059"  # the real registry unit of the demo
POLE = "https://w3id.org/ptce/id/pole/sarthe-exemple"
SIREN = re.compile(r"/id/org/([0-9]{9})$")


@pytest.fixture(scope="module")
def client(demo_store) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), demo_store)) as test_client:
        yield test_client


def iris_of(client: TestClient, name: str, params: dict[str, str]) -> set[str]:
    answer = client.get(f"/queries/{name}", params=params, headers={"Accept": JSON})
    assert answer.status_code == 200, (name, answer.text)
    rows = answer.json()["results"]["bindings"]
    return {b["value"] for row in rows for b in row.values() if b["type"] == "uri"}


def catalogue_iris(client: TestClient) -> set[str]:
    """Every IRI of every catalogue query's result: the queries with no required parameter
    first, then the others with values those results hold (a SIREN, INSEE areas)."""
    entries = client.get("/queries", headers={"Accept": "application/json"}).json()
    entries = entries if isinstance(entries, list) else entries["queries"]
    iris: set[str] = set()
    later = []
    for entry in entries:
        required = [p for p in entry["parameters"] if p["required"]]
        if required:
            later.append((entry["name"], required))
        else:
            iris |= iris_of(client, entry["name"], {})
    for name, required in later:
        choices: dict[str, list[str]] = {}
        for param in required:
            if param["type"] == "iri":
                choices[param["name"]] = sorted(i for i in iris if i.startswith(INSEE + "geo/"))
            else:
                choices[param["name"]] = sorted(
                    {m.group(1) for i in iris if (m := SIREN.search(i))}
                )
            assert choices[param["name"]], (name, param)
        for index in range(3):
            params = {k: v[index % len(v)] for k, v in choices.items()}
            iris |= iris_of(client, name, params)
    return iris


def test_every_iri_of_every_catalogue_result_opens_a_page(client: TestClient):
    iris = catalogue_iris(client)
    ours = {i for i in iris if i.startswith(OURS)}
    insee = {i for i in iris if i.startswith(INSEE)}
    assert len(ours) > 50 and len(insee) > 10  # poles, organisations, concepts; areas, NAF
    missing = []
    for iri in sorted(ours | insee):
        href = page_href(iri)
        assert href is not None, iri
        assert href.startswith("/resource?iri=") == iri.startswith(INSEE), (iri, href)
        answer = client.get(href, headers={"Accept": BROWSER_ACCEPT})
        if answer.status_code != 200 or not answer.headers["content-type"].startswith("text/html"):
            missing.append((iri, href, answer.status_code))
    assert missing == []


def test_html_links_lead_to_local_pages(client: TestClient):
    """Every link of a page to an IRI of ours or INSEE's is to its local page."""
    html = client.get(page_href(ORG), headers={"Accept": BROWSER_ACCEPT}).text
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert not [h for h in hrefs if h.startswith((OURS, INSEE))]
    assert any(h.startswith("/resource?iri=" + quote(INSEE, safe="")) for h in hrefs)
    assert any(h.startswith("/vocab/") for h in hrefs)


def turtle_of(client: TestClient, path: str) -> rdflib.Graph:
    answer = client.get(path, params={"format": "ttl"})
    assert answer.status_code == 200, answer.text
    return rdflib.Graph().parse(data=answer.text, format="turtle")


@pytest.mark.parametrize(("accept", "short", "parser"), RDF_SYNTAXES)
def test_rdf_forms_hold_the_resource_statements(client: TestClient, accept, short, parser):
    """Each syntax, by Accept or ?format=, holds the statements the store has about the
    resource in any graph (the same triples as a CONSTRUCT over /sparql)."""
    construct = f"CONSTRUCT {{ <{ORG}> ?p ?o }} WHERE {{ GRAPH ?g {{ <{ORG}> ?p ?o }} }}"
    expected = client.get("/sparql", params={"query": construct}, headers={"Accept": accept})
    expected_graph = rdflib.Graph().parse(data=expected.content, format=parser)
    assert len(expected_graph) > 10
    for answer in (
        client.get(page_href(ORG), headers={"Accept": accept}),
        client.get(page_href(ORG), params={"format": short}),
    ):
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].split(";")[0] == accept
        assert answer.headers["vary"] == "Accept"
        graph = rdflib.Graph().parse(data=answer.content, format=parser)
        assert set(graph) == set(expected_graph)


def test_html_by_accept_and_by_format(client: TestClient):
    label = str(turtle_of(client, page_href(POLE)).value(rdflib.URIRef(POLE), RDFS.label))
    for answer in (
        client.get(page_href(POLE), headers={"Accept": BROWSER_ACCEPT}),
        client.get(page_href(POLE), params={"format": "html"}, headers={"Accept": "text/turtle"}),
    ):
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/html")
        assert label in answer.text or label.replace("'", "&#39;") in answer.text
    assert client.get(page_href(POLE), headers={"Accept": "image/png"}).status_code == 406
    assert client.get(page_href(POLE), params={"format": "docx"}).status_code == 400


def test_provenance_of_each_statement_is_shown(client: TestClient):
    """The pole's page names its graph (title, date from the metadata graph); the
    organisation's page names the registry import and the rule that derived its ESS family."""
    pole_graph = rdflib.URIRef(POLE.replace("/id/pole/", "/graph/pole/"))
    described = turtle_of(client, page_href(str(pole_graph)))
    title = str(described.value(pole_graph, DCTERMS.title))
    modified = str(described.value(pole_graph, DCTERMS.modified))[:10]
    html = client.get(page_href(POLE), headers={"Accept": BROWSER_ACCEPT}).text
    sources = html[html.index('class="sources"') :]
    assert title.replace("'", "&#39;") in sources and modified in sources
    html = client.get(page_href(ORG), headers={"Accept": BROWSER_ACCEPT}).text
    assert "Recherche d&#39;entreprises" in html
    assert "30-ess-family-by-legal-form" in html  # the rule, beside the derived family
    assert 'href="https://annuaire-entreprises.data.gouv.fr/entreprise/338365059"' in html


def test_a_concept_and_a_graph_have_pages(client: TestClient):
    for iri in (
        "https://w3id.org/ptce/vocab/theme/circular-economy",
        "https://w3id.org/ptce/vocab/legal-form/5458",
        "https://w3id.org/ptce/graph/derived",
    ):
        graph = turtle_of(client, page_href(iri))
        assert (rdflib.URIRef(iri), RDF.type, None) in graph
        html = client.get(page_href(iri), headers={"Accept": BROWSER_ACCEPT})
        assert html.status_code == 200
    # a graph's sources are local files: their names are shown, never the server's paths
    html = client.get("/graph/derived", headers={"Accept": BROWSER_ACCEPT}).text
    assert "30-ess-family-by-legal-form.rq" in html
    assert str(resource_dir("sparql")) not in html and "file:" not in html


def test_unknown_iris_get_a_helpful_404(client: TestClient):
    for path in ("/id/pole/no-such-pole", "/vocab/theme/no-such-theme", "/graph/no-such-graph"):
        html = client.get(path, headers={"Accept": BROWSER_ACCEPT})
        assert html.status_code == 404
        assert html.headers["content-type"].startswith("text/html")
        assert 'href="/"' in html.text
        rdf = client.get(path, headers={"Accept": "text/turtle"})
        assert rdf.status_code == 404
        assert rdf.json()["error"] == "UnknownResource"
    for path in ("/id/org/a%20b", "/id/", "/id/org//x", "/graph/%3Cx%3E"):
        assert client.get(path, headers={"Accept": "text/turtle"}).status_code == 404, path
        html = client.get(path, headers={"Accept": BROWSER_ACCEPT})
        assert html.status_code == 404 and "<h1>" in html.text, path


def test_reference_iris_are_browsed_never_fetched(client: TestClient):
    commune = "http://id.insee.fr/geo/commune/72181"
    answer = client.get("/resource", params={"iri": commune, "format": "ttl"})
    assert answer.status_code == 200
    graph = rdflib.Graph().parse(data=answer.text, format="turtle")
    assert (rdflib.URIRef(commune), RDF.type, None) in graph
    unknown = client.get("/resource", params={"iri": INSEE + "geo/commune/00000"})
    assert unknown.status_code == 404
    elsewhere = client.get("/resource", params={"iri": "http://localhost:1/secret"})
    assert elsewhere.status_code == 404  # not in the graph: nothing is fetched
    ours = client.get("/resource", params={"iri": POLE}, follow_redirects=False)
    assert ours.status_code == 303 and ours.headers["location"] == page_href(POLE)
    asked = {"iri": POLE, "format": "ttl", "lang": "en"}
    kept = client.get("/resource", params=asked, follow_redirects=False)
    assert kept.headers["location"] == f"{page_href(POLE)}?format=ttl&lang=en"
    hostile = ("http://x/%zz", "http://[::1", "http://x/a#b#c", "http://x/\x7f")
    for bad in ("file:///etc/passwd", "not an iri", "http://a b", "http://x/" + "a" * 3000):
        refused = client.get("/resource", params={"iri": bad})
        assert refused.status_code == 400, bad
        assert refused.json()["errors"][0]["where"] == "parameter 'iri'"
    for bad in hostile:
        refused = client.get("/resource", params={"iri": bad}, headers={"Accept": BROWSER_ACCEPT})
        assert refused.status_code == 400, bad
    assert client.get("/resource").status_code == 422


@pytest.mark.parametrize("slug", ["sarthe-exemple", "drome-non-conforme-exemple"])
def test_pole_sheet_shows_its_verdict_and_links_its_report(client: TestClient, slug: str):
    """The sheet's two verdicts are those of the pole's validation report (legal, call)."""
    html = client.get(f"/id/pole/{slug}", headers={"Accept": BROWSER_ACCEPT}).text
    section = html[html.index('class="verdict"') : html.index('class="territory"')]
    report_href = re.search(r'href="(/poles/[^"]+)"', section).group(1).replace("&amp;", "&")
    assert report_href.startswith(f"/poles/{slug}/report?")
    assert client.get(report_href).status_code == 200
    for rules, position in (("legal", 0), ("call", 1)):
        report = client.get(f"/poles/{slug}/report", params={"rules": rules, "format": "json"})
        conforms = report.json()["conforms"]
        verdicts = re.findall(r'<li class="(ok|ko)">', section)
        assert verdicts[position] == ("ok" if conforms else "ko"), (slug, rules)
