"""Where a statement comes from, said for people: which pole stated it, which registry import
or reference data brought it, which linking rule derived it, with the date the metadata graph
records for its named graph (docs/store.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pyoxigraph import NamedNode
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.algebra import traverse
from rdflib.term import URIRef

from ptce_kg.kg.linking import rule_files
from ptce_kg.kg.metadata import descriptions
from ptce_kg.pages.hrefs import page_href
from ptce_kg.rdf.graphs import (
    DERIVED,
    GRAPH_BASE,
    KNOWN_PTCE,
    METADATA,
    ONTOLOGY,
    RECHERCHE_ENTREPRISES,
    SIRENE,
    VOCAB,
)
from ptce_kg.rdf.iris import POLE_GRAPHS, pole_iri
from ptce_kg.store.base import Store

_REFERENCE = GRAPH_BASE + "reference/"
_KINDS = {
    DERIVED: "rules",
    KNOWN_PTCE: "known",
    METADATA: "metadata",
    ONTOLOGY: "vocabulary",
    VOCAB: "vocabulary",
    SIRENE: "registry",
    RECHERCHE_ENTREPRISES: "registry",
}
_SENTENCE_END = re.compile(r"\s[(<]|[.;:]\s|\.$")


@dataclass(frozen=True)
class Source:
    """A named graph as the pages explain it."""

    graph: str
    kind: str  # pole, registry, rules, reference, known, vocabulary, metadata, other
    title: str
    date: str | None  # when it was loaded (dcterms:modified), ISO date
    href: str | None  # the page of its description
    pole_href: str | None = None  # for a pole's graph: the pole's page


@dataclass(frozen=True)
class Rule:
    """A linking rule of ``sparql/rules/``, and the statements its CONSTRUCT template makes."""

    name: str
    summary: str
    template: tuple[tuple[str, str | None], ...]  # (predicate, fixed object IRI or None)

    def makes(self, predicate: str, value: object) -> bool:
        """Whether the rule's template can produce a statement with this predicate and value."""
        for p, o in self.template:
            if p == predicate and (
                o is None or (isinstance(value, NamedNode) and value.value == o)
            ):
                return True
        return False


def kind_of(graph: str) -> str:
    if graph.startswith(POLE_GRAPHS):
        return "pole"
    if graph.startswith(_REFERENCE):
        return "reference"
    return _KINDS.get(graph, "other")


Described = dict[str, dict[str, str | list[str]]]


def described_graphs(store: Store) -> Described:
    """Every graph's description in the metadata graph (read once per page)."""
    return descriptions(store)


def sources(described: Described, graphs: set[str]) -> dict[str, Source]:
    """The explanation of each of ``graphs`` from its description in the metadata graph."""
    found = {}
    for graph in sorted(graphs):
        entry = described.get(graph, {})
        title = entry.get("title")
        modified = entry.get("modified")
        kind = kind_of(graph)
        pole = None
        if kind == "pole":
            pole = page_href(pole_iri(graph[len(POLE_GRAPHS) :]))
        found[graph] = Source(
            graph=graph,
            kind=kind,
            title=title if isinstance(title, str) else graph,
            date=modified[:10] if isinstance(modified, str) else None,
            href=page_href(graph),
            pole_href=pole,
        )
    return found


def version(described: Described, graphs: tuple[str, ...]) -> str:
    """A digest of what the metadata graph records for ``graphs`` (changes when they do)."""
    return "|".join(f"{g}={described.get(g, {}).get('sha256', '')}" for g in graphs)


@cache
def rules() -> tuple[Rule, ...]:
    """The linking rules with what their templates make (read once: shipped files)."""
    found = []
    for path in rule_files():
        text = path.read_text(encoding="utf-8")
        template = []
        algebra = prepareQuery(text).algebra
        values = _values(algebra)
        for _s, p, o in algebra.template:
            # a fixed IRI object narrows the rule; a variable or literal matches any value
            fixed = str(o) if isinstance(o, URIRef) else None
            # a predicate variable stands for the IRIs a VALUES block gives it (rule 60)
            for predicate in [p] if isinstance(p, URIRef) else sorted(values.get(p, ())):
                template.append((str(predicate), fixed))
        found.append(Rule(path.stem, _summary(text) or path.stem, tuple(template)))
    return tuple(found)


def _values(algebra: object) -> dict[object, set[URIRef]]:
    """The IRIs each variable takes in the VALUES blocks of a query's algebra."""
    found: dict[object, set[URIRef]] = {}

    def visit(node: object) -> None:
        if getattr(node, "name", None) == "values":
            for row in node.res:  # type: ignore[attr-defined]
                for variable, term in row.items():
                    if isinstance(term, URIRef):
                        found.setdefault(variable, set()).add(term)

    traverse(algebra, visitPre=visit)
    return found


def _summary(text: str) -> str:
    """The first sentence of a rule's leading comment (``# Rule: …``)."""
    comment = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        comment.append(line.lstrip("#").strip())
    prose = " ".join(comment).removeprefix("Rule:").strip()
    return _SENTENCE_END.split(prose, maxsplit=1)[0]


def deriving_rules(predicate: str, value: object) -> tuple[Rule, ...]:
    """The rules that may have derived a statement of the derived graph."""
    return tuple(rule for rule in rules() if rule.makes(predicate, value))


def source_name(source: str) -> str:
    """What a page shows of a graph's ``dcterms:source``: a web address as is, a local file by
    its name only (the server's paths are not shown)."""
    parts = urlsplit(source)
    if parts.scheme == "file":
        return Path(unquote(parts.path)).name
    return source
