"""The template's Frictionless Table Schemas (``templates/schemas/<sheet>.json``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from frictionless import Schema

from ptce_kg.rdf.resources import resource_dir

# The sheets of the template, in the order of the workbook; `pole` is the only mandatory one.
SHEETS = (
    "pole",
    "membres",
    "cooperations",
    "strategie",
    "projets",
    "emplois",
    "partenaires",
    "activites",
    "competences",
    "soutiens",
)
REQUIRED_SHEETS = ("pole",)


@dataclass(frozen=True)
class TableSpec:
    """One sheet's Table Schema, with what the reader needs from it."""

    name: str
    descriptor: dict[str, Any]

    @cached_property
    def schema(self) -> Schema:
        return Schema.from_descriptor(self.descriptor)

    @property
    def fields(self) -> list[dict[str, Any]]:
        return list(self.descriptor["fields"])

    @property
    def field_names(self) -> list[str]:
        return [field["name"] for field in self.descriptor["fields"]]

    def field(self, name: str) -> dict[str, Any]:
        return next(field for field in self.descriptor["fields"] if field["name"] == name)

    def required(self, name: str) -> bool:
        return bool(self.field(name).get("constraints", {}).get("required"))

    def list_separator(self, name: str) -> str | None:
        """The separator of a multi-valued column (``x-list`` in the schema), else None."""
        spec = self.field(name).get("x-list")
        return spec["separator"] if spec else None


def schemas_dir() -> Path:
    return resource_dir("templates") / "schemas"


@cache
def table_specs() -> dict[str, TableSpec]:
    """Every sheet's TableSpec, by sheet name, in workbook order."""
    folder = schemas_dir()
    return {
        name: TableSpec(name, json.loads((folder / f"{name}.json").read_text(encoding="utf-8")))
        for name in SHEETS
    }
