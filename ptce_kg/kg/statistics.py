"""The ``statistics`` graph: the ESS statistics cube of the registry graphs (``sirene``,
``recherche-entreprises``), rebuilt whenever they or the reference data it reads changed.

An import hands over the facts it streamed (``imported``); a registry graph it did not write
gives its facts through SPARQL. The ESS category of a unit is the family the linking rules
derived, so the derived graph must be up to date first. The observations of the current period
(the date of the newest registry import) are replaced; those of earlier periods are kept, so
successive imports make a series (a new period is added beside them, not rewriting them). The
graph is written by the bulk loader (like an import) and described in the metadata graph; an
unchanged input leaves it, and the store, as they are.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from itertools import chain
from pathlib import Path

from pyoxigraph import Literal, NamedNode
from rdflib.namespace import XSD

from ptce_kg.kg.importers.common import add_lines_to_graph, replace_graph_from_lines
from ptce_kg.kg.metadata import (
    GraphDescription,
    descriptions,
    record,
    recorded_fingerprint,
    sha256_of,
    sha256_of_text,
)
from ptce_kg.rdf import graphs
from ptce_kg.rdf.iris import ORGS
from ptce_kg.rdf.resources import ontology_dir, sparql_dir
from ptce_kg.sparql.catalogue import statement
from ptce_kg.sparql.results import solutions, triples
from ptce_kg.statistics.aggregate import observations
from ptce_kg.statistics.cube import dataset_lines, observation_lines
from ptce_kg.statistics.facts import RegistryFacts, facts_from_store
from ptce_kg.store.base import Store
from ptce_kg.store.updates import delete_data

STATISTICS_GRAPH = graphs.STATISTICS
REGISTRY_GRAPHS = (graphs.SIRENE, graphs.RECHERCHE_ENTREPRISES)
# What else the cube reads: legal forms (through the derived families), the COG, NAF.
_REFERENCE_GRAPHS = (graphs.REFERENCE_LEGAL_FORMS, graphs.REFERENCE_COG, graphs.REFERENCE_NAF)


@dataclass(frozen=True)
class StatisticsOutcome:
    """What a refresh of the statistics graph did."""

    changed: bool
    observations: int = 0
    triples: int = 0
    seconds: float = 0.0

    def text(self) -> str:
        """One line for the command line."""
        if not self.changed:
            return f"statistics graph unchanged <{STATISTICS_GRAPH}>"
        return (
            f"statistics graph rebuilt: {self.observations} observations, {self.triples} "
            f"triples in {self.seconds:.1f} s <{STATISTICS_GRAPH}>"
        )


def _builder_files() -> list[Path]:
    return [
        *sorted((sparql_dir() / "statistics").glob("*.rq")),
        *sorted((ontology_dir() / "cube").glob("*.ttl")),
    ]


def _description(recorded: dict, present: list[str]) -> GraphDescription:
    """The graph's description; its sha256 covers the builder's files and each input graph's
    recorded sha256 and size, so it changes exactly when a rebuild can give other counts."""
    inputs = [*present, *_REFERENCE_GRAPHS]
    state = "".join(
        f"{g} {recorded.get(g, {}).get('triples', '')} {recorded.get(g, {}).get('sha256', '')}\n"
        for g in inputs
    )
    files = _builder_files()
    return GraphDescription(
        graph=STATISTICS_GRAPH,
        title="Cube statistique de l'ESS : unités du répertoire par territoire (RDF Data Cube)",
        sources=tuple(p.resolve().as_uri() for p in files),
        sha256=sha256_of_text(f"{sha256_of(files)}\n{state}"),
        triples=0,
        license="derived from the graphs of prov:wasDerivedFrom: their licences apply",
        credit="ptce-kg statistics cube",
        description="Rebuilt after each registry import (and by init when its inputs changed); "
        "observations of earlier periods are kept.",
        derived_from=(*inputs, graphs.DERIVED),
    )


def _period(recorded: dict, present: list[str]) -> str:
    """The current period: the day the newest registry graph was written (UTC)."""
    dates = [str(recorded.get(g, {}).get("modified", ""))[:10] for g in present]
    return max((d for d in dates if d), default="")


def _families(store: Store) -> dict[str, str]:
    """SIREN -> the ESS family derived for its legal unit (the first, should there be two)."""
    families: dict[str, str] = {}
    for row in solutions(store.query(statement("statistics/unit-families"))):
        unit = row["unit"].value
        if unit.startswith(ORGS):
            families.setdefault(unit[len(ORGS) :], row["family"].value)
    return families


def refresh_statistics(
    store: Store, *, imported: dict[str, RegistryFacts] | None = None
) -> StatisticsOutcome:
    """Rebuild the statistics graph when its inputs changed (see the module docstring).

    ``imported``: registry graph -> the facts its import just streamed.
    """
    started = time.perf_counter()
    recorded = descriptions(store)
    names = set(store.graph_names())
    present = [g for g in REGISTRY_GRAPHS if g in names]
    description = _description(recorded, present)
    previous = recorded_fingerprint(store, STATISTICS_GRAPH)
    if STATISTICS_GRAPH in names and previous is not None and previous[0] == description.sha256:
        return StatisticsOutcome(changed=False)
    facts = RegistryFacts()
    for graph in present:
        facts.extend((imported or {}).get(graph) or facts_from_store(store, graph))
    period = _period(recorded, present)
    cells = observations(facts, _families(store))
    lines = chain([dataset_lines(period)], observation_lines(cells, period) if period else [])
    bound = {"period": Literal(period, datatype=NamedNode(XSD.date))}
    if (
        period
        and previous is not None
        and not store.query(statement("statistics/period-present"), substitutions=bound)
    ):
        # A new period: the earlier ones stay as they are, only the header is replaced (its
        # date) and the new observations added, so an import costs the same whatever the
        # length of the series.
        header = list(triples(store.query(statement("statistics/header"))))
        store.update(delete_data(NamedNode(STATISTICS_GRAPH), header))
        count = previous[1] - len(header) + add_lines_to_graph(store, STATISTICS_GRAPH, lines)
    else:
        kept = triples(store.query(statement("statistics/other-periods"), substitutions=bound))
        earlier = [f"{triple} .\n" for triple in kept]
        count = replace_graph_from_lines(store, STATISTICS_GRAPH, chain([earlier], lines))
    record(store, replace(description, triples=count))
    return StatisticsOutcome(
        changed=True,
        observations=cells.height if period else 0,
        triples=count,
        seconds=time.perf_counter() - started,
    )
