"""The spreadsheet template for pole coordinators: read it, check it, map it to RDF.

``to_rdf(path)`` accepts the .xlsx or .ods workbook, a folder of CSV files, or one CSV file of
such a folder (the whole folder is read); ``to_rdf_located(path)`` also says which cell each
triple came from, and ``to_rdf_located_bytes(data, name)`` does so for one uploaded workbook or
CSV file held in memory, ``to_rdf_located_csv_files(files, where)`` for uploaded CSV files
that together are the sheets of one template. Every table error is reported at once as
``TableErrors`` (sheet, row, column, message); a file that cannot be read safely raises
``UnsafeSpreadsheet``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path, PurePath

from rdflib import Graph

from ptce_kg.errors import InputError
from ptce_kg.spreadsheet.checks import Record, check_table
from ptce_kg.spreadsheet.errors import TableError, TableErrors, UnsafeSpreadsheet
from ptce_kg.spreadsheet.mapping import Cell, Locations, map_tables_located
from ptce_kg.spreadsheet.readers import (
    RawTable,
    file_bytes,
    read_csv_files,
    read_csv_folder,
    read_ods,
    read_workbook,
    sheet_of,
)
from ptce_kg.spreadsheet.schemas import REQUIRED_SHEETS, SHEETS, table_specs

__all__ = [
    "Cell",
    "Locations",
    "TableError",
    "TableErrors",
    "UnsafeSpreadsheet",
    "check_tables",
    "is_spreadsheet",
    "is_spreadsheet_name",
    "sheet_of",
    "to_rdf",
    "to_rdf_located",
    "to_rdf_located_bytes",
    "to_rdf_located_csv_files",
]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods")
# Other spreadsheet formats are recognised only to say how to save them (not read).
UNSUPPORTED_SUFFIXES = (".xls", ".numbers")
SPREADSHEET_SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv", *UNSUPPORTED_SUFFIXES)


def is_spreadsheet(path: Path) -> bool:
    """True for what ``to_rdf`` takes: a spreadsheet file name or a folder."""
    return is_spreadsheet_name(path.name) or path.is_dir()


def is_spreadsheet_name(name: str) -> bool:
    """True for a spreadsheet file name (.xlsx, .ods, .csv; .xls/.numbers only to be told to
    save as .xlsx); the name is never opened."""
    return PurePath(name).suffix.lower() in SPREADSHEET_SUFFIXES


def read_raw(path: Path) -> dict[str, RawTable]:
    """The raw tables of the workbook, CSV folder or CSV file (its folder) at ``path``."""
    if not path.exists():
        raise InputError("file or folder not found", str(path))
    if path.is_dir():
        return read_csv_folder(path, SHEETS)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv_folder(path.parent, SHEETS)
    if suffix in WORKBOOK_SUFFIXES:
        return read_raw_bytes(file_bytes(path), str(path))
    raise _not_a_template(suffix, str(path))


def read_raw_bytes(data: bytes, name: str) -> dict[str, RawTable]:
    """The raw tables of one file held in memory, named ``name``: a workbook, or one CSV file
    (the sheet its name says; the other sheets are absent)."""
    suffix = PurePath(name).suffix.lower()
    if suffix == ".csv":
        return read_csv_files([(name, data)], SHEETS, name)
    if suffix == ".ods":
        return read_ods(data, name, SHEETS)
    if suffix in WORKBOOK_SUFFIXES:
        return read_workbook(data, name, SHEETS)
    raise _not_a_template(suffix, name)


def _not_a_template(suffix: str, where: str) -> InputError:
    if suffix in UNSUPPORTED_SUFFIXES:
        return InputError(
            f"{suffix} files are not read: save the workbook as .xlsx (Excel "
            "2007+) or as CSV files / enregistrez le classeur au format .xlsx",
            where,
        )
    return InputError("not a spreadsheet template (expected .xlsx, .ods, .csv or a folder)", where)


def check_tables(path: Path) -> tuple[dict[str, list[Record]], list[TableError]]:
    """Typed records of the sheets that follow their Table Schema, and the errors of the others.

    A file that cannot be read at all raises (UnsafeSpreadsheet, or TableErrors for unknown
    sheets or files)."""
    return _check_raw(read_raw(path))


def _check_raw(raw: dict[str, RawTable]) -> tuple[dict[str, list[Record]], list[TableError]]:
    specs = table_specs()
    errors = [
        TableError(name, None, None, "feuille (ou fichier CSV) obligatoire absente")
        for name in REQUIRED_SHEETS
        if name not in raw
    ]
    tables: dict[str, list[Record]] = {}
    for name, spec in specs.items():
        if name not in raw:
            continue
        records, table_errors = check_table(raw[name], spec)
        if table_errors:
            errors.extend(table_errors)
        else:
            tables[name] = records
    errors.extend(_pole_row_errors(raw))
    return tables, errors


def _pole_row_errors(raw: dict[str, RawTable]) -> list[TableError]:
    """The pole sheet has exactly one row, except in a blank template (no data at all)."""
    poles = raw["pole"].rows if "pole" in raw else []
    if len(poles) > 1:
        return [
            TableError(
                "pole",
                number,
                None,
                "la feuille pole ne contient qu'une ligne (un fichier par pôle)",
            )
            for number, _ in poles[1:]
        ]
    if not poles and "pole" in raw:
        return [
            TableError(
                name, None, None, "la feuille pole est vide : décrivez le pôle avant ses données"
            )
            for name, table in raw.items()
            if table.rows and name != "pole"
        ]
    return []


def to_rdf(path: Path) -> Graph:
    """The RDF graph of a filled template (empty for a blank template).

    Raises TableErrors with every error: those of the cells, and the references between sheets
    (checked for every sheet without cell errors, as soon as the pole row is readable)."""
    return to_rdf_located(path)[0]


def to_rdf_located(path: Path) -> tuple[Graph, Locations]:
    """``to_rdf`` and the cell (sheet, row, column) each triple came from; raises what it
    raises."""
    return _to_graph(read_raw(path), str(path))


def to_rdf_located_bytes(data: bytes, name: str) -> tuple[Graph, Locations]:
    """The graph and cells of one uploaded workbook or CSV file (named ``name``), read from
    memory like :func:`to_rdf_located` reads a file. Raises TableErrors, UnsafeSpreadsheet,
    InputError."""
    return _to_graph(read_raw_bytes(data, name), name)


def to_rdf_located_csv_files(
    files: Sequence[tuple[str, bytes]], where: str
) -> tuple[Graph, Locations]:
    """The graph and cells of uploaded CSV files given as (file name, content), read together
    as a folder of the template: each is the sheet its name says (``where`` names them all in
    errors; each table error names the file of its sheet). Raises TableErrors,
    UnsafeSpreadsheet, InputError."""
    sheet_files = {sheet_of(name): name for name, _ in files}
    try:
        return _to_graph(read_csv_files(files, SHEETS, where), where)
    except TableErrors as exc:
        raise TableErrors(exc.errors, where, sheet_files) from None


def _to_graph(raw: dict[str, RawTable], where: str) -> tuple[Graph, Locations]:
    tables, errors = _check_raw(raw)
    failed = frozenset(error.sheet for error in errors)
    graph, locations = Graph(), Locations({}, {}, {})
    if tables.get("pole") and "pole" not in failed:
        try:
            graph, locations = map_tables_located(tables, where=where, skip=failed)
        except TableErrors as exc:
            errors.extend(exc.errors)
    if errors:
        raise TableErrors(errors, where)
    return graph, locations
