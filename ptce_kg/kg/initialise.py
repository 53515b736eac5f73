"""The ``init`` service: fill or refresh a store with the ontology, vocabularies, reference data
and demo data, then rebuild the derived graph.

Idempotent: a graph whose sources (sha256) and triple count match what the metadata graph
recorded, and that the store still holds at that size, is left untouched (blank nodes would
otherwise get new labels and load times would change); only changed graphs are rewritten.

A demo graph that now holds other data (units added by ``import recherche-entreprises``, a
pole's own submission over its example) is never written over: ``init`` refreshes a demo graph
only while the store still holds the shipped files' version of it (or nothing).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from pyoxigraph import Quad, RdfFormat, Triple, parse

from ptce_kg.errors import InputError
from ptce_kg.kg import demo as demo_data
from ptce_kg.kg.linking import rebuild_derived
from ptce_kg.kg.metadata import (
    CC_BY,
    LICENSE_NOT_STATED,
    GraphDescription,
    GraphOutcome,
    recorded_fingerprint,
    sha256_of,
    write_described,
)
from ptce_kg.kg.statistics import StatisticsOutcome, refresh_statistics
from ptce_kg.rdf import graphs
from ptce_kg.rdf.resources import ontology_files, vocab_files
from ptce_kg.rdf.terms import triples_from_rdflib
from ptce_kg.reference.datasets import DATASETS
from ptce_kg.store.base import Store


@dataclass
class InitSummary:
    """The graphs ``init`` wrote or kept, the derived graph size, the time taken."""

    graphs: list[GraphOutcome] = field(default_factory=list)
    derived_triples: int | None = None
    statistics: StatisticsOutcome | None = None
    seconds: float = 0.0

    def text(self) -> str:
        """A few human-readable lines."""
        lines = [
            f"{'loaded ' if g.changed else 'kept   '} {g.triples:>8}  <{g.graph}>"
            for g in self.graphs
        ]
        if self.derived_triples is not None:
            lines.append(f"derived  {self.derived_triples:>8}  <{graphs.DERIVED}>")
        if self.statistics is not None and self.statistics.changed:
            lines.append(f"cube     {self.statistics.triples:>8}  <{graphs.STATISTICS}>")
        lines.append(f"init done in {self.seconds:.1f} s")
        return "\n".join(lines)


def read_turtle_files(paths: Iterable[Path]) -> list[Triple]:
    """The triples of shipped Turtle files (trusted: parsed directly by pyoxigraph)."""
    triples: list[Triple] = []
    for path in paths:
        try:
            triples.extend(
                Triple(q.subject, q.predicate, q.object)
                for q in parse(path=path, format=RdfFormat.TURTLE)
            )
        except SyntaxError as exc:
            raise InputError(f"cannot parse shipped file: {exc}", where=str(path)) from exc
    return triples


def _shipped(
    graph: str, title: str, paths: list[Path], license: str, credit: str | None
) -> GraphDescription:
    return GraphDescription(
        graph=graph,
        title=title,
        sources=tuple(p.resolve().as_uri() for p in paths),
        sha256=sha256_of(paths),
        triples=0,
        license=license,
        credit=credit,
    )


def _as_triples(content: Iterable[Quad | Triple] | rdflib.Graph) -> list[Triple]:
    if isinstance(content, rdflib.Graph):
        return list(triples_from_rdflib(content))
    return [Triple(q.subject, q.predicate, q.object) for q in content]


def _holds_shipped_version(store: Store, description: GraphDescription) -> bool:
    """Whether the store's version of a demo graph came from the shipped files alone (any
    version of them: a checkout moved elsewhere records other folders for the same files)."""
    recorded = recorded_fingerprint(store, description.graph)
    if recorded is None:
        return False
    shipped = {Path(source).name for source in description.sources}
    return all(
        source.startswith("file:") and Path(source).name in shipped for source in recorded[2]
    ) and bool(recorded[2])


def initialise(store: Store, *, demo: bool = True, link: bool = True) -> InitSummary:
    """Create or update ``store`` with everything ptce-kg ships (see the module docstring)."""
    started = time.perf_counter()
    summary = InitSummary()
    sizes = {g.iri: g.triples for g in store.graphs()}

    def ensure(description: GraphDescription, triples: list[Triple]) -> None:
        # Triples are built even for an unchanged graph: their count is part of the fingerprint.
        outcome = write_described(store, description, triples, sizes.get(description.graph))
        summary.graphs.append(outcome)

    onto, vocab = ontology_files(), vocab_files()
    ensure(
        _shipped(
            graphs.ONTOLOGY,
            "Ontologie PTCE (with import subsets and alignments)",
            onto,
            CC_BY,
            "ptce-kg",
        ),
        read_turtle_files(onto),
    )
    ensure(
        _shipped(graphs.VOCAB, "Vocabulaires SKOS PTCE", vocab, CC_BY, "ptce-kg"),
        read_turtle_files(vocab),
    )
    for dataset in DATASETS:
        ensure(
            _shipped(
                dataset.graph, dataset.title, dataset.paths(), dataset.license, dataset.creator
            ),
            dataset.triples(),
        )
    if demo:
        for graph, content, meta in demo_data.demo_graphs():
            source = Path(meta["source"]) if meta.get("source") else None
            description = GraphDescription(
                graph=graph,
                title=meta.get("title", graph),
                sources=(source.resolve().as_uri(),) if source else (),
                sha256=sha256_of([source]) if source else "",
                triples=0,
                license=meta.get("licence") or LICENSE_NOT_STATED,
                description=meta.get("description"),
            )
            if graph in sizes and not _holds_shipped_version(store, description):
                summary.graphs.append(GraphOutcome(graph, sizes[graph], changed=False))
                continue
            ensure(description, _as_triples(content))
    changed = any(g.changed for g in summary.graphs)
    if link and (changed or graphs.DERIVED not in sizes):
        summary.derived_triples = rebuild_derived(store)
    if link:
        summary.statistics = refresh_statistics(store)
    summary.seconds = time.perf_counter() - started
    return summary
