"""The caches on the query path (accepted query texts, negotiated media types) never let a refused
request through nor mix up answers."""

from __future__ import annotations

import pytest

from ptce_kg.errors import QueryError
from ptce_kg.sparql.guard import _CACHED_TEXT, inspect_query
from ptce_kg.sparql.negotiation import NotAcceptable, negotiate

ENDPOINT = "http://127.0.0.1:9/sparql"
FEDERATED = f"SELECT * {{ SERVICE <{ENDPOINT}> {{ ?s ?p ?o }} }}"


def test_an_allowance_is_not_carried_to_another_allow_list() -> None:
    assert inspect_query(FEDERATED, [ENDPOINT]).form == "select"
    with pytest.raises(QueryError, match="not allowed"):
        inspect_query(FEDERATED)
    with pytest.raises(QueryError, match="not allowed"):
        inspect_query(FEDERATED, ["http://example.org/other"])


def test_a_refusal_is_repeated_and_an_acceptance_is_stable() -> None:
    for _ in range(2):
        with pytest.raises(QueryError, match="LOAD"):
            inspect_query("LOAD <http://example.org/data>")
    first = inspect_query("SELECT * FROM <http://example.org/g> { ?s ?p ?o }")
    again = inspect_query("SELECT * FROM <http://example.org/g> { ?s ?p ?o }")
    assert first == again
    assert first.has_dataset_clause


def test_texts_past_the_cached_size_are_still_checked() -> None:
    padding = "# " + "x" * _CACHED_TEXT + "\n"
    with pytest.raises(QueryError, match="not allowed"):
        inspect_query(padding + FEDERATED)
    assert inspect_query(padding + "ASK {}").form == "ask"


def test_negotiation_is_cached_per_form_and_header() -> None:
    for _ in range(2):
        assert negotiate("select", "text/csv") == "text/csv"
        assert negotiate("graph", "text/csv, text/turtle;q=0.5") == "text/turtle"
        with pytest.raises(NotAcceptable):
            negotiate("ask", "text/csv")  # a boolean has no CSV form, whatever was asked before
