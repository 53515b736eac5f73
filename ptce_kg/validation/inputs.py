"""The one reader of input files: ``load``, ``validate`` and a pole's upload read files here (the
reasoner reads RDF through the same ``rdf.parsing.read_graph``).

An input is the spreadsheet template (a workbook, a CSV file or a folder of them, see
``ptce_kg.spreadsheet``) or RDF in any syntax, read by the safe parser (``rdf.parsing``: no
network, no local file reads, no entity expansion); the triples of all its graphs come back in
one rdflib graph. Errors name the file (and sheet, row, column or line). Given an
``InputLocations``, the readers record the spreadsheet cell each triple came from, so that
validation results point to cells (a coordinator fixes cells, not triples).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import rdflib

from ptce_kg import spreadsheet
from ptce_kg.errors import InputError
from ptce_kg.rdf.parsing import read_graph, read_graph_bytes
from ptce_kg.validation.report import InputLocations, Location


def read_input(
    path: Path,
    input_format: str | None = None,
    *,
    imports_allowed: bool = False,
    locations: InputLocations | None = None,
) -> rdflib.Graph:
    """One input file or template folder; the RDF syntax is ``input_format``, else the file's
    extension; spreadsheet cells are recorded in ``locations`` under the path as given.
    Raises InputError (TableErrors, UnsafeInputError…) for one that cannot be read,
    UnsafeInputError for RDF that declares ``owl:imports`` unless ``imports_allowed``."""
    if input_format is None and spreadsheet.is_spreadsheet(path):
        graph, cells = spreadsheet.to_rdf_located(path)
        _record(locations, cells, str(path))
        return graph
    return read_graph(path, input_format, imports_allowed=imports_allowed)


def read_input_bytes(
    data: bytes,
    name: str,
    input_format: str | None = None,
    *,
    locations: InputLocations | None = None,
    shown_as: str | None = None,
) -> rdflib.Graph:
    """One input held in memory (an upload: never written to disk), read like
    :func:`read_input`; ``name`` is a file name, never opened: its extension gives the syntax
    and errors name it; cells are recorded under ``shown_as`` (default ``name``)."""
    if input_format is None and spreadsheet.is_spreadsheet_name(name):
        graph, cells = spreadsheet.to_rdf_located_bytes(data, name)
        _record(locations, cells, shown_as or name)
        return graph
    return read_graph_bytes(data, name, input_format)


def read_inputs(
    paths: Sequence[Path],
    input_format: str | None = None,
    *,
    locations: InputLocations | None = None,
) -> rdflib.Graph:
    """Several inputs in one graph (see :func:`read_input`); InputError when there are none or
    one does not exist."""
    if not paths:
        raise InputError("no file to validate")
    graph = rdflib.Graph()
    for path in paths:
        if not path.exists():
            raise InputError("no such file or folder", where=str(path))
        for triple in read_input(path, input_format, locations=locations):
            graph.add(triple)
    return graph


def _record(locations: InputLocations | None, cells: spreadsheet.Locations, name: str) -> None:
    """Record the cells of one spreadsheet input under the file name ``name`` (the first input
    that stated a triple keeps it)."""
    if locations is None:
        return
    for triple, cell in cells.triples.items():
        locations.triples.setdefault(triple, Location(name, cell.sheet, cell.row, cell.column))
    for key, cell in cells.properties.items():
        locations.properties.setdefault(key, Location(name, cell.sheet, cell.row, cell.column))
    for node, cell in cells.nodes.items():
        locations.nodes.setdefault(node, Location(name, cell.sheet, cell.row, cell.column))
