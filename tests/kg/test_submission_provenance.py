"""``POST /poles/{id}/data`` describes the pole graph in the metadata graph as ``ptce-kg load``
describes a loaded file (source, sha256, triple count, licence, date), plus who sent it; the
source is the client's file name as a literal; a refused file records nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ptce_kg.api.app import create_app
from ptce_kg.kg.loading import load_files
from ptce_kg.kg.metadata import descriptions
from ptce_kg.rdf.resources import data_dir
from ptce_kg.settings import Settings
from ptce_kg.store import OxigraphStore
from tests.helpers.files import demo_file
from tests.helpers.stores import graph_of

GOOD, BAD = "sarthe-exemple", "drome-non-conforme-exemple"
TOKENS = {GOOD: "token-of-sarthe", BAD: "token-of-drome"}
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
METADATA = "https://w3id.org/ptce/graph/metadata"
# The demo pole with the licence it states about itself, as a coordinator would send it.
LICENSED = (
    demo_file(GOOD).read_bytes()
    + (
        f"\n<https://w3id.org/ptce/id/pole/{GOOD}> <http://purl.org/dc/terms/license> <{CC_BY}> .\n"
    ).encode()
)


@pytest.fixture(scope="module")
def app_store() -> Iterator[tuple[TestClient, OxigraphStore]]:
    store = OxigraphStore()
    settings = Settings(pole_tokens=TOKENS, validation_workers=1, query_workers=1)
    with TestClient(create_app(settings, store)) as client:
        yield client, store


def send(client: TestClient, pole: str, data: bytes, filename: str):
    return client.post(
        f"/poles/{pole}/data",
        files={"file": (filename, data)},
        headers={"Authorization": f"Bearer {TOKENS[pole]}"},
    )


def test_upload_is_described_like_a_loaded_file(app_store, tmp_path: Path) -> None:
    client, store = app_store
    # "file:" would be taken for an IRI by a naive writer: the name must stay a literal.
    name = "file:Mon pôle.ttl"
    response = send(client, GOOD, LICENSED, name)
    assert response.status_code == 200, response.text
    uploaded = descriptions(store)[graph_of(GOOD)]

    local = tmp_path / f"{GOOD}.ttl"
    local.write_bytes(LICENSED)
    loaded_store = OxigraphStore()
    load_files(loaded_store, [local], link=False)
    loaded = descriptions(loaded_store)[graph_of(GOOD)]

    assert set(loaded) <= set(uploaded), set(loaded) - set(uploaded)
    for field in ("sha256", "triples", "license"):
        assert uploaded[field] == loaded[field], field
    assert uploaded["sha256"] == hashlib.sha256(LICENSED).hexdigest()
    assert uploaded["license"] == CC_BY
    when = datetime.fromisoformat(response.json()["submitted_at"])
    assert datetime.fromisoformat(uploaded["modified"]) == when
    assert uploaded["source"] == [name]
    assert loaded["source"] == [local.resolve().as_uri()]
    rows = store.query(
        f"""SELECT ?source ?who WHERE {{ GRAPH <{METADATA}> {{
            <{graph_of(GOOD)}> <http://purl.org/dc/terms/source> ?source ;
                               <http://www.w3.org/ns/prov#wasAttributedTo> ?who
            FILTER(isLiteral(?source)) }} }}"""
    )
    found = [(r["source"].value, r["who"].value) for r in rows]
    assert found == [(name, f"https://w3id.org/ptce/id/pole/{GOOD}")]


def test_upload_keeps_the_metadata_graph_self_description_current(app_store) -> None:
    """Like every write of a description, an upload refreshes the metadata graph's own one."""
    client, store = app_store
    response = send(client, GOOD, LICENSED, "C:\\Users\\coord\\pole.ttl")
    assert response.status_code == 200, response.text
    described = descriptions(store)
    assert described[graph_of(GOOD)]["source"] == ["pole.ttl"]  # the client's folders dropped
    own = described[METADATA]
    stored = {g.iri: g.triples for g in store.graphs()}[METADATA]
    assert int(own["triples"]) == stored
    assert graph_of(GOOD) in own["source"]


def test_refused_upload_records_no_description(app_store) -> None:
    client, store = app_store
    before = sorted(str(q) for q in store.quads(METADATA))
    data = (data_dir() / "demo" / f"{BAD}.ttl").read_bytes()
    response = send(client, BAD, data, "drome.ttl")
    assert response.status_code == 422
    assert graph_of(BAD) not in descriptions(store)
    assert sorted(str(q) for q in store.quads(METADATA)) == before


def test_one_submission_makes_one_snapshot(tmp_path: Path, monkeypatch) -> None:
    """Graph, provenance, derived graph and metadata are one unit of work: the query workers'
    store is snapshotted once for them, not after each of the writes (about 16 before)."""
    snapshots: list[Path] = []
    take = OxigraphStore.snapshot

    def counted(self: OxigraphStore, path: Path) -> None:
        snapshots.append(path)
        take(self, path)

    monkeypatch.setattr(OxigraphStore, "snapshot", counted)
    store = OxigraphStore(tmp_path / "store")
    settings = Settings(
        store=tmp_path / "store", pole_tokens=TOKENS, validation_workers=1, query_workers=1
    )
    with TestClient(create_app(settings, store)) as client:
        before = len(snapshots)
        response = send(client, GOOD, LICENSED, f"{GOOD}.ttl")
        assert response.status_code == 200, response.text
        assert len(snapshots) == before + 1
        # and the workers read it: the new graph is there from the next query on
        answer = client.get(
            "/sparql", params={"query": f"ASK {{ GRAPH <{graph_of(GOOD)}> {{ ?s ?p ?o }} }}"}
        )
        assert answer.json()["boolean"] is True
    store.close()
