"""Write the converted graph: Turtle, N-Triples or JSON-LD, atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from rdflib import Graph

from ptce_kg.errors import InputError

# CLI name -> rdflib serializer name; the file suffixes that imply it.
FORMATS = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld"}
SUFFIXES = {".ttl": "turtle", ".nt": "nt", ".jsonld": "jsonld", ".json": "jsonld"}


def format_for(path: Path | None, requested: str | None) -> str:
    """The format asked for, else the one the output file's suffix implies, else Turtle."""
    if requested:
        return requested
    return SUFFIXES.get(path.suffix.lower(), "turtle") if path else "turtle"


def serialize(graph: Graph, fmt: str) -> bytes:
    """The graph in ``fmt`` (a key of FORMATS); JSON-LD is compacted with the bound prefixes."""
    if fmt == "jsonld":
        context = {prefix: str(ns) for prefix, ns in graph.namespaces() if prefix}
        return graph.serialize(format="json-ld", context=context, encoding="utf-8")
    return graph.serialize(format=FORMATS[fmt], encoding="utf-8")


def write_atomic(data: bytes, path: Path) -> None:
    """Write ``path`` whole or not at all (a failed run never leaves half a file)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:  # an unusable output path is the user's input, not an internal error
        raise InputError(f"cannot write: {exc.strerror or exc}", where=str(path)) from exc
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
