"""The guard reads SPARQL text: keywords in strings, comments and IRIs never count."""

from __future__ import annotations

import pytest

from ptce_kg.errors import QueryError
from ptce_kg.sparql.guard import add_using_clauses, check_iri, inspect_query, inspect_update

ALLOWED = "https://query.wikidata.org/sparql"


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("SELECT * { ?s ?p ?o }", "select"),
        ("PREFIX ex: <http://e/> BASE <http://b/> ask { ex:a ?p ?o }", "ask"),
        ("# SELECT\nCONSTRUCT WHERE { ?s ?p ?o }", "graph"),
        ("DESCRIBE <http://e/a>", "graph"),
    ],
)
def test_query_forms(query: str, form: str) -> None:
    assert inspect_query(query).form == form


@pytest.mark.parametrize(
    "query",
    [
        'SELECT ("SERVICE <http://evil/> LOAD" AS ?x) {}',
        "SELECT * { ?s <http://e/SERVICE> ?o } # SERVICE <http://evil/>",
        "SELECT ?service ?load { ?service ?load ?o }",
        "PREFIX service: <http://e/> SELECT * { service:load ?p ?o }",
        'SELECT * { ?s ?p """multi\nline SERVICE <http://evil/> DROP ALL""" }',
        "SELECT * WHERE { FILTER(?a<?b) }",
    ],
)
def test_keywords_inside_literals_iris_comments_and_names_are_ignored(query: str) -> None:
    assert inspect_query(query).form == "select"


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { SERVICE <http://evil/sparql> { ?s ?p ?o } }",
        "SELECT * { SeRvIcE SILENT <http://evil/sparql> { ?s ?p ?o } }",
        "SELECT * { SERVICE ?endpoint { ?s ?p ?o } }",
        "PREFIX w: <https://query.wikidata.org/> SELECT * { SERVICE w:other { } }",
        f"SELECT * {{ SERVICE <{ALLOWED}/../x> {{ }} }}",
        "BASE <https://query.wikidata.org/> SELECT * { SERVICE <sparql> { } }",  # relative
    ],
)
def test_service_outside_the_allow_list_is_refused(query: str) -> None:
    with pytest.raises(QueryError, match="SERVICE"):
        inspect_query(query, [ALLOWED])


@pytest.mark.parametrize(
    "query",
    [
        f"SELECT * {{ SERVICE <{ALLOWED}> {{ ?s ?p ?o }} }}",
        "PREFIX w: <https://query.wikidata.org/> SELECT * { SERVICE w:sparql { } }",
    ],
)
def test_allow_listed_service_passes(query: str) -> None:
    assert inspect_query(query, [ALLOWED]).form == "select"


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { <a> <b> <c> }",
        "prefix e: <http://e/> drop graph e:g",
        "LOAD <http://e/>",
        "WITH <g> DELETE {} WHERE {}",
    ],
)
def test_updates_are_refused_on_the_query_operation(text: str) -> None:
    with pytest.raises(QueryError):
        inspect_query(text)


def test_empty_and_unknown_forms_are_refused() -> None:
    with pytest.raises(QueryError, match="empty"):
        inspect_query("  # only a comment\n")
    with pytest.raises(QueryError, match="must start with"):
        inspect_query("FOO { }")


def test_from_clause_is_reported() -> None:
    assert inspect_query("SELECT * FROM <http://g> { ?s ?p ?o }").has_dataset_clause
    assert not inspect_query("SELECT * { GRAPH <http://from> { ?s ?p ?o } }").has_dataset_clause


def test_update_checks() -> None:
    inspect_update("CLEAR ALL ; INSERT DATA { GRAPH <http://g> { <http://a> <http://b> 'LOAD' } }")
    with pytest.raises(QueryError, match="LOAD"):
        inspect_update("LOAD <file:///etc/passwd> INTO GRAPH <http://g>")
    with pytest.raises(QueryError, match="query"):
        inspect_update("SELECT * {}")


def test_using_clauses_go_before_each_where() -> None:
    update = (
        "CLEAR ALL ; INSERT { GRAPH <http://t> { ?s a ?t } } "
        "WHERE { ?s a ?t . FILTER(?t != <WHERE>) }"
    )
    rewritten = add_using_clauses(update, ["http://g1"], ["http://g2"])
    assert rewritten == (
        "CLEAR ALL ; INSERT { GRAPH <http://t> { ?s a ?t } } "
        "USING <http://g1> USING NAMED <http://g2> WHERE { ?s a ?t . FILTER(?t != <WHERE>) }"
    )
    assert add_using_clauses(update, [], []) == update


@pytest.mark.parametrize(
    "update",
    [
        "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "DELETE { ?s ?p ?o } USING <http://g> WHERE { ?s ?p ?o }",
        "DELETE WHERE { ?s ?p ?o }",
    ],
)
def test_using_parameters_conflicts(update: str) -> None:
    with pytest.raises(QueryError):
        add_using_clauses(update, ["http://g1"], [])


# Fragments where a tokenizer could lose track of what is code: escapes in IRIs and prefixed
# names, quotes and # inside literals, comments, comparisons with < and >.
DECOYS = [
    "",
    r"?s e:a\# ?o .",
    r"?s e:a\' ?o .",
    r"?s e:a%23 ?o .",
    r"?s e:a\-b\~c ?o .",
    r"?s <http://a\u0041#x> ?o .",
    r"?s <http://a\U00000041'x> ?o .",
    r'?s ?p "x\" # " .',
    r"?s ?p 'x\' # ' .",
    '?s ?p """a " "" # """ .',
    "?s ?p '''a ' '' # ''' .",
    r'?s ?p "\u0022" .',
    '?s ?p "1"^^<http://www.w3.org/2001/XMLSchema#integer> .',
    "# a comment { SERVICE\n",
    "FILTER(?o<3)",
    'FILTER(?o > "#")',
    'BIND("#" AS ?h)',
]
SERVICE_FORMS = ["SERVICE", "service silent", "SeRvIcE"]


def test_no_decoy_hides_a_service_oxigraph_would_run() -> None:
    """Whenever Oxigraph accepts the text, the guard must see the SERVICE in it."""
    from pyoxigraph import Store

    store = Store()
    accepted_by_oxigraph = 0
    for before in DECOYS:
        for after in DECOYS:
            for service in SERVICE_FORMS:
                query = (
                    "PREFIX e: <http://e/> SELECT * { ?s ?p ?o . "
                    f"{before} {service} <http://127.0.0.1:9/> {{ ?a ?b ?c }} {after}\n }}"
                )
                try:
                    store.query(query)  # parses only: SERVICE runs when results are read
                except SyntaxError:
                    continue
                accepted_by_oxigraph += 1
                with pytest.raises(QueryError, match="SERVICE"):
                    inspect_query(query)
    assert accepted_by_oxigraph > len(DECOYS)  # the decoys are valid SPARQL, so this tests


@pytest.mark.parametrize(
    "value",
    ["http://x> SERVICE <http://evil/", "relative/path", "http://a b", 'http://a"b', "http://a\n"],
)
def test_iris_written_into_sparql_text_are_checked(value: str) -> None:
    with pytest.raises(QueryError, match="absolute IRI"):
        check_iri(value, "base IRI")


def test_valid_iris_pass_check_iri() -> None:
    for value in ("http://127.0.0.1:8000/sparql/", "urn:uuid:1", "https://w3id.org/ptce/graph/x"):
        assert check_iri(value, "base IRI") == value
