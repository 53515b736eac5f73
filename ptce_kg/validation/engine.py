"""validate(): run the shapes of the chosen rule sets over data with pySHACL."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

import pyshacl
import rdflib

from ptce_kg import spreadsheet
from ptce_kg.errors import InputError
from ptce_kg.rdf import parsing as rdfio
from ptce_kg.validation.prepare import validation_graph
from ptce_kg.validation.report import InputFile, InputLocations, Location, Report, build_report
from ptce_kg.validation.shapes import rule_set_version, rule_sets, shapes_graph

LANGS = ("fr", "en")


def validate(
    data: rdflib.Graph,
    rules: str | Iterable[str] = "all",
    lang: str = "fr",
    as_of: date | None = None,
    inputs: Sequence[InputFile] = (),
    locations: InputLocations | None = None,
) -> Report:
    """Validate ``data`` (a Graph, or a Dataset: all its graphs together) against the rule sets
    ``rules`` ("legal", "call", "esus", "quality" or "all"); messages in ``lang``. Date rules
    (an ended strategy, an expired approval, a date far in the future) are judged on ``as_of``
    (default: today). ``inputs`` name the files the data came from, for the report;
    ``locations`` (from :func:`read_located_inputs` or :func:`read_located_bytes`) put
    spreadsheet cells on the results.

    Refuses (UnsafeInputError) data that declares ``owl:imports``: they are never followed.
    """
    if lang not in LANGS:
        raise InputError(
            f"unknown language {lang!r} (choose from {', '.join(LANGS)})", where="--lang"
        )
    sets = rule_sets(rules)
    day = as_of or date.today()
    data = _flatten(data)
    rdfio.refuse_imports(data, where="data")
    graph = validation_graph(data)
    _, report_graph, _ = pyshacl.validate(
        graph,
        shacl_graph=shapes_graph(sets, day),
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        allow_infos=True,
        meta_shacl=False,
        advanced=False,
        do_owl_imports=False,
        inplace=True,
    )
    report = build_report(report_graph, graph, sets, lang, locations)
    report.date = day.isoformat()
    report.rule_set_versions = tuple(rule_set_version(s) for s in sets)
    report.inputs = tuple(inputs)
    return report


def input_file(name: str, data: bytes) -> InputFile:
    """The report's record of one validated file."""
    return InputFile(name, hashlib.sha256(data).hexdigest())


def describe_inputs(paths: Sequence[Path]) -> tuple[InputFile, ...]:
    """The files ``paths`` name (a folder: each file in it), as the report records them."""
    files = []
    for path in paths:
        members = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
        for member in members:
            name = str(member) if member == path else f"{path}/{member.name}"
            files.append(input_file(name, member.read_bytes()))
    return tuple(files)


def read_inputs(paths: Sequence[Path], input_format: str | None = None) -> rdflib.Graph:
    """Read every file (RDF in any syntax, or the spreadsheet template) into one graph."""
    return read_located_inputs(paths, input_format)[0]


def read_located_inputs(
    paths: Sequence[Path], input_format: str | None = None, names: Sequence[str] = ()
) -> tuple[rdflib.Graph, InputLocations]:
    """``read_inputs`` and the spreadsheet cell each triple of a spreadsheet input came from,
    the file named as in ``names`` (default: the path as given). Raises InputError for a
    missing or unreadable file."""
    if not paths:
        raise InputError("no file to validate")
    graph = rdflib.Graph()
    locations = InputLocations()
    for index, path in enumerate(paths):
        if not path.exists():
            raise InputError("no such file or folder", where=str(path))
        name = names[index] if index < len(names) else str(path)
        part = _read_one(path, input_format, name, locations)
        rdfio.refuse_imports(part, where=str(path))
        for triple in part:
            graph.add(triple)
    return graph, locations


def validate_files(
    paths: Sequence[Path],
    rules: str | Iterable[str] = "all",
    lang: str = "fr",
    input_format: str | None = None,
    as_of: date | None = None,
) -> Report:
    """Read ``paths`` (see :func:`read_inputs`) and validate them together; the report names
    each file with its SHA-256."""
    graph, locations = read_located_inputs(paths, input_format)
    return validate(
        graph,
        rules=rules,
        lang=lang,
        as_of=as_of,
        inputs=describe_inputs(paths),
        locations=locations,
    )


def read_located_bytes(
    data: bytes, name: str, input_format: str | None = None, shown_as: str | None = None
) -> tuple[rdflib.Graph, InputLocations]:
    """Read one file held in memory (an upload: never written to disk) like
    :func:`read_located_inputs` reads a file; ``name`` (a file name, never opened) gives the
    syntax and names it in errors, ``shown_as`` (default ``name``) in the cell locations.

    Raises InputError (TableErrors, UnsafeInputError…) for a file that cannot be read.
    """
    locations = InputLocations()
    if input_format is None and spreadsheet.is_spreadsheet_name(name):
        part, cells = spreadsheet.to_rdf_located_bytes(data, name)
        _add_locations(locations, cells, shown_as or name)
    else:
        syntax = input_format or rdfio.guess_format(Path(name))
        part = _flatten(rdfio.parse_bytes(data, syntax, name))
    rdfio.refuse_imports(part, where=name)
    return part, locations


def _read_one(
    path: Path, input_format: str | None, name: str, locations: InputLocations
) -> rdflib.Graph:
    if input_format is None and (path.is_dir() or spreadsheet.is_spreadsheet(path)):
        graph, cells = spreadsheet.to_rdf_located(path)
        _add_locations(locations, cells, name)
        return graph
    return _flatten(rdfio.parse_file(path, input_format))


def _flatten(data: rdflib.Graph) -> rdflib.Graph:
    """All triples of a Dataset (every named graph) in one Graph; a Graph is returned as is."""
    if not isinstance(data, rdflib.Dataset):
        return data
    graph = rdflib.Graph()
    for s, p, o, _ in data.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def _add_locations(locations: InputLocations, cells: spreadsheet.Locations, name: str) -> None:
    """Record the cells of one spreadsheet input under the file name ``name`` (the first input
    that stated a triple keeps it)."""
    for triple, cell in cells.triples.items():
        locations.triples.setdefault(triple, Location(name, cell.sheet, cell.row, cell.column))
    for key, cell in cells.properties.items():
        locations.properties.setdefault(key, Location(name, cell.sheet, cell.row, cell.column))
    for node, cell in cells.nodes.items():
        locations.nodes.setdefault(node, Location(name, cell.sheet, cell.row, cell.column))
