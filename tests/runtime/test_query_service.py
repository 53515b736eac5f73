"""QueryService on the real embedded store: worker processes on disk, in-process in memory.

Time limits: what must succeed runs under a generous limit (``GENEROUS``); a limit that must
stop something is short (``short_limit``) and the work it stops runs for ever (a cartesian
product) or for orders of magnitude longer, so the tests hold on a loaded machine.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from ptce_kg.errors import QueryError, QueryTimeout, ResultTooLarge
from ptce_kg.runtime.pool import QueryAborted
from ptce_kg.runtime.query_service import QueryService, RefreshingStore
from ptce_kg.settings import Settings
from ptce_kg.sparql.negotiation import NotAcceptable
from ptce_kg.store import OxigraphStore
from tests.helpers.inputs import CARTESIAN
from tests.helpers.servers import running

G1 = "http://example.org/graph/one"
G2 = "http://example.org/graph/two"
P = NamedNode("http://example.org/p")
GENEROUS = 120.0  # seconds: never reached by the light queries that must succeed


def quads(graph: str, *values: str) -> list[Quad]:
    return [
        Quad(NamedNode(f"http://example.org/s/{v}"), P, Literal(v), NamedNode(graph))
        for v in values
    ]


def values(result) -> list[str]:
    return sorted(b["v"]["value"] for b in json.loads(result.body)["results"]["bindings"])


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[tuple[OxigraphStore, QueryService]]:
    store = OxigraphStore(tmp_path / "store")
    store.add_to_graph(G1, quads(G1, "a", "b"))
    store.add_to_graph(G2, quads(G2, "c"))
    service = QueryService(
        Settings(store=tmp_path / "store", query_timeout=GENEROUS, query_workers=1), store
    )
    yield store, service
    service.close()


@contextmanager
def short_limit(service: QueryService, seconds: float = 0.5) -> Iterator[None]:
    """A short time limit for work that runs far longer; generous again afterwards."""
    service.settings.query_timeout = seconds
    try:
        yield
    finally:
        service.settings.query_timeout = GENEROUS


def worker_pids() -> set[int]:
    return {p.pid for p in multiprocessing.active_children() if p.name == "ptce-query-worker"}


def nice(pid: int) -> int | None:
    """The nice value of ``pid``'s main thread, None once it has ended."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[16])


def test_disk_store_runs_in_workers_and_sees_writes_after_refresh(disk) -> None:
    store, service = disk
    assert service.isolated
    query = "SELECT ?v { ?s ?p ?v }"
    assert values(service.execute(query)) == ["a", "b", "c"]  # union default graph
    store.replace_graph(G2, quads(G2, "d", "e"))
    service.refresh()
    assert values(service.execute(query)) == ["a", "b", "d", "e"]


def test_protocol_dataset_overrides_from(disk) -> None:
    _, service = disk
    query = f"SELECT ?v FROM <{G2}> {{ ?s ?p ?v }}"
    assert values(service.execute(query)) == ["c"]
    assert values(service.execute(query, default_graph_uris=[G1])) == ["a", "b"]
    named = service.execute("SELECT ?v { GRAPH ?g { ?s ?p ?v } }", named_graph_uris=[G2])
    assert values(named) == ["c"]


def test_a_store_too_large_to_count_in_time_still_answers(disk, monkeypatch) -> None:
    """The health probe's count: a count that runs past the limit is None (cached for the store
    version), not an error; a 6.7 GB store used to make /health answer 503 "unavailable"."""
    from ptce_kg.runtime import query_service

    _, service = disk
    monkeypatch.setattr(query_service, "_COUNT_TRIPLES", CARTESIAN)  # counting never ends
    with short_limit(service):
        service.answers()
        assert service.triple_count() is None
        assert service.triple_count() is None  # cached: no second run past the limit
    monkeypatch.undo()
    service.refresh()  # a new store version is counted again
    assert service.triple_count() == 3


def test_substitutions_are_bound_as_terms(disk) -> None:
    _, service = disk
    result = service.execute(
        "SELECT ?s ?v { ?s ?p ?v }", substitutions={"s": NamedNode("http://example.org/s/b")}
    )
    assert values(result) == ["b"]


def test_timeout_kills_the_worker_and_the_pool_recovers(disk) -> None:
    _, service = disk
    workers = worker_pids()
    assert workers
    with short_limit(service), pytest.raises(QueryTimeout, match="limit"):
        service.execute(CARTESIAN)
    deadline = time.monotonic() + 10
    while all(running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    stopped = {pid for pid in workers if not running(pid)}
    assert len(stopped) == 1, "the worker that ran the query is stopped, and only that one"
    assert values(service.execute("SELECT ?v { ?s ?p ?v }")) == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("accept", "media_type", "start"),
    [
        ("text/csv", "text/csv", b"v\r\n"),
        ("text/tab-separated-values", "text/tab-separated-values", b"?v\n"),
        ("application/sparql-results+xml", "application/sparql-results+xml", b"<?xml"),
    ],
)
def test_result_formats(disk, accept: str, media_type: str, start: bytes) -> None:
    _, service = disk
    result = service.execute("SELECT ?v { ?s ?p ?v }", accept=accept)
    assert result.media_type == media_type and result.kind == "select"
    assert result.body.startswith(start)


def test_graph_results_and_406(disk) -> None:
    _, service = disk
    result = service.execute("CONSTRUCT WHERE { ?s ?p ?v }", accept="application/n-triples")
    assert result.kind == "graph" and len(result.body.splitlines()) == 3
    with pytest.raises(NotAcceptable):
        service.execute("CONSTRUCT WHERE { ?s ?p ?v }", accept="text/csv")


def test_in_memory_store_runs_in_process_with_the_same_checks() -> None:
    store = OxigraphStore(None)
    store.add_to_graph(G1, quads(G1, *"abcdef"))
    service = QueryService(Settings(max_result_rows=5, max_result_bytes=10_000), store)
    assert not service.isolated
    assert service.execute("ASK { ?s ?p 'a' }").body == b'{"head":{},"boolean":true}'
    with pytest.raises(ResultTooLarge, match="rows"):
        service.execute("SELECT ?v { ?s ?p ?v }")
    with pytest.raises(QueryError, match="SERVICE"):
        service.execute("SELECT * { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }")


def test_update_then_query(tmp_path: Path) -> None:
    store = OxigraphStore(tmp_path / "store")
    service = QueryService(Settings(store=tmp_path / "store", query_workers=1), store)
    try:
        assert service.execute("ASK { ?s ?p ?o }").body.endswith(b"false}")
        service.update(
            "INSERT DATA { GRAPH <http://g> { <s> <http://p> 'x' } }", base_iri="http://b/"
        )
        assert service.execute("ASK { <http://b/s> ?p 'x' }").body.endswith(b"true}")
        with pytest.raises(QueryError):
            service.update("INSERT DATA {", base_iri="http://b/")
    finally:
        service.close()


def test_writes_through_the_api_store_refresh_the_workers(disk) -> None:
    store, service = disk
    api_store = RefreshingStore(store, service)
    query = "SELECT ?v { ?s ?p ?v }"
    api_store.add_to_graph(G1, quads(G1, "x"))
    assert values(service.execute(query)) == ["a", "b", "c", "x"]
    api_store.drop_graph(G1)
    assert values(service.execute(query)) == ["c"]
    assert api_store.path == store.path  # everything else passes through


def test_update_syntax_errors_point_into_the_users_text(disk) -> None:
    _, service = disk
    text = "INSERT DATA { <http://a> }"
    column = text.index("}") + 1  # where the triple is cut short, in the user's own text
    with pytest.raises(QueryError, match=rf"\b1:{column}\b"):
        service.update(text, base_iri="http://b/")


def test_snapshots_live_beside_the_store_and_go_away(tmp_path: Path) -> None:
    store = OxigraphStore(tmp_path / "store")
    stale = tmp_path / ".store.query-snapshots-999999999-x"  # a pid no process has
    stale.mkdir()
    first = QueryService(Settings(store=tmp_path / "store", query_workers=1), store)
    second = QueryService(Settings(store=tmp_path / "store", query_workers=1), store)
    try:
        assert not stale.exists()
        folders = sorted(tmp_path.glob(".store.query-snapshots-*"))
        assert len(folders) == 2  # one per service: neither removes the other's
        assert first.execute("ASK {}").body.endswith(b"true}")
        assert second.execute("ASK {}").body.endswith(b"true}")
    finally:
        first.close()
        second.close()
    assert not list(tmp_path.glob(".store.query-snapshots-*"))


def test_a_text_crafted_to_be_slow_to_check_is_stopped_like_a_slow_query(disk) -> None:
    _, service = disk
    crafted = "SELECT * { " + "a." * 1_000_000 + " }"  # a million tokens: seconds for the guard
    with short_limit(service, 0.2), pytest.raises(QueryTimeout):
        service.execute(crafted)
    assert values(service.execute("SELECT ?v { ?s ?p ?v }")) == ["a", "b", "c"]


@pytest.mark.parametrize("accept", ["text/csv", "text/tab-separated-values"])
def test_row_cap_counts_tabular_rows_exactly(accept: str) -> None:
    """Past max_rows bytes the rows are counted: CSV too (pyoxigraph cannot parse it back),
    and a quoted line break inside a value is one row, not two."""
    service = QueryService(Settings(max_result_rows=20), OxigraphStore(None))
    values = " ".join(f'"line {i}\\nsecond line"' for i in range(20))
    fits = service.execute(f"SELECT ?v WHERE {{ VALUES ?v {{ {values} }} }}", accept=accept)
    assert len(fits.body) > 20 and b"second line" in fits.body
    with pytest.raises(ResultTooLarge, match="more than 20 rows"):
        service.execute(f"SELECT ?v WHERE {{ VALUES ?v {{ {values} 'one more' }} }}", accept=accept)


def test_a_heavy_query_runs_at_a_lower_priority(disk) -> None:
    """A query still running after a fraction of a second is not a light one: its worker gives
    the CPU to light queries, worker starts and the server (a higher nice value)."""
    _, service = disk
    outcome: list[BaseException] = []

    def heavy() -> None:
        try:
            service.execute(CARTESIAN)  # under the generous limit: it runs until stopped here
        except BaseException as exc:  # noqa: BLE001 - checked below
            outcome.append(exc)

    thread = threading.Thread(target=heavy)
    thread.start()
    demoted: list[int] = []
    deadline = time.monotonic() + GENEROUS
    while not demoted and thread.is_alive() and time.monotonic() < deadline:
        demoted = [pid for pid in worker_pids() if (nice(pid) or 0) > 0]
        time.sleep(0.05)
    for pid in demoted:
        os.kill(pid, signal.SIGKILL)  # ends the runaway query sooner than its limit
    thread.join()
    assert len(demoted) == 1, "the worker running the heavy query kept its priority"
    assert isinstance(outcome[0], QueryAborted)
    assert values(service.execute("SELECT ?v { ?s ?p ?v }")) == ["a", "b", "c"]
    assert all(nice(pid) in (0, None) for pid in worker_pids())


def test_a_demoted_worker_is_replaced_not_reused(disk) -> None:
    """Its priority cannot be raised back without privileges: after its query, it is stopped."""
    _, service = disk
    pool = service._pool
    assert pool is not None
    worker = pool._acquire(time.monotonic() + GENEROUS)
    worker.demote()
    pool._release(worker, healthy=True)
    assert not running(worker.process.pid)
    assert values(service.execute("SELECT ?v { ?s ?p ?v }")) == ["a", "b", "c"]


# Run as a main script, like the ``ptce-kg`` console script (whose only import is ptce_kg.cli).
# multiprocessing runs the main script again in each worker; each run records whether
# ptce_kg.cli was imported already (then the run costs nothing).
MAIN_SCRIPT = """
import os, sys
with open(os.environ["MARKS"], "a") as marks:
    marks.write(f"{os.getpid()} {'ptce_kg.cli' in sys.modules}\\n")
from ptce_kg.cli import main

if __name__ == "__main__":
    from pathlib import Path
    from ptce_kg.runtime.query_service import QueryService
    from ptce_kg.settings import Settings
    from ptce_kg.store import OxigraphStore

    folder = Path(sys.argv[1])
    service = QueryService(Settings(store=folder, query_workers=3), OxigraphStore(folder))
    assert service.execute("ASK {}").body.endswith(b"true}")
    service.close()
"""


def test_workers_start_without_importing_the_command_line_again(tmp_path: Path) -> None:
    """Importing ptce_kg.cli costs about half a second of CPU: paid by every worker start, it
    made light queries wait for the workers started while runaway queries held the others."""
    script = tmp_path / "serve.py"
    script.write_text(MAIN_SCRIPT, encoding="utf-8")
    marks = tmp_path / "marks"
    env = {**os.environ, "MARKS": str(marks)}
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "store")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    imported_here = [line.split()[1] == "False" for line in marks.read_text().splitlines()]
    # the script itself, and at most the fork server (which preloads it once for all workers)
    assert sum(imported_here) <= 2, marks.read_text()
