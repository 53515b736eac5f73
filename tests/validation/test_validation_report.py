"""The library's typed report: human labels of focus nodes, grouping by pole, language, counts."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from ptce_kg.pages.hrefs import page_href
from ptce_kg.validation import Report, render, validate

DATA = Path(__file__).parent / "data"
ID = "https://w3id.org/ptce/id/"
PTCE = rdflib.Namespace("https://w3id.org/ptce/ontology#")
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
ROV = rdflib.Namespace("http://www.w3.org/ns/regorg#")

# The real SIRENE unit of the rule cases (INSEE sample, /work/shared/data/sirene), joined to the
# fictitious test pole, with a typo in its head office's SIRET, located outside the territory.
UNIT = rdflib.URIRef(f"{ID}org/338365059")
SITE = rdflib.URIRef(f"{ID}establishment/33836505900017")
MEMBERSHIP = rdflib.URIRef(f"{ID}membership/test-exemple/5")
POLE = rdflib.URIRef(f"{ID}pole/test-exemple")


@pytest.fixture(scope="module")
def graph() -> rdflib.Graph:
    graph = rdflib.Graph().parse(DATA / "base-pole.ttl")
    lf = rdflib.URIRef("https://w3id.org/ptce/vocab/legal-form/9230")
    for triple in (
        (UNIT, rdflib.RDF.type, PTCE.LegalUnit),
        (UNIT, ROV.legalName, rdflib.Literal("CENTRE SOCIAL 'CAP DE TOUT'")),
        (UNIT, PTCE.siren, rdflib.Literal("338365059")),
        (UNIT, PTCE.legalForm, lf),
        (UNIT, PTCE.hasEstablishment, SITE),
        (SITE, rdflib.RDF.type, PTCE.Establishment),
        (SITE, rdflib.RDFS.label, rdflib.Literal("CENTRE SOCIAL 'CAP DE TOUT' (siège)")),
        (SITE, PTCE.siret, rdflib.Literal("33836505900018")),
        (SITE, PTCE.communeCode, rdflib.Literal("64373")),
        (SITE, PTCE.commune, rdflib.URIRef("http://id.insee.fr/geo/commune/64373")),
        (MEMBERSHIP, rdflib.RDF.type, PTCE.Membership),
        (MEMBERSHIP, ORG.organization, POLE),
        (MEMBERSHIP, ORG.member, UNIT),
    ):
        graph.add(triple)
    return graph


@pytest.fixture(scope="module")
def reports(graph: rdflib.Graph) -> dict[str, Report]:
    return {lang: validate(graph, rules="all", lang=lang) for lang in ("fr", "en")}


def by_rule(report: Report) -> dict[str, object]:
    return {r.rule: r for r in report.results}


def test_counts_and_verdict(reports: dict[str, Report]) -> None:
    report = reports["en"]
    assert {(r.rule, r.severity) for r in report.results} == {
        ("QUAL-SIRET-LUHN", "Violation"),
        ("ART9-TERRITORY-ESS-LOCATED", "Warning"),
    }
    assert report.counts == {"Violation": 1, "Warning": 1, "Info": 0}
    assert report.conforms is False
    assert report.rules == ("call", "esus", "legal", "quality")


def test_focus_labels_name_the_organisation_and_its_number(reports: dict[str, Report]) -> None:
    results = by_rule(reports["en"])
    siret = results["QUAL-SIRET-LUHN"]
    assert siret.focus == str(SITE)
    assert siret.focus_label == "CENTRE SOCIAL 'CAP DE TOUT' (siège) (SIRET 33836505900018)"
    assert siret.path == "ptcesh:siretChecksumValid"
    assert siret.pole == str(POLE)  # establishment -> its unit -> the unit's membership
    assert siret.pole_label == "Test pole (fictitious example)"
    located = results["ART9-TERRITORY-ESS-LOCATED"]
    assert located.focus == str(MEMBERSHIP)
    assert located.focus_label == (
        "CENTRE SOCIAL 'CAP DE TOUT' (SIREN 338365059) — Test pole (fictitious example)"
    )
    assert located.source.endswith("/article_9")


def test_messages_and_labels_follow_the_language(reports: dict[str, Report]) -> None:
    fr, en = by_rule(reports["fr"]), by_rule(reports["en"])
    assert fr["ART9-TERRITORY-ESS-LOCATED"].message.startswith("Ce membre ESS n'a aucun")
    assert en["ART9-TERRITORY-ESS-LOCATED"].message.startswith("This ESS member has no")
    assert fr["QUAL-SIRET-LUHN"].pole_label == "Pôle de test (exemple fictif)"
    assert fr["QUAL-SIRET-LUHN"].source == "https://www.sirene.fr/sirene/public/variable/siret"


def test_sparql_rule_messages_follow_the_language() -> None:
    """pySHACL drops the language tag of a SPARQL constraint's messages (it fills in their
    placeholders): the message in the language asked for is still the one reported."""
    graph = rdflib.Graph().parse(DATA / "base-pole.ttl")
    year = rdflib.URIRef(f"{ID}org/exemple-association/exercice-2024")
    graph.add((rdflib.URIRef(f"{ID}org/exemple-association"), PTCE.financialYear, year))
    graph.add((year, rdflib.RDF.type, PTCE.FinancialYear))
    for prop, amount in (("profit", 1000), ("allocRetainedAndReserves", 300)):
        graph.add((year, PTCE[prop], rdflib.Literal(amount)))
    for lang, start in (
        ("fr", "Moins de 50 % du bénéfice"),
        ("en", "Less than 50 % of the profit"),
    ):
        [result] = validate(graph, rules="legal", lang=lang).results
        assert result.rule == "ART1-II2C-RETAINED"
        assert result.message.startswith(start), result.message


def test_html_links_each_focus_node_where_it_is_told(reports: dict[str, Report]) -> None:
    report = reports["en"]
    served = render(report, "html", "en", page_href)
    focus_nodes = {r.focus for r in report.results}
    for focus in focus_nodes:
        assert f'<h3><a href="{page_href(focus)}">' in served
    plain = render(report, "html", "en")
    assert "<h3><a " not in plain
    assert "<h3>CENTRE SOCIAL &#x27;CAP DE TOUT&#x27;" in plain  # the label, escaped
    odd = render(report, "html", "en", lambda iri: f'{iri}?x="1"')
    assert '?x=&quot;1&quot;">' in odd  # the address is escaped too
    # no link where the function has none (a blank node, an IRI without a page)
    assert "<h3><a " not in render(report, "html", "en", lambda iri: None)
