"""The resource pages in a real headless Chromium on a phone-sized screen (375×812): a pole's
public sheet and an organisation's page are readable without scrolling sideways, show where
each statement comes from, and their links lead to the pages of what they name.

What the pages must show is read from the service itself (the pole's members from the
catalogue query, labels from the RDF form of the same page), never written down here.
Screenshots of each test's final page are kept (PTCE_WEB_SCREENSHOTS=DIR to look at them).
"""

from __future__ import annotations

import csv
import io

import pytest
import rdflib
from rdflib.namespace import RDFS

from tests.helpers.browser import needs_chromium
from tests.helpers.servers import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.server, needs_chromium]

POLE = "sarthe-exemple"
ORG = "338365059"  # the real registry unit of the demo (API Recherche d'entreprises sample)
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def rdf_of(server: LiveServer, path: str) -> rdflib.Graph:
    with server.client() as client:
        answer = client.get(path, params={"format": "ttl"})
    assert answer.status_code == 200, answer.text
    return rdflib.Graph().parse(data=answer.text, format="turtle")


def label_of(graph: rdflib.Graph, iri: str, predicate: rdflib.URIRef = RDFS.label) -> str:
    labels = {o.language: str(o) for o in graph.objects(rdflib.URIRef(iri), predicate)}
    return labels.get("fr") or next(iter(labels.values()))


def test_pole_sheet_on_a_phone(phone_page, live_server: LiveServer):
    page = phone_page
    graph = rdf_of(live_server, f"/id/pole/{POLE}")
    iri = f"{live_server.url}/id/pole/{POLE}"
    pole_iri = next(str(s) for s in graph.subjects() if str(s).endswith(f"/id/pole/{POLE}"))
    with live_server.client() as client:
        members = client.get(
            "/queries/pole-members", params={"pole": POLE}, headers={"Accept": "text/csv"}
        )
    member_iris = {row["member"] for row in csv.DictReader(io.StringIO(members.text))}
    assert member_iris
    page.goto(iri)
    assert page.locator("h1").inner_text() == label_of(graph, pole_iri)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert f"({len(member_iris)})" in page.locator("section.members h2").inner_text()
    shown = page.locator("section.members li > a:first-child")
    hrefs = {shown.nth(i).get_attribute("href") for i in range(shown.count())}
    assert hrefs == {"/id/" + iri.split("/id/", 1)[1] for iri in member_iris}
    assert page.locator("section.jobs svg.chart circle").count() > 0
    frame = page.locator("#pole-map iframe")  # the pole's map (/map?pole=…), in its slot
    assert frame.get_attribute("src").startswith(f"/map?pole={POLE}&embed=1")
    # where the statements come from: the pole's own graph, named and dated
    page.locator("details.all summary").click()
    sources = page.locator("section.sources").inner_text()
    assert "pôle" in sources.lower() and "20" in sources
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.shoot("pole-sheet-phone")
    # a member's link opens its page
    page.locator("section.members li a").first.click()
    page.wait_for_load_state()
    assert "/id/" in page.url
    assert page.locator("h1").inner_text()
    assert page.outside == []


def test_organisation_page_on_a_phone(phone_page, live_server: LiveServer):
    page = phone_page
    graph = rdf_of(live_server, f"/id/org/{ORG}")
    org_iri = next(str(s) for s in graph.subjects() if str(s).endswith(f"/id/org/{ORG}"))
    page.goto(f"{live_server.url}/id/org/{ORG}")
    assert page.locator("h1").inner_text() == label_of(graph, org_iri)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    # links out: the company directory page of its SIREN (not followed: no network)
    assert page.locator(f"section.links-out a[href$='/entreprise/{ORG}']").count() == 1
    # provenance: the registry import and the linking rules (the derived ESS family)
    sources = page.locator("section.sources").inner_text()
    assert "Recherche d'entreprises" in sources
    assert page.locator("section.sources a[href='/graph/derived']").count() == 1
    marker = page.locator("sup.src a[title*='30-ess-family-by-legal-form']")
    assert marker.count() >= 1
    page.shoot("organisation-phone")
    # incoming: the (invented) membership of the demo pole, whose page links to the pole
    page.locator("section.incoming a[href^='/id/membership/']").first.click()
    page.wait_for_load_state()
    assert page.locator(f"a[href='/id/pole/{POLE}']").count() >= 1
    # its establishment's commune is an INSEE IRI: browsed on this service, never fetched
    page.goto(f"{live_server.url}/id/org/{ORG}")
    page.locator("a[href^='/id/establishment/']").first.click()
    page.wait_for_load_state()
    page.locator("a[href^='/resource?iri=']").first.click()
    page.wait_for_load_state()
    assert "/resource?iri=" in page.url
    assert page.locator("h1").inner_text()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert page.outside == []


def test_result_table_links_lead_to_local_pages(page, live_server: LiveServer):
    """The IRIs of a catalogue query's result table (YASGUI, or the plain editor when it is
    not installed) link to this service's pages, and those pages open."""
    page.goto(f"{live_server.url}/")
    page.wait_for_selector("body[data-editor]")
    page.locator(".catalogue-item[data-name='pole-members']").click()
    page.wait_for_selector("#query-panel[data-loaded='pole-members']")
    links = page.locator("a.iri[data-iri^='https://w3id.org/ptce/id/']")
    links.first.wait_for()
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert hrefs and all(h.startswith("/id/") for h in hrefs)
    insee = page.locator("a.iri[data-iri^='http://id.insee.fr/']")
    assert all(
        insee.nth(i).get_attribute("href").startswith("/resource?iri=")
        for i in range(insee.count())
    )
    page.goto(live_server.url + hrefs[0])
    assert page.locator("h1").inner_text()
    assert page.outside == []
