"""What a resource page shows, prepared for its template: labelled properties and values with
their links, the numbered sources of the statements, links out and the other formats."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pyoxigraph import BlankNode, Literal
from rdflib.namespace import RDF, XSD

from ptce_kg.pages.description import Description, Statement, Term
from ptce_kg.pages.hrefs import link_outs, page_href
from ptce_kg.pages.labels import Labels, prefixed_name
from ptce_kg.pages.provenance import Source, deriving_rules, source_name
from ptce_kg.rdf.graphs import DERIVED
from ptce_kg.rdf.namespaces import ID, PTCE

_TYPE = str(RDF.type)
_XSD_STRING = str(XSD.string)


@dataclass(frozen=True)
class Marker:
    """A numbered source beside a value, with what it says on hover."""

    number: int
    note: str


@dataclass
class Value:
    text: str
    href: str | None = None
    external: bool = False  # the link leaves this service
    note: str = ""  # language tag or datatype of a literal
    markers: list[Marker] = field(default_factory=list)
    nested: list[Property] = field(default_factory=list)  # a blank node's own statements


@dataclass
class Property:
    label: str
    href: str | None
    iri: str
    values: list[Value] = field(default_factory=list)


@dataclass
class SourceView:
    number: int
    source: Source


@dataclass
class ResourceView:
    """Everything a resource page shows."""

    iri: str
    title: str
    types: list[Value]
    properties: list[Property]
    incoming: list[Property]
    incoming_total: int
    incoming_shown: int
    sources: list[SourceView]
    links_out: list[tuple[str, str]]


class _Builder:
    def __init__(self, labels: Labels, lang: str, sources: dict[str, Source]) -> None:
        self.labels = labels
        self.lang = lang
        self.sources = sources
        self.numbers: dict[str, int] = {}

    def name(self, iri: str) -> str:
        return self.labels.best(iri, self.lang) or short_name(iri)

    def link(self, iri: str) -> tuple[str, bool]:
        local = page_href(iri)
        return (local, False) if local is not None else (iri, True)

    def term(self, term: Term) -> Value:
        if isinstance(term, Literal):
            datatype = term.datatype.value if term.datatype else ""
            note = term.language or ("" if datatype == _XSD_STRING else prefixed_name(datatype))
            return Value(term.value, note=note)
        if isinstance(term, BlankNode):
            return Value("[ ]")
        if term.value.startswith("file:"):  # a loaded file: its name, never the server's path
            return Value(source_name(term.value))
        href, external = self.link(term.value)
        return Value(self.name(term.value), href=href, external=external)

    def markers(self, statement: Statement) -> list[Marker]:
        found = []
        for graph in statement.graphs:
            number = self.numbers.setdefault(graph, len(self.numbers) + 1)
            source = self.sources.get(graph)
            note = source.title if source else graph
            if graph == DERIVED:
                rules = deriving_rules(statement.predicate.value, statement.value)
                note = "; ".join(f"{r.name}: {r.summary}" for r in rules) or note
            found.append(Marker(number, note))
        return found

    def properties(
        self, statements: Iterable[Statement], key: str, nested: dict[str, list[Statement]]
    ) -> list[Property]:
        grouped: dict[str, Property] = {}
        for st in statements:
            predicate = st.predicate.value
            prop = grouped.get(predicate)
            if prop is None:
                href, _ = self.link(predicate)
                prop = grouped[predicate] = Property(self.name(predicate), href, predicate)
            term = st.subject if key == "subject" else st.value
            value = self.term(term)
            value.markers = self.markers(st)
            if isinstance(term, BlankNode):
                value.nested = self.properties(nested.get(term.value, []), "value", {})
            prop.values.append(value)
        for prop in grouped.values():
            prop.values.sort(key=lambda v: v.text.casefold())
        return sorted(grouped.values(), key=lambda p: (p.iri != _TYPE, p.label.casefold()))


def resource_view(
    description: Description, labels: Labels, lang: str, sources: dict[str, Source]
) -> ResourceView:
    """The page of ``description``; ``labels`` name its terms, ``sources`` its graphs."""
    builder = _Builder(labels, lang, sources)
    own = description.own()
    blank: dict[str, list[Statement]] = {}
    for st in description.statements:
        if isinstance(st.subject, BlankNode):
            blank.setdefault(st.subject.value, []).append(st)
    properties = builder.properties(own, "value", blank)
    types = next((p.values for p in properties if p.iri == _TYPE), [])
    incoming = builder.properties(description.incoming, "subject", {})
    siren = _first_literal(description.values(str(PTCE.siren)))
    siret = _first_literal(description.values(str(PTCE.siret)))
    numbered = sorted(builder.numbers.items(), key=lambda item: item[1])
    views = [SourceView(n, sources[g]) for g, n in numbered if g in sources]
    return ResourceView(
        iri=description.iri,
        title=labels.best(description.iri, lang) or short_name(description.iri),
        types=types,
        properties=properties,
        incoming=incoming,
        incoming_total=description.incoming_total,
        incoming_shown=len(description.incoming),
        sources=views,
        links_out=link_outs(description.iri, siren, siret),
    )


def short_name(iri: str) -> str:
    """A name for an unlabelled IRI: its key under ``…/id/`` (``membership/sarthe-exemple/7``),
    else its prefixed name."""
    return iri[len(str(ID)) :] if iri.startswith(str(ID)) else prefixed_name(iri)


def _first_literal(values: list[Term]) -> str | None:
    return next((v.value for v in values if isinstance(v, Literal)), None)
