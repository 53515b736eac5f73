"""``ptce-kg load``: atomic loads, replace on reload, graph protection, metadata."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from ptce_kg import graphs
from ptce_kg.paths import resource_dir
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
    assert f"<{GRAPH}>" in out
    first = dump_dir(tmp_path / "db")
    code, _, err = run(capsys, "load", *store, str(EXAMPLE))
    assert code == 0, err
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
    copy = tmp_path / "sarthe-exemple.ttl"  # same stem, so the same default graph
    shutil.copy(EXAMPLE, copy)
    code, _, err = run(capsys, "load", *store, str(copy))
    assert code == 2 and "--replace" in err
    code, _, err = run(capsys, "load", *store, "--replace", str(copy))
    assert code == 0, err
    assert graph_rows(capsys, store)[GRAPH]["source"] == [copy.resolve().as_uri()]


def test_graph_option_and_reserved_graphs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = ["--store", str(tmp_path / "db")]
    target = graphs.graph_iri("pole/mine")
    code, _, err = run(
        capsys, "load", *store, "--graph", target, "--input-format", "turtle", str(EXAMPLE)
    )
    assert code == 0, err
    rows = graph_rows(capsys, store)
    assert target in rows and GRAPH not in rows
    for bad in (graphs.METADATA, graphs.DERIVED, "not an iri"):
        code, _, err = run(capsys, "load", *store, "--graph", bad, str(EXAMPLE))
        assert code == 2, bad
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
    target = graphs.pole_graph_for_file(workbook)
    assert expected > 0 and graph_rows(capsys, store)[target]["triples"] == expected


def test_default_graph_is_named_after_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    named = tmp_path / "Pôle Été.ttl"
    shutil.copy(EXAMPLE, named)
    store = ["--store", str(tmp_path / "db")]
    code, _, err = run(capsys, "load", *store, "--no-link", str(named))
    assert code == 0, err
    assert set(graph_rows(capsys, store)) == {graphs.graph_iri("pole/pole-ete"), graphs.METADATA}
