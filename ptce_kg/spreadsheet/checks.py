"""Check raw tables against their Table Schemas with frictionless, then give typed records.

Every error of every table is collected (sheet, row, column, message in French) so a
coordinator fixes the whole file in one go.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from frictionless.resources import TableResource
from rdflib import Graph
from rdflib.namespace import SKOS

from ptce_kg.rdf.resources import ontology_dir
from ptce_kg.spreadsheet.communes import COMMUNE_COLUMNS, commune_hint, is_commune_code
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
    errors = _postal_code_errors(raw.name, records)
    return ([], errors) if errors else (records, [])


def _postal_code_errors(sheet: str, records: list[Record]) -> list[TableError]:
    """Commune cells of the right format holding a postal code that is no INSEE code."""
    errors = []
    for record in records:
        for column in COMMUNE_COLUMNS & record.values.keys():
            value = record.values[column]
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and item and not is_commune_code(item):
                    hint = commune_hint(item)
                    if hint:
                        errors.append(TableError(sheet, record.row, column, hint))
    return errors


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
    message = _message(error.type, error.note, cell, field)
    if column in COMMUNE_COLUMNS and cell is not None:
        hints = [commune_hint(item) for item in re.split(r"\s*;\s*", str(cell)) if item.strip()]
        message = " ; ".join([message, *(hint for hint in hints if hint)])
    return TableError(sheet, row, column, message)


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
            labels = _french_labels()
            # a value written as its French label (« fondateur »): say which code it is
            meant = {
                item: code
                for item in bad
                for code in allowed
                if _fold(labels.get(code, "")) == _fold(item)
            }
            said = "".join(f" ; « {item} » s'écrit {code}" for item, code in meant.items())
            choices = ", ".join(
                f"{code} ({labels[code]})" if code in labels else code for code in allowed
            )
            return (
                f"valeur(s) non autorisée(s) : {', '.join(bad) or '(vide)'}{said} ; valeurs "
                f"possibles, séparées par « ; » : {choices}"
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


@lru_cache(maxsize=1)
def _french_labels() -> dict[str, str]:
    """Concept notation -> French label, over the SKOS schemes of ``ontology/vocab/`` (the
    values of the template's list columns are concept notations)."""
    labels: dict[str, str] = {}
    for path in sorted((ontology_dir() / "vocab").glob("*.ttl")):
        graph = Graph().parse(path, format="turtle")
        for concept, notation in graph.subject_objects(SKOS.notation):
            for label in graph.objects(concept, SKOS.prefLabel):
                if getattr(label, "language", None) == "fr":
                    labels.setdefault(str(notation), str(label))
    return labels


def _fold(text: str) -> str:
    """Compared without case, accents or punctuation."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", ascii_text.lower()).strip()


def _split_lists(spec: TableSpec, values: dict[str, Any]) -> dict[str, Any]:
    """Multi-valued cells ("a ; b") become lists of their items."""
    for name, value in values.items():
        separator = spec.list_separator(name)
        if separator and isinstance(value, str):
            values[name] = [item.strip() for item in value.split(separator) if item.strip()]
    return values
