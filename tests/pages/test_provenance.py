"""Provenance as the pages say it: the kind of each graph, the rules that derive a statement
(read from the CONSTRUCT templates of sparql/rules/), file sources shown by name only."""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode

from ptce_kg.kg.linking import rule_files
from ptce_kg.kg.metadata import descriptions
from ptce_kg.pages.provenance import deriving_rules, kind_of, rules, source_name, sources

PTCE = "https://w3id.org/ptce/ontology#"
GRAPH = "https://w3id.org/ptce/graph/"


def test_kinds_of_graphs():
    assert kind_of(GRAPH + "pole/sarthe-exemple") == "pole"
    assert kind_of(GRAPH + "reference/cog") == "reference"
    assert kind_of(GRAPH + "derived") == "rules"
    assert kind_of(GRAPH + "sirene") == "registry"
    assert kind_of(GRAPH + "known-ptce") == "known"
    assert kind_of("http://example.org/g") == "other"


def test_every_rule_is_read_with_what_it_makes():
    found = rules()
    assert [r.name for r in found] == [p.stem for p in rule_files()]
    for rule in found:
        assert rule.template and rule.summary and "\n" not in rule.summary


def test_the_rules_that_may_derive_a_statement():
    family = NamedNode("https://w3id.org/ptce/vocab/ess-family/association")
    names = {r.name for r in deriving_rules(PTCE + "essFamily", family)}
    assert "30-ess-family-by-legal-form" in names
    assert "32-commercial-ess-company" not in names  # its template fixes another family
    evidence = NamedNode("https://w3id.org/ptce/vocab/ess-evidence/sirene-flag")
    assert [r.name for r in deriving_rules(PTCE + "essEvidence", evidence)] == [
        "41-ess-evidence-sirene-flag"
    ]
    inside = Literal("true")
    assert [r.name for r in deriving_rules(PTCE + "locatedInPoleTerritory", inside)] == [
        "50-located-in-pole-territory"
    ]
    assert deriving_rules(PTCE + "siren", Literal("338365059")) == ()


def test_sources_from_the_metadata_graph(demo_store):
    found = sources(descriptions(demo_store), {GRAPH + "pole/sarthe-exemple", GRAPH + "nowhere"})
    pole = found[GRAPH + "pole/sarthe-exemple"]
    assert pole.kind == "pole" and pole.pole_href == "/id/pole/sarthe-exemple"
    assert pole.date and len(pole.date) == 10 and "exemple" in pole.title
    assert found[GRAPH + "nowhere"].date is None


def test_local_files_are_named_without_their_path():
    assert source_name("file:///srv/ptce/sparql/rules/30-x.rq") == "30-x.rq"
    assert source_name("file:///srv/a%20b/c%C3%A9.ttl") == "cé.ttl"
    assert (
        source_name("https://www.insee.fr/fr/information/1")
        == "https://www.insee.fr/fr/information/1"
    )
