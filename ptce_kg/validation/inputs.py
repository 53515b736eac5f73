"""The one reader of input files: ``load``, ``validate`` and a pole's upload read files here (the
reasoner reads RDF through the same ``rdf.parsing.read_graph``).

An input is the spreadsheet template (a workbook, a CSV file or a folder of them, see
``ptce_kg.spreadsheet``) or RDF in any syntax, read by the safe parser (``rdf.parsing``: no
network, no local file reads, no entity expansion); the triples of all its graphs come back in
one rdflib graph. Errors name the file (and sheet, row, column or line).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path, PurePath

import rdflib

from ptce_kg import spreadsheet
from ptce_kg.errors import InputError
from ptce_kg.rdf.parsing import read_graph, read_graph_bytes


def read_input(
    path: Path, input_format: str | None = None, *, imports_allowed: bool = False
) -> rdflib.Graph:
    """One input file or template folder; the RDF syntax is ``input_format``, else the file's
    extension. Raises InputError (TableErrors, UnsafeInputError…) for one that cannot be read,
    UnsafeInputError for RDF that declares ``owl:imports`` unless ``imports_allowed``."""
    if input_format is None and spreadsheet.is_spreadsheet(path):
        return spreadsheet.to_rdf(path)
    return read_graph(path, input_format, imports_allowed=imports_allowed)


def read_input_bytes(data: bytes, name: str, input_format: str | None = None) -> rdflib.Graph:
    """One input held in memory (an upload: never written to disk), read like
    :func:`read_input`; ``name`` is a file name, never opened: its extension gives the syntax
    and errors name it."""
    if input_format is None and PurePath(name).suffix.lower() in spreadsheet.SPREADSHEET_SUFFIXES:
        return spreadsheet.to_rdf_bytes(data, name)
    return read_graph_bytes(data, name, input_format)


def read_inputs(paths: Sequence[Path], input_format: str | None = None) -> rdflib.Graph:
    """Several inputs in one graph (see :func:`read_input`); InputError when there are none or
    one does not exist."""
    if not paths:
        raise InputError("no file to validate")
    graph = rdflib.Graph()
    for path in paths:
        if not path.exists():
            raise InputError("no such file or folder", where=str(path))
        for triple in read_input(path, input_format):
            graph.add(triple)
    return graph
