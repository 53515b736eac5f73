"""A resource's description: its statements with the named graph each comes from (and those
of the blank nodes it points to), the statements that point to it, and the labels of what
they name. The RDF forms of a page hold exactly the triples of ``statements``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from ptce_kg.errors import InputError
from ptce_kg.pages.labels import LABEL_PROPERTIES, Labels
from ptce_kg.sparql.catalogue import statement
from ptce_kg.sparql.results import solutions
from ptce_kg.store.base import Store

Term = NamedNode | BlankNode | Literal
INCOMING_LIMIT = 500  # sparql/pages/incoming.rq shows at most this many links


@dataclass(frozen=True)
class Statement:
    """One triple and the named graphs that hold it."""

    subject: NamedNode | BlankNode
    predicate: NamedNode
    value: Term
    graphs: tuple[str, ...]


@dataclass
class Description:
    """What the graph says about ``iri`` and what points to it."""

    iri: str
    statements: list[Statement] = field(default_factory=list)
    incoming: list[Statement] = field(default_factory=list)
    incoming_total: int = 0
    labels: Labels = field(default_factory=Labels)

    @property
    def known(self) -> bool:
        """Whether any statement names the resource."""
        return bool(self.statements or self.incoming_total)

    def own(self) -> list[Statement]:
        """The statements whose subject is the resource itself."""
        return [
            s
            for s in self.statements
            if s.subject.value == self.iri and isinstance(s.subject, NamedNode)
        ]

    def values(self, predicate: str) -> list[Term]:
        """The values of one property of the resource."""
        return [s.value for s in self.own() if s.predicate.value == predicate]

    def triples(self) -> list[Triple]:
        """Its statements as triples, once each (its RDF forms)."""
        return [Triple(s.subject, s.predicate, s.value) for s in self.statements]

    def graphs(self) -> set[str]:
        return {g for s in [*self.statements, *self.incoming] for g in s.graphs}


def _grouped(rows: Iterable[tuple[NamedNode | BlankNode, NamedNode, Term, str]]) -> list[Statement]:
    """One statement per triple with all its graphs, in the order first seen."""
    graphs: dict[tuple[NamedNode | BlankNode, NamedNode, Term], list[str]] = {}
    for s, p, o, g in rows:
        found = graphs.setdefault((s, p, o), [])
        if g not in found:
            found.append(g)
    return [Statement(s, p, o, tuple(sorted(gs))) for (s, p, o), gs in graphs.items()]


def describe(store: Store, iri: str, *, incoming: bool = True) -> Description:
    """The description of ``iri`` (empty when the graph does not name it); without
    ``incoming`` (RDF forms), the statements pointing to it are only counted, and only when
    nothing is said about it (to know whether the graph names it). Raises ``InputError`` when
    ``iri`` is not a valid IRI."""
    try:
        resource = {"resource": NamedNode(iri)}
    except ValueError as exc:  # what a client sent as an IRI
        raise InputError(f"not a valid IRI: {exc}", where="iri") from exc
    description = Description(iri)
    labels = description.labels
    out = []
    for row in solutions(store.query(statement("pages/statements"), substitutions=resource)):
        out.append((row["s"], row["p"], row["o"], row["g"].value))
        labels.add(row["o"].value, row["olabel"])
        if row["p"].value in LABEL_PROPERTIES and row["s"].value == iri:
            labels.add(iri, row["o"])
    description.statements = _grouped(out)  # type: ignore[arg-type]
    if incoming:
        pointing = []
        for row in solutions(store.query(statement("pages/incoming"), substitutions=resource)):
            pointing.append((row["s"], row["p"], NamedNode(iri), row["g"].value))
            labels.add(row["s"].value, row["slabel"])
        description.incoming = sorted(
            _grouped(pointing),
            key=lambda s: (s.predicate.value, s.subject.value),  # type: ignore[arg-type]
        )
    if description.incoming or not (incoming or description.statements):
        counted = solutions(store.query(statement("pages/incoming-count"), substitutions=resource))
        description.incoming_total = next((int(r["n"].value) for r in counted), 0)
    return description
