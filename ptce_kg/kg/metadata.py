"""Descriptions of the named graphs, kept in the ``metadata`` graph (DCAT, PROV, VoID, DC terms).

Each graph IRI is described as a ``dcat:Dataset`` / ``prov:Entity`` / ``void:Dataset`` with its
sources (``dcterms:source``: IRIs, or the literal names of uploaded files), the sha256 of those
sources (``dcterms:identifier "sha256:…"``), its triple count (``void:triples``), licence,
credit and load time. The derived graph adds
``prov:wasDerivedFrom`` its input graphs; the metadata graph describes itself too (its sources
are the graphs it describes, its sha256 that of their descriptions), refreshed after each write.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Triple

from ptce_kg.rdf.graphs import METADATA
from ptce_kg.store.base import Store

DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
VOID = "http://rdfs.org/ns/void#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SHA256_PREFIX = "sha256:"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
LICENSE_NOT_STATED = "not stated by the source (ask its provider before reusing the data)"


@dataclass(frozen=True)
class GraphDescription:
    """What the metadata graph says about one named graph."""

    graph: str
    title: str
    sources: tuple[str, ...]  # IRIs: file: IRIs of local files, or web addresses
    sha256: str
    triples: int
    # names a client gave its uploaded files: recorded as literals, never taken for IRIs or paths
    source_names: tuple[str, ...] = ()
    license: str = LICENSE_NOT_STATED  # an IRI, or a sentence when the licence has none
    credit: str | None = None
    description: str | None = None
    derived_from: tuple[str, ...] = ()  # graph IRIs (prov:wasDerivedFrom)
    modified: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))


def sha256_of(paths: Iterable[Path]) -> str:
    """The sha256 of one file; of several files (or a folder), that of their name+hash lines."""
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path])
    digests = []
    for path in files:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        digests.append((path.name, digest.hexdigest()))
    if len(digests) == 1:
        return digests[0][1]
    return hashlib.sha256("".join(f"{n}  {h}\n" for n, h in digests).encode()).hexdigest()


def sha256_of_text(text: str) -> str:
    """The sha256 of a text (UTF-8), for inputs that are not files."""
    return hashlib.sha256(text.encode()).hexdigest()


def _object(value: str) -> NamedNode | Literal:
    return (
        NamedNode(value) if value.startswith(("http://", "https://", "file:")) else Literal(value)
    )


def description_triples(d: GraphDescription) -> list[Triple]:
    """The triples describing ``d.graph``."""
    node = NamedNode(d.graph)
    stamp = Literal(d.modified.isoformat(), datatype=NamedNode(f"{XSD}dateTime"))
    triples = [
        Triple(node, RDF_TYPE, NamedNode(f"{DCAT}Dataset")),
        Triple(node, RDF_TYPE, NamedNode(f"{PROV}Entity")),
        Triple(node, RDF_TYPE, NamedNode(f"{VOID}Dataset")),
        Triple(node, NamedNode(f"{DCTERMS}title"), Literal(d.title)),
        Triple(node, NamedNode(f"{DCTERMS}identifier"), Literal(SHA256_PREFIX + d.sha256)),
        Triple(
            node,
            NamedNode(f"{VOID}triples"),
            Literal(str(d.triples), datatype=NamedNode(f"{XSD}integer")),
        ),
        Triple(node, NamedNode(f"{DCTERMS}modified"), stamp),
        Triple(node, NamedNode(f"{PROV}generatedAtTime"), stamp),
    ]
    triples += [Triple(node, NamedNode(f"{DCTERMS}source"), _object(s)) for s in d.sources if s]
    triples += [Triple(node, NamedNode(f"{DCTERMS}source"), Literal(n)) for n in d.source_names]
    triples.append(Triple(node, NamedNode(f"{DCTERMS}license"), _object(d.license)))
    if d.credit:
        triples.append(
            Triple(node, NamedNode(f"{DCTERMS}bibliographicCitation"), Literal(d.credit))
        )
    if d.description:
        triples.append(Triple(node, NamedNode(f"{DCTERMS}description"), Literal(d.description)))
    triples += [
        Triple(node, NamedNode(f"{PROV}wasDerivedFrom"), NamedNode(g)) for g in d.derived_from
    ]
    return triples


def forget_update(graph: str) -> str:
    """A SPARQL update removing the description of ``graph``."""
    return f"DELETE WHERE {{ GRAPH <{METADATA}> {{ <{graph}> ?p ?o }} }}"


def record_update(d: GraphDescription) -> str:
    """A SPARQL update replacing the description of ``d.graph`` (one transaction)."""
    body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in description_triples(d))
    return f"{forget_update(d.graph)} ;\nINSERT DATA {{ GRAPH <{METADATA}> {{\n{body}\n}} }}"


def record(store: Store, d: GraphDescription) -> None:
    """Replace the description of ``d.graph`` in the metadata graph (then its own description)."""
    store.update(record_update(d))
    describe_metadata_graph(store)


def record_unless_same(store: Store, d: GraphDescription) -> bool:
    """Record ``d`` unless the same sha256, count and sources are recorded (keeping the old load
    time, so an unchanged graph leaves the store identical); True when it was recorded."""
    if recorded_fingerprint(store, d.graph) == fingerprint(d):
        return False
    record(store, d)
    return True


def forget(store: Store, graph: str) -> None:
    """Remove the description of ``graph``."""
    store.update(forget_update(graph))
    describe_metadata_graph(store)


def describe_metadata_graph(store: Store) -> None:
    """Describe the metadata graph itself, like any other graph, when its content changed.

    Its sources are the graphs it describes and its sha256 that of their sorted descriptions;
    its triple count includes its own description (a fixed number of triples).
    """
    own = NamedNode(METADATA)
    others = [q for q in store.quads(METADATA) if q.subject != own]
    lines = sorted(f"{q.subject} {q.predicate} {q.object} .\n" for q in others)
    described = sorted({q.subject.value for q in others if isinstance(q.subject, NamedNode)})
    draft = GraphDescription(
        graph=METADATA,
        title="Descriptions des graphes nommés (DCAT, PROV, VoID)",
        sources=tuple(described),
        sha256=sha256_of_text("".join(lines)),
        triples=0,
        license=CC_BY,
        credit="ptce-kg",
        description="Written by ptce-kg: source, sha256, triple count, licence and date of "
        "every named graph, this one included.",
    )
    final = replace(draft, triples=len(lines) + len(description_triples(draft)))
    if recorded_fingerprint(store, METADATA) != fingerprint(final):
        store.update(record_update(final))


@dataclass(frozen=True)
class GraphOutcome:
    """What happened to one graph written with its description."""

    graph: str
    triples: int
    changed: bool


def write_described(
    store: Store, description: GraphDescription, triples: list[Triple], stored_size: int | None
) -> GraphOutcome:
    """Replace ``description.graph`` by ``triples`` and record its description, unless the
    store already holds that version (same sha256, count and sources recorded, same size).

    Keeping an unchanged graph keeps its blank-node labels and load time, so writing the same
    sources twice leaves the store identical.
    """
    content = list(dict.fromkeys(triples))
    if stored_size == len(content) and recorded_fingerprint(
        store, description.graph
    ) == fingerprint(replace(description, triples=len(content))):
        return GraphOutcome(description.graph, len(content), changed=False)
    count = store.replace_graph(description.graph, content)
    record(store, replace(description, triples=count))
    return GraphOutcome(description.graph, count, changed=True)


Fingerprint = tuple[str, int, tuple[str, ...], str | None]  # None: no licence recorded


def fingerprint(d: GraphDescription) -> Fingerprint:
    """What identifies a version of a graph: sha256, triple count, sorted sources, licence."""
    return d.sha256, d.triples, tuple(sorted({*d.sources, *d.source_names})), d.license


def recorded_fingerprint(store: Store, graph: str) -> Fingerprint | None:
    """The recorded fingerprint of ``graph`` (see ``fingerprint``), or None."""
    rows = list(
        store.query(
            f"""SELECT ?id ?n ?source ?license WHERE {{ GRAPH <{METADATA}> {{
                <{graph}> <{DCTERMS}identifier> ?id ; <{VOID}triples> ?n
                OPTIONAL {{ <{graph}> <{DCTERMS}source> ?source }}
                OPTIONAL {{ <{graph}> <{DCTERMS}license> ?license }} }} }}"""
        )
    )
    if not rows or len({(r["id"].value, r["n"].value) for r in rows}) != 1:
        return None
    sources = tuple(sorted({r["source"].value for r in rows if r["source"] is not None}))
    licenses = {r["license"].value for r in rows if r["license"] is not None}
    license = licenses.pop() if len(licenses) == 1 else None
    return (
        rows[0]["id"].value.removeprefix(SHA256_PREFIX),
        int(rows[0]["n"].value),
        sources,
        license,
    )


def graph_size(store: Store, graph: str) -> int:
    """The triple count of ``graph`` its description records, else counted (0 when absent).

    A national graph takes seconds to count, and every writer records its count.
    """
    recorded = recorded_fingerprint(store, graph)
    if recorded is not None:
        return recorded[1]
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return next(int(row["n"].value) for row in rows)  # type: ignore[union-attr]


def descriptions(store: Store) -> dict[str, dict[str, str | list[str]]]:
    """Every described graph -> its metadata fields (short names), for listings."""
    fields = {
        f"{DCTERMS}title": "title",
        f"{DCTERMS}identifier": "sha256",
        f"{VOID}triples": "triples",
        f"{DCTERMS}modified": "modified",
        f"{DCTERMS}source": "source",
        f"{DCTERMS}license": "license",
        f"{DCTERMS}bibliographicCitation": "credit",
        f"{DCTERMS}description": "description",
        f"{PROV}wasDerivedFrom": "derived_from",
    }
    lists = ("source", "derived_from")
    result: dict[str, dict[str, str | list[str]]] = {}
    for row in store.query(f"SELECT ?g ?p ?o WHERE {{ GRAPH <{METADATA}> {{ ?g ?p ?o }} }}"):
        name = fields.get(row["p"].value)
        if name is None:
            continue
        entry = result.setdefault(row["g"].value, {})
        value = row["o"].value
        if name == "sha256":
            value = value.removeprefix(SHA256_PREFIX)
        if name in lists:
            entry.setdefault(name, [])
            entry[name].append(value)  # type: ignore[union-attr]
        else:
            entry[name] = value
    for entry in result.values():
        for name in lists:
            if isinstance(entry.get(name), list):
                entry[name] = sorted(entry[name])  # type: ignore[arg-type]
    return result
