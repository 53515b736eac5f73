"""The command line beside a running ``ptce-kg serve`` on the same embedded store.

The server holds the store (RocksDB lets one process open it). Commands that only read work on
the snapshot the server makes after each of its writes, and see what it wrote; commands that
write stop with exit 2, saying in plain words that the server holds the store and what to do,
and leave the store as it was.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ptce_kg.cli import main
from ptce_kg.errors import EXIT_INPUT, EXIT_NONCONFORMANT, EXIT_OK
from ptce_kg.runtime.snapshots import served_snapshot
from tests.helpers.files import demo_file
from tests.helpers.servers import LiveServer, start_server, stop_server
from tests.helpers.stores import run_process

IMPORTS = Path(__file__).parents[1] / "kg" / "data"  # the import tests' input files
ONTOLOGY = "https://w3id.org/ptce/graph/ontology"
GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Path]]:
    """A store made by ``init`` (demo data included), served with SPARQL updates allowed."""
    folder = tmp_path_factory.mktemp("beside-server")
    store = folder / "store"
    assert main(["init", "--store", str(store)]) == EXIT_OK
    server = start_server(store, folder / "server.log", "--allow-update")
    yield server, store
    stop_server(server)


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    """The real program in its own process, as a user runs it beside the server."""
    return run_process(*argv, timeout=600)


def server_select(server: LiveServer, query: str) -> list[dict[str, str]]:
    """Rows of a SELECT answered by the server itself, as plain values."""
    with server.client() as client:
        response = client.post(
            "/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}
        )
    response.raise_for_status()
    rows = response.json()["results"]["bindings"]
    return [{name: term["value"] for name, term in row.items()} for row in rows]


def graph_sizes(server: LiveServer) -> dict[str, int]:
    return {row["g"]: int(row["n"]) for row in server_select(server, GRAPH_SIZES)}


def server_update(server: LiveServer, update: str) -> None:
    with server.client() as client:
        client.post("/sparql", data={"update": update}).raise_for_status()


def test_graphs_and_query_read_the_store_the_server_holds(served) -> None:
    server, store = served
    sizes = graph_sizes(server)
    done = run("graphs", "--store", str(store), "--format", "json")
    assert done.returncode == EXIT_OK, done.stderr
    listed = {row["graph"]: row["triples"] for row in json.loads(done.stdout)}
    assert listed[ONTOLOGY] == sizes[ONTOLOGY] > 0
    assert listed == sizes
    # the output says where the answer comes from
    assert f"`ptce-kg serve` (pid {server.process.pid})" in done.stderr
    assert "snapshot it made after its last write" in done.stderr

    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ONTOLOGY}> {{ ?s ?p ?o }} }}"
    done = run("query", "--store", str(store), "--format", "json", count)
    assert done.returncode == EXIT_OK, done.stderr
    answer = json.loads(done.stdout)["results"]["bindings"][0]["n"]["value"]
    assert int(answer) == sizes[ONTOLOGY]


def test_link_reports_on_the_derived_graph_the_server_built(served, capsys) -> None:
    server, store = served
    code = main(["link", "--store", str(store), "--format", "json"])
    default = capsys.readouterr()
    assert code in (EXIT_OK, EXIT_NONCONFORMANT), default.err
    assert "derived graph is reported as the server left it" in default.err
    assert main(["link", "--store", str(store), "--format", "json", "--no-rebuild"]) == code
    no_rebuild = capsys.readouterr()
    assert json.loads(default.out) == json.loads(no_rebuild.out)
    # the demo data has findings: the report is the store's, not an empty one
    assert json.loads(default.out)["findings"]


def test_validate_in_place_reads_the_store_the_server_holds(served) -> None:
    server, store = served
    done = run("validate", "--store", str(store), "--pole", "sarthe-exemple", "--format", "json")
    assert done.returncode == EXIT_OK, done.stderr
    assert "snapshot it made after its last write" in done.stderr
    with server.client() as client:
        served_report = client.get("/poles/sarthe-exemple/report").json()
    report = json.loads(done.stdout)
    assert report["results"] == served_report["results"] and report["results"]
    assert report["inputs"] == served_report["inputs"]


def test_the_view_sees_what_the_server_wrote(served, capsys) -> None:
    server, store = served
    graph = "https://w3id.org/ptce/graph/written-by-the-server"
    server_update(
        server,
        f"INSERT DATA {{ GRAPH <{graph}> {{ <https://w3id.org/ptce/id/pole/exemple-vu> "
        '<http://www.w3.org/2000/01/rdf-schema#label> "écrit par le serveur" } }',
    )
    query = f"SELECT ?label WHERE {{ GRAPH <{graph}> {{ ?s ?p ?label }} }}"
    assert main(["query", "--store", str(store), "--format", "csv", query]) == EXIT_OK
    assert capsys.readouterr().out.splitlines() == ["label", "écrit par le serveur"]
    assert main(["graphs", "--store", str(store), "--format", "json"]) == EXIT_OK
    listed = {row["graph"]: row["triples"] for row in json.loads(capsys.readouterr().out)}
    assert listed[graph] == 1


WRITERS = {
    "init": ["init"],
    "load": ["load", str(demo_file("sarthe-exemple"))],
    "import-sirene": [
        "import",
        "sirene",
        "--unites-legales",
        str(IMPORTS / "StockUniteLegale_test.csv"),
    ],
    "import-recherche-entreprises": [
        "import",
        "recherche-entreprises",
        str(IMPORTS / "search-338365059.json"),
    ],
    "link-rebuild": ["link", "--rebuild"],
    "serve": ["serve", "--port", "0"],
}


@pytest.mark.parametrize("argv", WRITERS.values(), ids=WRITERS.keys())
def test_writing_commands_say_the_server_holds_the_store_and_change_nothing(
    argv: list[str], served, capsys
) -> None:
    server, store = served
    before = graph_sizes(server)
    code = main([*argv, "--store", str(store)])
    err = capsys.readouterr().err
    assert code == EXIT_INPUT, err
    pid = server.process.pid
    assert f"a running `ptce-kg serve` (pid {pid}) holds the store at {store}" in err
    assert "stop the server" in err and f"kill {pid}" in err
    assert "Traceback" not in err
    assert graph_sizes(server) == before


def test_a_refused_write_is_exit_2_from_the_real_process(served) -> None:
    server, store = served
    done = run("load", "--store", str(store), str(demo_file("sarthe-exemple")))
    assert done.returncode == EXIT_INPUT
    assert f"(pid {server.process.pid}) holds the store" in done.stderr
    assert "Traceback" not in done.stderr


def test_only_complete_snapshots_of_a_live_server_are_read(tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead = tmp_path / f".store.query-snapshots-{int(ended.stdout)}-left"
    (dead / "gen-50").mkdir(parents=True)  # left by a server that was killed
    live = tmp_path / f".store.query-snapshots-{os.getpid()}-x"
    for name in ("gen-9", "gen-10", "gen-11.tmp"):  # gen-11 still being written
        (live / name).mkdir(parents=True)
    assert served_snapshot(store) == (os.getpid(), live / "gen-10")
    (live / "gen-10").rename(live / "gen-10.old")
    (live / "gen-9").rename(live / "gen-9.old")
    assert served_snapshot(store) is None
