"""The shapes graphs (legal, call, quality) loaded from ``shapes/``, and the rule index.

Shapes are data files; this module only reads them, adds today's date where a shape asks for it
(``ptcesh:notBeforeToday`` / ``ptcesh:notAfterNextYear``) and indexes rules by shape.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import rdflib
from rdflib.namespace import DCTERMS, RDFS, SH, XSD

from ptce_kg.errors import InputError
from ptce_kg.rdf.resources import shapes_dir

PTCESH = rdflib.Namespace("https://w3id.org/ptce/shapes#")
RULE_SETS = ("legal", "call", "quality")
_HELPERS = "common.ttl"


@dataclass(frozen=True)
class Rule:
    """What a shape implements: its rule id and the legal text it cites."""

    rule: str
    source: str
    rule_set: str


def rule_sets(rules: str | Iterable[str]) -> tuple[str, ...]:
    """Normalise ``"all"``, ``"legal"`` or a list of set names into a sorted tuple of set names."""
    names = [rules] if isinstance(rules, str) else list(rules)
    chosen: set[str] = set()
    for name in names:
        if name == "all":
            chosen.update(RULE_SETS)
        elif name in RULE_SETS:
            chosen.add(name)
        else:
            raise InputError(
                f"unknown rule set {name!r} (choose from all, {', '.join(RULE_SETS)})",
                where="--rules",
            )
    if not chosen:
        raise InputError("no rule set chosen", where="--rules")
    return tuple(sorted(chosen))


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
    for name in (_HELPERS, *(f"{s}.ttl" for s in sets)):
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
    """The shapes of ``sets`` plus the helpers, with today's date bounds (cached per day)."""
    return _shapes_graph(sets, today or date.today())


@lru_cache(maxsize=1)
def rule_index() -> dict[rdflib.term.Node, Rule]:
    """Every shape carrying a rule id (and its nested property shapes) -> its Rule."""
    index: dict[rdflib.term.Node, Rule] = {}
    for rule_set in RULE_SETS:
        graph = _file_graph(f"{rule_set}.ttl")
        for shape, rule in graph.subject_objects(DCTERMS.identifier):
            source = next(iter(sorted(str(s) for s in graph.objects(shape, DCTERMS.source))), "")
            entry = Rule(str(rule), source, rule_set)
            index[shape] = entry
            for nested in graph.objects(shape, SH.property):
                index.setdefault(nested, entry)
    return index


@lru_cache(maxsize=1)
def shape_messages() -> dict[rdflib.term.Node, dict[str | None, str]]:
    """Every rule shape's ``sh:message`` templates, by language tag."""
    messages: dict[rdflib.term.Node, dict[str | None, str]] = {}
    for rule_set in RULE_SETS:
        for shape, message in _file_graph(f"{rule_set}.ttl").subject_objects(SH.message):
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
            messages = {m.language: str(m) for m in graph.objects(shape, SH.message)}
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
