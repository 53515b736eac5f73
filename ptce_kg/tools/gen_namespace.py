"""Regenerate the ``PTCE`` DefinedNamespace in ``ptce_kg/rdf/namespaces.py`` from ``ontology/ptce.ttl``.

Only the block between the BEGIN/END GENERATED markers is rewritten; the rest of the module
(pinned external namespaces, helpers) is hand-written. Run after every change to the ontology:

    python -m ptce_kg.tools.gen_namespace
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

from ptce_kg.rdf.resources import ontology_dir

PTCE_IRI = "https://w3id.org/ptce/ontology#"
BEGIN = "    # BEGIN GENERATED from ontology/ptce.ttl by ptce_kg.tools.gen_namespace\n"
END = "    # END GENERATED\n"
NAMESPACES_PY = Path(__file__).resolve().parent.parent / "rdf" / "namespaces.py"

_KINDS = (
    (OWL.Class, "Classes"),
    (OWL.ObjectProperty, "Object properties"),
    (OWL.DatatypeProperty, "Datatype properties"),
)


def _english_label(graph: Graph, term: URIRef) -> str:
    for label in graph.objects(term, RDFS.label):
        if isinstance(label, Literal) and label.language == "en":
            return str(label)
    return ""


def generated_block(graph: Graph) -> str:
    """The class-body lines declaring every ptce: term of ``graph``, grouped by kind."""
    lines = [BEGIN]
    for kind, title in _KINDS:
        names = sorted(
            str(s)[len(PTCE_IRI) :]
            for s in graph.subjects(RDF.type, kind)
            if isinstance(s, URIRef) and str(s).startswith(PTCE_IRI)
        )
        lines.append(f"    # {title}\n")
        for name in names:
            label = _english_label(graph, URIRef(PTCE_IRI + name))
            lines.append(f"    {name}: URIRef  # {label}\n")
    lines.append(END)
    return "".join(lines)


def regenerate(source: str, graph: Graph) -> str:
    """Return ``source`` (the text of namespaces.py) with its generated block replaced."""
    start, stop = source.index(BEGIN), source.index(END) + len(END)
    return source[:start] + generated_block(graph) + source[stop:]


def main() -> int:
    graph = Graph().parse(ontology_dir() / "ptce.ttl", format="turtle")
    NAMESPACES_PY.write_text(regenerate(NAMESPACES_PY.read_text("utf-8"), graph), "utf-8")
    print(f"wrote {NAMESPACES_PY}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
