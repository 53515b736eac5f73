"""The shapes graphs (legal, call, esus, quality) loaded from ``shapes/``, and the rule index.

Shapes are data files; this module only reads them, adds today's date where a shape asks for it
(``ptcesh:notBeforeToday`` / ``ptcesh:notAfterNextYear``) and indexes rules by shape.

Rule-set versions: each set's resource (``ptcesh:legal``…) carries ``owl:versionInfo`` and the
date of the law text it encodes (``dcterms:date``). When a rule changes, the set's previous file
is kept as ``shapes/versions/<set>-<version>.ttl`` and stays selectable as ``<set>@<version>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import rdflib
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, XSD

from ptce_kg.errors import InputError
from ptce_kg.rdf.namespaces import SHAPES as PTCESH
from ptce_kg.rdf.resources import shapes_dir

RULE_SETS = ("legal", "call", "esus", "quality")
_HELPERS = "common.ttl"
_VERSIONS = "versions"
# A prefixed name or an IRI in a SPARQL constraint's text.
_SPARQL_TERM = re.compile(r"([A-Za-z][\w.-]*)?:([A-Za-z_][\w-]*)|<([^<>\s]+)>")


@dataclass(frozen=True)
class Rule:
    """What a shape implements: its rule id and the legal text it cites."""

    rule: str
    source: str
    rule_set: str


@dataclass(frozen=True)
class RuleSetVersion:
    """A rule set as chosen: its name, version and the date of the law text it encodes."""

    name: str
    version: str
    law_date: str | None

    def as_dict(self) -> dict[str, str | None]:
        """JSON-ready form."""
        return {"name": self.name, "version": self.version, "law_date": self.law_date}


def _file_of(selection: str) -> str:
    """The shapes file of ``"legal"`` (current) or ``"legal@1.0.0"`` (archived)."""
    name, _, version = selection.partition("@")
    return f"{_VERSIONS}/{name}-{version}.ttl" if version else f"{name}.ttl"


def archived_versions(name: str) -> tuple[str, ...]:
    """The archived versions of the rule set ``name`` (``shapes/versions/<name>-<v>.ttl``)."""
    prefix = f"{name}-"
    return tuple(
        sorted(
            path.stem[len(prefix) :] for path in (shapes_dir() / _VERSIONS).glob(f"{prefix}*.ttl")
        )
    )


def rule_sets(rules: str | Iterable[str]) -> tuple[str, ...]:
    """Normalise ``"all"``, ``"legal"``, ``"legal@1.0.0"`` or a list of them (a comma-separated
    string is a list) into a sorted tuple of selections: a set name for its current version,
    ``name@version`` for an archived one.

    Raises InputError for an unknown set or version, or two versions of one set.
    """
    names = rules.split(",") if isinstance(rules, str) else list(rules)
    chosen: dict[str, str] = {}
    for raw in names:
        name, _, version = raw.strip().partition("@")
        if name == "all" and not version:
            for each in RULE_SETS:
                chosen.setdefault(each, each)
            continue
        if name not in RULE_SETS:
            raise InputError(
                f"unknown rule set {raw.strip()!r} (choose from all, {', '.join(RULE_SETS)}, "
                "or <set>@<version>)",
                where="--rules",
            )
        selection = name
        if version and version != rule_set_version(name).version:
            if version not in archived_versions(name):
                known = ", ".join((*archived_versions(name), rule_set_version(name).version))
                raise InputError(
                    f"rule set {name!r} has no version {version!r} (versions: {known})",
                    where="--rules",
                )
            selection = f"{name}@{version}"
        if chosen.get(name, selection) != selection:
            raise InputError(f"two versions of the rule set {name!r} chosen", where="--rules")
        chosen[name] = selection
    if not chosen:
        raise InputError("no rule set chosen", where="--rules")
    return tuple(sorted(chosen.values()))


def rule_set_version(selection: str) -> RuleSetVersion:
    """Version and law-text date of a selection (``"legal"`` or ``"legal@1.0.0"``)."""
    name = selection.partition("@")[0]
    graph = _file_graph(_file_of(selection))
    resource = PTCESH[name]
    law_date = graph.value(resource, DCTERMS.date)
    return RuleSetVersion(
        name,
        str(graph.value(resource, OWL.versionInfo) or ""),
        None if law_date is None else str(law_date),
    )


@lru_cache(maxsize=8)
def _file_graph(name: str) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(shapes_dir() / name, format="turtle")
    return graph


def shapes_file_graph(rule_set: str) -> rdflib.Graph:
    """One shapes file as written (with the helper shapes), for meta-validation and docs."""
    graph = rdflib.Graph()
    for name in (_HELPERS, f"{rule_set}.ttl"):
        for triple in _file_graph(name):
            graph.add(triple)
    return graph


@lru_cache(maxsize=16)
def _shapes_graph(sets: tuple[str, ...], today: date) -> rdflib.Graph:
    graph = rdflib.Graph()
    for name in (_HELPERS, *(_file_of(s) for s in sets)):
        for triple in _file_graph(name):
            graph.add(triple)
    next_year = today.replace(
        year=today.year + 1, day=28 if (today.month, today.day) == (2, 29) else today.day
    )
    for flag, constraint, bound in (
        (PTCESH.notBeforeToday, SH.minInclusive, today),
        (PTCESH.notAfterNextYear, SH.maxInclusive, next_year),
    ):
        for shape in list(graph.subjects(flag, rdflib.Literal(True))):
            graph.add((shape, constraint, rdflib.Literal(bound.isoformat(), datatype=XSD.date)))
    return graph


def shapes_graph(sets: tuple[str, ...], today: date | None = None) -> rdflib.Graph:
    """The shapes of ``sets`` (see :func:`rule_sets`) plus the helpers, with the date bounds of
    ``today`` (default: today; cached per day)."""
    return _shapes_graph(sets, today or date.today())


@lru_cache(maxsize=16)
def read_predicates(sets: tuple[str, ...]) -> frozenset[str]:
    """The IRIs of every predicate the shapes of ``sets`` (plus the helpers) can read: each IRI
    they name (paths, targets, classes, values…) and each term their SPARQL constraints use,
    prefixed names expanded with the constraint's ``sh:prefixes``. ``rdf:type`` and
    ``rdfs:subClassOf`` are included (``sh:class`` and ``sh:targetClass`` follow them)."""
    graph = rdflib.Graph()
    for name in (_HELPERS, *(_file_of(s) for s in sets)):
        graph += _file_graph(name)
    named = {str(t) for triple in graph for t in triple if isinstance(t, rdflib.URIRef)}
    named |= {str(RDF.type), str(RDFS.subClassOf)}
    for constraint in set(graph.objects(None, SH.sparql)):
        prefixes = {
            str(graph.value(d, SH.prefix)): str(graph.value(d, SH.namespace))
            for declarations in graph.objects(constraint, SH.prefixes)
            for d in graph.objects(declarations, SH.declare)
        }
        for text in (*graph.objects(constraint, SH.select), *graph.objects(constraint, SH.ask)):
            for prefix, local, iri in _SPARQL_TERM.findall(str(text)):
                if iri:
                    named.add(iri)
                elif prefix in prefixes:
                    named.add(prefixes[prefix] + local)
    return frozenset(named)


def _every_file() -> list[tuple[str, str]]:
    """(set name, file) of every current then archived shapes file: current shapes win."""
    files = [(name, f"{name}.ttl") for name in RULE_SETS]
    for name in RULE_SETS:
        files += [(name, _file_of(f"{name}@{v}")) for v in archived_versions(name)]
    return files


@lru_cache(maxsize=1)
def rule_index() -> dict[rdflib.term.Node, Rule]:
    """Every shape carrying a rule id (and its nested property shapes) -> its Rule."""
    index: dict[rdflib.term.Node, Rule] = {}
    for rule_set, file in _every_file():
        graph = _file_graph(file)
        for shape, rule in graph.subject_objects(DCTERMS.identifier):
            source = next(iter(sorted(str(s) for s in graph.objects(shape, DCTERMS.source))), "")
            entry = Rule(str(rule), source, rule_set)
            index.setdefault(shape, entry)
            for nested in graph.objects(shape, SH.property):
                index.setdefault(nested, entry)
    return index


@lru_cache(maxsize=1)
def shape_messages() -> dict[rdflib.term.Node, dict[str | None, str]]:
    """Every rule shape's ``sh:message`` templates, by language tag."""
    messages: dict[rdflib.term.Node, dict[str | None, str]] = {}
    for _, file in reversed(_every_file()):  # current files last: their messages win
        for shape, message in _file_graph(file).subject_objects(SH.message):
            messages.setdefault(shape, {})[getattr(message, "language", None)] = str(message)
    return messages


def rule_table(lang: str = "fr") -> list[dict[str, str]]:
    """One row per rule shape (id, set, severity, source, message) for documentation."""
    rows = []
    for rule_set in RULE_SETS:
        graph = _file_graph(f"{rule_set}.ttl")
        for shape, rule in sorted(
            graph.subject_objects(DCTERMS.identifier), key=lambda p: str(p[1])
        ):
            messages = {
                getattr(m, "language", None): str(m) for m in graph.objects(shape, SH.message)
            }
            severity = graph.value(shape, SH.severity)
            rows.append(
                {
                    "rule": str(rule),
                    "set": rule_set,
                    "severity": str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                    "source": str(graph.value(shape, DCTERMS.source) or ""),
                    "message": messages.get(lang) or next(iter(messages.values()), ""),
                    "comment": str(graph.value(shape, RDFS.comment) or ""),
                }
            )
    return rows
