"""Derived graph (ESS family, evidence, sameAs, territory) and the link report."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ptce_kg.kg.importers.recherche_entreprises import import_recherche_entreprises
from ptce_kg.kg.importers.sirene import import_sirene
from ptce_kg.kg.linking import DERIVED_GRAPH, check_files, link_report, messages, rebuild_derived
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
IGEO = "http://rdf.insee.fr/def/geo#"


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


def test_every_check_has_its_texts_in_both_languages() -> None:
    texts = messages()
    assert set(texts["checks"]) == {path.stem for path in check_files()}
    for entry in [*texts["checks"].values(), texts["report"]]:
        for text in entry.values():
            assert set(text) == {"fr", "en"} and all(text.values())
    assert all("title:" not in path.read_text() for path in check_files())  # said once


def test_link_report_in_french_and_english(linked):
    """Same findings in both languages, every title and sentence translated; the SIREN of the
    registry checks is in both sentences."""
    rebuild_derived(linked)
    french, english = link_report(linked, "fr"), link_report(linked, "en")
    assert [(f.check, f.member) for f in french.findings] == [
        (f.check, f.member) for f in english.findings
    ]
    assert french.counts() == english.counts()
    for check in french.checks:
        assert french.checks[check] != english.checks[check], check
    for fr, en in zip(french.findings, english.findings, strict=True):
        assert fr.detail != en.detail and "{" not in fr.detail + en.detail, fr.check
    unknown = next(f for f in french.findings if f.check == "unknown-siren")
    assert unknown.detail == (
        "SIREN 000000009 absent du répertoire importé (sirene, recherche-entreprises)"
    )
    ceased = next(f for f in english.findings if f.check == "ceased-member")
    assert (
        ceased.detail == "SIREN 000000005 has ceased (state C) but the membership has no end date"
    )
    assert french.text().startswith("rapport de liaison : 7 constat(s)")
    assert english.text().startswith("link report: 7 finding(s)")
    assert "Membres sans établissement sur le territoire du pôle [outside-territory]: 3" in (
        french.text()
    )


def test_outside_territory_names_the_commune_and_departement(linked):
    """Each member outside its pole's territory is placed: commune (name, INSEE code) and
    département (name, code) of its open establishments, as the COG reference data says."""
    rebuild_derived(linked)
    places = {
        f.member.rsplit("/", 1)[1]: f.detail
        for f in link_report(linked, "en").findings
        if f.check == "outside-territory"
    }
    assert set(places) == {"membre-cap-de-tout", "000000003", "000000001"}
    expected = {member: place_names(linked, member) for member in places}
    for member, detail in places.items():
        assert detail.startswith(
            "no open establishment inside the pole's territory; its open "
            "establishments are in commune "
        ), detail
        assert expected[member] and all(name in detail for name in expected[member]), member
    french = {f.member: f.detail for f in link_report(linked, "fr").findings}
    assert french[f"{ID}org/000000003"].startswith(
        "aucun établissement ouvert sur le territoire du pôle ; ses établissements ouverts sont "
        "à : commune "
    )


def place_names(store, member: str) -> list[str]:
    """'commune <name> (<code>)' and 'département <name> (<code>)' of the member's open
    establishments (or its registry unit's), read from the fixtures and the COG graph."""
    unit = ID + "org/" + ("338365059" if member == "membre-cap-de-tout" else member)
    rows = store.query(
        f"""SELECT ?commune ?name ?dep ?depName WHERE {{
          GRAPH ?a {{ <{unit}> <{PTCE}hasEstablishment> ?site }}
          GRAPH ?b {{ ?site <{PTCE}commune> ?commune }}
          FILTER NOT EXISTS {{ GRAPH ?c {{ ?site <{PTCE}administrativeState> "F" }} }}
          GRAPH ?d {{ ?commune <{IGEO}nom> ?name ; <{PTCE}partOfArea> ?dep .
                     ?dep a <{IGEO}Departement> ; <{IGEO}nom> ?depName }} }}"""
    )
    names = []
    for row in rows:
        code, dep = row["commune"].value.rsplit("/", 1)[1], row["dep"].value.rsplit("/", 1)[1]
        names.append(f"commune {row['name'].value} ({code})")
        names.append(f"département {row['depName'].value} ({dep})")
    return names


def test_link_report_empty_when_nothing_to_report(store):
    import_sirene(store, DATA / "StockUniteLegale_test.csv")
    rebuild_derived(store)
    report = link_report(store, "en")
    assert report.ok and set(report.counts().values()) == {0}
    assert "nothing to report" in report.text()
    assert link_report(store).text() == "rapport de liaison : rien à signaler (5 contrôles)"
