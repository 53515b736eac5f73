"""Reconcile a spreadsheet (``ptce-kg reconcile``): read a CSV as French Excel writes it
(UTF-8 with or without BOM, or Windows-1252; ``;``, ``,`` or tab) or an .xlsx sheet, match
each row, and write the file back with the match columns added (``ADDED_COLUMNS``).

The header is the first row. Nothing is written unless every input column named exists.
Raises ``InputError`` naming the file (and column) for what cannot be read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ptce_kg.errors import InputError
from ptce_kg.reconciliation.index import ReconIndex
from ptce_kg.reconciliation.matching import Candidate, Query, reconcile
from ptce_kg.spreadsheet.readers import MAX_FILE_BYTES, MAX_ROWS, cell_text, check_zip, file_bytes

ADDED_COLUMNS = (
    "match_id",  # the entity's IRI
    "match_code",  # SIREN, INSEE or NAF code
    "match_siret",  # a legal unit's head-office SIRET
    "match_label",
    "match_score",
    "match",  # yes: sure (the rule of docs/reconciliation.md); no: check it
    "match_runner_up",  # the next candidate and its score
)
ENCODINGS = ("utf-8-sig", "cp1252")
SEPARATORS = ";,\t"
TYPES = ("legal-unit", "pole", "commune")


@dataclass
class Columns:
    """The input columns the user named (``name`` is required)."""

    name: str
    commune: str | None = None
    postcode: str | None = None
    siret: str | None = None

    def named(self) -> dict[str, str]:
        return {k: v for k, v in vars(self).items() if v}


@dataclass
class Table:
    """A sheet as text, with what is needed to write it back the way it came."""

    path: Path
    header: list[str]
    rows: list[list[str]]
    encoding: str = "utf-8-sig"
    separator: str = ";"
    sheet: str | None = None  # the .xlsx sheet


@dataclass
class Summary:
    rows: int = 0
    matched: int = 0
    ambiguous: int = 0
    none: int = 0
    added: list[list[str]] = field(default_factory=list)

    def text(self) -> str:
        return (
            f"{self.rows} rows: {self.matched} matched, {self.ambiguous} ambiguous "
            f"(candidates to check), {self.none} without candidate"
        )


def read_table(path: Path, sheet: str | None = None) -> Table:
    """The header and rows of a .csv or .xlsx file."""
    if not path.is_file():
        raise InputError("no such file", str(path))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix == ".xlsx":
        return _read_xlsx(path, sheet)
    raise InputError("give a .csv or .xlsx file", str(path))


def _read_csv(path: Path) -> Table:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InputError(f"file larger than {MAX_FILE_BYTES // 2**20} MB", str(path))
    data = path.read_bytes()
    for encoding in ENCODINGS:  # cp1252 decodes nearly anything: it comes last
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError("neither UTF-8 nor Windows-1252 text", str(path))
    first = text.split("\n", 1)[0]
    separator = max(SEPARATORS, key=first.count) if any(s in first for s in SEPARATORS) else ";"
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
    except csv.Error as exc:
        raise InputError(f"not a readable CSV file: {exc}", str(path)) from exc
    if not rows:
        raise InputError("empty file: the first row names the columns", str(path))
    if len(rows) > MAX_ROWS + 1:
        raise InputError(f"more than {MAX_ROWS} rows", str(path))
    header, data_rows = rows[0], [r for r in rows[1:] if any(c.strip() for c in r)]
    return Table(path, [h.strip() for h in header], data_rows, encoding, separator)


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    import openpyxl

    data = file_bytes(path)
    check_zip(data, str(path))  # size and zip bombs, as for the spreadsheet template
    try:
        book = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False
        )
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a bad package
        raise InputError(f"not a readable .xlsx workbook: {exc}", str(path)) from exc
    try:
        names = book.sheetnames
        if sheet is not None and sheet not in names:
            raise InputError(f"no sheet {sheet!r}; the sheets are {', '.join(names)}", str(path))
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        rows: list[list[str]] = []
        for number, values in enumerate(ws.iter_rows(values_only=True), 1):
            if number > MAX_ROWS + 1:
                raise InputError(f"sheet {ws.title!r} has more than {MAX_ROWS} rows", str(path))
            rows.append([cell_text(v) for v in values])
    finally:
        book.close()
    if not rows:
        raise InputError(f"sheet {ws.title!r} is empty: the first row names the columns", str(path))
    return Table(path, rows[0], [r for r in rows[1:] if any(r)], sheet=ws.title)


def _column(table: Table, name: str, option: str) -> int:
    wanted = name.strip().lower()
    for index, header in enumerate(table.header):
        if header.strip().lower() == wanted:
            return index
    where = f"{table.path}" + (f", sheet {table.sheet!r}" if table.sheet else "")
    raise InputError(
        f"no column {name!r} (given with --{option}); the columns are "
        f"{', '.join(h for h in table.header if h) or 'none'}",
        where,
    )


def column_positions(table: Table, columns: Columns) -> dict[str, int]:
    """Where each named column is; raises ``InputError`` naming the file and the column."""
    return {key: _column(table, col, key) for key, col in columns.named().items()}


def reconcile_table(
    index: ReconIndex, table: Table, columns: Columns, type_: str = "legal-unit"
) -> Summary:
    """Match every row; the summary holds the added cells, row by row."""
    if type_ not in TYPES:
        raise InputError(f"unknown type {type_!r}; one of {', '.join(TYPES)}", "--type")
    positions = column_positions(table, columns)
    summary = Summary()
    for row in table.rows:
        cells = {k: row[i].strip() if i < len(row) else "" for k, i in positions.items()}
        props = tuple((k, v) for k, v in cells.items() if k != "name" and v)
        summary.rows += 1
        if not cells["name"] and not props:
            summary.none += 1
            summary.added.append([""] * len(ADDED_COLUMNS))
            continue
        candidates = reconcile(
            index, Query(cells["name"][:1000], (type_,), 3, tuple((k, v[:1000]) for k, v in props))
        )
        summary.added.append(_added(candidates))
        if not candidates:
            summary.none += 1
        elif candidates[0].match:
            summary.matched += 1
        else:
            summary.ambiguous += 1
    return summary


def _added(candidates: Sequence[Candidate]) -> list[str]:
    if not candidates:
        return ["", "", "", "", "", "no", ""]
    best = candidates[0]
    entity = best.entity
    runner = ""
    if len(candidates) > 1:
        runner = f"{candidates[1].entity.name} ({candidates[1].score:g})"
    return [
        entity.iri,
        entity.code or "",
        entity.siret or "" if entity.type == "legal-unit" else "",
        entity.name,
        f"{best.score:g}",
        "yes" if best.match else "no",
        runner,
    ]


def write_table(table: Table, summary: Summary, out: Path) -> None:
    """Write the table with the added columns: CSV (the input's encoding and separator when it
    was a CSV, else UTF-8 with BOM and ``;`` for Excel) or .xlsx, by ``out``'s extension."""
    header = table.header + list(ADDED_COLUMNS)
    rows = [
        row + [""] * (len(table.header) - len(row)) + added
        for row, added in zip(table.rows, summary.added, strict=True)
    ]
    suffix = out.suffix.lower()
    try:
        if suffix == ".csv":
            csv_table = table.path.suffix.lower() == ".csv"
            encoding = table.encoding if csv_table else "utf-8-sig"
            separator = table.separator if csv_table else ";"
            with open(out, "w", encoding=encoding, errors="replace", newline="") as handle:
                writer = csv.writer(handle, delimiter=separator)
                writer.writerow(header)
                writer.writerows(rows)
        elif suffix == ".xlsx":
            _write_xlsx(header, rows, table.sheet or "reconciliation", out)
        else:
            raise InputError("the output is a .csv or .xlsx file", str(out))
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", str(out)) from exc


def _write_xlsx(header: list[str], rows: list[list[str]], title: str, out: Path) -> None:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    book = openpyxl.Workbook(write_only=True)
    sheet: Any = book.create_sheet(title[:31])

    def text(value: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # "=…" stays the text people typed, never a formula
        return cell

    sheet.append([text(h) for h in header])
    for row in rows:
        sheet.append([text(c) for c in row])
    book.save(out)
