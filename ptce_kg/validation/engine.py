"""validate(): run the shapes of the chosen rule sets over data with pySHACL."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from types import ModuleType

import pyshacl
import rdflib

from ptce_kg.errors import InputError
from ptce_kg.rdf import parsing as rdfio
from ptce_kg.validation.prepare import validation_graph
from ptce_kg.validation.report import Report, build_report
from ptce_kg.validation.shapes import rule_sets, shapes_graph

LANGS = ("fr", "en")


def validate(data: rdflib.Graph, rules: str | Iterable[str] = "all", lang: str = "fr") -> Report:
    """Validate ``data`` (a Graph, or a Dataset: all its graphs together) against the rule sets
    ``rules`` ("legal", "call", "quality" or "all"); messages in ``lang``.

    Refuses (UnsafeInputError) data that declares ``owl:imports``: they are never followed.
    """
    if lang not in LANGS:
        raise InputError(
            f"unknown language {lang!r} (choose from {', '.join(LANGS)})", where="--lang"
        )
    sets = rule_sets(rules)
    data = _flatten(data)
    rdfio.refuse_imports(data, where="data")
    graph = validation_graph(data)
    _, report_graph, _ = pyshacl.validate(
        graph,
        shacl_graph=shapes_graph(sets),
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        allow_infos=True,
        meta_shacl=False,
        advanced=False,
        do_owl_imports=False,
        inplace=True,
    )
    return build_report(report_graph, graph, sets, lang)


def read_inputs(paths: Sequence[Path], input_format: str | None = None) -> rdflib.Graph:
    """Read every file (RDF in any syntax, or the spreadsheet template) into one graph."""
    if not paths:
        raise InputError("no file to validate")
    graph = rdflib.Graph()
    for path in paths:
        if not path.exists():
            raise InputError("no such file or folder", where=str(path))
        part = _read_one(path, input_format)
        rdfio.refuse_imports(part, where=str(path))
        for triple in part:
            graph.add(triple)
    return graph


def validate_files(
    paths: Sequence[Path],
    rules: str | Iterable[str] = "all",
    lang: str = "fr",
    input_format: str | None = None,
) -> Report:
    """Read ``paths`` (see :func:`read_inputs`) and validate them together."""
    return validate(read_inputs(paths, input_format), rules=rules, lang=lang)


def read_bytes(data: bytes, name: str, input_format: str | None = None) -> rdflib.Graph:
    """Read one file held in memory (an upload: never written to disk) like :func:`read_inputs`
    reads a file; ``name`` (a file name, never opened) gives the syntax and names it in errors.

    Raises InputError (TableErrors, UnsafeInputError…) for a file that cannot be read.
    """
    if input_format is None and _is_spreadsheet(Path(name)):
        return _spreadsheet(name).to_rdf_bytes(data, name)
    part = _flatten(rdfio.parse_bytes(data, input_format or rdfio.guess_format(Path(name)), name))
    rdfio.refuse_imports(part, where=name)
    return part


def _is_spreadsheet(path: Path) -> bool:
    return path.suffix.lower() in (".xlsx", ".csv")


def _spreadsheet(where: str) -> ModuleType:
    try:
        from ptce_kg import spreadsheet  # optional: the spreadsheet area's reader
    except ModuleNotFoundError as exc:
        raise InputError(
            "spreadsheet input is not supported by this installation", where=where
        ) from exc
    return spreadsheet


def _read_one(path: Path, input_format: str | None) -> rdflib.Graph:
    if input_format is None and (path.is_dir() or _is_spreadsheet(path)):
        return _spreadsheet(str(path)).to_rdf(path)
    return _flatten(rdfio.parse_file(path, input_format))


def _flatten(data: rdflib.Graph) -> rdflib.Graph:
    """All triples of a Dataset (every named graph) in one Graph; a Graph is returned as is."""
    if not isinstance(data, rdflib.Dataset):
        return data
    graph = rdflib.Graph()
    for s, p, o, _ in data.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph
