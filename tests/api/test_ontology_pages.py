"""Pages of ``/ontology`` and ``/vocab`` are computed once and kept: a pyLODE page costs a second
or more of CPU in the server process, so neither repeated nor concurrent requests may render it
again (how long other requests wait meanwhile is measured by ``bench/latency.py``). pyLODE is
replaced here by a stand-in that counts the pages it renders."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pyoxigraph import RdfFormat, parse

from ptce_kg.api.app import create_app
from ptce_kg.api.routers import ontology
from ptce_kg.rdf.graphs import REFERENCE_LEGAL_FORMS, graph_iri
from ptce_kg.rdf.resources import data_dir
from ptce_kg.reference.datasets import legal_form_triples
from ptce_kg.settings import Settings
from ptce_kg.store import OxigraphStore

LEGAL_FORMS_HTML = "/vocab/legal-form?format=html"
POLE_GRAPH = graph_iri("pole/sarthe-exemple")
WAIT = 120  # seconds: a bound on waiting for threads, never reached when the code is right


class Renders:
    """Stand-in for ``render_html``: counts renders; a render ends once ``released`` is set."""

    def __init__(self) -> None:
        self.count = 0
        self.released = threading.Event()
        self.released.set()

    def __call__(self, path: Path) -> str:
        self.count += 1
        self.released.wait(WAIT)
        return f"<html><body>{path.name}: render {self.count}</body></html>"


class CountingLock:
    """A lock that counts the threads that asked for it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._asked = threading.Condition()
        self.asked = 0

    def __enter__(self) -> None:
        with self._asked:
            self.asked += 1
            self._asked.notify_all()
        self._lock.acquire()

    def __exit__(self, *_: object) -> None:
        self._lock.release()

    def wait_until_asked(self, times: int) -> bool:
        with self._asked:
            return self._asked.wait_for(lambda: self.asked >= times, WAIT)


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> Renders:
    stand_in = Renders()
    monkeypatch.setattr(ontology, "render_html", stand_in)
    monkeypatch.setattr(ontology, "_answers", {})  # nothing kept from other tests
    return stand_in


@pytest.fixture
def store() -> OxigraphStore:
    store = OxigraphStore(None)
    store.replace_graph(REFERENCE_LEGAL_FORMS, legal_form_triples())
    return store


@pytest.fixture
def client(store: OxigraphStore, renders: Renders) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), store)) as c:
        yield c


@pytest.mark.parametrize(
    "page", [LEGAL_FORMS_HTML, "/ontology?format=html", "/vocab/theme?format=html"]
)
def test_each_page_is_rendered_once(client: TestClient, renders: Renders, page: str) -> None:
    bodies = {client.get(page).text for _ in range(3)}
    assert renders.count == 1
    assert len(bodies) == 1 and "render 1" in bodies.pop()


def test_concurrent_first_requests_wait_for_one_render(
    client: TestClient, renders: Renders, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock = CountingLock()
    monkeypatch.setattr(ontology, "_render_lock", lock)
    renders.released.clear()
    responses: list[httpx.Response] = []
    threads = [
        threading.Thread(target=lambda: responses.append(client.get(LEGAL_FORMS_HTML)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    try:
        assert lock.wait_until_asked(8), "the requests did not all reach the page cache"
    finally:
        renders.released.set()  # the first render ends; the seven others find its page
    for thread in threads:
        thread.join(WAIT)
    assert [r.status_code for r in responses] == [200] * 8
    assert {r.text for r in responses} == {responses[0].text}
    assert renders.count == 1


def test_legal_form_page_is_rendered_again_when_its_graph_changes(
    client: TestClient, renders: Renders
) -> None:
    writes = client.app.state.store  # the API's store: each write refreshes the query service
    first = client.get(LEGAL_FORMS_HTML).text
    demo = data_dir() / "demo" / "sarthe-exemple.ttl"
    writes.replace_graph(POLE_GRAPH, parse(path=str(demo), format=RdfFormat.TURTLE))
    assert client.get(LEGAL_FORMS_HTML).text == first  # another graph changed: the same page
    writes.replace_graph(REFERENCE_LEGAL_FORMS, legal_form_triples()[:-1])
    second = client.get(LEGAL_FORMS_HTML).text
    assert client.get(LEGAL_FORMS_HTML).text == second != first
    assert renders.count == 2
