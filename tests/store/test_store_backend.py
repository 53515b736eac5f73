"""The embedded store: atomic graph writes (small and spilled), replace on reload, queries."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, QuerySolutions, RdfFormat, Triple, parse

from ptce_kg.errors import QueryError, StoreError
from ptce_kg.rdf.namespaces import PTCE
from ptce_kg.sparql.catalogue import Catalogue
from ptce_kg.store import OxigraphStore, RemoteStore, oxigraph, staging
from tests.helpers.files import demo_file
from tests.helpers.stores import dump

EXAMPLE = demo_file("sarthe-exemple")
G = "https://w3id.org/ptce/graph/pole/test"
OTHER = "https://w3id.org/ptce/graph/pole/other"


def many_triples_turtle(n: int) -> str:
    """Turtle with ``n`` good triples (built from the example file's subjects)."""
    lines = ["@prefix ex: <https://example.org/test#> ."]
    lines += [f'ex:s{i} ex:p "value {i}" ; ex:q ex:o{i % 7} .' for i in range(n // 2)]
    return "\n".join(lines) + "\n"


def truncated(tmp_path: Path, n: int) -> Path:
    """A Turtle file whose last statement is cut half way, after ``n`` good triples."""
    path = tmp_path / "cut.ttl"
    path.write_text(many_triples_turtle(n) + 'ex:last ex:p "never closed', encoding="utf-8")
    return path


def example_triples() -> list[Triple]:
    return [
        Triple(q.subject, q.predicate, q.object)
        for q in parse(path=EXAMPLE, format=RdfFormat.TURTLE)
    ]


def fill(store: OxigraphStore) -> None:
    store.replace_graph(G, example_triples())
    store.replace_graph(
        OTHER,
        [
            Triple(
                NamedNode("https://example.org/a"), NamedNode("https://example.org/b"), Literal("c")
            )
        ],
    )


@pytest.mark.parametrize("limit", [staging.MEMORY_LIMIT, 500], ids=["in-memory", "spilled"])
def test_truncated_input_leaves_store_unchanged(
    disk_store: OxigraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    monkeypatch.setattr(staging, "MEMORY_LIMIT", limit)
    fill(disk_store)
    before = dump(disk_store)
    bad = truncated(tmp_path, 4000)
    for write in (disk_store.replace_graph, disk_store.add_to_graph):
        with pytest.raises(SyntaxError):
            write(G, parse(path=bad, format=RdfFormat.TURTLE))
        assert dump(disk_store) == before


@pytest.mark.parametrize("limit", [staging.MEMORY_LIMIT, 50], ids=["in-memory", "spilled"])
def test_reload_replaces_instead_of_duplicating(
    disk_store: OxigraphStore, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    monkeypatch.setattr(staging, "MEMORY_LIMIT", limit)
    monkeypatch.setattr(oxigraph, "DELETE_CHUNK", 40)  # a large graph is emptied in chunks
    fill(disk_store)
    first = dump(disk_store)
    triples = example_triples()
    assert disk_store.replace_graph(G, triples) == len(triples)
    assert dump(disk_store) == first
    sizes = {g.iri: g.triples for g in disk_store.graphs()}
    assert sizes[G] == len(set(triples))
    # A different content replaces the old one entirely; other graphs are untouched.
    other_before = sorted(str(q) for q in disk_store.quads(OTHER))
    new = [
        Triple(
            NamedNode("https://example.org/x"),
            NamedNode("https://example.org/y"),
            Literal("z", language="fr"),
        )
    ]
    assert disk_store.replace_graph(G, new) == 1
    assert [str(q.object) for q in disk_store.quads(G)] == ['"z"@fr']
    assert sorted(str(q) for q in disk_store.quads(OTHER)) == other_before


def test_blank_nodes_and_quads_are_retargeted(store: OxigraphStore) -> None:
    quads = list(parse(EXAMPLE.read_bytes(), RdfFormat.TURTLE))
    store.replace_graph(G, quads)  # quads of the default graph land in G
    store.replace_graph(G, quads)
    assert {g.iri for g in store.graphs()} == {G}
    assert len(list(store.quads(G))) == len(set(quads))


def test_add_drop_and_empty_graphs(store: OxigraphStore) -> None:
    triple = Triple(
        NamedNode("https://example.org/a"), NamedNode("https://example.org/b"), Literal("1")
    )
    assert store.replace_graph(G, []) == 0
    assert [(g.iri, g.triples) for g in store.graphs()] == [(G, 0)]
    assert store.add_to_graph(G, [triple]) == 1
    assert store.add_to_graph(G, [triple]) == 1
    assert store.graphs()[0].triples == 1
    store.drop_graph(G)
    store.drop_graph(G)  # absent: no error
    assert store.graphs() == []


def test_query_substitutions_and_errors(store: OxigraphStore) -> None:
    fill(store)
    pole = NamedNode("https://w3id.org/ptce/id/pole/sarthe-exemple")
    rows = list(
        store.query(
            "SELECT ?label WHERE { GRAPH ?g { "
            "?pole <http://www.w3.org/2000/01/rdf-schema#label> ?label } }",
            substitutions={"pole": pole},
        )
    )
    expected = {
        str(q.object.value)
        for q in parse(path=EXAMPLE, format=RdfFormat.TURTLE)
        if q.subject == pole and q.predicate.value.endswith("rdf-schema#label")
    }
    assert {r["label"].value for r in rows} == expected and expected
    assert bool(store.query(f"ASK {{ GRAPH <{G}> {{ ?s ?p ?o }} }}"))
    with pytest.raises(QueryError, match="syntax"):
        store.query("SELECT ?x WHERE { ?x")
    with pytest.raises(QueryError):
        store.update("INSERT DATA { <a> }")


def test_on_disk_store_survives_reopening(tmp_path: Path) -> None:
    store = OxigraphStore(tmp_path / "db")
    fill(store)
    before = dump(store)
    store.close()
    again = OxigraphStore(tmp_path / "db")
    try:
        assert dump(again) == before
    finally:
        again.close()


def test_bulk_replace_file_replaces_a_graph(
    disk_store: OxigraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(oxigraph, "DELETE_CHUNK", 25)
    fill(disk_store)
    other = sorted(str(q) for q in disk_store.quads(OTHER))
    spool = tmp_path / "spool.nt"
    spool.write_text(
        "".join(
            f'<https://example.org/s{i}> <https://example.org/p> "{i}" .\n' for i in range(100)
        ),
        encoding="utf-8",
    )
    disk_store.bulk_replace_file(G, spool, RdfFormat.N_TRIPLES)
    assert {q.object.value for q in disk_store.quads(G)} == {str(i) for i in range(100)}
    assert sorted(str(q) for q in disk_store.quads(OTHER)) == other


def test_add_constructed_appends_a_construct_result(store: OxigraphStore) -> None:
    fill(store)
    derived = "https://w3id.org/ptce/graph/derived"
    copy = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{OTHER}> {{ ?s ?p ?o }} }}"
    store.add_constructed(derived, copy)
    store.add_constructed(derived, copy)  # a set: the same triples twice count once
    assert [q.triple for q in store.quads(derived)] == [q.triple for q in store.quads(OTHER)]
    nothing = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <urn:x:absent> { ?s ?p ?o } }"
    store.add_constructed(OTHER + "/empty", nothing)
    assert store.graph_names() == sorted([G, OTHER, derived])  # no empty graph made
    with pytest.raises(QueryError, match="CONSTRUCT"):
        store.add_constructed(derived, "SELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(QueryError, match="syntax"):
        store.add_constructed(derived, "CONSTRUCT { ?s ?p ?o } WHERE {")


def test_only_a_writable_store_on_disk_can_be_snapshotted(tmp_path: Path) -> None:
    with OxigraphStore(tmp_path / "store") as store:
        store.add_to_graph(
            "http://example.org/g",
            [Triple(NamedNode("http://a"), NamedNode("http://p"), Literal("x"))],
        )
        assert store.folder == (tmp_path / "store").resolve()
        store.snapshot(tmp_path / "copy")
    with OxigraphStore(tmp_path / "copy", read_only=True) as copy:
        assert copy.graph_names() == ["http://example.org/g"]
        assert copy.folder is None
        with pytest.raises(StoreError):
            copy.snapshot(tmp_path / "again")
    memory = OxigraphStore()
    assert memory.folder is None
    with pytest.raises(StoreError):
        memory.snapshot(tmp_path / "memory")
    remote = RemoteStore("http://127.0.0.1:9/sparql")
    assert remote.folder is None
    with pytest.raises(StoreError):
        remote.snapshot(tmp_path / "remote")
    remote.close()


UNION = {"use_default_graph_as_union": True}  # as the query service runs catalogue queries


def _solutions(result: QuerySolutions) -> list[tuple[tuple[str, str], ...]]:
    """The solutions as sorted (variable, term) pairs, unbound variables left out."""
    names = result.variables
    return sorted(
        tuple(sorted((v.value, str(row[v])) for v in names if row[v] is not None)) for row in result
    )


def test_native_prebinding_gives_the_values_block_solutions(
    demo_store: OxigraphStore, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every catalogue query with a `pole` parameter, for each demo pole: the path Oxigraph
    pre-binds itself (taken when the bound variable is projected: no VALUES block is written)
    gives the solutions of the VALUES block; before the change only the second path existed."""
    written: list[str] = []
    original = oxigraph.prebind

    def spy(sparql: str, substitutions: Mapping[str, object]) -> str:
        if substitutions:
            written.append(sparql)
        return original(sparql, substitutions)

    monkeypatch.setattr(oxigraph, "prebind", spy)
    poles = [
        row["pole"]
        for row in demo_store.query(
            f"SELECT DISTINCT ?pole WHERE {{ GRAPH ?g {{ ?pole a <{PTCE.Pole}> }} }}"
        )
    ]
    compared = natively = 0
    for query in catalogue:
        if query.param("pole") is None:
            continue
        for pole in poles:
            written.clear()
            native = _solutions(demo_store.query(query.text, substitutions={"pole": pole}, **UNION))
            natively += not written
            values = _solutions(demo_store.query(original(query.text, {"pole": pole}), **UNION))
            assert native == values, (query.name, pole)
            compared += bool(values)
    assert natively and compared  # both paths ran, on queries that have answers
