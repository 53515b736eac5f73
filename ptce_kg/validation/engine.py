"""validate(): run the shapes of the chosen rule sets over data with pySHACL."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pyshacl
import rdflib

from ptce_kg.errors import InputError
from ptce_kg.rdf.parsing import merged, refuse_imports
from ptce_kg.validation.inputs import read_inputs
from ptce_kg.validation.prepare import validation_graph
from ptce_kg.validation.report import Report, build_report
from ptce_kg.validation.shapes import rule_sets, shapes_graph

LANGS = ("fr", "en")


def validate(data: rdflib.Graph, rules: str | Iterable[str] = "all", lang: str = "fr") -> Report:
    """Validate ``data`` (a Graph, or a Dataset: all its graphs together) against the rule sets
    ``rules`` ("legal", "call", "quality" or "all"); messages in ``lang``.

    Raises InputError for an unknown rule set or language; refuses (UnsafeInputError) data that
    declares ``owl:imports``: they are never followed.
    """
    sets = _rule_sets(rules, lang)
    data = merged(data)
    refuse_imports(data, where="data")
    return _validate(data, sets, lang)


def validate_input(
    graph: rdflib.Graph, rules: str | Iterable[str] = "all", lang: str = "fr"
) -> Report:
    """Validate a graph read by ``validation.inputs`` (which refused ``owl:imports``, naming
    the file), like :func:`validate`."""
    return _validate(graph, _rule_sets(rules, lang), lang)


def validate_files(
    paths: Sequence[Path],
    rules: str | Iterable[str] = "all",
    lang: str = "fr",
    input_format: str | None = None,
) -> Report:
    """Read ``paths`` (see ``validation.inputs.read_inputs``) and validate them together."""
    return validate_input(read_inputs(paths, input_format), rules=rules, lang=lang)


def _rule_sets(rules: str | Iterable[str], lang: str) -> tuple[str, ...]:
    if lang not in LANGS:
        raise InputError(
            f"unknown language {lang!r} (choose from {', '.join(LANGS)})", where="--lang"
        )
    return rule_sets(rules)


def _validate(data: rdflib.Graph, sets: tuple[str, ...], lang: str) -> Report:
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
