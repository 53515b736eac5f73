"""Every implemented rule id: conforming and failing examples (tests/validation/data/cases.yaml)."""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from pathlib import Path

import pytest
import rdflib
import yaml

from ptce_kg.errors import InputError
from ptce_kg.validation import validate
from ptce_kg.validation.shapes import rule_table

DATA = Path(__file__).parent / "data"
BASE = (DATA / "base-pole.ttl").read_text(encoding="utf-8")
PREFIXES = (
    "\n".join(line for line in BASE.splitlines() if line.startswith("@prefix"))
    + """
@prefix rov: <http://www.w3.org/ns/regorg#> .
@prefix su: <https://w3id.org/ptce/vocab/social-utility/> .
"""
)
SPEC = yaml.safe_load((DATA / "cases.yaml").read_text(encoding="utf-8"))
CASES = SPEC["cases"]
# Quality rules that are this project's own data conventions, with no external reference.
QUALITY_CONVENTIONS = {
    "QUAL-DATE-ORDER",
    "QUAL-LABEL",
    "QUAL-POLE-PRESENT",
    "QUAL-MEMBER-DESCRIBED",
}


def _turtle(snippet: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=PREFIXES + snippet, format="turtle")


def case_graph(case: dict) -> rdflib.Graph:
    """The base pole with the case's snippets, removals and additions applied."""
    graph = rdflib.Graph().parse(data=BASE, format="turtle")
    for name in case.get("with", []):
        graph += _turtle(SPEC["snippets"][name])
    removed = _turtle(case.get("remove", ""))
    for triple in removed:
        assert triple in graph, f"case removes a triple the base does not have: {triple}"
        graph.remove(triple)
    graph += _turtle(case.get("add", ""))
    return graph


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_rule_case(case: dict, no_network: list[str]) -> None:
    """Reference data (COG, NAF, legal forms) comes from the package: no network access."""
    report = validate(
        case_graph(case), rules=case.get("rules", "all"), lang="en", as_of=case.get("as_of")
    )
    fired: dict[str, set[str]] = {}
    for result in report.results:
        fired.setdefault(result.rule, set()).add(result.severity)
    assert {rule: severities for rule, severities in fired.items()} == {
        rule: {severity} for rule, severity in case["expect"].items()
    }, "\n".join(f"{r.rule} {r.severity} {r.focus_label}: {r.message}" for r in report.results)
    assert report.conforms == ("Violation" not in {s for s in case["expect"].values()})


def test_every_rule_has_a_failing_and_a_conforming_case() -> None:
    """Each rule id of the shapes fires in some case, and the base raises nothing."""
    rule_ids = {row["rule"] for row in rule_table()}
    failing = {rule for case in CASES for rule in case["expect"]}
    assert rule_ids - failing == set()
    assert failing - rule_ids == set()
    assert CASES[0]["expect"] == {} and "remove" not in CASES[0] and "add" not in CASES[0]


@cache
def _counterpart_rules(
    snippets: tuple[str, ...], rules: str, as_of: date | None = None
) -> frozenset[str]:
    """Rule ids raised by the base with the named snippets only (no removal, no addition)."""
    report = validate(case_graph({"with": list(snippets)}), rules=rules, lang="en", as_of=as_of)
    return frozenset(report.rule_ids())


@pytest.mark.parametrize("rule", sorted({row["rule"] for row in rule_table()}))
def test_rule_has_a_conforming_counterpart(rule: str) -> None:
    """Some failing case raises ``rule`` while the same data without the case's change (the
    base with the same snippets, validated with the same rule set) does not raise it: the
    rule's targets are there and conform, so the rule fires because of the defect."""
    cases = [c for c in CASES if rule in c["expect"] and ("remove" in c or "add" in c)]
    assert cases, f"no failing case for {rule} built by changing conforming data"
    assert any(
        rule
        not in _counterpart_rules(tuple(c.get("with", [])), c.get("rules", "all"), c.get("as_of"))
        for c in cases
    ), f"{rule} is raised by the unchanged data of every case that expects it"


def test_messages_in_both_languages_and_sources() -> None:
    """Each rule shape has a French and an English message; legal and call rules cite their
    article on Légifrance, quality rules on formats and codes their reference."""
    for lang in ("fr", "en"):
        for row in rule_table(lang):
            assert row["message"], row
            # words for a coordinator: no RDF term such as ptce:Territory or rdfs:label
            assert not re.search(r"\b(?!https?:)[a-z]+:[A-Za-z]", row["message"]), row
    for row in rule_table():
        if row["set"] != "quality":
            assert re.match(r"^https://www\.legifrance\.gouv\.fr/", row["source"]), row
        elif row["rule"] not in QUALITY_CONVENTIONS:  # a format or code: its reference
            assert re.match(r"^https://www\.(insee|sirene|w3|rfc-editor)\.", row["source"]), row
        else:
            assert row["source"] == "", row


@pytest.mark.parametrize(
    ("name", "amount", "cap", "which"),
    [
        (
            "first reserve incorporation above half the available reserves",
            "6000",
            "5000",
            {"fr": "la première incorporation", "en": "the first incorporation"},
        ),
        (
            "later reserve incorporation above half the growth of the reserves",
            "2500",
            "2000",
            {"fr": "une incorporation ultérieure", "en": "a later incorporation"},
        ),
    ],
)
def test_incorporation_message_names_the_amount_and_which_cap(
    name: str, amount: str, cap: str, which: dict[str, str]
) -> None:
    """ART1-I3B-INCORP tells the coordinator the amount incorporated, which cap applies and
    how much it is, in the language asked for."""
    case = next(c for c in CASES if c["name"] == name)
    for lang, pole in (
        ("fr", "Pôle de test (exemple fictif)"),
        ("en", "Test pole (fictitious example)"),
    ):
        [result] = validate(case_graph(case), rules="legal", lang=lang).results
        assert result.value == amount
        assert f"({amount} €)" in result.message and f" {cap} €" in result.message
        assert which[lang] in result.message, result.message
        assert result.pole_label == pole  # incorporation -> its organisation -> its pole


@pytest.mark.parametrize(
    ("name", "in_doubt"),
    [
        ("association flagged N in SIRENE", "the SIRENE flag is what is in doubt"),
        (
            "company on the ESS France list but flagged N in SIRENE",
            "the presentation is what is in doubt, the N flag is probably right",
        ),
    ],
)
def test_sirene_consistency_says_which_of_flag_and_presentation_is_in_doubt(
    name: str, in_doubt: str
) -> None:
    """A statutory family flagged N: the flag is doubtful; a commercial company presented as ESS
    and flagged N: its presentation is (ART1-FORM says it is not an ESS enterprise)."""
    case = next(c for c in CASES if c["name"] == name)
    report = validate(case_graph(case), rules="legal", lang="en")
    [result] = [r for r in report.results if r.rule == "ART1-SIRENE-CONSISTENCY"]
    assert in_doubt in result.message, result.message


def test_every_law_rule_is_in_the_projects_reading_of_the_law() -> None:
    """docs/law.md names, clause by clause, every rule id of the legal, call and esus sets, and
    no docs page points to the research note that is not in the repository."""
    docs = Path(__file__).parents[2] / "docs"
    law = (docs / "law.md").read_text(encoding="utf-8")
    missing = {
        row["rule"]
        for row in rule_table()
        if row["set"] != "quality" and f"`{row['rule']}`" not in law
    }
    assert missing == set()
    for page in docs.glob("*.md"):
        assert "legal-rules" not in page.read_text(encoding="utf-8"), page.name


def test_validate_accepts_a_tuple_of_rule_sets() -> None:
    graph = rdflib.Graph().parse(DATA / "base-pole.ttl")
    graph.remove((None, rdflib.URIRef("https://w3id.org/ptce/ontology#strategy"), None))
    report = validate(graph, rules=("legal", "quality"))
    assert report.rules == ("legal", "quality")
    assert report.rule_ids() == {"ART9-STRATEGY-EXISTS"}
    with pytest.raises(InputError, match="unknown rule set"):
        validate(graph, rules="ethics")
