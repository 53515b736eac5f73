"""The ``load`` service: RDF files (or the spreadsheet template) into named graphs, atomically.

Every file is read (by ``validation.inputs``, the reader ``validate`` uses) before anything is
written, so one bad file leaves the store exactly as it was. Each file goes to the graph of the
pole it describes (``…/graph/pole/<slug>`` of its one ``…/id/pole/<slug>`` typed ptce:Pole) unless a
graph is given (then all files go to that one graph). Whatever goes into a pole graph must pass
the ownership check (``ptce_kg.kg.ownership``), the same as a pole's upload through the API.
Loading replaces the target graph; loading the same file(s) again leaves it as it is; a graph
that holds data from other sources is only overwritten with ``replace=True``. The graph's
licence in the metadata graph is the one given, else the one the files state
(``dcterms:license``), else a sentence saying none was stated.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import NamedNode, Triple
from rdflib.namespace import DCTERMS

from ptce_kg.errors import InputError
from ptce_kg.kg.linking import rebuild_derived
from ptce_kg.kg.metadata import (
    LICENSE_NOT_STATED,
    GraphDescription,
    descriptions,
    sha256_of,
    write_described,
)
from ptce_kg.kg.ownership import check_pole_graph, described_pole, known_poles, pole_of_graph
from ptce_kg.kg.statistics import refresh_statistics
from ptce_kg.rdf import graphs
from ptce_kg.rdf.iris import pole_graph
from ptce_kg.rdf.terms import triples_from_rdflib
from ptce_kg.store.base import Store
from ptce_kg.validation.inputs import read_input

# Graphs only ptce-kg itself writes: loading user files into them would be silently undone.
RESERVED = (graphs.METADATA, graphs.DERIVED, graphs.STATISTICS)
DCTERMS_LICENSE = NamedNode(DCTERMS.license)


@dataclass(frozen=True)
class LoadResult:
    """One graph written by ``load``."""

    graph: str
    files: tuple[Path, ...]
    triples: int  # in the graph after the load
    changed: bool  # False: the graph already held exactly these files
    before: int = 0  # in the graph before the load (0: there was no such graph)


def stated_license(triples: list[Triple]) -> str | None:
    """The licence the data states about itself, when it states exactly one."""
    found = {
        t.object.value
        for t in triples
        if t.predicate == DCTERMS_LICENSE and not isinstance(t.object, Triple)
    }
    return found.pop() if len(found) == 1 else None


def load_files(
    store: Store,
    paths: list[Path],
    *,
    graph: str | None = None,
    replace: bool = False,
    input_format: str | None = None,
    link: bool = True,
    license: str | None = None,
) -> list[LoadResult]:
    """Load ``paths`` (see the module docstring); return one result per graph written.

    With ``link`` the derived graph is rebuilt afterwards (when a graph changed). Raises
    InputError for a file that cannot be read, whose pole graph cannot be told (no pole or
    several, without ``graph``), or that holds data from other sources without ``replace``;
    OwnershipError for data a pole may not write into its graph. Nothing is written then.
    """
    if not paths:
        raise InputError("no file to load")
    for path in paths:
        if not path.exists():
            raise InputError("no such file or folder", where=str(path))
    if graph is not None:
        if not graph.startswith(("http://", "https://", "urn:")):
            raise InputError(f"not an absolute IRI: {graph!r}", where="--graph")
        if graph in RESERVED:
            raise InputError(
                f"<{graph}> is written by ptce-kg itself and cannot be loaded into",
                where="--graph",
            )
        pole_of_graph(graph)  # a name under …/graph/pole/ must be a pole's
    # Parse everything first: nothing is written unless every file is readable.
    targets: dict[str, list[Path]] = {}
    content: dict[str, list[Triple]] = {}
    for path in paths:
        # owl:imports are data here (they are never followed): stored as any other triple.
        triples = list(triples_from_rdflib(read_input(path, input_format, imports_allowed=True)))
        target = graph or pole_graph(described_pole(triples, str(path)))
        targets.setdefault(target, []).append(path)
        content.setdefault(target, []).extend(triples)
    known = descriptions(store)
    poles = known_poles(store.graph_names())
    for target, files in targets.items():
        previous = known.get(target, {}).get("source")
        sources = sorted(p.resolve().as_uri() for p in files)
        if not replace and previous and previous != sources:
            raise InputError(
                f"graph <{target}> holds data loaded from {', '.join(previous)}; "
                "use --replace to overwrite it, or --graph to choose another graph",
                where=str(files[0]),
            )
        content[target] = list(dict.fromkeys(content[target]))
        pole = pole_of_graph(target)
        if pole is not None:
            check_pole_graph(content[target], pole, poles, where=", ".join(str(p) for p in files))
    sizes = {g.iri: g.triples for g in store.graphs()}
    results = []
    for target, files in targets.items():
        description = GraphDescription(
            graph=target,
            title=f"Loaded from {', '.join(p.name for p in files)}",
            sources=tuple(sorted(p.resolve().as_uri() for p in files)),
            sha256=sha256_of(files),
            triples=len(content[target]),
            license=license or stated_license(content[target]) or LICENSE_NOT_STATED,
        )
        outcome = write_described(store, description, content[target], sizes.get(target))
        results.append(
            LoadResult(target, tuple(files), outcome.triples, outcome.changed, sizes.get(target, 0))
        )
    if link and any(r.changed for r in results):
        rebuild_derived(store)
        refresh_statistics(store)  # a no-op unless a registry graph was loaded into
    return results
