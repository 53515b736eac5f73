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

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

import rdflib

from ptce_kg import spreadsheet
from ptce_kg.errors import InputError
from ptce_kg.rdf.parsing import read_graph, read_graph_bytes
from ptce_kg.validation.report import InputLocations, Location


@dataclass(frozen=True)
class InputBytes:
    """One input held in memory (an upload: never written to disk). ``name`` is a file name,
    never opened: its extension gives the syntax and errors name it; its cells are recorded
    under ``shown_as`` (default ``name``)."""

    name: str
    data: bytes
    shown_as: str | None = None


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
        _record(locations, cells, lambda _sheet: str(path))
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
        _record(locations, cells, lambda _sheet: shown_as or name)
        return graph
    return read_graph_bytes(data, name, input_format)


def read_inputs_bytes(
    inputs: Sequence[InputBytes],
    input_format: str | None = None,
    *,
    locations: InputLocations | None = None,
) -> rdflib.Graph:
    """Several inputs held in memory in one graph, as :func:`read_inputs` reads files: the CSV
    files among them are read together as the sheets of one template (a folder: each is the
    sheet its name says, its cells recorded under its own name), every other input alone
    (:func:`read_input_bytes`). Raises InputError when there are none or when two CSV files
    are one sheet, and what the readers raise."""
    if not inputs:
        raise InputError("no file to validate")
    sheets = [i for i in inputs if input_format is None and _is_csv(i.name)]
    graph = rdflib.Graph()
    if sheets:
        graph += _read_sheets(sheets, locations)
    for each in inputs:
        if input_format is not None or not _is_csv(each.name):
            graph += read_input_bytes(
                each.data, each.name, input_format, locations=locations, shown_as=each.shown_as
            )
    return graph


def _is_csv(name: str) -> bool:
    return PurePath(name).suffix.lower() == ".csv"


def _read_sheets(sheets: Sequence[InputBytes], locations: InputLocations | None) -> rdflib.Graph:
    """The uploaded CSV files of one template, read together; InputError when two of them are
    the same sheet (two poles' CSV folders in one request)."""
    by_sheet: dict[str, InputBytes] = {}
    for each in sheets:
        sheet = spreadsheet.sheet_of(each.name)
        if sheet in by_sheet:
            raise InputError(
                f"two CSV files are the sheet {sheet!r} ({by_sheet[sheet].name}, {each.name}): "
                "the CSV files sent together are the sheets of one pole's template; send "
                "each pole's CSV files on their own, or its workbook (.xlsx, .ods)",
                where=each.name,
            )
        by_sheet[sheet] = each
    where = ", ".join(each.name for each in sheets)
    graph, cells = spreadsheet.to_rdf_located_csv_files([(i.name, i.data) for i in sheets], where)
    shown = {sheet: each.shown_as or each.name for sheet, each in by_sheet.items()}
    _record(locations, cells, lambda sheet: shown.get(sheet, where))
    return graph


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


def _record(
    locations: InputLocations | None,
    cells: spreadsheet.Locations,
    file_of: Callable[[str], str],
) -> None:
    """Record the cells of one spreadsheet input, each under the file name ``file_of`` gives
    for its sheet (the first input that stated a triple keeps it)."""
    if locations is None:
        return

    def located(cell: spreadsheet.Cell) -> Location:
        return Location(file_of(cell.sheet), cell.sheet, cell.row, cell.column)

    for triple, cell in cells.triples.items():
        locations.triples.setdefault(triple, located(cell))
    for key, cell in cells.properties.items():
        locations.properties.setdefault(key, located(cell))
    for node, cell in cells.nodes.items():
        locations.nodes.setdefault(node, located(cell))
