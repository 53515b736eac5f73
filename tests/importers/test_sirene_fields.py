"""Every field the issue asks the SIRENE import to keep, checked row by row against the CSV,
and the links out (NAF concepts, COG communes, company directory pages) resolving."""

from __future__ import annotations

import csv

import rdflib

from ptce_kg.kg.importers.sirene import SIRENE_GRAPH, import_sirene
from ptce_kg.reference import datasets as reference
from tests.importers.conftest import DATA

UL = DATA / "StockUniteLegale_test.csv"
ET = DATA / "StockEtablissement_test.csv"
PTCE = "https://w3id.org/ptce/ontology#"
ORG = "https://w3id.org/ptce/id/org/"
EST = "https://w3id.org/ptce/id/establishment/"
LEGAL_NAME = "http://www.w3.org/ns/regorg#legalName"

# ptce property -> stock column, value kept as given (empty: nothing written)
UNIT_LITERALS = {
    "siren": "siren",
    "activityCode": "activitePrincipaleUniteLegale",
    "activityNomenclature": "nomenclatureActivitePrincipaleUniteLegale",
    "headcountBand": "trancheEffectifsUniteLegale",
    "administrativeState": "etatAdministratifUniteLegale",
    "creationDate": "dateCreationUniteLegale",
    "rnaId": "identifiantAssociationUniteLegale",
    "sireneEssFlag": "economieSocialeSolidaireUniteLegale",
    "missionCompanyFlag": "societeMissionUniteLegale",
}
SITE_LITERALS = {
    "siret": "siret",
    "administrativeState": "etatAdministratifEtablissement",
    "communeCode": "codeCommuneEtablissement",
}


def rows(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return [r for r in csv.DictReader(handle)]


def values(store, subject: str, prop: str) -> set[str]:
    q = f"SELECT ?o WHERE {{ GRAPH <{SIRENE_GRAPH}> {{ <{subject}> <{prop}> ?o }} }}"
    return {str(r["o"].value) for r in store.query(q)}


def test_every_kept_unit_field_matches_its_column(store):
    import_sirene(store, UL, ET)
    units = [r for r in rows(UL) if len(r["siren"]) == 9]
    exercised = set()
    for row in units:
        unit = ORG + row["siren"]
        for prop, column in UNIT_LITERALS.items():
            expected = {row[column]} if row[column] else set()
            exercised.update([prop] if expected else [])
            assert values(store, unit, PTCE + prop) == expected, (row["siren"], prop)
        form = row["categorieJuridiqueUniteLegale"]
        assert values(store, unit, PTCE + "legalForm") == {reference.legal_form_iri(form)}
        naf = row["activitePrincipaleUniteLegale"]
        linked = row["nomenclatureActivitePrincipaleUniteLegale"] == "NAFRev2"
        assert values(store, unit, PTCE + "activity") == (
            {reference.naf_iri("sous-classe", naf)} if linked else set()
        )
        name = row["denominationUniteLegale"]
        assert values(store, unit, LEGAL_NAME) == ({name} if form != "1000" and name else set())
    # The fixture must exercise every field, or the loop above proves little.
    assert exercised == set(UNIT_LITERALS)


def test_every_kept_establishment_field_matches_its_column(store):
    import_sirene(store, UL, ET)
    sites = [r for r in rows(ET) if len(r["siret"]) == 14]
    heads = set()
    for row in sites:
        site = EST + row["siret"]
        for prop, column in SITE_LITERALS.items():
            expected = {row[column]} if row[column] else set()
            assert values(store, site, PTCE + prop) == expected, (row["siret"], prop)
        head = row["etablissementSiege"]
        heads.add(head)
        assert values(store, site, PTCE + "headOffice") == {head}
        assert values(store, ORG + row["siren"], PTCE + "hasEstablishment") >= {site}
    assert heads == {"true", "false"}


def test_links_out_resolve_in_the_reference_data(store):
    """NAF and commune IRIs are INSEE's own and legal forms the reference concepts, all present
    in the reference graphs; each unit links to its public page in the company directory."""
    import_sirene(store, UL, ET)

    def objects(prop: str) -> set[str]:
        q = f"SELECT DISTINCT ?o WHERE {{ GRAPH <{SIRENE_GRAPH}> {{ ?s <{prop}> ?o }} }}"
        return {str(r["o"].value) for r in store.query(q)}

    naf = objects(PTCE + "activity")
    assert naf and naf <= set(reference.naf_index())
    forms = objects(PTCE + "legalForm")
    assert forms and forms <= set(reference.legal_form_index())
    communes = objects(PTCE + "commune") | objects(PTCE + "municipalArrondissement")
    codes = {iri.rsplit("/", 1)[1] for iri in communes}
    cog = reference.reference_subset(commune_codes=codes)
    assert communes and communes <= {str(s) for s in cog.subjects(rdflib.RDF.type, None)}
    units = {r["siren"] for r in rows(UL) if len(r["siren"]) == 9}
    pages = objects("http://www.w3.org/2000/01/rdf-schema#seeAlso")
    assert pages == {f"https://annuaire-entreprises.data.gouv.fr/entreprise/{s}" for s in units}
