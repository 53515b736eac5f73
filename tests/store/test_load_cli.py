"""``ptce-kg load``: atomic loads, replace on reload, graph protection, metadata; a file goes to
the graph of the pole it describes, and what is loaded into a pole graph passes the ownership
check (the refusals themselves: tests/api/test_pole_ownership.py)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from ptce_kg.cli import main
from ptce_kg.rdf import graphs
from ptce_kg.rdf.resources import resource_dir
from tests.api.test_pole_ownership import ESTUAIRE, HOSTILE, SARTHE, hostile_file
from tests.store.conftest import DATA, dump_dir, run

EXAMPLE = DATA / "sarthe-exemple.ttl"
GRAPH = graphs.graph_iri("pole/sarthe-exemple")


def graph_rows(capsys: pytest.CaptureFixture[str], store: list[str]) -> dict[str, dict]:
    code, out, err = run(capsys, "graphs", *store, "--format", "json")
    assert code == 0, err
    return {row["graph"]: row for row in json.loads(out)}


def test_load_then_reload_replaces(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = ["--store", str(tmp_path / "db")]
    code, out, err = run(capsys, "load", *store, str(EXAMPLE))
    assert code == 0, err
    size = graph_rows(capsys, store)[GRAPH]["triples"]
    assert f"replaced <{GRAPH}>: 0 triples before, {size} after" in out
    first = dump_dir(tmp_path / "db")
    code, out, err = run(capsys, "load", *store, str(EXAMPLE))
    assert code == 0, err
    assert f"unchanged <{GRAPH}>: {size} triples" in out
    assert dump_dir(tmp_path / "db") == first
    row = graph_rows(capsys, store)[GRAPH]
    assert row["sha256"] == hashlib.sha256(EXAMPLE.read_bytes()).hexdigest()
    assert row["source"] == [EXAMPLE.resolve().as_uri()]


def test_truncated_file_leaves_the_store_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = ["--store", str(tmp_path / "db")]
    assert run(capsys, "load", *store, str(EXAMPLE))[0] == 0
    before = dump_dir(tmp_path / "db")
    # Many good triples, then a statement cut half way; loaded together with a good file.
    text = EXAMPLE.read_text(encoding="utf-8")
    cut = tmp_path / "sarthe-exemple.ttl"
    cut.write_text(
        text
        + "".join(f'<urn:x:s{i}> <urn:x:p> "v{i}" .\n' for i in range(3000))
        + '<urn:x:last> <urn:x:p> "open',
        encoding="utf-8",
    )
    other = tmp_path / "other.ttl"
    shutil.copy(EXAMPLE, other)
    mine = graphs.graph_iri("pole/mine")
    for args in (
        ["--replace", str(cut)],
        ["--replace", str(other), str(cut)],
        ["--graph", mine, str(other), str(cut)],
    ):
        code, _, err = run(capsys, "load", *store, *args)
        assert code == 2
        assert "sarthe-exemple.ttl" in err and "line" in err.lower()
        assert dump_dir(tmp_path / "db") == before


def test_other_sources_need_replace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = ["--store", str(tmp_path / "db")]
    assert run(capsys, "load", *store, str(EXAMPLE))[0] == 0
    copy = tmp_path / "copie.ttl"  # the same pole, so the same graph
    shutil.copy(EXAMPLE, copy)
    code, _, err = run(capsys, "load", *store, str(copy))
    assert code == 2 and "--replace" in err
    size = graph_rows(capsys, store)[GRAPH]["triples"]
    code, out, err = run(capsys, "load", *store, "--replace", str(copy))
    assert code == 0, err
    assert f"replaced <{GRAPH}>: {size} triples before" in out
    assert graph_rows(capsys, store)[GRAPH]["source"] == [copy.resolve().as_uri()]


def test_graph_option_and_reserved_graphs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = ["--store", str(tmp_path / "db")]
    target = "https://example.org/graph/copie-de-travail"  # not a pole graph: no owner
    code, _, err = run(
        capsys, "load", *store, "--graph", target, "--input-format", "turtle", str(EXAMPLE)
    )
    assert code == 0, err
    rows = graph_rows(capsys, store)
    assert target in rows and GRAPH not in rows
    before = dump_dir(tmp_path / "db")
    bad_graphs = (
        graphs.METADATA,
        graphs.DERIVED,
        "not an iri",
        graphs.graph_iri("pole/Pas_un_slug"),
        graphs.graph_iri("pole/sarthe-exemple/x"),
        graphs.graph_iri("pole/mine"),  # another pole's graph: refused by the ownership check
    )
    for bad in bad_graphs:
        code, _, err = run(capsys, "load", *store, "--graph", bad, str(EXAMPLE))
        assert code == 2, bad
        assert dump_dir(tmp_path / "db") == before
    code, _, err = run(capsys, "load", *store, str(tmp_path / "absent.ttl"))
    assert code == 2 and "absent.ttl" in err


def test_load_the_filled_spreadsheet_template(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spreadsheet = pytest.importorskip("ptce_kg.spreadsheet")
    workbook = resource_dir("templates") / "ptce-modele-exemple.xlsx"
    if not workbook.is_file():
        pytest.skip("the filled spreadsheet example is not built")
    expected = len(spreadsheet.to_rdf(workbook))
    store = ["--store", str(tmp_path / "db")]
    code, out, err = run(capsys, "load", *store, "--no-link", str(workbook))
    assert code == 0, err
    # the graph of the pole the workbook describes, not one named after the file
    target = graphs.graph_iri("pole/laval-exemple")
    assert expected > 0 and graph_rows(capsys, store)[target]["triples"] == expected
    assert f"replaced <{target}>: 0 triples before, {expected} after" in out


def test_a_file_goes_to_the_graph_of_the_pole_it_describes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    named = tmp_path / "Pôle Été.ttl"
    shutil.copy(EXAMPLE, named)
    store = ["--store", str(tmp_path / "db")]
    code, _, err = run(capsys, "load", *store, "--no-link", str(named))
    assert code == 0, err
    assert set(graph_rows(capsys, store)) == {GRAPH, graphs.METADATA}


def test_a_file_with_no_pole_or_several_needs_a_graph(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --graph, a file that describes no pole, or several, has no pole graph: exit 2,
    nothing written; with --graph (a graph that is not a pole's) it loads."""
    none = tmp_path / "sans-pole.ttl"
    none.write_text('<https://example.org/a> <https://example.org/b> "c" .\n', encoding="utf-8")
    several = tmp_path / "deux-poles.ttl"
    several.write_text(
        EXAMPLE.read_text(encoding="utf-8")
        + "\n<https://w3id.org/ptce/id/pole/autre-exemple> a ptce:Pole .\n",
        encoding="utf-8",
    )
    folder = tmp_path / "db"
    store = ["--store", str(folder)]
    assert run(capsys, "load", *store, "--no-link", str(EXAMPLE))[0] == 0
    before = dump_dir(folder)
    for path, says in ((none, "describes no pole"), (several, "several poles")):
        code, _, err = run(capsys, "load", *store, "--no-link", str(path))
        assert code == 2 and says in err and "--graph" in err and path.name in err
        assert dump_dir(folder) == before
    target = "https://example.org/graph/divers"
    code, _, err = run(capsys, "load", *store, "--no-link", "--graph", target, str(none))
    assert code == 0, err
    assert target in graph_rows(capsys, store)


@pytest.fixture(scope="module")
def two_poles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store holding two example poles, loaded by ``ptce-kg load``."""
    folder = tmp_path_factory.mktemp("two-poles") / "db"
    demo = resource_dir("data") / "demo"
    files = [str(demo / f"{pole}.ttl") for pole in (SARTHE, ESTUAIRE)]
    assert main(["load", "--store", str(folder), "--no-link", *files]) == 0
    return folder


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_load_into_a_pole_graph_refuses_what_the_pole_does_not_own(
    two_poles: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    """The cases refused by POST /poles/{id}/data are refused by `load` too: exit 2, every
    refused subject listed, the store unchanged."""
    hostile = tmp_path / "sarthe-modifie.ttl"
    hostile.write_bytes(hostile_file(case))
    store = ["--store", str(two_poles)]
    sizes, before = (
        {r["graph"]: r["triples"] for r in graph_rows(capsys, store).values()},
        dump_dir(two_poles),
    )
    for args in (["--replace"], ["--replace", "--graph", graphs.graph_iri(f"pole/{SARTHE}")]):
        code, _, err = run(capsys, "load", *store, "--no-link", *args, str(hostile))
        assert code == 2, err
        assert f"  - {HOSTILE[case][1]}: " in err and hostile.name in err
        assert {r["graph"]: r["triples"] for r in graph_rows(capsys, store).values()} == sizes
        assert dump_dir(two_poles) == before
