"""Human labels of IRIs for the pages: what the graph says (``rdfs:label``, ``skos:prefLabel``,
``rov:legalName``, INSEE's ``igeo:nom``…) in the page's language when it can, and a prefixed
name (``ptce:siren``) when nothing labels the term."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import rdflib
from pyoxigraph import Literal
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDFS, SKOS, VOID

from ptce_kg.rdf.namespaces import GEO, IGEO, ORG, PTCE, ROV, SCHEMA, VANN
from ptce_kg.sparql.catalogue import statement
from ptce_kg.sparql.results import solutions
from ptce_kg.store.base import Store

# The properties whose values name a resource (sparql/pages/*.rq read the same ones).
LABEL_PROPERTIES = frozenset(
    str(term) for term in (RDFS.label, SKOS.prefLabel, ROV.legalName, IGEO.nom, DCTERMS.title)
)
# Fallback order after the page's own language: French (the data's language), English, none.
_FALLBACK = ("fr", "en", "")

PREFIXES = rdflib.namespace.NamespaceManager(rdflib.Graph(), bind_namespaces="core")
for _prefix, _namespace in (
    ("ptce", PTCE._NS),
    ("org", ORG),
    ("rov", ROV),
    ("igeo", IGEO),
    ("geo", GEO),
    ("schema", SCHEMA),
    ("vann", VANN),
    ("skos", SKOS),
    ("dcterms", DCTERMS),
    ("owl", OWL),
    ("prov", PROV),
    ("dcat", DCAT),
    ("void", VOID),
):
    PREFIXES.bind(_prefix, str(_namespace))


def prefixed_name(iri: str) -> str:
    """``ptce:siren`` for a term of a known namespace, else the IRI itself."""
    try:
        return PREFIXES.curie(iri, generate=False)
    except (KeyError, ValueError):
        return iri


@dataclass
class Labels:
    """IRI → language → label; ``best`` picks one for a page."""

    texts: dict[str, dict[str, str]] = field(default_factory=dict)

    def add(self, iri: str, label: object) -> None:
        """Record ``label`` (a pyoxigraph literal; anything else is ignored) for ``iri``."""
        if isinstance(label, Literal):
            self.texts.setdefault(iri, {}).setdefault(label.language or "", label.value)

    def update(self, other: Labels) -> None:
        for iri, by_lang in other.texts.items():
            for lang, text in by_lang.items():
                self.texts.setdefault(iri, {}).setdefault(lang, text)

    def best(self, iri: str, lang: str) -> str | None:
        """The label of ``iri`` in ``lang``, else French, English, untagged, any; None if none."""
        by_lang = self.texts.get(iri)
        if not by_lang:
            return None
        for candidate in (lang, *_FALLBACK):
            if candidate in by_lang:
                return by_lang[candidate]
        return next(iter(by_lang.values()))


def with_terms(labels: Labels, terms: dict[str, dict[str, str]]) -> Labels:
    """``labels`` plus the words' names of W3C terms (language → prefixed name → label)."""
    extra = Labels()
    for lang, names in terms.items():
        for name, text in names.items():
            extra.texts.setdefault(str(PREFIXES.expand_curie(name)), {})[lang] = text
    extra.update(labels)
    return extra


_vocabulary: dict[str, Labels] = {}
_lock = threading.Lock()


def vocabulary_labels(store: Store, version: str) -> Labels:
    """The labels of the ontology's, vocabularies', legal forms' and NAF's terms, read once per
    ``version`` of those graphs (the caller's digest of their descriptions)."""
    with _lock:
        known = _vocabulary.get(version)
        if known is None:
            known = Labels()
            for row in solutions(store.query(statement("pages/vocabulary-labels"))):
                known.add(row["term"].value, row["label"])
            _vocabulary.clear()
            _vocabulary[version] = known
        return known
