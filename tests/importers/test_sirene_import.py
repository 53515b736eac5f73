"""SIRENE stock import: columns by name, refusal before writing, flags, personal data, PLM,
filters."""

from __future__ import annotations

import csv
import random
import time
from pathlib import Path

import pytest

from ptce_kg.errors import InputError
from ptce_kg.kg.importers.sirene import (
    SIRENE_GRAPH,
    Filter,
    import_sirene,
    read_siren_list,
    statutory_ess_forms,
)
from ptce_kg.kg.metadata import descriptions
from ptce_kg.rdf.resources import data_dir
from tests.importers.conftest import DATA, dump, load_turtle

UL = DATA / "StockUniteLegale_test.csv"
ET = DATA / "StockEtablissement_test.csv"
PTCE = "https://w3id.org/ptce/ontology#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
ORG = "https://w3id.org/ptce/id/org/"
EST = "https://w3id.org/ptce/id/establishment/"


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def values(store, subject: str, prop: str) -> set[str]:
    q = f"SELECT ?o WHERE {{ GRAPH <{SIRENE_GRAPH}> {{ <{subject}> <{PTCE}{prop}> ?o }} }}"
    return {str(r["o"].value) for r in store.query(q)}


def subjects_of_type(store, cls: str) -> set[str]:
    q = f"SELECT ?s WHERE {{ GRAPH <{SIRENE_GRAPH}> {{ ?s a <{PTCE}{cls}> }} }}"
    return {str(r["s"].value) for r in store.query(q)}


def rewrite(
    src: Path, dst: Path, shuffle: bool = False, extra: bool = False, drop: str = ""
) -> Path:
    table = rows(src)
    header = [c for c in table[0].keys() if c != drop]
    if shuffle:
        random.Random(4).shuffle(header)
    if extra:
        header = ["colonneAjouteeParInsee2027", *header, "autreNouvelleColonne"]
    with open(dst, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, extrasaction="ignore", restval="X")
        writer.writeheader()
        writer.writerows(table)
    return dst


def test_import_counts_and_model(store):
    summary = import_sirene(store, UL, ET)
    ul, et = rows(UL), rows(ET)
    valid_units = [r for r in ul if len(r["siren"]) == 9]
    valid_sites = [r for r in et if len(r["siret"]) == 14]
    assert summary.units_read == len(ul)
    assert summary.units_kept == len(valid_units)
    assert summary.units_skipped == {"invalid SIREN": len(ul) - len(valid_units)}
    assert summary.establishments_kept == len(valid_sites)
    assert subjects_of_type(store, "LegalUnit") == {ORG + r["siren"] for r in valid_units}
    assert subjects_of_type(store, "Establishment") == {EST + r["siret"] for r in valid_sites}
    dinum = ORG + "130025265"
    assert values(store, dinum, "legalForm") == {"https://w3id.org/ptce/vocab/legal-form/7120"}
    assert values(store, dinum, "activity") == {"http://id.insee.fr/codes/nafr2/sousClasse/84.11Z"}
    assert values(store, dinum, "administrativeState") == {"A"}
    q = (
        f"ASK {{ GRAPH <{SIRENE_GRAPH}> {{ <{dinum}> <{RDFS}seeAlso> "
        "<https://annuaire-entreprises.data.gouv.fr/entreprise/130025265> ; "
        '<http://www.w3.org/ns/regorg#legalName> "DIRECTION INTERMINISTERIELLE DU NUMERIQUE" } }'
    )
    assert store.query(q)
    # An old nomenclature keeps the raw code but no NAF rév. 2 IRI.
    old = ORG + "000000006"
    assert values(store, old, "activityCode") == {"74.1G"}
    assert values(store, old, "activityNomenclature") == {"NAFRev1"}
    assert values(store, old, "activity") == set()


def test_columns_are_read_by_name(store, tmp_path):
    import_sirene(store, UL, ET)
    reference = dump(store, SIRENE_GRAPH)
    shuffled_ul = rewrite(UL, tmp_path / "ul.csv", shuffle=True, extra=True)
    shuffled_et = rewrite(ET, tmp_path / "et.csv", shuffle=True, extra=True)
    import_sirene(store, shuffled_ul, shuffled_et)
    assert dump(store, SIRENE_GRAPH) == reference


@pytest.mark.parametrize(
    ("which", "column"),
    [("ul", "economieSocialeSolidaireUniteLegale"), ("et", "codeCommuneEtablissement")],
)
def test_missing_column_refused_before_writing(store, tmp_path, which, column):
    import_sirene(store, UL, ET)
    before = dump(store)
    ul = rewrite(UL, tmp_path / "ul.csv", drop=column if which == "ul" else "")
    et = rewrite(ET, tmp_path / "et.csv", drop=column if which == "et" else "")
    with pytest.raises(InputError) as err:
        import_sirene(store, ul, et)
    assert column in str(err.value)
    assert str(ul if which == "ul" else et) in str(err.value)
    assert dump(store) == before


def test_bad_bytes_half_way_leave_store_unchanged(store, tmp_path):
    import_sirene(store, UL, ET)
    before = dump(store)
    broken = tmp_path / "ul.csv"
    broken.write_bytes(UL.read_bytes() + b"999999999,O,\xff\xfe broken\n")
    with pytest.raises(InputError) as err:
        import_sirene(store, broken, ET)
    assert str(broken) in str(err.value)
    assert dump(store) == before


def test_ess_flag_empty_is_not_n(store):
    import_sirene(store, UL)
    for row in rows(UL):
        if len(row["siren"]) != 9:
            continue
        flag = row["economieSocialeSolidaireUniteLegale"]
        expected = {flag} if flag in ("O", "N") else set()
        assert values(store, ORG + row["siren"], "sireneEssFlag") == expected, row["siren"]
    assert values(store, ORG + "000000001", "missionCompanyFlag") == {"O"}


def test_personal_columns_of_natural_persons_are_dropped(store):
    import_sirene(store, UL, ET)
    personal = {"PRENOMTEST", "NOMTEST", "NOMUSAGETEST", "PSEUDOTEST"}
    text = " ".join(str(q) for q in store.quads())
    assert [word for word in personal if word in text] == []
    person = ORG + "000000004"
    label = store.query(
        f"SELECT ?l WHERE {{ GRAPH <{SIRENE_GRAPH}> {{ <{person}> <{RDFS}label> ?l }} }}"
    )
    assert [str(r["l"].value) for r in label] == ["Entrepreneur individuel 000000004"]
    assert not store.query(
        f"ASK {{ GRAPH ?g {{ <{person}> <http://www.w3.org/ns/regorg#legalName> ?n }} }}"
    )


def test_plm_arrondissements_mapped_to_their_commune(store):
    import_sirene(store, UL, ET)
    geo = "http://id.insee.fr/geo/"
    expected = {
        "75107": "75056",
        "75113": "75056",
        "75118": "75056",
        "69383": "69123",
        "13201": "13055",
    }
    sites = {r["codeCommuneEtablissement"]: r["siret"] for r in rows(ET)}
    for code, commune in expected.items():
        site = EST + sites[code]
        assert values(store, site, "commune") == {f"{geo}commune/{commune}"}
        assert values(store, site, "communeCode") == {code}
        assert values(store, site, "municipalArrondissement") == {
            f"{geo}arrondissementMunicipal/{code}"
        }
    plain = EST + sites["72181"]
    assert values(store, plain, "commune") == {f"{geo}commune/72181"}
    assert values(store, plain, "municipalArrondissement") == set()


def test_only_ess_keeps_flag_o_or_statutory_form(reference_store):
    store = reference_store
    forms = statutory_ess_forms(store)
    assert "9220" in forms and "9210" not in forms  # borderline forms are not statutory
    summary = import_sirene(store, UL, ET, keep=Filter(only_ess_forms=forms))
    kept = {
        r["siren"]
        for r in rows(UL)
        if len(r["siren"]) == 9
        and (
            r["economieSocialeSolidaireUniteLegale"] == "O"
            or r["categorieJuridiqueUniteLegale"] in forms
        )
    }
    assert {s.rsplit("/", 1)[1] for s in subjects_of_type(store, "LegalUnit")} == kept
    assert {s.rsplit("/", 1)[1][:9] for s in subjects_of_type(store, "Establishment")} <= kept
    assert summary.establishments_skipped["legal unit not kept"] > 0
    assert "130025265" not in kept and "000000003" not in kept


def test_only_ess_without_reference_data_is_an_input_error(store):
    with pytest.raises(InputError, match="init"):
        statutory_ess_forms(store)


def test_siren_list(store, tmp_path):
    listing = tmp_path / "sirens.txt"
    listing.write_text("# two units\n338365059\n\n000000002  # flag N\n", encoding="utf-8")
    sirens = read_siren_list(listing)
    assert sirens == {"338365059", "000000002"}
    import_sirene(store, UL, ET, keep=Filter(sirens=sirens))
    assert subjects_of_type(store, "LegalUnit") == {ORG + s for s in sirens}
    assert {s.rsplit("/", 1)[1][:9] for s in subjects_of_type(store, "Establishment")} == sirens


def test_siren_list_bad_line(tmp_path):
    listing = tmp_path / "sirens.txt"
    listing.write_text("338365059\nnot-a-siren\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_siren_list(listing)
    assert f"{listing}:2" in str(err.value)


def test_reimport_leaves_store_unchanged(store):
    import_sirene(store, UL, ET)
    first = dump(store)
    time.sleep(1.1)  # a re-recorded description would carry a new dcterms:modified second
    import_sirene(store, UL, ET)
    assert dump(store) == first  # metadata graph included


def test_import_described_in_metadata(store):
    summary = import_sirene(store, UL, ET)
    description = descriptions(store)[SIRENE_GRAPH]
    assert int(description["triples"]) == summary.triples
    assert len(str(description["sha256"])) == 64
    assert len(description["source"]) == 2


def test_other_graphs_untouched(store, tmp_path):
    other = "https://w3id.org/ptce/graph/pole/sarthe-exemple"
    load_turtle(store, data_dir() / "demo" / "sarthe-exemple.ttl", other)
    before = sorted(str(q) for q in store.quads(other))
    import_sirene(store, UL, ET)
    assert sorted(str(q) for q in store.quads(other)) == before


@pytest.mark.parametrize("replace", ["bulk", "transaction"])
def test_on_disk_first_import_and_reimport(tmp_path, monkeypatch, replace):
    """On disk, a first import streams into Oxigraph's bulk loader; a re-import replaces the
    graph (chunked clear then bulk load, or one transaction when small). Same graph as in
    memory, re-import unchanged, a file that fails half way leaves the store as it was."""
    from ptce_kg.kg.importers import common
    from ptce_kg.store import OxigraphStore, oxigraph

    with OxigraphStore() as memory:
        import_sirene(memory, UL, ET)
        expected = dump(memory, SIRENE_GRAPH)
    if replace == "bulk":
        monkeypatch.setattr(oxigraph, "SMALL_REPLACE_BYTES", 0)
        monkeypatch.setattr(oxigraph, "DELETE_CHUNK", 7)
    # Hand the loader a few lines at a time, so it has taken in every unit when the error comes.
    monkeypatch.setattr(common, "_LINES_PER_CHUNK", 3)
    # Bad bytes past the decoder's first block (8 kB of real rows, repeated), read mid-stream.
    header, body = ET.read_bytes().split(b"\n", 1)
    broken = tmp_path / "et.csv"
    broken.write_bytes(header + b"\n" + body * 4 + b"99999999900011,999999999,\xff\xfe broken\n")
    with OxigraphStore(tmp_path / "db") as store:
        with pytest.raises(InputError, match="cannot read CSV") as err:
            import_sirene(store, UL, broken)
        assert f"{broken}:" in str(err.value)
        assert dump(store) == []
        summary = import_sirene(store, UL, ET)
        assert dump(store, SIRENE_GRAPH) == expected
        assert summary.triples == len(expected)
        before = dump(store)
        import_sirene(store, UL, ET)
        assert dump(store) == before
        with pytest.raises(InputError):
            import_sirene(store, UL, broken)
        assert dump(store) == before
    with OxigraphStore(tmp_path / "db") as reopened:
        assert dump(reopened) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty file"), (b"\xff\xfe\x00garbage", "cannot read the CSV header")],
)
def test_unreadable_header(store, tmp_path, content, message):
    bad = tmp_path / "ul.csv"
    bad.write_bytes(content)
    with pytest.raises(InputError, match=message) as err:
        import_sirene(store, bad)
    assert str(bad) in str(err.value)
    assert dump(store) == []
