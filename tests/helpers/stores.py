"""Filling and comparing stores, and running ``ptce-kg`` in process or as a child process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Quad, RdfFormat, parse

from ptce_kg.cli import main
from ptce_kg.store import OxigraphStore, Store

# The W3C SPARQL 1.1 Protocol suite's data (tests/api/conformance) and the graphs it names.
CONFORMANCE = Path(__file__).resolve().parents[1] / "api" / "conformance"
DATA_GRAPH = "http://kasei.us/2009/09/sparql/data/data{}.rdf"


def graph_of(pole: str) -> str:
    """The named graph of a pole's own data."""
    return f"https://w3id.org/ptce/graph/pole/{pole}"


def dump(store: Store, graph: str | None = None) -> list[str]:
    """Every quad of the store (or of one graph) as sorted N-Quads lines, to compare two states."""
    return sorted(str(q) for q in store.quads(graph))


def dump_dir(folder: Path) -> list[str]:
    """The dump of an on-disk store (opened and closed again, so the CLI can use it)."""
    store = OxigraphStore(folder)
    try:
        return dump(store)
    finally:
        store.close()


def load_turtle(store: Store, path: Path, graph: str) -> None:
    """Replace ``graph`` by the triples of the Turtle file ``path``."""
    target = NamedNode(graph)
    store.replace_graph(
        graph,
        [
            Quad(q.subject, q.predicate, q.object, target)
            for q in parse(path=path, format=RdfFormat.TURTLE)
        ],
    )


def conformance_store(folder: Path) -> Path:
    """An on-disk store holding data1–3.nt as the named graphs the suite addresses."""
    store = OxigraphStore(folder)
    for i in (1, 2, 3):
        load_turtle(store, CONFORMANCE / f"data{i}.nt", DATA_GRAPH.format(i))
    store.close()
    del store  # releases the RocksDB lock for the server process
    return folder


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``ptce-kg ARGS`` in process: (exit code, stdout, stderr)."""
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def assert_every_graph_described(rows: list[dict]) -> None:
    """Each listed graph (rows of ``ptce-kg graphs --format json``) has a description: sources,
    sha256, date, licence, and a recorded triple count equal to the graph's real size (the
    metadata graph's own included)."""
    assert rows
    for row in rows:
        assert len(row["sha256"]) == 64 and row["source"] and row["modified"], row["graph"]
        assert row["license"] and row["title"], row["graph"]
        assert int(row["recorded_triples"]) == row["triples"], row["graph"]


def run_process(
    *argv: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """The real ``ptce-kg ARGV`` in a child process, as a user runs it (bounded in time); its
    environment is ``env``, or the caller's without its ``PTCE_*`` settings."""
    if env is None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PTCE_")}
    return subprocess.run(
        [sys.executable, "-m", "ptce_kg", *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def graph_listing(capsys: pytest.CaptureFixture[str], *where: str) -> dict[str, dict]:
    """``ptce-kg graphs WHERE --format json`` (``where``: the store options), by graph, in the
    order listed."""
    code, out, err = run(capsys, "graphs", *where, "--format", "json")
    assert code == 0, err
    return {row["graph"]: row for row in json.loads(out)}
