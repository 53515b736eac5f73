"""Reference data built from the shipped CSVs: COG levels, NAF chain, legal forms and ESS families.

Expected values are read from the shipped CSV files and vocabularies, never typed in here.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import RdfFormat, parse

from ptce_kg.rdf.resources import mappings_dir, ontology_dir
from ptce_kg.reference import datasets as reference
from ptce_kg.store import OxigraphStore

IGEO = "http://rdf.insee.fr/def/geo#"
PTCE = "https://w3id.org/ptce/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PART_OF = rdflib.URIRef(PTCE + "partOfArea")


def rows(name: str) -> list[dict[str, str]]:
    with open(reference.reference_dir() / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def reference_store() -> OxigraphStore:
    store = OxigraphStore()
    for dataset in reference.DATASETS:
        store.replace_graph(dataset.graph, dataset.triples())
    return store


def count(store: OxigraphStore, where: str) -> int:
    return int(
        next(iter(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ {where} }} }}")))[
            "n"
        ].value
    )


def test_every_cog_entry_is_typed_with_its_igeo_class(reference_store: OxigraphStore) -> None:
    expected = Counter(r["typecom"] for r in rows("communes.csv"))
    for typecom, (_, cls) in reference.COMMUNE_TYPES.items():
        assert count(reference_store, f"?c a <{IGEO}{cls}>") == expected[typecom], typecom
    assert count(reference_store, f"?c a <{IGEO}Intercommunalite> ; <{PTCE}siren> ?s") == len(
        rows("epci.csv")
    )
    assert count(reference_store, f"?c a <{IGEO}Arrondissement>") == len(
        rows("arrondissements.csv")
    )
    assert count(reference_store, f"?c a <{IGEO}Departement>") == len(rows("departements.csv"))
    assert count(reference_store, f"?c a <{IGEO}Region>") == len(rows("regions.csv"))
    # Every entry has its INSEE code and French name.
    total = sum(
        len(rows(name))
        for name in (
            "communes.csv",
            "epci.csv",
            "arrondissements.csv",
            "departements.csv",
            "regions.csv",
        )
    )
    assert count(reference_store, f"?c <{IGEO}codeINSEE> ?code ; <{IGEO}nom> ?nom") == total


def test_epci_members_are_the_dgcl_list(reference_store: OxigraphStore) -> None:
    members = {
        (reference.commune_iri(r["commune"]), reference.epci_iri(r["epci"]))
        for r in rows("epci-membres.csv")
    }
    found = {
        (str(r["c"].value), str(r["e"].value))
        for r in reference_store.query(
            f"SELECT ?c ?e WHERE {{ GRAPH ?g {{ ?c a <{IGEO}Commune> ; <{PTCE}partOfArea> ?e . "
            f"?e a <{IGEO}Intercommunalite> }} }}"
        )
    }
    assert found == members


def test_part_of_area_is_materialised_at_every_level() -> None:
    communes = [r for r in rows("communes.csv") if r["departement"] == "72"]
    parents = {r["code"]: r for r in communes if r["typecom"] == "COM"}
    codes = [r["code"] for r in communes]
    graph = reference.reference_subset(commune_codes=codes)
    for row in communes:
        iri = rdflib.URIRef(reference.commune_iri(row["code"], row["typecom"]))
        com = parents[row["commune_parente"]] if row["typecom"] != "COM" else row
        expected = {
            reference.epci_iri(com["epci"]),
            reference.arrondissement_iri(com["arrondissement"]),
            reference.departement_iri(com["departement"]),
            reference.region_iri(com["region"]),
        }
        if row["typecom"] != "COM":
            expected.add(reference.commune_iri(com["code"]))
        assert {str(o) for o in graph.objects(iri, PART_OF)} == expected, row["code"]
    for row in rows("arrondissements.csv"):
        if row["departement"] == "72":
            iri = rdflib.URIRef(reference.arrondissement_iri(row["code"]))
            assert {str(o) for o in graph.objects(iri, PART_OF)} == {
                reference.departement_iri("72"),
                reference.region_iri(row["region"]),
            }


def test_paris_arrondissements_lead_to_paris_and_up() -> None:
    arm = [r for r in rows("communes.csv") if r["typecom"] == "ARM"]
    graph = reference.reference_subset(commune_codes=[r["code"] for r in arm])
    for row in arm:
        iri = rdflib.URIRef(reference.commune_iri(row["code"], "ARM"))
        assert rdflib.URIRef(reference.commune_iri(row["commune_parente"])) in set(
            graph.objects(iri, PART_OF)
        )


def test_naf_levels_and_broader_chain(reference_store: OxigraphStore) -> None:
    levels = Counter(r["niveau"] for r in rows("naf-rev2-codes.csv"))
    for level, segment in reference.NAF_LEVELS.items():
        found = count(
            reference_store,
            f"?c <{SKOS}inScheme> <{reference.NAF_SCHEME}> "
            f"FILTER(CONTAINS(STR(?c), '/{segment}/'))",
        )
        assert found == levels[level], level
    # every sous-classe reaches a top concept (a section) in exactly four broader steps
    steps = "/".join([f"<{SKOS}broader>"] * 4)
    chain = f"?c {steps} ?top . ?top <{SKOS}topConceptOf> ?scheme"
    assert (
        count(
            reference_store,
            f"?c a <{SKOS}Concept> FILTER(CONTAINS(STR(?c), '/sousClasse/')) {chain}",
        )
        == levels["sous-classe"]
    )
    row = rows("naf-rev2-5-niveaux.csv")[0]
    graph = reference.reference_subset(naf_codes=[row["code_sous_classe"]])
    labels = {str(o) for o in graph.objects(None, rdflib.URIRef(SKOS + "prefLabel"))}
    assert {
        row[k]
        for k in ("libelle_sous_classe", "libelle_groupe", "libelle_division", "libelle_section")
    } <= labels


def test_legal_forms_carry_their_ess_family(reference_store: OxigraphStore) -> None:
    families = {
        str(q.subject.value)
        for q in parse(path=ontology_dir() / "vocab" / "ess-family.ttl", format=RdfFormat.TURTLE)
        if q.predicate.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
        and q.object.value == SKOS + "Concept"
    }
    with open(
        mappings_dir() / "ess-family-by-legal-form.csv", encoding="utf-8", newline=""
    ) as handle:
        mapping = list(csv.DictReader(handle))
    codes = {r["code"] for r in rows("categories-juridiques.csv")}
    graph = reference.reference_subset(legal_form_codes=[r["code"] for r in mapping])
    for row in mapping:
        assert row["code"] in codes, row["code"]
        form = rdflib.URIRef(reference.legal_form_iri(row["code"]))
        family = graph.value(form, rdflib.URIRef(PTCE + "essFamily"))
        assert str(family) in families and str(family).endswith("/" + row["ess_family"])
        borderline = graph.value(form, rdflib.URIRef(PTCE + "borderlineEss"))
        assert (borderline is not None and borderline.toPython() is True) == (
            row["borderline"] == "true"
        )
    assert count(reference_store, f"?f <{PTCE}essFamily> ?fam") == len(mapping)
    # every level-III form has a level-II then level-I broader concept
    scheme = reference.LEGAL_FORM_SCHEME
    two_steps = (
        f"?f <{SKOS}inScheme> <{scheme}> ; <{SKOS}broader>/<{SKOS}broader> ?top . "
        f"?top <{SKOS}topConceptOf> <{scheme}>"
    )
    assert count(reference_store, two_steps) == len(codes)


def test_reference_subset_holds_only_what_was_asked() -> None:
    row = next(r for r in rows("communes.csv") if r["typecom"] == "COM" and r["epci"])
    graph = reference.reference_subset(commune_codes=[row["code"]], legal_form_codes=["9220"])
    communes = set(graph.subjects(rdflib.RDF.type, rdflib.URIRef(IGEO + "Commune")))
    assert communes == {rdflib.URIRef(reference.commune_iri(row["code"]))}
    names = {str(o) for o in graph.objects(None, rdflib.URIRef(IGEO + "nom"))}
    epci = next(r for r in rows("epci.csv") if r["code"] == row["epci"])
    region = next(r for r in rows("regions.csv") if r["code"] == row["region"])
    assert {row["nom"], epci["nom"], region["nom"]} <= names
    forms = set(graph.subjects(rdflib.URIRef(SKOS + "notation"), None))
    assert {str(f).rsplit("/", 1)[1] for f in forms} == {"9220", "92", "9"}
    assert len(reference.reference_subset()) == 0


def test_reference_files_are_the_shipped_copies() -> None:
    for dataset in reference.DATASETS:
        for path in dataset.paths():
            assert Path(path).is_file(), path
