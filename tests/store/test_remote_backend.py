"""The remote backend against live SPARQL engines (``oxigraph serve``, Virtuoso): commands work
as on the embedded store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse

from ptce_kg.errors import QueryError, QueryTimeout, StoreError
from ptce_kg.rdf import graphs
from ptce_kg.sparql.catalogue import Catalogue
from ptce_kg.sparql.results import solutions
from ptce_kg.store import RemoteStore
from tests.helpers.files import demo_file
from tests.helpers.servers import Endpoint
from tests.helpers.stores import graph_listing, run

pytestmark = pytest.mark.server

EXAMPLE = demo_file("sarthe-exemple")
QUERY = """PREFIX igeo: <http://rdf.insee.fr/def/geo#>
PREFIX ptce: <https://w3id.org/ptce/ontology#>
SELECT ?area ?name WHERE { ?c igeo:codeINSEE ?code ; ptce:partOfArea ?area . ?area igeo:nom ?name }
ORDER BY ?area"""
P = NamedNode("https://example.org/p")


def remote_dump(endpoint: Endpoint) -> list[str]:
    """Every graph's size, and every quad outside the big COG graph (its size is compared);
    the engine's own graphs left out."""
    with endpoint.store() as store:
        infos = [info for info in store.graphs() if info.iri not in endpoint.own_graphs]
        quads = [
            str(q)
            for info in infos
            if info.iri != graphs.REFERENCE_COG
            for q in store.quads(info.iri)
        ]
        return sorted(quads + [f"{info.iri} {info.triples}" for info in infos])


@pytest.fixture(scope="module")
def initialised_server(remote_endpoint: Endpoint) -> Endpoint:
    from ptce_kg.cli import main

    assert main(["init", *remote_endpoint.options]) == 0
    return remote_endpoint


def test_init_graphs_and_query_match_the_embedded_store(
    initialised_server: Endpoint, initialised_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    remote = graph_listing(capsys, *initialised_server.options)
    assert set(remote) >= initialised_server.own_graphs
    remote = {g: row for g, row in remote.items() if g not in initialised_server.own_graphs}
    local = graph_listing(capsys, "--store", str(initialised_dir))

    def same(rows: dict[str, dict]) -> dict[str, tuple]:
        # The metadata graph's sha256 covers load times, which differ between the two stores.
        return {
            g: (r["triples"], r["recorded_triples"], g == graphs.METADATA or r["sha256"])
            for g, r in rows.items()
        }

    assert same(remote) == same(local)
    outputs = []
    for where in (initialised_server.options, ["--store", str(initialised_dir)]):
        code, out, err = run(
            capsys, "query", *where, "--format", "csv", "--param", "code=72181", QUERY
        )
        assert code == 0, err
        outputs.append(out)
    # header + EPCI, arrondissement, département, région
    assert outputs[0] == outputs[1] and outputs[0].count("\r\n") == 5


# The named queries whose answers may differ on an engine, and why (docs/store.md#engines-tested).
KNOWN_DIFFERENCES = {
    "oxigraph-server": {},
    "virtuoso": {
        "eligible-poles-state-call": "a comparison's value is the integer 1 or 0, not a boolean",
        "ess-population-by-family": "ptce:partOfArea? from a bound area finds no commune below it",
        "known-ptce-without-members": "GROUP_CONCAT over no value is a string, not unbound",
        "organisation-by-siren": "GROUP_CONCAT over no value is a string, not unbound",
        "members-outside-territory": "GROUP_CONCAT drops the names' common language tag",
        "potential-members": "GROUP_CONCAT drops the names' common language tag",
        "poles-search": "the default empty text matches nothing (an empty string is SQL NULL)",
        "member-locations": "a WKT literal is kept as a geometry: its numbers come back rewritten",
        # seen in one CI run out of four, cause not yet found (the shortcuts' rows differ)
        "poles-by-departement": "its rows differed in one run (rule 61's shortcuts), not in others",
        "poles-by-region": "its rows differed in one run (rule 61's shortcuts), not in others",
    },
}
# Syntax an engine refuses: a catalogue query that uses it gets the engine's refusal (exit 2),
# said in the README (the cube's lookups use LATERAL, SPARQL 1.2 draft: docs/statistics.md).
UNSUPPORTED_SYNTAX = {"oxigraph-server": (), "virtuoso": ("LATERAL",)}
# Values for the catalogue's required parameters: a région and a unit of the demo data.
REQUIRED = {"area": "http://id.insee.fr/geo/region/52", "siren": "383657467"}


def _rows(out: str) -> list[tuple]:
    """The rows of a JSON results document as comparable tuples: numbers by value (engines
    write computed decimals to different precisions), other terms as written."""

    def term(cell: dict[str, str]) -> tuple:
        if cell.get("datatype", "").endswith(("#decimal", "#double", "#float", "#integer")):
            return ("number", round(float(cell["value"]), 6))
        return (
            cell["type"].replace("typed-literal", "literal"),
            cell["value"],
            cell.get("datatype", ""),
            cell.get("xml:lang", ""),
        )

    document = json.loads(out)
    names = document["head"]["vars"]
    return sorted(
        tuple(term(row[n]) if n in row else ("unbound",) for n in names)
        for row in document["results"]["bindings"]
    )


def test_catalogue_queries_answer_as_on_the_embedded_store(
    initialised_server: Endpoint,
    initialised_dir: Path,
    catalogue: Catalogue,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Every named query gives the same rows on the engine as on the embedded store, but those
    of KNOWN_DIFFERENCES (which may); one using syntax the engine does not know is refused
    with the engine's message (exit 2)."""
    differing = []
    unsupported = UNSUPPORTED_SYNTAX[initialised_server.engine]
    for query in catalogue:
        params = [f"--param={p.name}={REQUIRED[p.name]}" for p in query.params if p.required]
        if any(word in query.text for word in unsupported):
            code, out, err = run(capsys, "query", *initialised_server.options, *params, query.name)
            assert code == 2 and "the endpoint refused the request" in err, (query.name, err)
            continue
        answers = []
        for where in (initialised_server.options, ["--store", str(initialised_dir)]):
            code, out, err = run(capsys, "query", *where, "--format", "json", *params, query.name)
            assert code == 0, (query.name, err)
            answers.append(_rows(out))
        if answers[0] != answers[1]:
            differing.append(query.name)
    # A known difference may not show every time (Virtuoso's plans vary with its statistics).
    assert sorted(set(differing) - set(KNOWN_DIFFERENCES[initialised_server.engine])) == []


def test_init_again_changes_nothing(
    initialised_server: Endpoint, capsys: pytest.CaptureFixture[str]
) -> None:
    before = remote_dump(initialised_server)
    code, out, err = run(capsys, "init", *initialised_server.options)
    assert code == 0, err
    assert "loaded" not in out
    assert remote_dump(initialised_server) == before


def test_load_through_the_graph_store_protocol(
    initialised_server: Endpoint, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    where = initialised_server.options
    target = "https://example.org/graph/remote-test"  # not a pole graph: sarthe's data fits
    code, _, err = run(capsys, "load", *where, "--graph", target, "--no-link", str(EXAMPLE))
    assert code == 0, err
    expected = {
        str(Triple(q.subject, q.predicate, q.object))
        for q in parse(path=EXAMPLE, format=RdfFormat.TURTLE)
    }
    assert graph_listing(capsys, *where)[target]["triples"] == len(expected)
    before = remote_dump(initialised_server)
    cut = tmp_path / "cut.ttl"
    cut.write_text(
        EXAMPLE.read_text(encoding="utf-8") + '<urn:x:a> <urn:x:b> "open', encoding="utf-8"
    )
    code, _, err = run(capsys, "load", *where, "--graph", target, "--replace", str(cut))
    assert code == 2 and "cut.ttl" in err
    assert remote_dump(initialised_server) == before


def test_remote_store_api(remote_endpoint: Endpoint) -> None:
    graph = graphs.graph_iri("pole/remote-api")
    a, p = NamedNode("https://example.org/a"), NamedNode("https://example.org/p")
    with remote_endpoint.store() as store:
        assert (
            store.replace_graph(graph, [Triple(a, p, Literal("1")), Triple(a, p, Literal("2"))])
            == 2
        )
        assert store.replace_graph(graph, [Triple(a, p, Literal("3", language="fr"))]) == 1
        assert store.add_to_graph(graph, [Triple(a, p, Literal("4"))]) == 1
        rows = store.query(
            f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", substitutions={"s": a}
        )
        assert sorted(str(r["o"]) for r in rows) == ['"3"@fr', '"4"']
        assert bool(store.query(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"))
        built = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        assert len(built) == 2 and all(isinstance(t, Triple) for t in built)
        with pytest.raises(QueryError):
            store.query("SELECT ?x WHERE { ?x")
        copy = graphs.graph_iri("pole/remote-copy")
        store.add_constructed(
            copy, f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        )
        store.add_constructed(
            copy, "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <urn:x:no> { ?s ?p ?o } }"
        )
        assert sorted(str(q.object) for q in store.quads(copy)) == ['"3"@fr', '"4"']
        assert {graph, copy} <= set(store.graph_names())
        with pytest.raises(QueryError, match="CONSTRUCT"):
            store.add_constructed(copy, "SELECT * WHERE { ?s ?p ?o }")
        store.drop_graph(graph)
        store.drop_graph(copy)
        assert not {graph, copy} & {g.iri for g in store.graphs()}
        assert not {graph, copy} & set(store.graph_names())


def _typed(value: str, datatype: str) -> Literal:
    return Literal(value, datatype=NamedNode(f"http://www.w3.org/2001/XMLSchema#{datatype}"))


# Terms as our data writes them (canonical lexical forms), each on its own predicate: Virtuoso
# stores values, so it rewrites other forms ("0012" → "12", "+00:00" → "Z", doubles, durations)
# and keeps one of two equal values of one subject and predicate (a date and a gYear...).
TERMS = [
    _typed("true", "boolean"),
    _typed("false", "boolean"),
    _typed("12", "integer"),
    _typed("-3.5", "decimal"),
    _typed("2024-01-01", "date"),
    _typed("2024-02-03T04:05:06Z", "dateTime"),
    _typed("2026", "gYear"),
    _typed("007", "string"),
    _typed("http://example.org/a", "anyURI"),
    Literal("abc", datatype=NamedNode("https://example.org/datatype")),
    Literal("bonjour", language="fr"),
    Literal("Sarthe", language="fr-fr"),
    Literal('quote " backslash \\ newline \n tab \t é 漢 😀'),
    Literal("x" * 100_000),
    NamedNode("https://example.org/é?q=1#f"),
]


def test_terms_come_back_as_written(remote_endpoint: Endpoint) -> None:
    """Typed literals, booleans, language tags, long and escaped literals and blank nodes go
    through the Graph Store Protocol and come back the same from queries."""
    graph = "https://example.org/graph/terms"
    subject, blank = NamedNode("https://example.org/s"), BlankNode()
    triples = [
        Triple(subject, NamedNode(f"https://example.org/p{i}"), t) for i, t in enumerate(TERMS)
    ]
    triples += [Triple(subject, P, blank), Triple(blank, P, Literal("in a blank node"))]
    with remote_endpoint.store() as store:
        assert store.replace_graph(graph, triples) == len(triples)
        back = list(store.quads(graph))
        objects = {q.predicate.value: q.object for q in back}
        assert [objects[f"https://example.org/p{i}"] for i in range(len(TERMS))] == TERMS
        (node,) = [q.object for q in back if q.predicate == P and q.subject == subject]
        assert isinstance(node, BlankNode)
        assert [q.object for q in back if q.subject == node] == [Literal("in a blank node")]
        count = solutions(
            store.query(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        )
        assert [r["n"] for r in count] == [_typed(str(len(triples)), "integer")]
        bound = store.query(
            f"SELECT ?p WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
            substitutions={"o": TERMS[0]},
        )
        assert [r["p"].value for r in solutions(bound)] == ["https://example.org/p0"]
        assert store.query(f"ASK {{ GRAPH <{graph}> {{ ?s ?p {TERMS[1]} }} }}")
        store.drop_graph(graph)


# What an update of two statements leaves when the second fails: nothing on Oxigraph (one
# transaction), the first statement's triples on Virtuoso (each statement is committed).
KEPT_BY_A_FAILED_UPDATE = {"oxigraph-server": False, "virtuoso": True}


def test_a_failed_update_of_several_statements(remote_endpoint: Endpoint) -> None:
    graph, existing = "https://example.org/graph/atomic", "https://example.org/graph/existing"
    with remote_endpoint.store() as store:
        store.add_to_graph(existing, [Triple(NamedNode("https://example.org/a"), P, Literal("1"))])
        with pytest.raises((QueryError, StoreError)):
            store.update(
                f'INSERT DATA {{ GRAPH <{graph}> {{ <https://example.org/a> {P} "2" }} }} ;'
                f" CREATE GRAPH <{existing}>"
            )
        kept = bool(store.query(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"))
        store.drop_graph(graph)
        store.drop_graph(existing)
    assert kept is KEPT_BY_A_FAILED_UPDATE[remote_endpoint.engine]


def test_virtuoso_incomplete_answer_is_a_timeout(virtuoso: Endpoint) -> None:
    """Virtuoso's "anytime" answer (200, the rows found before its time limit, a header saying
    so) is an error, not an answer: here a 50 ms limit (its ``timeout`` parameter) on a count
    over its own system graphs, which it answered with no row at all before the fix."""
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with (
        pytest.raises(QueryTimeout, match="incomplete results"),
        RemoteStore(f"{virtuoso.query}?timeout=50") as store,
    ):
        store.query(heavy)


def test_unreachable_endpoint_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    with (
        pytest.raises(StoreError, match="cannot reach"),
        RemoteStore("http://127.0.0.1:9") as store,
    ):
        store.graphs()
    code, _, err = run(capsys, "graphs", "--endpoint", "http://127.0.0.1:9/query")
    assert code == 3 and "cannot reach" in err


@pytest.mark.parametrize(
    ("given", "query", "update", "gsp"),
    [
        ("http://127.0.0.1:7878", "http://127.0.0.1:7878/query", "/update", "/store"),
        ("http://127.0.0.1:7878/query", "http://127.0.0.1:7878/query", "/update", "/store"),
        ("http://h:3030/ds/sparql", "http://h:3030/ds/sparql", "/ds/update", "/ds/store"),
        ("http://h:3030/ds", "http://h:3030/ds", "/ds/update", "/ds/store"),
    ],
)
def test_default_endpoints(given: str, query: str, update: str, gsp: str) -> None:
    with RemoteStore(given) as store:
        assert store.query_endpoint == query
        assert store.update_endpoint.endswith(update) and store.gsp_endpoint.endswith(gsp)
