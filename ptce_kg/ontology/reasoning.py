"""Check the ontology (and optional data) with HermiT through owlready2.

The ontology, its SKOS schemes, the pinned declarations of ``ontology/imports/`` and the data
(parsed by :mod:`ptce_kg.rdf.parsing`, which never fetches anything) are merged with rdflib, written
as N-Triples and classified by HermiT. owlready2 follows the ``owl:imports`` of whichever
ontology header it meets first (over the network or from local files) and imports the Python
module an ontology names: data declaring ``owl:imports`` is refused, and the merged graph is
stripped of both predicates before owlready2 sees it.

HermiT says only "inconsistent" or lists unsatisfiable classes; to name the individuals or
axioms involved, an RDFS-level pass over the same triples (types, domains, ranges,
sub-classes) looks for a node that falls into two disjoint classes, or a literal outside its
range.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import owlready2
from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.term import Node

from ptce_kg.errors import InputError, QueryTimeout, ReasonerUnavailable
from ptce_kg.rdf.parsing import parse_file, refuse_imports
from ptce_kg.rdf.resources import ontology_dir

_OWLREADY_LOCK = threading.Lock()
# Predicates owlready2 acts on while loading (fetching ontologies, importing Python modules).
_OWLREADY_ACTIONS = (
    OWL.imports,
    URIRef("http://www.lesfleursdunormal.fr/static/_downloads/owlready_ontology.owl#python_module"),
)


@dataclass
class Conflict:
    """A node put in contradiction (two disjoint classes, a literal out of range), and why."""

    node: str
    explanation: str

    def __str__(self) -> str:
        return f"{self.node}: {self.explanation}"


@dataclass
class ReasonerReport:
    """What HermiT found, in terms a user can act on."""

    consistent: bool
    unsatisfiable: list[Conflict] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    misuses: list[Conflict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.consistent and not self.unsatisfiable and not self.misuses

    def to_text(self) -> str:
        lines = [f"checked: {', '.join(self.files)}"]
        if self.consistent:
            lines.append("consistent: yes")
        else:
            lines.append("consistent: NO (HermiT: inconsistent ontology)")
            if self.conflicts:
                lines += [f"  - {c}" for c in self.conflicts]
            else:
                lines.append(
                    "  no class-disjointness conflict found by the explainer; look for a "
                    "literal that breaks a datatype range or a functional property"
                )
        if self.misuses:
            lines.append("not OWL 2 DL (HermiT ignores these triples):")
            lines += [f"  - {m}" for m in self.misuses]
        if self.unsatisfiable:
            lines.append("unsatisfiable classes:")
            lines += [f"  - {c}" for c in self.unsatisfiable]
        elif self.consistent:
            lines.append("unsatisfiable classes: none")
        return "\n".join(lines)


def ontology_files() -> list[Path]:
    """The TTL files the reasoner always loads: ptce.ttl, the SKOS schemes, the pinned imports."""
    root = ontology_dir()
    return [
        root / "ptce.ttl",
        *sorted((root / "vocab").glob("*.ttl")),
        *sorted((root / "imports").glob("*.ttl")),
    ]


def load_data(path: Path) -> Graph:
    """Parse one data file safely (any RDF syntax, see rdfio); errors say the file and line.

    Named graphs are merged into one graph: the reasoner sees the union of the whole dataset.
    """
    dataset = parse_file(path)
    graph = Graph()
    for s, p, o, _ in dataset.quads():
        graph.add((s, p, o))
    refuse_imports(graph, str(path))
    for s, p, o in graph:
        if isinstance(o, Literal) and o.ill_typed is True:
            raise InputError(
                f'ill-typed literal "{o}" (datatype <{o.datatype}>) as the value of <{p}> on <{s}>',
                str(path),
            )
    return graph


def reason(
    data_files: Sequence[Path] = (), *, java: str | None = None, timeout: float = 120.0
) -> ReasonerReport:
    """Run HermiT on the ontology plus ``data_files`` and report consistency.

    Raises ReasonerUnavailable when no Java runtime is found, InputError for unreadable data,
    QueryTimeout when HermiT runs past ``timeout`` seconds (the Java process is killed).
    """
    # the data first: a bad file is reported (exit 2, file and line) even without Java
    data = [load_data(Path(path)) for path in data_files]
    java_exe = java or shutil.which("java")
    if not java_exe:
        raise ReasonerUnavailable(
            "HermiT needs Java and no `java` is on PATH; install a JRE "
            "(e.g. `apt-get install -y default-jre-headless`) to use `ptce-kg reason`"
        )
    merged = Graph()
    for path in ontology_files():
        merged.parse(path, format="turtle")
    for graph in data:
        merged += graph
    for predicate in _OWLREADY_ACTIONS:
        merged.remove((None, predicate, None))
    files = [str(p) for p in data_files] or ["ontology only"]

    with tempfile.TemporaryDirectory(prefix="ptce-reason-") as tmp:
        nt = Path(tmp) / "merged.nt"
        merged.serialize(nt, format="nt", encoding="utf-8")
        world = owlready2.World()
        try:
            world.get_ontology(nt.as_uri()).load(format="ntriples")
        except owlready2.OwlReadyOntologyParsingError as exc:
            world.close()
            raise InputError(f"owlready2 cannot read the merged data: {exc}") from exc
        # owlready2 configures Java through module globals: one run at a time (API threads).
        with _OWLREADY_LOCK:
            report = _run_hermit(world, merged, files, java_exe, timeout)
    report.misuses = kind_misuses(merged)
    return report


def _run_hermit(
    world: owlready2.World, merged: Graph, files: list[str], java_exe: str, timeout: float
) -> ReasonerReport:
    """Classify ``world`` with HermiT; on inconsistency, explain it from the ``merged`` triples."""
    previous = owlready2.JAVA_EXE
    owlready2.JAVA_EXE = java_exe
    # owlready2 passes these keyword arguments to subprocess: a timeout there makes
    # subprocess kill HermiT's JVM instead of letting untrusted data hang the command.
    kwargs = owlready2.reasoning._subprocess_kargs
    kwargs["timeout"] = timeout
    try:
        owlready2.sync_reasoner_hermit(world, debug=0, ignore_unsupported_datatypes=True)
        # owlready2 lists owl:Nothing itself among them: it is empty by definition, not a defect
        unsat = sorted(c.iri for c in world.inconsistent_classes() if c.iri != str(OWL.Nothing))
    except owlready2.OwlReadyInconsistentOntologyError:
        return ReasonerReport(False, conflicts=find_conflicts(merged), files=files)
    except owlready2.OwlReadyJavaError as exc:
        raise InputError(f"HermiT refused the input: {_first_lines(str(exc))}") from exc
    except subprocess.TimeoutExpired as exc:
        raise QueryTimeout(f"HermiT ran past {timeout:g} s and was stopped") from exc
    finally:
        owlready2.JAVA_EXE = previous
        kwargs.pop("timeout", None)
        world.close()
    return ReasonerReport(
        True,
        unsatisfiable=[explain_unsatisfiable(merged, URIRef(iri)) for iri in unsat],
        files=files,
    )


def _short(graph: Graph, node: Node) -> str:
    """A prefixed name when the input declared the prefix, else the full IRI."""
    try:
        return graph.namespace_manager.curie(str(node), generate=False)
    except (ValueError, KeyError):
        return str(node)


def _first_lines(text: str, n: int = 6) -> str:
    return " | ".join(line.strip() for line in text.splitlines()[:n] if line.strip())


def _closure(graph: Graph, start: URIRef, prop: URIRef) -> set[URIRef]:
    """``start`` and everything reachable through ``prop`` (named nodes only)."""
    seen, todo = {start}, [start]
    while todo:
        for nxt in graph.objects(todo.pop(), prop):
            if isinstance(nxt, URIRef) and nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def find_conflicts(graph: Graph) -> list[Conflict]:
    """Individuals typed (directly, or through a domain or range) into two disjoint classes."""
    reasons: dict[URIRef, dict[URIRef, str]] = {}

    def add(ind: Node, cls: URIRef, why: str) -> None:
        if isinstance(ind, URIRef):
            for sup in _closure(graph, cls, RDFS.subClassOf):
                reasons.setdefault(ind, {}).setdefault(
                    sup, why if sup == cls else f"{why}, ⊑ {_short(graph, sup)}"
                )

    schema_types = {
        OWL.Class,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.Ontology,
        OWL.AnnotationProperty,
        OWL.TransitiveProperty,
        RDFS.Class,
    }
    schema_nodes = {s for t in schema_types for s in graph.subjects(RDF.type, t)}
    for ind, cls in graph.subject_objects(RDF.type):
        if isinstance(cls, URIRef) and cls not in schema_types and ind not in schema_nodes:
            add(ind, cls, f"typed {_short(graph, cls)}")
    for s, p, o in graph:
        if p == RDF.type or s in schema_nodes or not isinstance(p, URIRef):
            continue
        for sup in _closure(graph, p, RDFS.subPropertyOf):
            via = _short(graph, p) + ("" if sup == p else f" ⊑ {_short(graph, sup)}")
            # a union domain or range entails no single class: only named ones count
            for dom in graph.objects(sup, RDFS.domain):
                if isinstance(dom, URIRef):
                    add(s, dom, f"subject of {via}, domain {_short(graph, dom)}")
            if not isinstance(o, Literal):
                for rng in graph.objects(sup, RDFS.range):
                    if isinstance(rng, URIRef):
                        add(o, rng, f"object of {via}, range {_short(graph, rng)}")

    conflicts = []
    for ind, types in sorted(reasons.items()):
        for a, b in _disjoint_pairs(graph):
            if a in types and b in types:
                conflicts.append(
                    Conflict(
                        str(ind),
                        f"is both {_short(graph, a)} ({types[a]}) and {_short(graph, b)} "
                        f"({types[b]}), which are disjoint",
                    )
                )
    return conflicts + _literal_conflicts(graph)


def _disjoint_pairs(graph: Graph) -> list[tuple[URIRef, URIRef]]:
    """The ``owl:disjointWith`` pairs between named classes, each once, sorted."""
    pairs = {
        tuple(sorted((a, b)))
        for a, b in graph.subject_objects(OWL.disjointWith)
        if isinstance(a, URIRef) and isinstance(b, URIRef) and a != b
    }
    return sorted(pairs)


def explain_unsatisfiable(graph: Graph, cls: URIRef) -> Conflict:
    """Why HermiT finds ``cls`` unsatisfiable: two disjoint named classes among its superclasses.

    Each side is given with the chain of ``rdfs:subClassOf`` axioms that leads to it.
    """
    chains: dict[URIRef, list[URIRef]] = {cls: [cls]}
    todo = [cls]
    while todo:
        current = todo.pop(0)  # breadth first: the shortest chain to each superclass
        for sup in graph.objects(current, RDFS.subClassOf):
            if isinstance(sup, URIRef) and sup not in chains:
                chains[sup] = chains[current] + [sup]
                todo.append(sup)
    for a, b in _disjoint_pairs(graph):
        if a in chains and b in chains:
            why = " and ".join(" ⊑ ".join(_short(graph, c) for c in chains[x]) for x in (a, b))
            return Conflict(str(cls), f"{why}, which are disjoint")
    return Conflict(
        str(cls), "no two disjoint named superclasses found; look at its class expressions"
    )


# Datatypes whose values are also values of a wider one (OWL 2 datatype map, the part we use).
_WIDER = {
    XSD.integer: {XSD.decimal},
    XSD.nonNegativeInteger: {XSD.integer, XSD.decimal},
    XSD.int: {XSD.integer, XSD.decimal},
    XSD.token: {XSD.normalizedString, XSD.string},
    XSD.normalizedString: {XSD.string},
}


def _literal_conflicts(graph: Graph) -> list[Conflict]:
    """Literals whose datatype (or language tag) is outside the property's declared range."""
    found = []
    for s, p, o in graph:
        if not isinstance(o, Literal) or not isinstance(p, URIRef):
            continue
        kind = RDF.langString if o.language else (o.datatype or XSD.string)
        for rng in graph.objects(p, RDFS.range):
            if rng == RDFS.Literal or not str(rng).startswith(str(XSD)):
                continue
            if kind != rng and rng not in _WIDER.get(kind, set()):
                found.append(
                    Conflict(
                        str(s),
                        f"value {o.n3()} of {_short(graph, p)} "
                        f"is not in its range {_short(graph, rng)}",
                    )
                )
    return found


def kind_misuses(graph: Graph) -> list[Conflict]:
    """Object properties given a literal, datatype properties given a node.

    OWL 2 DL forbids both; HermiT silently drops such triples, so they are reported here.
    """
    objects = set(graph.subjects(RDF.type, OWL.ObjectProperty))
    datatypes = set(graph.subjects(RDF.type, OWL.DatatypeProperty))
    found = []
    for s, p, o in graph:
        if p in objects and isinstance(o, Literal):
            found.append(Conflict(str(s), f"{_short(graph, p)} needs a node, got {o.n3()}"))
        elif p in datatypes and not isinstance(o, Literal):
            found.append(Conflict(str(s), f"{_short(graph, p)} needs a literal, got {o.n3()}"))
    return sorted(found, key=str)
