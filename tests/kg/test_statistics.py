"""The statistics graph's life: written at import and init, left as it is when its inputs did
not change, described in the metadata graph, earlier periods kept as a series (the counts
themselves: tests/statistics/test_cube_counts.py)."""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad

from ptce_kg.kg import statistics
from ptce_kg.kg.importers.recherche_entreprises import import_recherche_entreprises
from ptce_kg.kg.importers.sirene import import_sirene
from ptce_kg.kg.linking import rebuild_derived
from ptce_kg.kg.loading import load_files
from ptce_kg.kg.metadata import descriptions
from ptce_kg.kg.statistics import refresh_statistics
from ptce_kg.rdf import graphs
from ptce_kg.statistics.facts import RegistryFacts, facts_from_store

DATA = Path(__file__).parent / "data"
QB = "http://purl.org/linked-data/cube#"
ID = "https://w3id.org/ptce/id/"
REF_PERIOD = "http://purl.org/linked-data/sdmx/2009/dimension#refPeriod"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"


def _quads(store) -> set[str]:
    return {str(q) for q in store.quads(graphs.STATISTICS)}


def _imported(store) -> RegistryFacts:
    facts = RegistryFacts()
    import_sirene(
        store, DATA / "StockUniteLegale_test.csv", DATA / "StockEtablissement_test.csv", facts=facts
    )
    rebuild_derived(store)
    return facts


def _rows(facts: RegistryFacts, fields: list[str]) -> list[tuple[str, ...]]:
    return sorted(zip(*(getattr(facts, f) for f in fields), strict=True))


def test_facts_read_back_from_the_store_equal_the_streamed_ones(reference_store):
    streamed = _imported(reference_store)
    stored = facts_from_store(reference_store, graphs.SIRENE)
    for name in ("unit", "site"):
        fields = [f for f in RegistryFacts.__dataclass_fields__ if f.startswith(name)]
        assert _rows(stored, fields) == _rows(streamed, fields), name


def test_unchanged_inputs_leave_the_graph_as_it_is(reference_store):
    store = reference_store
    facts = _imported(store)
    first = refresh_statistics(store, imported={graphs.SIRENE: facts})
    assert first.changed and first.observations > 0
    before = _quads(store)
    again = refresh_statistics(store)
    assert not again.changed
    assert _quads(store) == before
    described = descriptions(store)[graphs.STATISTICS]
    assert int(described["triples"]) == len(before)
    assert graphs.SIRENE in described["derived_from"]
    # a pole's file is not registry data: loading it leaves the cube as it is
    load_files(
        store, [DATA / "pole-links.ttl"], graph="https://w3id.org/ptce/graph/pole/test-liens"
    )
    assert _quads(store) == before


def test_an_import_rebuilds_the_current_period_and_keeps_earlier_ones(reference_store):
    store = reference_store
    refresh_statistics(store, imported={graphs.SIRENE: _imported(store)})
    earlier = NamedNode("https://w3id.org/ptce/id/observation/ess-registry/2020-01-01/x")
    store.add_to_graph(
        graphs.STATISTICS,
        [
            Quad(earlier, NamedNode(f"{QB}dataSet"), NamedNode(f"{QB}DataSet")),
            Quad(
                earlier, NamedNode(REF_PERIOD), Literal("2020-01-01", datatype=NamedNode(XSD_DATE))
            ),
        ],
    )
    store.update(
        f"INSERT DATA {{ GRAPH <{graphs.STATISTICS}> {{ {earlier} a <{QB}Observation> }} }}"
    )
    import_recherche_entreprises(store, [DATA / "search-338365059.json"])
    rebuild_derived(store)
    outcome = refresh_statistics(store)
    assert outcome.changed
    periods = {
        row["p"].value
        for row in store.query(
            f"SELECT DISTINCT ?p {{ GRAPH <{graphs.STATISTICS}> {{ ?o <{REF_PERIOD}> ?p }} }}"
        )
    }
    assert "2020-01-01" in periods and len(periods) == 2
    # the API unit is also in the stock file: counted once in France, not twice
    france = """
        PREFIX qb: <http://purl.org/linked-data/cube#>
        PREFIX ptce: <https://w3id.org/ptce/ontology#>
        PREFIX sd: <http://purl.org/linked-data/sdmx/2009/dimension#>
        SELECT ?n { ?o sd:refArea <http://id.insee.fr/geo/pays/france> ;
          ptce:essCategory <https://w3id.org/ptce/vocab/ess-category/_T> ;
          ptce:administrativeStatus <https://w3id.org/ptce/vocab/administrative-status/_T> ;
          ptce:essFlagCode <https://w3id.org/ptce/vocab/sirene-ess-flag/_T> ;
          ptce:nafSection <https://w3id.org/ptce/vocab/naf-section/_T> ;
          ptce:headcountBandCode <https://w3id.org/ptce/vocab/headcount-band/_T> ;
          qb:measureType ptce:legalUnitCount ; ptce:legalUnitCount ?n ; sd:refPeriod ?p
          FILTER(?p != "2020-01-01"^^<http://www.w3.org/2001/XMLSchema#date>) }"""
    (row,) = list(store.query(france, use_default_graph_as_union=True))
    stock_units = sum(1 for _ in open(DATA / "StockUniteLegale_test.csv", encoding="utf-8")) - 2
    assert int(row["n"].value) == stock_units  # header and the invalid SIREN row excluded


def test_a_new_period_is_added_beside_the_earlier_ones(reference_store, monkeypatch):
    """The observations of a new period are added, the earlier ones left as they are (not
    rewritten); the graph is the one a full rebuild gives, its size recorded."""
    store = reference_store
    facts = _imported(store)
    monkeypatch.setattr(statistics, "_period", lambda recorded, present: "2020-01-01")
    refresh_statistics(store, imported={graphs.SIRENE: facts})
    earlier = _quads(store)
    monkeypatch.undo()

    def rewrite(*args, **kwargs):
        raise AssertionError("the graph was rewritten")

    import_recherche_entreprises(store, [DATA / "search-338365059.json"])
    rebuild_derived(store)
    with monkeypatch.context() as patched:
        patched.setattr(statistics, "replace_graph_from_lines", rewrite)
        added = refresh_statistics(store)
    assert added.changed
    after = _quads(store)
    observations = f"<{ID}observation/ess-registry/2020-01-01/"
    kept = {q for q in earlier if q.startswith(observations)}
    assert kept and kept < after
    assert sum(f"<{QB}slice>" in q for q in after) == 2  # the dataset lists both periods
    assert added.triples == len(after) == int(descriptions(store)[graphs.STATISTICS]["triples"])
    # a full rebuild of the same inputs gives the same graph
    monkeypatch.setattr(statistics, "recorded_fingerprint", lambda store, graph: None)
    assert refresh_statistics(store).changed
    assert _quads(store) == after
