"""Accept-header negotiation shared by the routers."""

from __future__ import annotations

import pytest

from ptce_kg.sparql.negotiation import (
    DOCUMENT_FORMATS,
    GRAPH_MEDIA_TYPES,
    RESULTS_MEDIA_TYPES,
    NotAcceptable,
    UnknownFormat,
    choose_media_type,
    negotiate,
    parse_accept,
    states_no_preference,
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


@pytest.mark.parametrize(
    ("form", "fmt", "expected"),
    [
        ("select", "csv", "text/csv"),
        ("select", "json", "application/sparql-results+json"),
        ("ask", "xml", "application/sparql-results+xml"),
        ("graph", "json", "application/ld+json"),
        ("graph", "xml", "application/rdf+xml"),
        ("graph", "nt", "application/n-triples"),
        ("select", "rdf", "application/sparql-results+xml"),
        ("graph", "rdf+xml", "application/rdf+xml"),
    ],
)
def test_format_names_override_accept(form: str, fmt: str, expected: str) -> None:
    assert negotiate(form, "image/png", fmt) == expected


def test_document_formats_are_named_as_the_format_parameter_names_them() -> None:
    # the document names (ttl, jsonld, rdf, nt) pick the same syntax in a SPARQL answer
    syntaxes = {m: n for m, n in DOCUMENT_FORMATS.items() if m != "text/html"}
    assert sorted(syntaxes.values()) == ["jsonld", "nt", "rdf", "ttl"]
    for media_type, name in syntaxes.items():
        assert negotiate("graph", None, name) == media_type


def test_format_names_that_do_not_fit_or_exist() -> None:
    with pytest.raises(NotAcceptable, match="a SELECT query has no ttl answer"):
        negotiate("select", None, "ttl")
    with pytest.raises(NotAcceptable, match="an ASK query has no csv answer; format takes json"):
        negotiate("ask", None, "csv")
    with pytest.raises(UnknownFormat, match="'xlsx' is not one of csv, tsv"):
        negotiate("select", None, "xlsx")


@pytest.mark.parametrize(
    ("accept", "none_stated"),
    [(None, True), ("", True), ("*/*", True), ("*/*;q=0.8", True), ("application/*", False)],
)
def test_script_default_goes_to_clients_with_no_preference(
    accept: str | None, none_stated: bool
) -> None:
    assert states_no_preference(accept) is none_stated
    chosen = negotiate("select", accept, script_default="text/csv")
    assert (chosen == "text/csv") is none_stated
    # a form that cannot take the script default gets its usual default
    assert negotiate("ask", accept, script_default="text/csv") != "text/csv"
