"""Apply the declarative mapping (``mappings/spreadsheet.yaml``) to checked tables.

The YAML says which nodes each row describes, their IRIs and their properties; this module
only interprets that grammar (documented at the top of the YAML file). Two passes: first every
row's node IRIs (so any sheet can refer to any other), then the triples.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml
from rdflib import RDF, Graph, Literal, URIRef

from ptce_kg.rdf.resources import mappings_dir
from ptce_kg.spreadsheet.checks import Record
from ptce_kg.spreadsheet.errors import TableError, TableErrors

MAPPING_FILE = "spreadsheet.yaml"


@cache
def load_mapping(path: Path | None = None) -> dict[str, Any]:
    """The mapping document (the shipped one unless ``path`` is given)."""
    source = path or mappings_dir() / MAPPING_FILE
    return yaml.safe_load(source.read_text(encoding="utf-8"))


def load_lookups(mapping: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The mapping's code tables: ``{file, key}`` names a table ``value -> [first, last]`` of
    code ranges in another mapping file; it becomes ``code -> value`` for every code."""
    tables: dict[str, dict[str, str]] = {}
    for name, spec in mapping.get("lookups", {}).items():
        source = yaml.safe_load((mappings_dir() / spec["file"]).read_text(encoding="utf-8"))
        tables[name] = {
            f"{code:0{len(first)}d}": value
            for value, (first, last) in source[spec["key"]].items()
            for code in range(int(first), int(last) + 1)
        }
    return tables


@dataclass(frozen=True)
class _Node:
    """A node one row describes: its IRI and the merged spec of the chosen alternative."""

    iri: URIRef
    types: tuple[str, ...]
    properties: tuple[dict[str, Any], ...]
    fictitious: bool


class _Mapper:
    """One application of the mapping to one file's tables (collects reference errors)."""

    def __init__(
        self, mapping: dict[str, Any], tables: dict[str, list[Record]], skip: frozenset[str]
    ) -> None:
        self.mapping = mapping
        self.tables = tables
        self.skip = skip
        self.base: str = mapping["base"]
        self.vocab: str = mapping["vocab"]
        self.prefixes: dict[str, str] = mapping["prefixes"]
        self.lookups = load_lookups(mapping)
        self.errors: list[TableError] = []
        self.context: dict[str, Any] = {}
        # (sheet, row index) -> node name -> _Node ; sheet -> key text -> row index
        self.nodes: dict[tuple[str, int], dict[str, _Node]] = {}
        self.keys: dict[str, dict[str, int]] = {}

    # -- names -----------------------------------------------------------------------------
    def curie(self, name: str) -> URIRef:
        prefix, _, local = name.partition(":")
        return URIRef(self.prefixes[prefix] + local)

    def template_iri(self, template: str, values: dict[str, Any]) -> URIRef | None:
        """Fill an IRI template (relative to ``base`` unless absolute); None if a value is empty."""
        filled = _fill(template, values, encode=True)
        if filled is None:
            return None
        return URIRef(filled if filled.startswith(("http://", "https://")) else self.base + filled)

    # -- pass 1: nodes ---------------------------------------------------------------------
    def resolve_nodes(self) -> None:
        context_spec = self.mapping["context"]
        rows = self.tables.get(context_spec["sheet"], [])
        self.context = {
            var: rows[0].values.get(column) for var, column in context_spec["values"].items()
        }
        for sheet, sheet_spec in self.mapping["sheets"].items():
            key = sheet_spec.get("key")
            self.keys[sheet] = {}
            for index, record in enumerate(self.tables.get(sheet, [])):
                values = self.values(record)
                if key is not None:
                    self.keys[sheet][_text(record.values[key])] = index
                self.nodes[(sheet, index)] = {
                    name: node
                    for name, spec in sheet_spec["nodes"].items()
                    if (node := self.node(spec, values)) is not None
                }

    def values(self, record: Record) -> dict[str, Any]:
        return {**self.context, **record.values}

    def node(self, spec: dict[str, Any], values: dict[str, Any]) -> _Node | None:
        if not _holds(spec, values):
            return None
        chosen: dict[str, Any] = {}
        for alternative in spec.get("choose", []):
            if _holds(alternative, values):
                chosen = alternative
                break
        else:
            if "choose" in spec and "iri" not in spec:
                return None
        template = chosen.get("iri", spec.get("iri"))
        iri = self.template_iri(template, values) if template else None
        if iri is None:
            return None
        return _Node(
            iri,
            tuple(spec.get("types", [])) + tuple(chosen.get("types", [])),
            tuple(spec.get("properties", [])) + tuple(chosen.get("properties", [])),
            bool(chosen.get("fictitious", spec.get("fictitious", True))),
        )

    # -- pass 2: triples -------------------------------------------------------------------
    def emit(self, graph: Graph) -> None:
        flag = self.mapping["fictitious"]
        flagged = bool(self.context.get(flag["when"]))
        for sheet in self.mapping["sheets"]:
            for index, record in enumerate(self.tables.get(sheet, [])):
                values = self.values(record)
                row_nodes = self.nodes[(sheet, index)]
                for node in row_nodes.values():
                    for type_name in node.types:
                        graph.add((node.iri, RDF.type, self.curie(type_name)))
                    if flagged and node.fictitious:
                        graph.add(
                            (
                                node.iri,
                                self.curie(flag["predicate"]),
                                self.literal(flag["value"], flag),
                            )
                        )
                    for prop in node.properties:
                        if _holds(prop, values):
                            self.emit_property(graph, node, prop, sheet, record, values, row_nodes)

    def emit_property(
        self,
        graph: Graph,
        node: _Node,
        prop: dict[str, Any],
        sheet: str,
        record: Record,
        values: dict[str, Any],
        row_nodes: dict[str, _Node],
    ) -> None:
        predicate = self.curie(prop["predicate"])
        for obj in self.objects(prop, sheet, record, values, row_nodes):
            if prop.get("inverse"):
                graph.add((obj, predicate, node.iri))
            else:
                graph.add((node.iri, predicate, obj))

    def objects(
        self,
        prop: dict[str, Any],
        sheet: str,
        record: Record,
        values: dict[str, Any],
        row_nodes: dict[str, _Node],
    ) -> list[URIRef | Literal]:
        if "node" in prop:
            target = row_nodes.get(prop["node"])
            return [target.iri] if target else []
        if "column" not in prop:
            if "iri" in prop:
                iri = self.template_iri(prop["iri"], values)
                return [iri] if iri is not None else []
            if "template" in prop:
                text = _fill(prop["template"], values, encode=False)
                return [self.literal(text, prop)] if text is not None else []
            return [self.literal(prop["value"], prop)]
        cell = record.values.get(prop["column"])
        items = cell if isinstance(cell, list) else ([] if cell is None else [cell])
        found: list[URIRef | Literal] = []
        if "if_in" in prop:
            items = [item for item in items if _text(item) in self.lookups[prop["if_in"]]]
        if "lookup" in prop:
            table = self.lookups[prop["lookup"]]
            items = [table.get(_text(item), item) for item in items]
        for item in items:
            if "concept" in prop:
                found.append(URIRef(f"{self.vocab}{prop['concept']}/{_encode(_text(item))}"))
            elif "iri" in prop:
                iri = self.template_iri(prop["iri"], {**values, "value": item})
                if iri is not None:
                    found.append(iri)
            elif "ref" in prop:
                target = self.reference(prop, sheet, record, item)
                if target is not None:
                    found.append(target)
            else:
                found.append(self.literal(item, prop))
        return found

    def reference(
        self, prop: dict[str, Any], sheet: str, record: Record, item: Any
    ) -> URIRef | None:
        ref = prop["ref"]
        if ref["sheet"] in self.skip:  # that sheet has its own errors: its keys are not known
            return None
        index = self.keys.get(ref["sheet"], {}).get(_text(item))
        target = None
        if index is not None:
            target = self.nodes[(ref["sheet"], index)].get(ref["node"])
        if target is None:
            key = self.mapping["sheets"][ref["sheet"]].get("key")
            self.errors.append(
                TableError(
                    sheet,
                    record.row,
                    prop["column"],
                    f"« {item} » ne correspond à aucune ligne de la feuille {ref['sheet']} "
                    f"(colonne {key})",
                )
            )
            return None
        return target.iri

    def literal(self, value: Any, prop: dict[str, Any]) -> Literal:
        if "lang" in prop:
            return Literal(_text(value), lang=prop["lang"])
        if "datatype" in prop:
            return Literal(_text(value), datatype=self.curie(prop["datatype"]))
        return Literal(_text(value))


def _text(value: Any) -> str:
    """The lexical form of a typed cell (dates ISO 8601, booleans true/false, decimals in their
    canonical form 42.0, so every RDF syntax round-trips the same literal)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text if "." in text else f"{text}.0"
    return str(value)


def _encode(text: str) -> str:
    return quote(text, safe="-._~")


def _fill(template: str, values: dict[str, Any], *, encode: bool) -> str | None:
    """``template`` with its {names} replaced; None when one of them is empty."""
    parts: dict[str, str] = {}
    for _, name, _, _ in string.Formatter().parse(template):
        if name is None:
            continue
        value = values.get(name)
        if value is None or value == "" or isinstance(value, list):
            return None
        parts[name] = _encode(_text(value)) if encode else _text(value)
    return template.format_map(parts)


def _filled(value: Any) -> bool:
    return value is not None and value is not False and value != "" and value != []


def _condition(condition: str | dict[str, Any], values: dict[str, Any]) -> bool:
    if isinstance(condition, str):
        return _filled(values.get(condition))
    ((column, expected),) = condition.items()
    value = values.get(column)
    return expected in value if isinstance(value, list) else value == expected


def _holds(spec: dict[str, Any], values: dict[str, Any]) -> bool:
    """The spec's when (all), unless (none) and when_any (at least one) conditions."""
    return (
        all(_condition(c, values) for c in spec.get("when", []))
        and not any(_condition(c, values) for c in spec.get("unless", []))
        and (not spec.get("when_any") or any(_filled(values.get(c)) for c in spec["when_any"]))
    )


def map_tables(
    tables: dict[str, list[Record]],
    mapping: dict[str, Any] | None = None,
    where: str | None = None,
    skip: frozenset[str] = frozenset(),
) -> Graph:
    """The RDF graph of checked tables; raises TableErrors for references to unknown rows.

    References to a sheet of ``skip`` (one with errors of its own) are not checked."""
    mapping = mapping or load_mapping()
    graph = Graph()
    for prefix, namespace in mapping["prefixes"].items():
        graph.bind(prefix, namespace)
    graph.bind("id", mapping["base"])
    mapper = _Mapper(mapping, tables, skip)
    mapper.resolve_nodes()
    mapper.emit(graph)
    if mapper.errors:
        raise TableErrors(mapper.errors, where)
    return graph
