"""The Table Schemas, the mapping, the vocabularies and the shipped workbooks agree."""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import rdflib
from frictionless import Resource
from rdflib.namespace import SKOS

from ptce_kg.rdf.resources import ontology_dir
from ptce_kg.spreadsheet.mapping import load_mapping
from ptce_kg.spreadsheet.readers import read_csv_folder, read_xlsx
from ptce_kg.spreadsheet.schemas import SHEETS, table_specs


def walk(node: Any):
    """Every dict inside the mapping document."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def columns_used(sheet_spec: dict[str, Any]) -> set[str]:
    used = {sheet_spec["key"]} if "key" in sheet_spec else set()
    for entry in walk(sheet_spec["nodes"]):
        if "column" in entry:
            used.add(entry["column"])
        for name in ("when", "unless", "when_any"):
            for condition in entry.get(name, []):
                used |= {condition} if isinstance(condition, str) else set(condition)
        for name in ("iri", "template"):
            if isinstance(entry.get(name), str):
                used |= {f for _, f, _, _ in string.Formatter().parse(entry[name]) if f}
    return used


def test_each_schema_is_documented_and_its_examples_conform() -> None:
    for name, spec in table_specs().items():
        descriptor = spec.descriptor
        assert descriptor["title"] and descriptor["description"]
        assert descriptor["path"] == f"{name}.csv"
        for field in spec.fields:
            assert field["title"] and field["description"] and "example" in field, field["name"]
        row = [str(field["example"]) for field in spec.fields]
        report = Resource(data=[spec.field_names, row], schema=spec.schema).validate()
        assert report.valid, (name, [e.message for e in report.tasks[0].errors])


def test_every_column_is_mapped_and_every_mapped_column_exists() -> None:
    mapping = load_mapping()
    context = set(mapping["context"]["values"])
    assert set(mapping["sheets"]) == set(SHEETS)
    for sheet, sheet_spec in mapping["sheets"].items():
        fields = set(table_specs()[sheet].field_names)
        used = columns_used(sheet_spec) - context - {"value"}
        assert used <= fields, (sheet, used - fields)
        ignored = fields - used
        if sheet == mapping["context"]["sheet"]:
            ignored -= set(mapping["context"]["values"].values())
        assert not ignored, f"{sheet}: columns read but never mapped: {ignored}"


def test_enumerations_are_the_skos_notations() -> None:
    notations: dict[str, set[str]] = {}
    for path in (ontology_dir() / "vocab").glob("*.ttl"):
        graph = rdflib.Graph().parse(path)
        notations[path.stem] = {str(n) for n in graph.objects(None, SKOS.notation)}
    checked = 0
    for sheet, sheet_spec in load_mapping()["sheets"].items():
        spec = table_specs()[sheet]
        for entry in walk(sheet_spec["nodes"]):
            if "concept" not in entry or entry["concept"] not in notations:
                continue  # legal-form: reference data, checked by pattern
            field = spec.field(entry["column"])
            allowed = field.get("constraints", {}).get("enum") or field["x-list"]["enum"]
            assert set(allowed) == notations[entry["concept"]], (sheet, entry["column"])
            if "x-list" in field:  # the pattern accepts exactly the listed values
                pattern = re.compile(field["constraints"]["pattern"])
                assert pattern.match(" ; ".join(allowed))
                assert not pattern.match(allowed[0] + ";inconnu")
            checked += 1
    assert checked >= 10


@pytest.mark.parametrize("kind", ["exemple", "vierge"])
def test_shipped_workbooks_match_their_csv_files(kind: str, templates: Path) -> None:
    workbook = templates / f"ptce-modele-{kind}.xlsx"
    from_xlsx = read_xlsx(workbook, SHEETS)
    from_csv = read_csv_folder(templates / kind, SHEETS)
    assert set(from_xlsx) == set(from_csv) == set(SHEETS)
    for name in SHEETS:
        assert from_xlsx[name].header == from_csv[name].header == table_specs()[name].field_names
        assert from_xlsx[name].rows == from_csv[name].rows, name


def test_controlled_columns_have_drop_downs(templates: Path) -> None:
    book = openpyxl.load_workbook(templates / "ptce-modele-vierge.xlsx")
    mapping = load_mapping()
    checked = 0
    for name, spec in table_specs().items():
        sheet = book[name]
        header = [cell.value for cell in sheet[1]]
        validated = {
            header[rng.min_col - 1]
            for dv in sheet.data_validations.dataValidation
            for rng in dv.sqref.ranges
        }
        controlled = {
            f["name"]
            for f in spec.fields
            if f["type"] == "boolean"
            or "enum" in f.get("constraints", {})
            or f.get("x-list", {}).get("enum")
        }
        references = {e["column"] for e in walk(mapping["sheets"][name]["nodes"]) if "ref" in e}
        assert validated == controlled | references, name
        checked += len(validated)
    assert checked >= 20


def test_readme_describes_every_sheet_and_column(templates: Path) -> None:
    readme = (templates / "README.md").read_text(encoding="utf-8")
    for name, spec in table_specs().items():
        assert f"`{name}`" in readme
        for field in spec.field_names:
            assert f"`{field}`" in readme, (name, field)
