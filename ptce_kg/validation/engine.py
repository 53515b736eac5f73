"""validate(): run the shapes of the chosen rule sets over data with pySHACL."""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path

import pyshacl
import rdflib
from pyshacl.graph_abstraction import DataGraph

from ptce_kg.errors import InputError
from ptce_kg.rdf.parsing import merged, refuse_imports
from ptce_kg.validation.graphstore import one_graph_copy
from ptce_kg.validation.inputs import read_inputs
from ptce_kg.validation.prepare import validation_graph
from ptce_kg.validation.report import (
    LABEL_PREDICATES,
    InputFile,
    InputLocations,
    Report,
    build_report,
)
from ptce_kg.validation.shapes import read_predicates, rule_set_version, rule_sets, shapes_graph

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
    ``locations`` (filled by ``validation.inputs``) put spreadsheet cells on the results.

    Raises InputError for an unknown rule set or language; refuses (UnsafeInputError) data that
    declares ``owl:imports``: they are never followed (``validation.inputs`` refuses them first,
    naming the file).
    """
    sets = _rule_sets(rules, lang)
    data = merged(data)
    refuse_imports(data, where="data")
    day = as_of or date.today()
    graph = validation_graph(data, read_predicates(sets) | LABEL_PREDICATES)
    validator = pyshacl.Validator(
        DataGraph.from_rdflib(graph),
        shacl_graph=shapes_graph(sets, day),
        options={
            "inference": "none",
            "abort_on_first": False,
            "allow_warnings": True,
            "allow_infos": True,
            "advanced": False,
            "inplace": True,
        },
    )
    validator.shacl_graph = _parsed_shapes(sets, day)
    _, report_graph, _ = validator.run()
    report = build_report(report_graph, graph, sets, lang, locations)
    report.date = day.isoformat()
    report.rule_set_versions = tuple(rule_set_version(s) for s in sets)
    report.inputs = tuple(inputs)
    return report


@lru_cache(maxsize=16)
def _parsed_shapes(sets: tuple[str, ...], day: date) -> pyshacl.ShapesGraph:
    """pySHACL's Shape objects for the shapes of ``sets`` on ``day``, read once: a Validator
    reads its shapes graph again into Shape objects on every run (a tenth of a pole's
    validation time). They hold no state of a run. Their graph is a ``OneGraphStore`` copy: the
    shapes read their lists (``sh:or``…) from it again in every run."""
    parsed = pyshacl.ShapesGraph(one_graph_copy(shapes_graph(sets, day)))
    parsed.shapes  # noqa: B018 -- read them now, not during a first (possibly concurrent) run
    return parsed


def freeze_caches() -> None:
    """Leave the objects alive now out of the cyclic garbage collector's passes (after a
    collection): call it once a process has validated a first pole, before it validates many or
    forks workers that will. The caches a first validation fills (shapes, ontology, reference
    data) are hundreds of thousands of long-lived objects, and each full collection walked them
    all again (about a sixth of a pole's validation time). Frozen objects are still freed by
    reference counting; forked workers also keep sharing their pages."""
    gc.collect()
    gc.freeze()


def validate_files(
    paths: Sequence[Path],
    rules: str | Iterable[str] = "all",
    lang: str = "fr",
    input_format: str | None = None,
    as_of: date | None = None,
) -> Report:
    """Read ``paths`` (see ``validation.inputs.read_inputs``) and validate them together; the
    report names each file with its SHA-256 and each spreadsheet result with its cell."""
    locations = InputLocations()
    graph = read_inputs(paths, input_format, locations=locations)
    return validate(
        graph,
        rules=rules,
        lang=lang,
        as_of=as_of,
        inputs=describe_inputs(paths),
        locations=locations,
    )


def _rule_sets(rules: str | Iterable[str], lang: str) -> tuple[str, ...]:
    if lang not in LANGS:
        raise InputError(
            f"unknown language {lang!r} (choose from {', '.join(LANGS)})", where="--lang"
        )
    return rule_sets(rules)


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
