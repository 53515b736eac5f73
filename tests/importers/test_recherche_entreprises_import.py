"""API Recherche d'entreprises import: same model, ESS signals kept apart."""

from __future__ import annotations

import json

import pytest

from ptce_kg.errors import InputError
from ptce_kg.kg.importers.recherche_entreprises import (
    RECHERCHE_ENTREPRISES_GRAPH,
    import_recherche_entreprises,
    read_results,
    recherche_entreprises_quads,
)
from ptce_kg.kg.importers.sirene import import_sirene
from ptce_kg.kg.linking import DERIVED_GRAPH, rebuild_derived
from ptce_kg.rdf.resources import data_dir
from ptce_kg.store import OxigraphStore
from tests.importers.conftest import DATA, dump

FILES = sorted(DATA.glob("search-*.json"))
PTCE = "https://w3id.org/ptce/ontology#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ORG = "https://w3id.org/ptce/id/org/"


def objects(store, graph: str, subject: str, prop: str) -> set[str]:
    q = f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ <{subject}> <{PTCE}{prop}> ?o }} }}"
    return {str(r["o"].value) for r in store.query(q)}


def test_units_and_signals_apart(store):
    summary = import_recherche_entreprises(store, FILES)
    results = [r for path in FILES for r in read_results(path)]
    assert summary.units_kept == len(results)
    g = RECHERCHE_ENTREPRISES_GRAPH
    assert not store.query(f"ASK {{ GRAPH ?g {{ ?u <{PTCE}sireneEssFlag> ?f }} }}")
    for result in results:
        unit = ORG + result["siren"]
        est_ess = result["complements"]["est_ess"]
        assert objects(store, g, unit, "directoryEssClaim") == {str(est_ess).lower()}
        # est_ess false means "not on ESS France's list"; true alone cannot say which source.
        assert objects(store, g, unit, "inEssFranceList") == (set() if est_ess else {"false"})
        assert objects(store, g, unit, "legalForm") == {
            f"https://w3id.org/ptce/vocab/legal-form/{result['nature_juridique']}"
        }
        assert objects(store, g, unit, "administrativeState") == {result["etat_administratif"]}
        siret = result["siege"]["siret"]
        assert objects(store, g, unit, "hasEstablishment") == {
            f"https://w3id.org/ptce/id/establishment/{siret}"
        }


def test_plm_head_office(store):
    import_recherche_entreprises(store, [DATA / "search-842019051.json"])
    site = "https://w3id.org/ptce/id/establishment/84201905100015"
    g = RECHERCHE_ENTREPRISES_GRAPH
    assert objects(store, g, site, "commune") == {"http://id.insee.fr/geo/commune/75056"}
    assert objects(store, g, site, "communeCode") == {"75118"}


def test_ess_france_list_inferred_with_a_stock_import(store):
    """est_ess true + stock flag not O (here null) ⇒ on ESS France's list (rule 10)."""
    import_sirene(store, DATA / "StockUniteLegale_test.csv")
    import_recherche_entreprises(store, FILES)
    rebuild_derived(store)
    unit = ORG + "338365059"
    assert objects(store, DERIVED_GRAPH, unit, "inEssFranceList") == {"true"}
    assert "https://w3id.org/ptce/vocab/ess-evidence/ess-france-list" in objects(
        store, DERIVED_GRAPH, unit, "essEvidence"
    )
    # The DINUM control (est_ess false) gets no list membership and no ESS evidence.
    dinum = ORG + "130025265"
    assert objects(store, DERIVED_GRAPH, dinum, "inEssFranceList") == set()
    assert objects(store, DERIVED_GRAPH, dinum, "essEvidence") == set()


def test_bad_json_names_file_and_line(store, tmp_path):
    before = dump(store)
    bad = tmp_path / "bad.json"
    bad.write_text('{"results": [\n {"siren": "338365059",\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        import_recherche_entreprises(store, [FILES[0], bad])
    assert f"{bad}:" in str(err.value)
    assert dump(store) == before


def test_not_an_api_response(tmp_path):
    other = tmp_path / "other.json"
    other.write_text('{"hello": 1}', encoding="utf-8")
    with pytest.raises(InputError, match="results"):
        read_results(other)


def test_hostile_values_do_not_inject(store, tmp_path):
    hostile = tmp_path / "hostile.json"
    hostile.write_text(
        '{"results": [{"siren": "000000001", "nom_raison_sociale": "X\\" . <a> <b> <c> .",'
        ' "nature_juridique": "5499> <http://evil", "siege": {"siret": "00000000100010",'
        ' "commune": "75056> <x"}}]}',
        encoding="utf-8",
    )
    import_recherche_entreprises(store, [hostile])
    g = RECHERCHE_ENTREPRISES_GRAPH
    unit = ORG + "000000001"
    assert objects(store, g, unit, "legalForm") == set()
    subjects = {str(q.subject.value) for q in store.quads(g)}
    assert subjects == {unit, "https://w3id.org/ptce/id/establishment/00000000100010"}
    label = store.query(f"SELECT ?l WHERE {{ GRAPH <{g}> {{ <{unit}> <{RDFS_LABEL}> ?l }} }}")
    assert [str(r["l"].value) for r in label] == ['X" . <a> <b> <c> .']


def test_natural_person_names_and_officers_are_never_stored(store, tmp_path):
    person = tmp_path / "person.json"
    person.write_text(
        '{"results": [{"siren": "000000004", "nature_juridique": "1000",'
        ' "nom_complet": "PRENOMTEST NOMTEST", "nom_raison_sociale": null,'
        ' "dirigeants": [{"nom": "NOMTEST", "prenoms": "PRENOMTEST", "sexe": "F"}],'
        ' "complements": {"est_ess": false},'
        ' "siege": {"siret": "00000000400016", "commune": "72181", "est_siege": true}}]}',
        encoding="utf-8",
    )
    import_recherche_entreprises(store, [person])
    text = " ".join(str(q) for q in store.quads())
    assert "PRENOMTEST" not in text and "NOMTEST" not in text
    unit = ORG + "000000004"
    g = RECHERCHE_ENTREPRISES_GRAPH
    label = store.query(f"SELECT ?l WHERE {{ GRAPH <{g}> {{ <{unit}> <{RDFS_LABEL}> ?l }} }}")
    assert [str(r["l"].value) for r in label] == ["Entrepreneur individuel 000000004"]
    assert not store.query(
        f"ASK {{ GRAPH ?g {{ <{unit}> <http://www.w3.org/ns/regorg#legalName> ?n }} }}"
    )


SAMPLES = sorted((data_dir() / "demo" / "recherche-entreprises").glob("search-*.json"))


def units(store) -> set[str]:
    """The SIRENs of the legal units in graph recherche-entreprises."""
    rows = store.query(
        f"SELECT ?s WHERE {{ GRAPH <{RECHERCHE_ENTREPRISES_GRAPH}> {{ ?u <{PTCE}siren> ?s }} }}"
    )
    return {str(r["s"].value) for r in rows}


def test_an_import_adds_units_and_keeps_the_shipped_sample(store):
    """`init` ships 7 sample units (149 triples); importing one response used to replace them
    all by its 21 triples. Now its unit is added, the sample stays; the unit it re-imports
    (338365059, in the sample) replaces its own earlier description."""
    store.replace_graph(RECHERCHE_ENTREPRISES_GRAPH, recherche_entreprises_quads(SAMPLES))
    sample = dump(store, RECHERCHE_ENTREPRISES_GRAPH)
    sample_units = units(store)
    assert len(sample_units) == 7
    summary = import_recherche_entreprises(store, [DATA / "search-338365059.json"])
    assert units(store) == sample_units
    assert (
        dump(store, RECHERCHE_ENTREPRISES_GRAPH) == sample
    )  # the same description, re-imported: nothing else changed
    assert (summary.added, summary.units_replaced) == (True, 1)
    assert summary.before == summary.after == len(sample)


def test_units_of_successive_imports_add_up(store):
    one, other = DATA / "search-130025265.json", DATA / "search-842019051.json"
    import_recherche_entreprises(store, [one])
    first = dump(store, RECHERCHE_ENTREPRISES_GRAPH)
    summary = import_recherche_entreprises(store, [other])
    assert units(store) == {"130025265", "842019051"}
    assert summary.before == len(first) and summary.units_replaced == 0
    alone = OxigraphStore()
    import_recherche_entreprises(alone, [other])
    assert summary.after == len(first) + len(dump(alone, RECHERCHE_ENTREPRISES_GRAPH))


def test_a_unit_imported_again_replaces_its_description(store, tmp_path):
    """A later response about the same unit (here: ceased, another head office) replaces every
    triple of the unit and its establishments, never mixing the old state with the new."""
    original = DATA / "search-842019051.json"
    import_recherche_entreprises(store, [original, DATA / "search-130025265.json"])
    body = json.loads(original.read_text(encoding="utf-8"))
    unit = body["results"][0]
    old_site = unit["siege"]["siret"]
    unit["etat_administratif"] = "C"
    unit["siege"]["siret"] = unit["siren"] + "00099"
    unit["matching_etablissements"] = []
    later = tmp_path / "search-842019051-later.json"
    later.write_text(json.dumps(body), encoding="utf-8")
    summary = import_recherche_entreprises(store, [later])
    g, subject = RECHERCHE_ENTREPRISES_GRAPH, ORG + unit["siren"]
    assert objects(store, g, subject, "administrativeState") == {"C"}
    assert objects(store, g, subject, "hasEstablishment") == {
        f"https://w3id.org/ptce/id/establishment/{unit['siren']}00099"
    }
    stale = f"https://w3id.org/ptce/id/establishment/{old_site}"
    assert not store.query(f"ASK {{ GRAPH <{g}> {{ <{stale}> ?p ?o }} }}")
    assert units(store) == {"842019051", "130025265"} and summary.units_replaced == 1


def test_replace_replaces_the_whole_graph(store):
    store.replace_graph(RECHERCHE_ENTREPRISES_GRAPH, recherche_entreprises_quads(SAMPLES))
    before = len(dump(store, RECHERCHE_ENTREPRISES_GRAPH))
    summary = import_recherche_entreprises(store, [DATA / "search-338365059.json"], replace=True)
    assert units(store) == {"338365059"}
    assert (summary.added, summary.before, summary.after) == (
        False,
        before,
        len(dump(store, RECHERCHE_ENTREPRISES_GRAPH)),
    )
