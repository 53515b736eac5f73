"""QueryService on the real embedded store: worker processes on disk, in-process in memory."""

from __future__ import annotations

import json
import multiprocessing
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from ptce_kg.errors import QueryError, QueryTimeout, ResultTooLarge
from ptce_kg.runtime.query_service import NotAcceptable, QueryService, RefreshingStore
from ptce_kg.settings import Settings
from ptce_kg.store import OxigraphStore
from tests.helpers.inputs import CARTESIAN
from tests.helpers.servers import running

G1 = "http://example.org/graph/one"
G2 = "http://example.org/graph/two"
P = NamedNode("http://example.org/p")


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
        Settings(store=tmp_path / "store", query_timeout=1.0, query_workers=1), store
    )
    yield store, service
    service.close()


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


def test_substitutions_are_bound_as_terms(disk) -> None:
    _, service = disk
    result = service.execute(
        "SELECT ?s ?v { ?s ?p ?v }", substitutions={"s": NamedNode("http://example.org/s/b")}
    )
    assert values(result) == ["b"]


def test_timeout_kills_the_worker_and_the_pool_recovers(disk) -> None:
    _, service = disk
    workers = {p.pid for p in multiprocessing.active_children() if p.name == "ptce-query-worker"}
    assert workers
    with pytest.raises(QueryTimeout, match="limit"):
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
    crafted = "SELECT * { " + "a." * 1_000_000 + " }"  # a million tokens for the guard
    with pytest.raises(QueryTimeout):
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
