"""The pole-data service without HTTP: names from clients are reduced to safe file names, pole
ids are slugs, and a submission with violations leaves the store exactly as it was."""

from __future__ import annotations

import pytest
import rdflib

from ptce_kg.errors import InputError
from ptce_kg.pole_data import check_pole_id, safe_name, submit_pole_data
from ptce_kg.store import OxigraphStore
from ptce_kg.store.terms import triples_from_rdflib

from .conftest import demo_file


@pytest.mark.parametrize(("given", "expected"), [
    ("pole.ttl", "pole.ttl"),
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\x\\Mon pôle.xlsx", "Mon_p_le.xlsx"),
    ("..", "upload"),
    (".hidden.ttl", "hidden.ttl"),
    ("", "upload"),
])
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
    submission = submit_pole_data(store, pole, demo_file(pole).read_bytes(), "pole.ttl",
                                  submitted_by=pole)
    assert submission.stored is False and submission.triples == 0
    assert submission.report.counts["Violation"] > 0
    assert sorted(str(q) for q in store.quads()) == before
