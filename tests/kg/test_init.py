"""``ptce-kg init`` and ``ptce-kg graphs``: idempotence and the metadata of every graph."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from ptce_kg.kg.linking import rule_files
from ptce_kg.rdf import graphs
from ptce_kg.rdf.resources import ontology_files, vocab_files
from ptce_kg.reference import datasets as reference
from ptce_kg.store import OxigraphStore
from tests.helpers.stores import assert_every_graph_described, dump_dir, graph_listing, run

LO2 = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def test_init_twice_leaves_the_same_store(
    initialised_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = dump_dir(initialised_dir)
    code, out, err = run(capsys, "init", "--store", str(initialised_dir))
    assert code == 0, err
    assert "loaded" not in out  # every graph kept as it was
    assert dump_dir(initialised_dir) == before


def test_init_fills_every_graph_of_the_design(
    initialised_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    found = graph_listing(capsys, "--store", str(initialised_dir))
    for iri in (
        graphs.ONTOLOGY,
        graphs.VOCAB,
        graphs.METADATA,
        *(d.graph for d in reference.DATASETS),
    ):
        assert found[iri]["triples"] > 0, iri
    # demo data and the derived graph come from the other areas' modules
    assert graphs.KNOWN_PTCE in found and graphs.DERIVED in found
    assert any(iri.startswith(graphs.graph_iri("pole/")) for iri in found)


def test_metadata_gives_sha256_count_and_licence(
    initialised_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    found = graph_listing(capsys, "--store", str(initialised_dir))
    assert_every_graph_described(list(found.values()))
    naf = found[graphs.REFERENCE_NAF]
    (naf_file,) = next(d for d in reference.DATASETS if d.graph == graphs.REFERENCE_NAF).paths()
    assert naf["sha256"] == hashlib.sha256(naf_file.read_bytes()).hexdigest()
    assert naf["source"] == [naf_file.resolve().as_uri()]
    assert naf["license"] == LO2
    assert len(reference.naf_triples()) == naf["triples"]
    sources = set(found[graphs.ONTOLOGY]["source"]) | set(found[graphs.VOCAB]["source"])
    assert sources == {p.resolve().as_uri() for p in ontology_files() + vocab_files()}
    # The derived graph names its rules and the graphs it was computed from.
    assert set(found[graphs.DERIVED]["source"]) == {p.resolve().as_uri() for p in rule_files()}
    assert set(found[graphs.DERIVED]["derived_from"]) == set(found) - {
        graphs.DERIVED,
        graphs.METADATA,
        graphs.STATISTICS,  # computed by ptce-kg after the rules, read by none
    }
    # The statistics cube names the registry, reference and derived graphs it counts from.
    assert graphs.RECHERCHE_ENTREPRISES in found[graphs.STATISTICS]["derived_from"]
    assert graphs.DERIVED in found[graphs.STATISTICS]["derived_from"]
    # The metadata graph describes every graph, itself included.
    assert set(found[graphs.METADATA]["source"]) == set(found) - {graphs.METADATA}
    # Example poles are marked fictitious in their metadata too.
    for iri in (g for g in found if g.startswith(graphs.graph_iri("pole/"))):
        assert "exemple fictif" in found[iri]["title"], iri
        assert "Fictitious" in found[iri]["description"], iri


def test_metadata_is_dcat_and_prov(initialised_dir: Path) -> None:
    store = OxigraphStore(initialised_dir)
    try:
        listed = {g.iri for g in store.graphs()}
        typed = {
            str(row["g"].value)
            for row in store.query(
                f"""SELECT ?g WHERE {{ GRAPH <{graphs.METADATA}> {{
                ?g a <http://www.w3.org/ns/dcat#Dataset>, <http://www.w3.org/ns/prov#Entity> ;
                   <http://www.w3.org/ns/prov#generatedAtTime> ?t ;
                   <http://purl.org/dc/terms/license> ?l }} }}"""
            )
        }
    finally:
        store.close()
    assert typed == listed


def test_graphs_table_lists_every_graph(
    initialised_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = list(graph_listing(capsys, "--store", str(initialised_dir)))
    code, out, _ = run(capsys, "graphs", "--store", str(initialised_dir))
    assert code == 0
    assert all(name in out for name in names)


def test_graphs_on_an_empty_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    OxigraphStore(tmp_path / "empty").close()  # a store created, never filled
    assert graph_listing(capsys, "--store", str(tmp_path / "empty")) == {}


def test_store_and_endpoint_together_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys, "graphs", "--store", str(tmp_path), "--endpoint", "http://127.0.0.1:9/query"
    )
    assert code == 2 and "not both" in err


def test_init_updates_a_graph_that_changed(
    initialised_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A graph whose stored content no longer matches its sources is written again; the others
    are kept as they are."""
    copy = tmp_path / "db"
    shutil.copytree(initialised_dir, copy)
    store = OxigraphStore(copy)
    try:
        naf = sorted(str(q) for q in store.quads(graphs.REFERENCE_NAF))
        concept = reference.naf_iri("sous-classe", "88.99B")
        store.update(f"DELETE WHERE {{ GRAPH <{graphs.REFERENCE_NAF}> {{ <{concept}> ?p ?o }} }}")
        others = {
            g.iri: sorted(str(q) for q in store.quads(g.iri))
            for g in store.graphs()
            if g.iri not in (graphs.REFERENCE_NAF, graphs.METADATA, graphs.DERIVED)
        }
    finally:
        store.close()
    code, out, err = run(capsys, "init", "--store", str(copy))
    assert code == 0, err
    loaded = [line.split()[-1] for line in out.splitlines() if line.startswith("loaded")]
    assert loaded == [f"<{graphs.REFERENCE_NAF}>"]
    store = OxigraphStore(copy)
    try:
        assert sorted(str(q) for q in store.quads(graphs.REFERENCE_NAF)) == naf
        for iri, quads in others.items():
            assert sorted(str(q) for q in store.quads(iri)) == quads, iri
    finally:
        store.close()


def test_default_store_is_a_per_user_data_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PTCE_STORE", raising=False)
    monkeypatch.delenv("PTCE_ENDPOINT", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    OxigraphStore(tmp_path / "data-home" / "ptce-kg" / "store").close()  # created, never filled
    code, out, err = run(capsys, "graphs")
    assert code == 0, err  # found there: a missing store would be exit 2
    assert "ptce-kg init" in out  # an empty store says how to fill it


def test_init_keeps_a_demo_graph_that_holds_other_data(
    initialised_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Units added to the sample graph by `import recherche-entreprises` survive a later
    `init` (it used to reset the graph to the 7 shipped samples); the graph is listed as kept."""
    copy = tmp_path / "db"
    shutil.copytree(initialised_dir, copy)
    added = Path(__file__).parent / "data" / "search-338365059.json"
    code, _, err = run(capsys, "import", "recherche-entreprises", str(added), "--store", str(copy))
    assert code == 0, err
    before = dump_dir(copy)
    code, out, err = run(capsys, "init", "--store", str(copy))
    assert code == 0, err
    assert f"<{graphs.RECHERCHE_ENTREPRISES}>" in out and "loaded" not in out
    assert dump_dir(copy) == before


def test_init_refreshes_a_demo_graph_still_from_the_shipped_files(
    initialised_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A demo graph the store holds from the shipped files is written again when it no longer
    matches them (here: a triple removed behind init's back, its size then differs)."""
    copy = tmp_path / "db"
    shutil.copytree(initialised_dir, copy)
    store = OxigraphStore(copy)
    try:
        graph = graphs.graph_iri("pole/sarthe-exemple")
        shipped = sorted(str(q) for q in store.quads(graph))
        store.update(f"DELETE WHERE {{ GRAPH <{graph}> {{ ?s <{RDFS_LABEL}> ?o }} }}")
    finally:
        store.close()
    code, out, err = run(capsys, "init", "--store", str(copy))
    assert code == 0, err
    assert "loaded" in out and f"<{graph}>" in out
    store = OxigraphStore(copy)
    try:
        assert sorted(str(q) for q in store.quads(graph)) == shipped
    finally:
        store.close()
