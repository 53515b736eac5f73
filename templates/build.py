"""(Re)generate the template workbooks from the CSV files and the Table Schemas.

    .venv/bin/python templates/build.py

writes ``ptce-modele-vierge.xlsx`` (from ``vierge/``) and ``ptce-modele-exemple.xlsx`` (from
``exemple/``): one sheet per table (header = the schema's field names, with the title and the
description as a cell comment), typed cells (dates, numbers), text-formatted code columns (so
Excel keeps the leading zeros of SIREN and commune codes), drop-down lists for controlled
values and for the columns that name a row of another sheet (member ids…), a ``lisez-moi``
sheet that describes every column and a hidden ``listes`` sheet that holds the drop-down values.
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

# The sheets and their Table Schemas, as the reader knows them (one definition of each).
from ptce_kg.spreadsheet.schemas import SHEETS, table_specs

HERE = Path(__file__).resolve().parent
MAPPING = HERE.parent / "mappings" / "spreadsheet.yaml"
BOOLEAN_CHOICES = ["oui", "non"]
VALIDATED_ROWS = 500  # rows that get the drop-downs below the header
FIXED_TIME = datetime(2026, 11, 28)  # workbook metadata, so rebuilding changes nothing
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="F8CBAD")


def choices(field: dict[str, Any]) -> list[str] | None:
    """The drop-down values of a column: its enum, its list's enum, or oui/non."""
    if field["type"] == "boolean":
        return BOOLEAN_CHOICES
    if "enum" in field.get("constraints", {}):
        return [str(value) for value in field["constraints"]["enum"]]
    return field.get("x-list", {}).get("enum")


def typed(value: str, field: dict[str, Any]) -> Any:
    """A CSV cell as the typed value a coordinator would type in Excel (text when it does not
    parse, as Excel keeps it: the checker then reports it)."""
    if value == "":
        return None
    kind = field["type"]
    try:
        if kind == "date":
            return date.fromisoformat(value)
        if kind in ("integer", "year"):
            return int(value)
        if kind == "number":
            number = float(value)
            return int(number) if number.is_integer() else number
    except ValueError:
        return value
    return value


def write_readme(sheet: Any, schemas: dict[str, dict[str, Any]]) -> None:
    sheet.append(["Modèle de données d'un PTCE / PTCE data template"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(
        [
            "Une feuille par table ; la première ligne de chaque feuille donne les noms de "
            "colonnes, à ne pas modifier. Les colonnes en orange sont obligatoires. "
            "Listes de valeurs : choisir dans la liste déroulante ; plusieurs valeurs "
            "séparées par « ; ». Dates au format AAAA-MM-JJ. Vérifier le fichier : "
            "ptce-kg validate fichier.xlsx ; le convertir en RDF : ptce-kg convert "
            "fichier.xlsx -o pole.ttl. Voir templates/README.md."
        ]
    )
    sheet.append(
        [
            "One sheet per table; row 1 holds the column names (keep them). Orange "
            "columns are required. Controlled values: pick from the drop-down; several "
            "values separated by ';'. Dates as YYYY-MM-DD. See templates/README.md."
        ]
    )
    sheet.append([])
    sheet.append(
        [
            "feuille / sheet",
            "colonne / column",
            "titre",
            "obligatoire",
            "type",
            "description",
            "exemple",
        ]
    )
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for name, schema in schemas.items():
        for field in schema["fields"]:
            required = field.get("constraints", {}).get("required", False)
            sheet.append(
                [
                    name,
                    field["name"],
                    field["title"],
                    "oui" if required else "non",
                    field["type"],
                    field["description"],
                    str(field.get("example", "")),
                ]
            )
    for letter, width in zip("ABCDEFG", (14, 30, 34, 11, 9, 100, 30), strict=True):
        sheet.column_dimensions[letter].width = width


def write_lists(sheet: Any, schemas: dict[str, dict[str, Any]]) -> dict[tuple[str, str], str]:
    """One column per drop-down; returns (sheet, field) -> the absolute range of its values."""
    ranges: dict[tuple[str, str], str] = {}
    column = 0
    for name, schema in schemas.items():
        for field in schema["fields"]:
            values = choices(field)
            if not values:
                continue
            column += 1
            letter = get_column_letter(column)
            sheet.cell(row=1, column=column, value=f"{name}.{field['name']}")
            for row, value in enumerate(values, start=2):
                sheet.cell(row=row, column=column, value=value)
            ranges[(name, field["name"])] = (
                f"{quote_sheetname(sheet.title)}!${letter}$2:${letter}${len(values) + 1}"
            )
    sheet.sheet_state = "hidden"
    return ranges


def write_table(
    sheet: Any,
    schema: dict[str, Any],
    header: list[str],
    rows: list[dict[str, str]],
    ranges: dict[tuple[str, str], str],
) -> None:
    """The CSV file's columns (those of the schema in a shipped template), typed and styled."""
    known = {field["name"]: field for field in schema["fields"]}
    fields = [
        known.get(name, {"name": name, "type": "string", "title": name, "description": ""})
        for name in header
    ]
    sheet.append(header)
    for index, field in enumerate(fields, start=1):
        cell = sheet.cell(row=1, column=index)
        required = field.get("constraints", {}).get("required", False)
        cell.font = Font(bold=True)
        cell.fill = REQUIRED_FILL if required else HEADER_FILL
        cell.comment = Comment(
            f"{field['title']}\n\n{field['description']}", "ptce-kg", width=360, height=200
        )
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, min(45, len(field["title"]) + 4))
        # Text format keeps leading zeros of codes (SIREN, commune codes) typed by hand.
        number_format = {
            "date": "yyyy-mm-dd",
            "integer": "0",
            "year": "0",
            "number": "General",
        }.get(field["type"], "@")
        # a column style, not styled empty cells: the file stays small and quick to read
        sheet.column_dimensions[letter].number_format = number_format
        source = ranges.get((schema["path"].removesuffix(".csv"), field["name"]))
        if source:
            multiple = "x-list" in field
            validation = DataValidation(
                type="list",
                formula1=source,
                allow_blank=True,
                # several values separated by ";" cannot match a single list item: show the
                # list but accept typed combinations (the checker verifies them).
                showErrorMessage=not multiple,
                errorTitle="Valeur non autorisée",
                error="Choisir une valeur de la liste.",
                promptTitle=field["title"][:32],
                prompt=(
                    "Plusieurs valeurs possibles, séparées par « ; »"
                    if multiple
                    else "Choisir dans la liste"
                )[:255],
                showInputMessage=True,
            )
            validation.add(f"{letter}2:{letter}{VALIDATED_ROWS + 1}")
            sheet.add_data_validation(validation)
    for number, row in enumerate(rows, start=2):
        for index, field in enumerate(fields, start=1):
            sheet.cell(row=number, column=index, value=typed(row.get(field["name"], ""), field))
    sheet.freeze_panes = "A2"


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The header and the rows of a UTF-8 CSV file."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def reference_ranges(schemas: dict[str, dict[str, Any]]) -> dict[tuple[str, str], str]:
    """Columns that name a row of another sheet (``ref`` in mappings/spreadsheet.yaml) get a
    drop-down of that sheet's key column (member ids, project numbers…)."""
    mapping = yaml.safe_load(MAPPING.read_text(encoding="utf-8"))
    ranges: dict[tuple[str, str], str] = {}
    for sheet, spec in mapping["sheets"].items():
        for entry in _entries(spec["nodes"]):
            if "ref" not in entry:
                continue
            target = entry["ref"]["sheet"]
            key = mapping["sheets"][target]["key"]
            names = [field["name"] for field in schemas[target]["fields"]]
            letter = get_column_letter(names.index(key) + 1)
            ranges[(sheet, entry["column"])] = (
                f"{quote_sheetname(target)}!${letter}$2:${letter}${VALIDATED_ROWS + 1}"
            )
    return ranges


def _entries(node: Any) -> list[dict[str, Any]]:
    """Every mapping entry (dict) below ``node``."""
    if isinstance(node, dict):
        return [node, *(e for value in node.values() for e in _entries(value))]
    if isinstance(node, list):
        return [e for value in node for e in _entries(value)]
    return []


def build(source: Path, target: Path) -> None:
    schemas = {name: spec.descriptor for name, spec in table_specs().items()}
    workbook = Workbook()
    readme = workbook.active
    readme.title = "lisez-moi"
    write_readme(readme, schemas)
    data_sheets = {name: workbook.create_sheet(name) for name in SHEETS}
    ranges = write_lists(workbook.create_sheet("listes"), schemas) | reference_ranges(schemas)
    for name, sheet in data_sheets.items():
        write_table(sheet, schemas[name], *read_csv(source / f"{name}.csv"), ranges)
    workbook.active = 1
    workbook.properties.creator = "ptce-kg"
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    workbook.save(target)


def main() -> None:
    build(HERE / "vierge", HERE / "ptce-modele-vierge.xlsx")
    build(HERE / "exemple", HERE / "ptce-modele-exemple.xlsx")


if __name__ == "__main__":
    main()
