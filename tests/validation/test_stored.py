"""Poles validated where they are stored: a pole's graph with the registry's facts about the
actors it names, a known PTCE from the known-ptce graph, every pole in one report with each
pole's verdict, and the verdict a pole's page shows."""

from __future__ import annotations

import gc
import json
from datetime import date

import pytest
from pyoxigraph import NamedNode, Quad, RdfFormat, parse

from ptce_kg.errors import NotFound
from ptce_kg.rdf.graphs import KNOWN_PTCE
from ptce_kg.store import OxigraphStore
from ptce_kg.validation import render, validate_files
from ptce_kg.validation.stored import (
    read_poles,
    stored_poles,
    validate_pole,
    validate_poles,
    validate_read_poles,
)
from ptce_kg.validation.verdict import pole_verdict
from tests.helpers.files import demo_file
from tests.helpers.stores import graph_of

GOOD, BAD, KNOWN = "sarthe-exemple", "drome-non-conforme-exemple", "brie-nov"
# A real registry unit the Sarthe example names as a member; only the recherche-entreprises
# graph describes it (data/demo/recherche-entreprises/search-338365059.json).
REGISTRY_MEMBER = "https://w3id.org/ptce/id/org/338365059"


def test_a_pole_is_validated_with_what_the_registry_says_of_its_members(demo_store) -> None:
    from_file = validate_files([demo_file(GOOD)])
    in_place = validate_pole(demo_store, GOOD)
    # Alone, the file does not describe that member; in the store, the registry does: it is an
    # ESS association whose establishments lie outside the pole's territory.
    assert ("QUAL-MEMBER-DESCRIBED", REGISTRY_MEMBER) in {
        (r.rule, r.focus) for r in from_file.results
    }
    assert "QUAL-MEMBER-DESCRIBED" not in in_place.rule_ids()
    located = [r for r in in_place.results if r.rule == "ART9-TERRITORY-ESS-LOCATED"]
    assert [r.focus_label for r in located] == [
        "CENTRE SOCIAL 'CAP DE TOUT' (SIREN 338365059) — Pôle coopératif du réemploi manceau "
        "(exemple fictif)"
    ]
    assert in_place.conforms
    [source] = in_place.inputs
    assert source.file == graph_of(GOOD) and len(source.sha256) == 64
    assert validate_pole(demo_store, GOOD).inputs == in_place.inputs  # same data, same digest


def test_a_pole_with_violations_does_not_conform(demo_store) -> None:
    report = validate_pole(demo_store, BAD, rules="legal", lang="en")
    assert not report.conforms
    assert "ART9-STRATEGY-EXISTS" in report.rule_ids("Violation")
    assert report.rules == ("legal",)


def test_a_known_ptce_is_read_from_the_known_ptce_graph(demo_store) -> None:
    report = validate_pole(demo_store, KNOWN, rules="call")
    assert report.inputs[0].file == KNOWN_PTCE
    poles = {r.pole for r in report.results}
    assert poles == {f"https://w3id.org/ptce/id/pole/{KNOWN}"}  # no other known PTCE
    # its members are not known: it cannot be shown eligible for a State call
    assert "AAP-ESS" in report.rule_ids("Violation")


@pytest.mark.parametrize("slug", ["no-such-pole", "Not A Slug", "../etc"])
def test_a_pole_with_no_data_is_not_found(demo_store, slug: str) -> None:
    with pytest.raises(NotFound) as raised:
        validate_pole(demo_store, slug)
    assert raised.value.http_status == 404 and raised.value.where == slug


def test_every_pole_in_one_report_with_each_verdict(demo_store) -> None:
    report = validate_poles(demo_store, rules="legal", as_of=date(2026, 6, 1))
    slugs = stored_poles(demo_store)
    assert {GOOD, BAD, KNOWN} <= set(slugs)
    assert [s.pole.rsplit("/", 1)[1] for s in report.poles] == slugs
    verdicts = {s.pole.rsplit("/", 1)[1]: s for s in report.poles}
    assert verdicts[GOOD].conforms and verdicts[GOOD].graph == graph_of(GOOD)
    assert not verdicts[BAD].conforms and verdicts[BAD].counts["Violation"] >= 1
    assert not report.conforms  # the worst pole decides
    for severity, count in report.counts.items():
        assert count == sum(s.counts[severity] for s in report.poles)
        assert count == sum(1 for r in report.results if r.severity == severity)
    assert report.date == "2026-06-01"
    document = json.loads(render(report, "json", "en"))
    assert [p["pole"] for p in document["poles"]] == [s.pole for s in report.poles]
    assert document["poles"][0].keys() == {"pole", "pole_label", "graph", "conforms", "counts"}
    text = render(report, "text", "en")
    assert "Verdict by pole:" in text
    assert f"Pôle coopératif du réemploi manceau (exemple fictif) <{graph_of(GOOD)}>: conforms" in (
        text
    )
    html = render(report, "html", "en")
    assert '<table class="poles">' in html and html.count('<tr class="ko">') == sum(
        1 for s in report.poles if not s.conforms
    )
    turtle = render(report, "turtle", "en")
    assert turtle.count("sh:ValidationReport") == 1 and "sh:conforms false" in turtle


def test_chosen_poles_only(demo_store) -> None:
    report = validate_poles(demo_store, [GOOD, GOOD, KNOWN], rules="legal")
    assert [s.pole.rsplit("/", 1)[1] for s in report.poles] == [GOOD, KNOWN]
    with pytest.raises(NotFound):
        validate_poles(demo_store, [GOOD, "no-such-pole"])


def test_an_empty_store_has_no_pole_to_validate(store) -> None:
    with pytest.raises(NotFound, match="holds no pole"):
        validate_poles(store)


PREFIXES = """
@prefix ptce: <https://w3id.org/ptce/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix id: <https://w3id.org/ptce/id/> .
"""
# Pole A presents an (invented) organisation as an ESS enterprise with an SAS legal form and
# nothing else; pole B only names it as a member.
CLAIMING = """
id:pole\\/a a ptce:Pole .
id:membership\\/a\\/1 org:organization id:pole\\/a ; org:member id:org\\/exemple-x .
id:org\\/exemple-x a ptce:LegalUnit ;
    ptce:actorCategory <https://w3id.org/ptce/vocab/actor-category/ess-enterprise> ;
    ptce:legalForm <https://w3id.org/ptce/vocab/legal-form/5710> .
"""
NAMING = """
id:pole\\/b a ptce:Pole .
id:membership\\/b\\/1 org:organization id:pole\\/b ; org:member id:org\\/exemple-x .
"""


def test_two_poles_claims_about_one_organisation_are_not_merged(store: OxigraphStore) -> None:
    for slug, text in (("a", CLAIMING), ("b", NAMING)):
        graph = NamedNode(graph_of(slug))
        quads = parse((PREFIXES + text).encode(), format=RdfFormat.TURTLE)
        store.replace_graph(
            graph_of(slug), [Quad(q.subject, q.predicate, q.object, graph) for q in quads]
        )
    organisation = "https://w3id.org/ptce/id/org/exemple-x"
    claimed = {r.rule for r in validate_pole(store, "a").results if r.focus == organisation}
    named = {r.rule for r in validate_pole(store, "b").results if r.focus == organisation}
    assert any(rule.startswith("ART1-") for rule in claimed), claimed
    assert named == {"QUAL-MEMBER-DESCRIBED"}  # b says nothing of it; a's claim stays a's


def test_the_verdict_a_pole_page_shows(demo_store) -> None:
    good = pole_verdict(demo_store, GOOD)
    assert (good.legal_conformity, good.call_eligibility) == (True, True)
    assert good.graph == graph_of(GOOD)
    bad = pole_verdict(demo_store, BAD, lang="en", as_of=date(2026, 6, 1))
    assert (bad.legal_conformity, bad.call_eligibility) == (False, False)
    assert bad.counts["legal"]["Violation"] >= 1 and bad.counts["call"]["Violation"] >= 1
    assert sum(c["Violation"] for c in bad.counts.values()) == bad.report.counts["Violation"]
    assert bad.report.date == "2026-06-01"
    assert {v.name for v in bad.report.rule_set_versions} == {"legal", "call"}
    known = pole_verdict(demo_store, KNOWN)
    assert not known.call_eligibility  # members unknown: eligibility cannot be shown
    with pytest.raises(NotFound):
        pole_verdict(demo_store, "no-such-pole")


def test_poles_validated_in_worker_processes_give_the_same_report(demo_store) -> None:
    poles = read_poles(demo_store)
    alone = validate_read_poles(poles, rules="legal,call", as_of=date(2026, 6, 1))
    side_by_side = validate_read_poles(poles, rules="legal,call", as_of=date(2026, 6, 1), workers=2)
    assert side_by_side.poles == alone.poles and len(alone.poles) == len(poles) > 2
    assert side_by_side.results == alone.results
    assert side_by_side.inputs == alone.inputs


def test_after_the_first_pole_the_caches_leave_the_collectors_passes(demo_store) -> None:
    gc.unfreeze()
    try:
        validate_read_poles(read_poles(demo_store)[:2], rules="legal", as_of=date(2026, 6, 1))
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
