"""Validating poles where they are stored: each pole's data as the store holds it, with the
reference data it needs, validated in place (``ptce-kg validate --pole/--all-poles``,
``GET /poles/{id}/report``, a pole's verdict).

A pole's data is its graph ``…/graph/pole/<slug>``, with what the registry graphs (``sirene``,
``recherche-entreprises``) say about the actors it names and their establishments
(``sparql/validation/registry-facts.rq``); for a known PTCE that has no graph, what the
``known-ptce`` graph says of it. Then, as for a file, the shipped reference subset is added
(``validation.prepare``). Each pole is validated on its own: a pole's graph holds what that
pole says, and two poles' claims about one organisation are never merged into one fact.
"""

from __future__ import annotations

import hashlib
import multiprocessing
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any

import rdflib
from pyoxigraph import NamedNode, Triple
from rdflib.namespace import RDFS

from ptce_kg.errors import NotFound
from ptce_kg.rdf.graphs import KNOWN_PTCE
from ptce_kg.rdf.iris import POLE_GRAPHS, POLE_ID, POLES, pole_graph, pole_iri
from ptce_kg.rdf.terms import to_rdflib
from ptce_kg.sparql.catalogue import statement
from ptce_kg.sparql.results import solutions, triples
from ptce_kg.store.base import Store
from ptce_kg.validation.engine import freeze_caches, validate
from ptce_kg.validation.report import InputFile, PoleSection, Report, combined_report


def stored_poles(store: Store) -> list[str]:
    """The slugs of the poles the store has data for (a pole graph, or a known PTCE), sorted."""
    slugs = {g.removeprefix(POLE_GRAPHS) for g in store.graph_names() if g.startswith(POLE_GRAPHS)}
    if KNOWN_PTCE in store.graph_names():
        rows = solutions(store.query(statement("validation/known-poles")))
        slugs |= {row["pole"].value.removeprefix(POLES) for row in rows}
    return sorted(s for s in slugs if POLE_ID.match(s))


def pole_data(store: Store, slug: str) -> tuple[str, list[Triple]]:
    """The graph a pole's data comes from and its triples, with the registry's facts about the
    actors it names. Raises NotFound when the store has no data for ``slug``."""
    if not POLE_ID.match(slug):
        raise NotFound("a pole id is lower-case letters, digits and dashes", where=slug)
    names = store.graph_names()
    graph = pole_graph(slug)
    if graph not in names:
        # The known PTCE name no registry unit (their lead structures have no known SIREN).
        known = store.query(statement("validation/known-pole"), substitutions={"pole": _pole(slug)})
        data = list(triples(known)) if KNOWN_PTCE in names else []
        if not data:
            raise NotFound(
                "the store has no data for this pole (no graph …/graph/pole/<slug>, not a known "
                "PTCE)",
                where=slug,
            )
        return KNOWN_PTCE, data
    own = [Triple(q.subject, q.predicate, q.object) for q in store.quads(graph)]
    registry = store.query(
        statement("validation/registry-facts"), substitutions={"graph": NamedNode(graph)}
    )
    return graph, [*own, *triples(registry)]


@dataclass(frozen=True)
class StoredPole:
    """A pole's data as read from the store (``pole_data``): its slug, the graph it came from
    and the triples to validate."""

    slug: str
    graph: str
    triples: tuple[Triple, ...]


def read_poles(store: Store, slugs: Sequence[str] | None = None) -> list[StoredPole]:
    """The data of each pole of ``slugs`` (None: every stored pole), read before any is
    validated, so that the store can be closed meanwhile. Raises NotFound for a pole with no
    data, or when ``slugs`` is None and the store has no pole."""
    chosen = stored_poles(store) if slugs is None else list(dict.fromkeys(slugs))
    if not chosen:
        raise NotFound("the store holds no pole data (load a pole's file with `ptce-kg load`)")
    return [StoredPole(slug, *_as_tuple(pole_data(store, slug))) for slug in chosen]


def validate_pole(
    store: Store,
    slug: str,
    rules: str | Iterable[str] = "all",
    lang: str = "fr",
    as_of: date | None = None,
) -> Report:
    """Validate the pole ``slug`` as the store holds it (see the module); the report's input is
    the graph its data came from, with the SHA-256 of the triples validated. Raises NotFound
    for a pole with no data, InputError for a bad rule set or language."""
    [pole] = read_poles(store, [slug])
    return _validated(pole, rules, lang, as_of)[1]


def validate_poles(
    store: Store,
    slugs: Sequence[str] | None = None,
    rules: str | Iterable[str] = "all",
    lang: str = "fr",
    as_of: date | None = None,
) -> Report:
    """Validate each pole of ``slugs`` (None: every stored pole) on its own, in this process:
    see :func:`read_poles` and :func:`validate_read_poles` (which also validates in worker
    processes, once the store is closed); raises what they raise."""
    return validate_read_poles(read_poles(store, slugs), rules, lang, as_of)


def validate_read_poles(
    poles: Sequence[StoredPole],
    rules: str | Iterable[str] = "all",
    lang: str = "fr",
    as_of: date | None = None,
    workers: int = 1,
) -> Report:
    """Validate each pole on its own, in one report with each pole's verdict
    (``Report.poles``); it conforms when every pole does. With ``workers`` > 1 the poles after
    the first are validated in that many forked processes (pySHACL is pure Python: threads
    would not run side by side); call it with no store open in this process. Raises
    InputError for a bad rule set or language, ValueError when ``poles`` is empty."""
    if not poles:
        raise ValueError("no pole to validate")
    day = as_of or date.today()  # one day for every pole, even across midnight
    # The first pole in this process: it checks the options and warms the caches (shapes,
    # reference data) the other poles use (frozen out of the collector's passes) and the forked
    # workers share.
    parts = [_validated(poles[0], rules, lang, day)]
    rest = list(range(1, len(poles)))
    if rest:
        freeze_caches()
    if workers > 1 and len(rest) > 1:
        _FORKED[:] = [poles, (rules, lang, day)]
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(min(workers, len(rest)), mp_context=context) as pool:
            parts += pool.map(_validated_in_worker, rest, chunksize=max(1, len(rest) // 32))
        _FORKED.clear()
    else:
        parts += [_validated(poles[i], rules, lang, day) for i in rest]
    return combined_report(parts)


# What forked workers validate: they inherit it (and the warm caches) rather than unpickle it.
_FORKED: list[Any] = []


def _validated_in_worker(index: int) -> tuple[PoleSection, Report]:
    poles, (rules, lang, day) = _FORKED
    return _validated(poles[index], rules, lang, day)


def _validated(
    pole: StoredPole, rules: str | Iterable[str], lang: str, as_of: date | None
) -> tuple[PoleSection, Report]:
    data = rdflib.Graph()
    for triple in pole.triples:
        data.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
    report = validate(data, rules, lang, as_of, inputs=(_input(pole.graph, pole.triples),))
    iri = pole_iri(pole.slug)
    label = _label(data, rdflib.URIRef(iri), lang) or pole.slug
    return PoleSection(iri, label, pole.graph, report.conforms, report.counts), report


def _as_tuple(read: tuple[str, list[Triple]]) -> tuple[str, tuple[Triple, ...]]:
    return read[0], tuple(read[1])


def _pole(slug: str) -> NamedNode:
    return NamedNode(pole_iri(slug))


def _input(graph: str, triples: Sequence[Triple]) -> InputFile:
    """The report's record of a stored graph: its IRI and the SHA-256 of the triples validated
    (sorted N-Triples lines, so the same data gives the same digest)."""
    lines = sorted(f"{t.subject} {t.predicate} {t.object} .\n" for t in triples)
    return InputFile(graph, hashlib.sha256("".join(lines).encode("utf-8")).hexdigest())


def _label(data: rdflib.Graph, node: rdflib.URIRef, lang: str) -> str | None:
    """The node's rdfs:label in ``lang``, else any of its labels."""
    labels = list(data.objects(node, RDFS.label))
    chosen = next((x for x in labels if getattr(x, "language", None) == lang), None)
    return str(chosen or labels[0]) if labels else None
