"""HTML documentation of the ontology and of each SKOS scheme, generated from the TTL by pyLODE.

Never hand-written: the pages are rebuilt from ``ontology/ptce.ttl`` and ``ontology/vocab/*.ttl``
so the documentation cannot drift from the vocabulary (cf. GeoSPARQL issue 123).
"""

from __future__ import annotations

import importlib.metadata
import logging
import sys
import types
from pathlib import Path

from rdflib import RDF, SKOS, Graph

from ptce_kg.errors import InputError
from ptce_kg.rdf.resources import ontology_dir


def _pylode():  # noqa: ANN202 - returns the pylode module
    """Import pyLODE; its 3.4.x wheels read a pyproject.toml they do not ship, so shim it."""
    if "pylode.version" not in sys.modules:
        shim = types.ModuleType("pylode.version")
        shim.__version__ = importlib.metadata.version("pylode")
        sys.modules["pylode.version"] = shim
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    import pylode

    # pyLODE's supermodel loader calls logging.basicConfig(level=DEBUG) when imported, which
    # would make every later log line of the process (CLI, API) print: undo it.
    root.setLevel(level)
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
    return pylode


def render_html(path: Path) -> str:
    """HTML for one TTL file: pyLODE's VocPub profile for a SKOS scheme, OntPub otherwise."""
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises parser-specific types
        raise InputError(f"cannot parse as Turtle: {exc}", where=str(path)) from exc
    pylode = _pylode()
    profile = pylode.VocPub if (None, RDF.type, SKOS.ConceptScheme) in graph else pylode.OntPub
    return profile(graph).make_html()


def build_docs(outdir: Path) -> list[Path]:
    """Write OUTDIR/index.html (the ontology) and OUTDIR/vocab/<scheme>.html; return the paths."""
    root = ontology_dir()
    targets = [(root / "ptce.ttl", outdir / "index.html")] + [
        (ttl, outdir / "vocab" / f"{ttl.stem}.html")
        for ttl in sorted((root / "vocab").glob("*.ttl"))
    ]
    written = []
    for source, target in targets:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(render_html(source), encoding="utf-8")
        except OSError as exc:  # a bad OUTDIR is the user's input, not an internal error
            raise InputError(f"cannot write: {exc.strerror or exc}", where=str(target)) from exc
        written.append(target)
    return written
