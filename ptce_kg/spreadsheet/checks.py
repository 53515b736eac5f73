"""Check raw tables against their Table Schemas with frictionless, then give typed records.

Every error of every table is collected (sheet, row, column, message in French) so a
coordinator fixes the whole file in one go.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from frictionless.resources import TableResource

from ptce_kg.spreadsheet.errors import TableError
from ptce_kg.spreadsheet.readers import RawTable
from ptce_kg.spreadsheet.schemas import TableSpec

_EXPECTED = {
    "date": "une date au format AAAA-MM-JJ",
    "integer": "un nombre entier",
    "number": "un nombre (séparateur décimal : le point)",
    "boolean": "oui ou non",
    "year": "une année sur 4 chiffres",
    "uri": "une adresse web complète (https://…)",
    "email": "une adresse électronique",
}


@dataclass(frozen=True)
class Record:
    """One data row: its spreadsheet row number and its typed values (lists split)."""

    row: int
    values: dict[str, Any]


def check_table(raw: RawTable, spec: TableSpec) -> tuple[list[Record], list[TableError]]:
    """Typed records of ``raw`` if it follows ``spec``, else the errors (and no records)."""
    header = [cell.strip().lower() for cell in raw.header]
    errors = _header_errors(raw, header, spec)
    if errors:
        return [], errors
    position = {name: index for index, name in enumerate(header) if name}
    names = spec.field_names
    row_numbers = [number for number, _ in raw.rows]
    data = [names] + [
        [
            cells[position[name]] if name in position and position[name] < len(cells) else ""
            for name in names
        ]
        for _, cells in raw.rows
    ]
    resource = TableResource(data=data, schema=spec.schema)
    report = resource.validate()
    for task in report.tasks:
        for error in task.errors:
            errors.append(_table_error(raw.name, spec, error, row_numbers))
    if errors:
        return [], errors
    records = [
        Record(number, _split_lists(spec, row.to_dict()))
        for number, row in zip(row_numbers, resource.read_rows(), strict=True)
    ]
    return records, []


def _header_errors(raw: RawTable, header: list[str], spec: TableSpec) -> list[TableError]:
    """Unknown, duplicated and missing required columns, and data under no header."""
    errors: list[TableError] = []
    if not raw.header:
        return errors
    header_row = raw.header_row
    names = spec.field_names
    seen: set[str] = set()
    for index, name in enumerate(header):
        if not name:
            if any(index < len(cells) and cells[index] for _, cells in raw.rows):
                errors.append(
                    TableError(
                        raw.name,
                        header_row,
                        f"n° {index + 1}",
                        "des cellules sont remplies sous une colonne sans en-tête",
                    )
                )
        elif name not in names:
            errors.append(
                TableError(
                    raw.name,
                    header_row,
                    name,
                    f"colonne inconnue ; colonnes attendues : {', '.join(names)}",
                )
            )
        elif name in seen:
            errors.append(TableError(raw.name, header_row, name, "colonne en double"))
        seen.add(name)
    for number, cells in raw.rows:
        beyond = [index for index in range(len(header), len(cells)) if cells[index]]
        if beyond:  # filled cells right of the last header cell
            errors.append(
                TableError(
                    raw.name,
                    number,
                    f"n° {beyond[0] + 1}",
                    "des cellules sont remplies à droite de la dernière colonne nommée",
                )
            )
    for name in names:
        if name not in seen and spec.required(name):
            errors.append(
                TableError(
                    raw.name, header_row, name, "colonne obligatoire absente de la ligne d'en-tête"
                )
            )
    return errors


def _table_error(sheet: str, spec: TableSpec, error: Any, row_numbers: list[int]) -> TableError:
    """A frictionless error in the coordinator's terms, at the spreadsheet's row number."""
    position = getattr(error, "row_number", None)
    row = row_numbers[position - 2] if position and 2 <= position <= len(row_numbers) + 1 else None
    column = getattr(error, "field_name", None)
    cell = getattr(error, "cell", None)
    field = spec.field(column) if column in spec.field_names else {}
    return TableError(sheet, row, column, _message(error.type, error.note, cell, field))


def _message(kind: str, note: str, cell: Any, field: dict[str, Any]) -> str:
    title = field.get("title", "")
    if kind == "type-error":
        expected = _EXPECTED.get(field.get("format", "")) or _EXPECTED.get(field.get("type", ""))
        return f"« {cell} » n'est pas {expected or 'une valeur valide'} ({title})"
    if kind == "constraint-error":
        constraint = re.search(r'constraint "(\w+)"', note or "")
        name = constraint.group(1) if constraint else ""
        constraints = field.get("constraints", {})
        if name == "required":
            return f"cellule obligatoire vide ({title})"
        if name == "enum":
            return (
                f"« {cell} » n'est pas une valeur autorisée ; valeurs possibles : "
                f"{', '.join(map(str, constraints['enum']))}"
            )
        if name == "pattern" and field.get("x-list", {}).get("enum"):
            allowed = field["x-list"]["enum"]
            bad = [
                item.strip()
                for item in str(cell).split(field["x-list"]["separator"])
                if item.strip() not in allowed
            ]
            return (
                f"valeur(s) non autorisée(s) : {', '.join(bad) or '(vide)'} ; valeurs "
                f"possibles, séparées par « ; » : {', '.join(allowed)}"
            )
        if name == "pattern":
            example = field.get("example")
            hint = f" (exemple : {example})" if example is not None else ""
            return f"« {cell} » n'a pas le format attendu pour « {title} »{hint}"
        if name == "minimum":
            return f"« {cell} » est inférieur au minimum autorisé ({constraints['minimum']})"
        return f"« {cell} » ne respecte pas la contrainte {name} ({title})"
    if kind == "unique-error":
        return f"« {cell} » est déjà utilisé dans une autre ligne ; il doit être unique ({title})"
    return f"{kind}: {note}" if note else kind  # any other error, as frictionless words it


def _split_lists(spec: TableSpec, values: dict[str, Any]) -> dict[str, Any]:
    """Multi-valued cells ("a ; b") become lists of their items."""
    for name, value in values.items():
        separator = spec.list_separator(name)
        if separator and isinstance(value, str):
            values[name] = [item.strip() for item in value.split(separator) if item.strip()]
    return values
