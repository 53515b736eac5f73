"""Demo data: the 39 known PTCE (membership unknown), fictitious example poles, sample units."""

from __future__ import annotations

import csv

from ptce_kg.kg.demo import KNOWN_PTCE_GRAPH, demo_graphs, example_files
from ptce_kg.kg.importers.recherche_entreprises import RECHERCHE_ENTREPRISES_GRAPH
from ptce_kg.kg.linking import link_report, rebuild_derived
from ptce_kg.rdf.resources import data_dir

PTCE = "https://w3id.org/ptce/ontology#"
GRAPH = "https://w3id.org/ptce/graph/"


def loaded(store):
    for graph, quads, meta in demo_graphs():
        assert meta["source"] and meta["licence"]
        store.replace_graph(graph, quads)
    return store


def rows(query_result) -> list:
    return list(query_result)


def test_known_ptce_present_with_members_unknown(store):
    loaded(store)
    with open(data_dir() / "known-ptce" / "ptce-connus.csv", encoding="utf-8", newline="") as f:
        names = {row["nom"].strip() for row in csv.DictReader(f)}
    assert len(names) == 39
    q = f"""SELECT ?pole ?name ?known WHERE {{ GRAPH <{KNOWN_PTCE_GRAPH}> {{
        ?pole a <{PTCE}Pole> ; <http://www.w3.org/2000/01/rdf-schema#label> ?name ;
              <{PTCE}membersKnown> ?known }} }}"""
    found = rows(store.query(q))
    assert {str(r["name"].value) for r in found} == names
    assert {str(r["known"].value) for r in found} == {"false"}
    # Nothing invented: no member, no SIREN, no legal unit in that graph.
    for pattern in (
        f"?s <{PTCE}siren> ?o",
        "?s <http://www.w3.org/ns/org#member> ?o",
        f"?s a <{PTCE}LegalUnit>",
    ):
        assert not store.query(f"ASK {{ GRAPH <{KNOWN_PTCE_GRAPH}> {{ {pattern} }} }}")
    # The Sarthe pole of the list sits in département 72, with its sources.
    mans = "https://w3id.org/ptce/id/pole/ptce-du-pays-du-mans"
    assert store.query(f"""ASK {{ GRAPH <{KNOWN_PTCE_GRAPH}> {{
        <{mans}> <{PTCE}territory>/<{PTCE}perimeterArea> <http://id.insee.fr/geo/departement/72> ;
                 <http://purl.org/dc/terms/source> ?src }} }}""")


def test_every_example_node_is_fictitious(store):
    loaded(store)
    assert len(example_files()) >= 3
    for path in example_files():
        graph = f"{GRAPH}pole/{path.stem}"
        unflagged = store.query(f"""SELECT DISTINCT ?s WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o
            FILTER NOT EXISTS {{ ?s <{PTCE}fictitiousExample> true }} }} }}""")
        assert rows(unflagged) == [], path.name
        # Invented organisations never pose as registry units.
        for pattern in (f"?s a <{PTCE}LegalUnit>", f"?s <{PTCE}siren> ?o"):
            assert not store.query(f"ASK {{ GRAPH <{graph}> {{ {pattern} }} }}"), path.name
        labels = store.query(f"""SELECT ?l WHERE {{ GRAPH <{graph}> {{ ?s a ?c ;
            <http://www.w3.org/2000/01/rdf-schema#label> ?l }} }}""")
        for row in labels:
            text = str(row["l"].value)
            assert "(exemple fictif" in text or "fictitious example" in text or "fictif)" in text, (
                text
            )


def test_example_poles_are_complete(store):
    loaded(store)
    graph = f"{GRAPH}pole/sarthe-exemple"
    for cls in (
        "Pole",
        "Territory",
        "Membership",
        "Cooperation",
        "CommonStrategy",
        "Project",
        "JobObservation",
        "PartnerLink",
        "NaturalPerson",
        "Organization",
    ):
        assert store.query(f"ASK {{ GRAPH <{graph}> {{ ?s a <{PTCE}{cls}> }} }}"), cls
    dates = store.query(f"""SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ GRAPH <{graph}> {{
        ?j <{PTCE}observationDate> ?d }} }}""")
    assert int(next(iter(dates))["n"].value) >= 3


def test_sample_registry_units_and_demo_link_report(reference_store):
    store = reference_store
    loaded(store)
    graph = RECHERCHE_ENTREPRISES_GRAPH
    units = store.query(f"""SELECT (COUNT(?u) AS ?n) WHERE {{ GRAPH <{graph}> {{
        ?u a <{PTCE}LegalUnit> }} }}""")
    assert int(next(iter(units))["n"].value) == len(
        list((data_dir() / "demo" / "recherche-entreprises").glob("*.json"))
    )
    rebuild_derived(store)
    report = link_report(store)
    found = {(f.check, f.member.rsplit("/", 1)[1]) for f in report.findings}
    # The non-conforming example is built to show these two findings.
    assert ("ceased-member", "842019051") in found
    assert ("ess-claim-without-evidence", "exemple-collectif-sans-statut") in found


def test_known_ptce_lead_structures_and_state_support(store):
    loaded(store)
    with open(data_dir() / "known-ptce" / "ptce-connus.csv", encoding="utf-8", newline="") as f:
        table = list(csv.DictReader(f))
    leads = store.query(f"""SELECT ?label WHERE {{ GRAPH <{KNOWN_PTCE_GRAPH}> {{
        ?pole <{PTCE}leadStructure> ?lead . ?lead a <{PTCE}Organization> ;
        <http://www.w3.org/2000/01/rdf-schema#label> ?label }} }}""")
    assert sorted(str(r["label"].value) for r in leads) == sorted(
        r["porteur"].strip() for r in table if r["porteur"].strip()
    )
    supports = store.query(f"""SELECT ?programme WHERE {{ GRAPH <{KNOWN_PTCE_GRAPH}> {{
        ?pole <{PTCE}stateSupport> ?s . ?s <{PTCE}programme> ?programme }} }}""")
    programmes = [str(r["programme"].value) for r in supports]
    # State calls (AMI, appels à projets) only: a regional guide is a source, not a support.
    assert programmes and all(p.startswith(("AMI", "Appel à projets")) for p in programmes)
    assert len(programmes) == sum(
        1 for r in table if r["dispositif"].startswith(("AMI", "Appel à projets"))
    )


def _reference_rows(name: str) -> list[dict[str, str]]:
    with open(data_dir() / "reference" / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_known_ptce_row_by_row(store):
    """Each real PTCE keeps what its row says: sources, région and département (the territory's
    area is that area, or lies in it), programme and year, or the listing that cites it."""
    loaded(store)
    with open(data_dir() / "known-ptce" / "ptce-connus.csv", encoding="utf-8", newline="") as f:
        table = list(csv.DictReader(f))
    department_region = {r["code"]: r["region"] for r in _reference_rows("departements.csv")}
    communes = {r["code"]: r for r in _reference_rows("communes.csv") if r["typecom"] == "COM"}
    epci_places: dict[str, set[tuple[str, str]]] = {}
    for member in _reference_rows("epci-membres.csv"):
        commune = communes[member["commune"]]
        epci_places.setdefault(member["epci"], set()).add(
            (commune["departement"], commune["region"])
        )
    q = f"""SELECT ?pole ?name ?area ?source ?comment WHERE {{ GRAPH <{KNOWN_PTCE_GRAPH}> {{
        ?pole a <{PTCE}Pole> ; <http://www.w3.org/2000/01/rdf-schema#label> ?name .
        OPTIONAL {{ ?pole <{PTCE}territory>/<{PTCE}perimeterArea> ?area }}
        OPTIONAL {{ ?pole <http://purl.org/dc/terms/source> ?source }}
        OPTIONAL {{ ?pole <http://www.w3.org/2000/01/rdf-schema#comment> ?comment }}
    }} }}"""
    found: dict[str, dict[str, set[str]]] = {}
    by_name: dict[str, str] = {}
    for r in store.query(q):
        pole = str(r["pole"].value)
        by_name[str(r["name"].value)] = pole
        entry = found.setdefault(pole, {"area": set(), "source": set(), "comment": set()})
        for key in entry:
            if r[key] is not None:
                entry[key].add(str(r[key].value))
    assert len(found) == len(table)
    supports = f"""SELECT ?pole ?programme ?year WHERE {{ GRAPH <{KNOWN_PTCE_GRAPH}> {{
        ?pole <{PTCE}stateSupport> ?s . ?s <{PTCE}programme> ?programme
        OPTIONAL {{ ?s <{PTCE}awardYear> ?year }} }} }}"""
    years = {
        str(r["pole"].value): (str(r["programme"].value), str(r["year"].value) if r["year"] else "")
        for r in store.query(supports)
    }
    geo = "http://id.insee.fr/geo/"
    for row in table:
        pole = by_name[row["nom"].strip()]
        entry = found[pole]
        assert entry["source"] == {u.strip() for u in row["sources"].split(" ; ") if u.strip()}
        (area,) = entry["area"] or {""}
        code = area.rsplit("/", 1)[-1]
        if "/intercommunalite/" in area:
            places = epci_places[code]
        elif "/departement/" in area:
            places = {(code, department_region[code])}
        else:
            places = {("", code)} if area else set()
        if row["departement"]:
            assert row["departement"] in {d for d, _ in places}, row["nom"]
        if row["code_region"]:
            assert row["code_region"] in {r for _, r in places}, row["nom"]
        if row["epci_siren"]:
            assert area == f"{geo}intercommunalite/{row['epci_siren']}"
        programme = row["dispositif"].strip()
        if programme.startswith(("AMI", "Appel à projets")):
            assert years[pole] == (programme, row["annee"].strip())
        elif programme:
            assert pole not in years
            assert any(programme in c for c in entry["comment"]), row["nom"]
