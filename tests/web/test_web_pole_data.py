"""The pole-data service without HTTP: names from clients are reduced to safe file names, pole
ids are slugs, and a submission with violations leaves the store exactly as it was."""

from __future__ import annotations

import threading
import time

import pytest
import rdflib

from ptce_kg.errors import InputError
from ptce_kg.kg.submissions import check_pole_id, safe_name, submit_pole_data
from ptce_kg.rdf.terms import triples_from_rdflib
from ptce_kg.store import OxigraphStore

from .conftest import demo_file


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("pole.ttl", "pole.ttl"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\Mon pôle.xlsx", "Mon_p_le.xlsx"),
        ("..", "upload"),
        (".hidden.ttl", "hidden.ttl"),
        ("", "upload"),
    ],
)
def test_safe_name(given, expected):
    assert safe_name(given) == expected


@pytest.mark.parametrize("pole_id", ["Sarthe", "a/b", "-x", "x-", "", "é", "a" * 200])
def test_pole_ids_are_slugs(pole_id):
    with pytest.raises(InputError):
        check_pole_id(pole_id)


def test_violations_leave_the_store_unchanged():
    store = OxigraphStore()
    pole = "drome-non-conforme-exemple"
    previous = rdflib.Graph().parse(demo_file("sarthe-exemple"), format="turtle")
    store.replace_graph(f"https://w3id.org/ptce/graph/pole/{pole}", triples_from_rdflib(previous))
    before = sorted(str(q) for q in store.quads())
    assert before
    submission = submit_pole_data(
        store, pole, demo_file(pole).read_bytes(), "pole.ttl", submitted_by=pole
    )
    assert submission.stored is False and submission.triples == 0
    assert submission.report.counts["Violation"] > 0
    assert sorted(str(q) for q in store.quads()) == before


class _OverlapRecorder:
    """A store whose writes take a little while and record how many ran at once."""

    def __init__(self, store: OxigraphStore) -> None:
        self._store = store
        self._lock = threading.Lock()
        self.active = 0
        self.most = 0

    def __getattr__(self, name):
        return getattr(self._store, name)

    def _write(self, method, *args):
        with self._lock:
            self.active += 1
            self.most = max(self.most, self.active)
        try:
            time.sleep(0.02)  # long enough for another thread's write to start, if allowed
            return method(*args)
        finally:
            with self._lock:
                self.active -= 1

    def replace_graph(self, graph, triples):
        return self._write(self._store.replace_graph, graph, triples)

    def update(self, sparql):
        return self._write(self._store.update, sparql)


def test_concurrent_submissions_write_one_at_a_time():
    """Validation may run side by side; the writes (graph, provenance, derived rebuild) of two
    submissions never interleave."""
    store = _OverlapRecorder(OxigraphStore())
    pole = "sarthe-exemple"
    data = demo_file(pole).read_bytes()
    results = []

    def submit():
        results.append(submit_pole_data(store, pole, data, "pole.ttl", submitted_by=pole))

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.stored for r in results] == [True, True]
    assert store.most == 1
