"""Accept-header negotiation shared by the routers."""

from __future__ import annotations

import pytest

from ptce_kg.sparql.negotiation import (
    GRAPH_MEDIA_TYPES,
    RESULTS_MEDIA_TYPES,
    choose_media_type,
    parse_accept,
)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/sparql-results+json"),
        ("", "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("text/csv", "text/csv"),
        ("application/json", "application/sparql-results+json"),
        ("text/*", "text/csv"),
        ("text/*;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
        ("*/*;q=0.1, text/tab-separated-values", "text/tab-separated-values"),
        ("text/csv;q=0, */*", "application/sparql-results+json"),
        ("image/png", None),
        (
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "application/sparql-results+xml",
        ),
    ],
)
def test_results_negotiation(accept: str | None, expected: str | None) -> None:
    assert choose_media_type(accept, RESULTS_MEDIA_TYPES) == expected


def test_graph_negotiation() -> None:
    assert choose_media_type("application/ld+json", GRAPH_MEDIA_TYPES) == "application/ld+json"
    assert choose_media_type(None, GRAPH_MEDIA_TYPES) == "text/turtle"
    assert choose_media_type("application/sparql-results+json", GRAPH_MEDIA_TYPES) is None


def test_malformed_parts_are_skipped() -> None:
    assert parse_accept("garbage, text/csv;q=abc, text/tsv;q=0.3") == [
        ("text/csv", 0.0),
        ("text/tsv", 0.3),
    ]


def test_aliases_match_plain_types_where_they_are_offered() -> None:
    """application/json is plain JSON where that is offered (reports, errors), SPARQL JSON
    results where those are; a client preferring JSON never gets text because of the alias."""
    plain = ["application/json", "text/plain"]
    assert choose_media_type("application/json, text/plain;q=0.5", plain) == "application/json"
    assert choose_media_type("text/plain, application/json;q=0.5", plain) == "text/plain"
    assert choose_media_type("application/json", ["text/turtle", "application/json"]) == (
        "application/json"
    )
    assert choose_media_type("application/xml", RESULTS_MEDIA_TYPES) == (
        "application/sparql-results+xml"
    )
    assert choose_media_type("application/json", ["text/turtle", "text/html"]) is None
