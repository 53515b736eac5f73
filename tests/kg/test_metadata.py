"""Metadata of graphs written by `load`, `import` and `link`, and re-running them as commands."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from ptce_kg.kg.metadata import LICENSE_NOT_STATED as NO_LICENSE
from ptce_kg.rdf import graphs
from tests.helpers.files import demo_file
from tests.helpers.stores import assert_every_graph_described, dump_dir, graph_listing, run

DATA = Path(__file__).parent / "data"
EXAMPLE = demo_file("sarthe-exemple")
POLE_GRAPH = graphs.graph_iri("pole/sarthe-exemple")
# Files that describe no pole go to a graph given with --graph.
STATED, SILENT = "https://example.org/graph/stated", "https://example.org/graph/silent"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
ODBL = "https://opendatacommons.org/licenses/odbl/1-0/"
UL = str(DATA / "StockUniteLegale_test.csv")
ET = str(DATA / "StockEtablissement_test.csv")


def test_every_graph_written_by_commands_is_described(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = ["--store", str(tmp_path / "db")]
    stated = tmp_path / "stated.ttl"
    stated.write_text(
        f"<https://example.org/jeu> <http://purl.org/dc/terms/license> <{ODBL}> .\n",
        encoding="utf-8",
    )
    silent = tmp_path / "silent.ttl"
    silent.write_text('<https://example.org/a> <https://example.org/b> "c" .\n', encoding="utf-8")
    for args in (
        ["load", *store, "--license", CC_BY, str(EXAMPLE)],
        ["load", *store, "--graph", STATED, str(stated)],
        ["load", *store, "--graph", SILENT, str(silent)],
        ["import", "sirene", *store, "--unites-legales", UL, "--etablissements", ET],
        ["import", "recherche-entreprises", *store, str(DATA / "search-338365059.json")],
    ):
        code, _, err = run(capsys, *args)
        assert code == 0, (args, err)
    found = graph_listing(capsys, *store)
    assert {graphs.SIRENE, graphs.RECHERCHE_ENTREPRISES, graphs.DERIVED, graphs.METADATA} <= set(
        found
    )
    assert_every_graph_described(list(found.values()))
    assert found[POLE_GRAPH]["license"] == CC_BY
    assert found[STATED]["license"] == ODBL
    assert found[SILENT]["license"] == NO_LICENSE
    derived = found[graphs.DERIVED]
    assert set(derived["derived_from"]) == set(found) - {
        graphs.DERIVED,
        graphs.METADATA,
        graphs.STATISTICS,  # computed after the rules, read by none
    }
    assert {graphs.SIRENE, graphs.RECHERCHE_ENTREPRISES, graphs.DERIVED} <= set(
        found[graphs.STATISTICS]["derived_from"]
    )


def test_commands_run_again_leave_the_store_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = ["--store", str(tmp_path / "db")]
    commands = (
        ["load", *store, str(EXAMPLE)],
        ["import", "sirene", *store, "--unites-legales", UL, "--etablissements", ET],
        ["link", *store],
    )
    for args in commands:
        assert run(capsys, *args)[0] in (0, 1)  # link: 1 when it finds something
    before = dump_dir(tmp_path / "db")
    time.sleep(1.1)  # a description written again would carry a later dcterms:modified second
    for args in commands:
        assert run(capsys, *args)[0] in (0, 1)
    assert dump_dir(tmp_path / "db") == before  # derived and metadata graphs included


def test_a_changed_import_updates_the_derived_description(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = ["--store", str(tmp_path / "db")]
    assert run(capsys, "import", "sirene", *store, "--unites-legales", UL)[0] == 0
    first = graph_listing(capsys, *store)
    assert (
        run(capsys, "import", "sirene", *store, "--unites-legales", UL, "--etablissements", ET)[0]
        == 0
    )
    second = graph_listing(capsys, *store)
    assert second[graphs.SIRENE]["sha256"] != first[graphs.SIRENE]["sha256"]
    assert second[graphs.DERIVED]["sha256"] != first[graphs.DERIVED]["sha256"]
    assert second[graphs.METADATA]["sha256"] != first[graphs.METADATA]["sha256"]
    assert_every_graph_described(list(second.values()))


def test_reload_with_another_license_records_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = ["--store", str(tmp_path / "db")]
    graph = POLE_GRAPH
    assert run(capsys, "load", *store, "--no-link", str(EXAMPLE))[0] == 0
    assert graph_listing(capsys, *store)[graph]["license"] == NO_LICENSE
    assert run(capsys, "load", *store, "--no-link", "--license", CC_BY, str(EXAMPLE))[0] == 0
    rows = graph_listing(capsys, *store)
    assert rows[graph]["license"] == CC_BY
    assert_every_graph_described(list(rows.values()))


def test_import_recherche_entreprises_adds_to_the_initialised_graph(
    initialised_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """On a store filled by `init` (7 sample units), importing one response used to leave its
    21 triples only; it now adds, says so with the counts, and keeps every description true."""
    folder = tmp_path / "db"
    shutil.copytree(initialised_dir, folder)
    store = ["--store", str(folder)]
    graph = graphs.RECHERCHE_ENTREPRISES
    sample = graph_listing(capsys, *store)[graph]
    before = sample["triples"]
    response = DATA / "search-338365059.json"  # a unit of the sample, imported again
    code, out, err = run(capsys, "import", "recherche-entreprises", *store, str(response))
    assert code == 0, err
    assert (
        f"units added to <{graph}> (1 imported before replaced by their new description): "
        f"{before} triples before, {before} after" in out
    )
    rows = graph_listing(capsys, *store)
    assert rows[graph]["triples"] == before
    assert set(rows[graph]["source"]) == {*sample["source"], response.resolve().as_uri()}
    assert graph in rows[graphs.DERIVED]["derived_from"]
    assert_every_graph_described(list(rows.values()))
    again = dump_dir(folder)
    assert run(capsys, "import", "recherche-entreprises", *store, str(response))[0] == 0
    assert dump_dir(folder) == again  # the same import again changes nothing
    code, out, err = run(
        capsys, "import", "recherche-entreprises", *store, "--replace", str(response)
    )
    assert code == 0, err
    after = graph_listing(capsys, *store)
    assert f"graph <{graph}> replaced: {before} triples before, " in out
    assert after[graph]["triples"] < before
    assert_every_graph_described(list(after.values()))


def test_help_says_what_each_write_replaces(capsys: pytest.CaptureFixture[str]) -> None:
    for args, says in (
        (["import", "recherche-entreprises"], ("ADDS", "--replace")),
        (["import", "sirene"], ("REPLACING",)),
        (["load"], ("REPLACING",)),
    ):
        code, out, _ = run(capsys, *args, "--help")
        assert code == 0 and all(word in " ".join(out.split()) for word in says), args
