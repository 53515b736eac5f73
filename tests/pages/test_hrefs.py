"""Where IRIs lead: every namespace of ours to its route, INSEE's to the browse page, others
nowhere on this service; links out by SIREN, SIRET and INSEE IRI."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from ptce_kg.pages.hrefs import link_outs, page_href


@pytest.mark.parametrize(
    ("iri", "href"),
    [
        ("https://w3id.org/ptce/id/pole/sarthe-exemple", "/id/pole/sarthe-exemple"),
        ("https://w3id.org/ptce/id/membership/sarthe-exemple/7", "/id/membership/sarthe-exemple/7"),
        ("https://w3id.org/ptce/vocab/theme", "/vocab/theme"),
        ("https://w3id.org/ptce/vocab/legal-form/5458", "/vocab/legal-form/5458"),
        ("https://w3id.org/ptce/graph/reference/cog", "/graph/reference/cog"),
        ("https://w3id.org/ptce/ontology#Pole", "/ontology#Pole"),
        ("https://w3id.org/ptce/ontology", "/ontology"),
        ("https://schema.org/Organization", None),
        ("https://w3id.org/ptce/id/", None),
    ],
)
def test_our_iris_lead_to_their_routes(iri: str, href: str | None):
    assert page_href(iri) == href


def test_insee_iris_lead_to_the_browse_page():
    iri = "http://id.insee.fr/codes/nafr2/sousClasse/88.99B"
    href = page_href(iri)
    assert href is not None
    parts = urlsplit(href)
    assert parts.path == "/resource" and parse_qs(parts.query) == {"iri": [iri]}


def test_links_out():
    assert link_outs("https://w3id.org/ptce/id/org/338365059", "338365059", None) == [
        ("annuaire", "https://annuaire-entreprises.data.gouv.fr/entreprise/338365059")
    ]
    establishment = link_outs("x", None, "33836505900017")
    assert establishment == [
        ("annuaire", "https://annuaire-entreprises.data.gouv.fr/etablissement/33836505900017")
    ]
    commune = "http://id.insee.fr/geo/commune/72181"
    assert link_outs(commune, None, None) == [("insee", commune)]
    assert link_outs("x", "not-a-siren", "123") == []
