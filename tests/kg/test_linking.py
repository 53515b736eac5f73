"""Derived graph (ESS family, evidence, sameAs, territory) and the link report."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ptce_kg.kg.importers.recherche_entreprises import import_recherche_entreprises
from ptce_kg.kg.importers.sirene import import_sirene
from ptce_kg.kg.linking import DERIVED_GRAPH, link_report, rebuild_derived
from tests.helpers.files import REPO
from tests.helpers.stores import load_turtle

DATA = Path(__file__).parent / "data"

PTCE = "https://w3id.org/ptce/ontology#"
ID = "https://w3id.org/ptce/id/"
POLE_GRAPH = "https://w3id.org/ptce/graph/pole/test-liens"
FAMILY = "https://w3id.org/ptce/vocab/ess-family/"
EVIDENCE = "https://w3id.org/ptce/vocab/ess-evidence/"
GEO = "http://id.insee.fr/geo/"
SHORTCUTS = {
    name: PTCE + name
    for name in ("departement", "region", "epci", "touchesDepartement", "touchesRegion")
}


@pytest.fixture
def linked(reference_store):
    """Reference data, the stock fixture, one API unit and the test pole."""
    store = reference_store
    import_sirene(store, DATA / "StockUniteLegale_test.csv", DATA / "StockEtablissement_test.csv")
    import_recherche_entreprises(store, [DATA / "search-338365059.json"])
    load_turtle(store, DATA / "pole-links.ttl", POLE_GRAPH)
    return store


def derived(store, subject: str, prop: str) -> set[str]:
    q = f"SELECT ?o WHERE {{ GRAPH <{DERIVED_GRAPH}> {{ <{subject}> <{prop}> ?o }} }}"
    return {str(r["o"].value) for r in store.query(q)}


def test_ess_family_and_evidence(linked):
    store = linked
    rebuild_derived(store)
    fam = PTCE + "essFamily"
    ev = PTCE + "essEvidence"
    assert derived(store, ID + "org/000000002", fam) == {FAMILY + "association"}
    assert derived(store, ID + "org/000000002", ev) == {EVIDENCE + "legal-form"}
    # SAS (5710) with SIRENE flag O: commercial ESS company, evidence = the flag only.
    assert derived(store, ID + "org/000000001", fam) == {FAMILY + "commercial-ess-company"}
    assert derived(store, ID + "org/000000001", ev) == {EVIDENCE + "sirene-flag"}
    # SCOP with flag O: cooperative by form, and two pieces of evidence.
    assert derived(store, ID + "org/000000005", fam) == {FAMILY + "cooperative"}
    assert derived(store, ID + "org/000000005", ev) == {
        EVIDENCE + "legal-form",
        EVIDENCE + "sirene-flag",
    }
    # SARL, flag unknown: no family, no evidence.
    assert derived(store, ID + "org/000000003", fam) == set()
    assert derived(store, ID + "org/000000003", ev) == set()


def test_member_same_as_registry_unit(linked):
    store = linked
    rebuild_derived(store)
    same = "http://www.w3.org/2002/07/owl#sameAs"
    assert derived(store, ID + "org/membre-cap-de-tout", same) == {ID + "org/338365059"}


def test_located_in_pole_territory(linked):
    store = linked
    rebuild_derived(store)
    located = PTCE + "locatedInPoleTerritory"
    expected = {
        "1": {"false"},
        "2": set(),
        "3": set(),
        "4": {"true"},
        "5": set(),
        "6": {"false"},
        "7": {"false"},
        "8": {"true"},
        "9": set(),
    }
    for n, value in expected.items():
        assert derived(store, f"{ID}membership/test-liens/{n}", located) == value, n


def test_derived_graph_holds_what_the_insert_rules_gave(linked):
    # derived-expected.nt: the derived graph of this store when the rules were SPARQL INSERTs,
    # each run as its own transaction (before 2026-11-29), sorted N-Triples.
    # The territory shortcuts (rules 60-61) came later: test_territory_shortcuts checks them.
    expected = (DATA / "derived-expected.nt").read_text(encoding="utf-8").splitlines()
    for _ in range(2):  # the second rebuild drops a full derived graph first
        rebuild_derived(linked)
        got = sorted(
            f"{q.subject} {q.predicate} {q.object} ."
            for q in linked.quads(DERIVED_GRAPH)
            if q.predicate.value not in SHORTCUTS.values()
        )
        assert got == expected


def test_territory_shortcuts(linked):
    # Each establishment with a commune -> its département, région and EPCI as the COG files
    # say (a municipal arrondissement's establishment: those of its commune).
    store = linked
    rebuild_derived(store)
    reference = REPO / "data" / "reference"
    with open(reference / "communes.csv", encoding="utf-8") as f:
        communes = {r["code"]: r for r in csv.DictReader(f) if r["typecom"] == "COM"}
    with open(reference / "epci-membres.csv", encoding="utf-8") as f:
        epci = {r["commune"]: r["epci"] for r in csv.DictReader(f)}
    sites = store.query(
        f"SELECT ?site ?commune WHERE {{ GRAPH ?g {{ ?site <{PTCE}commune> ?commune }} }}"
    )
    checked = 0
    for row in sites:
        site, code = row["site"].value, row["commune"].value.rsplit("/", 1)[1]
        want = {
            "departement": {f"{GEO}departement/{communes[code]['departement']}"},
            "region": {f"{GEO}region/{communes[code]['region']}"},
            "epci": {f"{GEO}intercommunalite/{epci[code]}"} if code in epci else set(),
        }
        for name, prop in SHORTCUTS.items():
            if name in want:
                assert derived(store, site, prop) == want[name], (site, name)
        checked += 1
    assert checked >= 10


def test_derived_is_rebuilt_not_accumulated(linked):
    store = linked
    first = rebuild_derived(store)
    assert rebuild_derived(store) == first
    store.drop_graph(POLE_GRAPH)
    rebuild_derived(store)
    assert not store.query(
        f"ASK {{ GRAPH <{DERIVED_GRAPH}> {{ ?m <{PTCE}locatedInPoleTerritory> ?v }} }}"
    )
    # Derived facts never leak into source graphs.
    assert not store.query(
        f"ASK {{ GRAPH ?g {{ ?u <{PTCE}essEvidence> ?e }} FILTER(?g != <{DERIVED_GRAPH}>) }}"
    )


def test_link_report_findings(linked):
    store = linked
    rebuild_derived(store)
    report = link_report(store)
    found = {(f.check, f.member.rsplit("/", 1)[1]) for f in report.findings}
    assert found == {
        ("unknown-siren", "000000009"),
        ("ceased-member", "000000005"),
        ("flag-n-statutory-form", "000000002"),
        ("ess-claim-without-evidence", "collectif-test"),
        ("outside-territory", "membre-cap-de-tout"),
        ("outside-territory", "000000003"),
        ("outside-territory", "000000001"),
    }
    assert not report.ok
    assert report.counts()["outside-territory"] == 3
    assert all(f.pole == f"{ID}pole/test-liens" for f in report.findings)


def test_link_report_empty_when_nothing_to_report(store):
    import_sirene(store, DATA / "StockUniteLegale_test.csv")
    rebuild_derived(store)
    report = link_report(store)
    assert report.ok and set(report.counts().values()) == {0}
    assert "nothing to report" in report.text()
