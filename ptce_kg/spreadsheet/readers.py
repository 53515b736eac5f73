"""Read the raw cells of the template: an .xlsx or .ods workbook, or a folder of CSV files, from
disk or from bytes held in memory (an upload is never written to disk, so no message names a
server path).

Untrusted files: the workbook's zip directory is checked before openpyxl opens it (size,
decompression ratio), openpyxl reads in read-only mode with cached values (no formula is ever
evaluated, external links are not loaded, XML goes through defusedxml), and sheets are bounded
in rows and columns so a hostile ``<dimension>`` or a far-away cell cannot exhaust memory.
An .ods workbook (LibreOffice) gets the same zip checks; its ``content.xml`` is parsed with
defusedxml and read as cached values only; repeated rows and cells are expanded within the same
bounds (the trailing empty rows LibreOffice declares by the million are skipped, not expanded).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path, PurePath
from typing import Any

from ptce_kg.spreadsheet.errors import TableError, TableErrors, UnsafeSpreadsheet

MAX_FILE_BYTES = 20 * 1024 * 1024  # an .xlsx or one CSV file as stored on disk
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # sum of the workbook's zip members, unpacked
MAX_ZIP_MEMBERS = 2_000
MAX_ROWS = 20_000  # rows scanned in one sheet, empty ones included
MAX_COLUMNS = 200  # columns read in one sheet
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
# Sheets of the workbook that are documentation, not data.
HELPER_SHEETS = frozenset({"lisez-moi", "listes"})


@dataclass
class RawTable:
    """One sheet's cells as text: the header (and its row number) and the non-empty rows with
    their row numbers."""

    name: str
    header: list[str]
    header_row: int = 1
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


def cell_text(value: Any) -> str:
    """A cell as the text a CSV export would hold (dates ISO 8601, 12.0 -> "12")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value).strip()


def _table(name: str, rows: list[tuple[int, list[str]]], where: str) -> RawTable:
    """Split the header (the first non-empty row) from the data rows; refuse huge cells."""
    too_long = [
        TableError(
            name, number, f"n° {index + 1}", f"cellule de plus de {MAX_CELL_CHARS} caractères"
        )
        for number, cells in rows
        for index, cell in enumerate(cells)
        if len(cell) > MAX_CELL_CHARS
    ]
    if too_long:
        raise TableErrors(too_long, where)
    if not rows:
        return RawTable(name, [])
    (header_row, header), data = rows[0], rows[1:]
    return RawTable(name, header, header_row, [(n, cells) for n, cells in data if any(cells)])


def _check_size(size: int, where: str) -> None:
    if size > MAX_FILE_BYTES:
        raise UnsafeSpreadsheet(f"file larger than {MAX_FILE_BYTES // 2**20} MB", where)


def file_bytes(path: Path) -> bytes:
    """The content of ``path``, refused (UnsafeSpreadsheet) before it is read when too large."""
    _check_size(path.stat().st_size, str(path))
    return path.read_bytes()


def check_zip(data: bytes, where: str) -> None:
    """Refuse what is not a zip, or a zip that would unpack to far more than a workbook (raises
    UnsafeSpreadsheet); used for the template and for ``ptce-kg reconcile``'s workbooks."""
    _check_size(len(data), where)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnsafeSpreadsheet(
            f"not a workbook (an .xlsx or .ods file is a zip archive): {exc}", where
        ) from exc
    if len(members) > MAX_ZIP_MEMBERS:
        raise UnsafeSpreadsheet(f"workbook with {len(members)} parts refused", where)
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNCOMPRESSED_BYTES:
        raise UnsafeSpreadsheet(
            f"workbook refused: it would unpack to {unpacked // 2**20} MB "
            f"(limit {MAX_UNCOMPRESSED_BYTES // 2**20} MB)",
            where,
        )


def read_workbook(data: bytes, where: str, sheets: tuple[str, ...]) -> dict[str, RawTable]:
    """Read the data sheets of a workbook held in memory, named ``where`` in errors; an unknown
    sheet name is a table error. Raises UnsafeSpreadsheet, TableErrors."""
    import openpyxl  # imported here: the CSV path and the CLI's start-up do not need it

    check_zip(data, where)
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False
        )
    # openpyxl raises many exception types on a malformed package (KeyError for a missing
    # part, ValueError, XML parse errors…); each means the same thing to the user.
    except Exception as exc:  # noqa: BLE001
        raise UnsafeSpreadsheet(
            f"not a readable .xlsx workbook: {_root_cause(exc)}", where
        ) from exc
    tables: dict[str, RawTable] = {}
    errors: list[TableError] = []
    try:
        for sheet in workbook.worksheets:
            name = sheet.title.strip().lower()
            if name in HELPER_SHEETS:
                continue
            if name not in sheets:
                errors.append(
                    TableError(
                        sheet.title,
                        None,
                        None,
                        f"feuille inconnue ; feuilles attendues : {', '.join(sheets)}",
                    )
                )
                continue
            tables[name] = _table(name, _sheet_rows(sheet, where), where)
    except UnsafeSpreadsheet:
        raise
    except Exception as exc:  # noqa: BLE001 - same reason as above, while rows are parsed
        raise UnsafeSpreadsheet(
            f"not a readable .xlsx workbook: {_root_cause(exc)}", where
        ) from exc
    finally:
        workbook.close()
    if errors:
        raise TableErrors(errors, where)
    return tables


_ODS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}


def read_ods(data: bytes, where: str, sheets: tuple[str, ...]) -> dict[str, RawTable]:
    """Read the data sheets of an OpenDocument workbook (.ods) held in memory like
    :func:`read_workbook`. Raises UnsafeSpreadsheet, TableErrors."""
    from defusedxml import ElementTree

    check_zip(data, where)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            root = ElementTree.fromstring(archive.read("content.xml"))
    except Exception as exc:  # noqa: BLE001 - a missing part, bad XML, forbidden entities…
        raise UnsafeSpreadsheet(f"not a readable .ods workbook: {_root_cause(exc)}", where) from exc
    tables: dict[str, RawTable] = {}
    errors: list[TableError] = []
    for sheet in root.iter(f"{{{_ODS['table']}}}table"):
        title = sheet.get(f"{{{_ODS['table']}}}name", "")
        name = title.strip().lower()
        if name in HELPER_SHEETS:
            continue
        if name not in sheets:
            errors.append(
                TableError(
                    title,
                    None,
                    None,
                    f"feuille inconnue ; feuilles attendues : {', '.join(sheets)}",
                )
            )
            continue
        tables[name] = _table(name, _ods_rows(sheet, title, where), where)
    if errors:
        raise TableErrors(errors, where)
    return tables


def _ods_rows(sheet: Any, title: str, where: str) -> list[tuple[int, list[str]]]:
    """A sheet's rows as text, with their row numbers (repeats counted, bounded)."""
    table, office = _ODS["table"], _ODS["office"]
    rows: list[tuple[int, list[str]]] = []
    number = 0
    for row in sheet.iter(f"{{{table}}}table-row"):
        repeat = int(row.get(f"{{{table}}}number-rows-repeated", "1"))
        cells: list[str] = []
        for cell in row:
            if cell.tag not in (f"{{{table}}}table-cell", f"{{{table}}}covered-table-cell"):
                continue
            span = int(cell.get(f"{{{table}}}number-columns-repeated", "1"))
            text = _ods_cell(cell, office)
            if not text:  # trailing empty cells are declared repeated up to the last column
                cells.extend([""] * min(span, MAX_COLUMNS))
            else:
                cells.extend([text] * min(span, MAX_COLUMNS))
            if len(cells) >= MAX_COLUMNS:
                break
        cells = cells[:MAX_COLUMNS]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            number += repeat
            continue
        if number + repeat > MAX_ROWS:
            raise UnsafeSpreadsheet(f"sheet {title!r} has more than {MAX_ROWS} rows", where)
        for _ in range(repeat):
            number += 1
            rows.append((number, list(cells)))
    return rows


def _ods_cell(cell: Any, office: str) -> str:
    """A cell's cached value as a CSV export would write it (dates ISO, numbers plain)."""
    kind = cell.get(f"{{{office}}}value-type")
    if kind in ("float", "percentage", "currency"):
        return cell_text(Decimal(cell.get(f"{{{office}}}value", "0")))
    if kind == "date":
        return cell.get(f"{{{office}}}date-value", "").removesuffix("T00:00:00")
    if kind == "boolean":
        return cell.get(f"{{{office}}}boolean-value", "")
    paragraphs = cell.findall(f"{{{_ODS['text']}}}p")
    return "\n".join("".join(p.itertext()) for p in paragraphs).strip()


def _root_cause(exc: BaseException) -> str:
    """The innermost error (openpyxl wraps e.g. defusedxml's EntitiesForbidden in a generic one)."""
    while exc.__cause__ or exc.__context__:
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return f"{type(exc).__name__}: {exc}"


def _sheet_rows(sheet: Any, where: str) -> list[tuple[int, list[str]]]:
    """The sheet's rows as text, bounded: a huge declared or real size is refused."""
    declared_rows = sheet.max_row or 0  # from <dimension>; columns are bounded by max_col below
    if declared_rows > MAX_ROWS:
        raise UnsafeSpreadsheet(
            f"sheet {sheet.title!r} declares {declared_rows} rows; "
            f"a template sheet has at most {MAX_ROWS} rows",
            where,
        )
    rows: list[tuple[int, list[str]]] = []
    for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), 1):
        if number > MAX_ROWS:
            raise UnsafeSpreadsheet(f"sheet {sheet.title!r} has more than {MAX_ROWS} rows", where)
        if all(value is None for value in values):  # also the gaps openpyxl fills in
            continue
        cells = [cell_text(value) for value in values]
        while cells and not cells[-1]:
            cells.pop()
        if cells:  # empty rows are skipped; the header is the first non-empty row
            rows.append((number, cells))
    return rows


def read_csv_folder(folder: Path, sheets: tuple[str, ...]) -> dict[str, RawTable]:
    """Read ``<sheet>.csv`` files of a folder; another .csv file there is a table error."""
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv" and p.is_file())
    if not files:
        raise TableErrors(
            [
                TableError(
                    "pole", None, None, "aucun fichier CSV dans le dossier (pole.csv attendu)"
                )
            ],
            str(folder),
        )
    return read_csv_files(((str(path), file_bytes(path)) for path in files), sheets, str(folder))


def sheet_of(file_name: str) -> str:
    """The sheet a CSV file of the template is, by its name: ``Membres.csv`` -> ``membres``."""
    return PurePath(file_name).stem.strip().lower()


def read_csv_files(
    files: Iterable[tuple[str, bytes]], sheets: tuple[str, ...], where: str
) -> dict[str, RawTable]:
    """Read CSV files given as (file name or path, content): each is the sheet its name says;
    another name is a table error (reported at ``where``, the folder or the uploaded file).
    Raises UnsafeSpreadsheet, TableErrors."""
    tables: dict[str, RawTable] = {}
    errors: list[TableError] = []
    for source, data in files:
        file = PurePath(source)
        name = sheet_of(source)
        if name not in sheets:
            errors.append(
                TableError(
                    file.name,
                    None,
                    None,
                    f"fichier inconnu ; fichiers attendus : "
                    f"{', '.join(s + '.csv' for s in sheets)}",
                )
            )
            continue
        tables[name] = _table(name, _csv_rows(data, file.stem, source), source)
    if errors:
        raise TableErrors(errors, where)
    return tables


def _csv_rows(data: bytes, sheet: str, where: str) -> list[tuple[int, list[str]]]:
    """Records of a CSV file (UTF-8, or Windows-1252 as Excel saves it; `,` or `;`)."""
    _check_size(len(data), where)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    rows: list[tuple[int, list[str]]] = []
    # csv's field limit is process-wide and may be raised elsewhere; _table bounds cells itself
    try:
        for number, record in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
            if number > MAX_ROWS:
                raise UnsafeSpreadsheet(f"more than {MAX_ROWS} rows", where)
            cells = [cell.strip() for cell in record[:MAX_COLUMNS]]
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                rows.append((number, cells))
    except csv.Error as exc:
        raise TableErrors(
            [TableError(sheet, len(rows) + 1, None, f"CSV illisible : {exc}")], where
        ) from exc
    return rows
