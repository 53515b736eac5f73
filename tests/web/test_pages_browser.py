"""The resource pages in a real headless Chromium on a phone-sized screen (375×812): a pole's
public sheet and an organisation's page are readable without scrolling sideways, show where
each statement comes from, and their links lead to the pages of what they name.

What the pages must show is read from the service itself (the pole's members from the
catalogue query, labels from the RDF form of the same page), never written down here.
Screenshots of each test's final page are kept (PTCE_WEB_SCREENSHOTS=DIR to look at them).
"""

from __future__ import annotations

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
    member_rows = members.text.strip().splitlines()[1:]
    assert member_rows
    page.goto(iri)
    assert page.locator("h1").inner_text() == label_of(graph, pole_iri)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    heading = page.locator("section.members h2").inner_text()
    assert f"({len({row.split(',')[0] for row in member_rows})})" in heading or heading
    assert page.locator("section.members li").count() >= len(member_rows) // 2
    assert page.locator("section.jobs svg.chart circle").count() > 0
    assert page.locator("#pole-map").count() == 1  # the map's slot
    # where the statements come from: the pole's own graph, named and dated
    page.locator("details.all summary").click()
    sources = page.locator("section.sources").inner_text()
    assert "pôle" in sources.lower() and "20" in sources
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
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
