"""The typed validation report built from pySHACL's standard SHACL report graph."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

from ptce_kg.rdf.namespaces import IGEO, ORG, PTCE, ROV, SHAPES
from ptce_kg.validation.shapes import Rule, RuleSetVersion, rule_index, shape_messages

SEVERITIES = ("Violation", "Warning", "Info")
# A placeholder pySHACL fills in a SPARQL constraint's message: {?var} or {$var}.
_PLACEHOLDER = re.compile(r"\{[?$]\w+\}")
_PREFIXES = rdflib.namespace.NamespaceManager(rdflib.Graph(), bind_namespaces="core")
for _prefix, _namespace in (
    ("ptce", PTCE),
    ("org", ORG),
    ("rov", ROV),
    ("ptcesh", SHAPES),
    ("igeo", IGEO),
):
    _PREFIXES.bind(_prefix, str(_namespace))


@dataclass(frozen=True)
class Location:
    """The spreadsheet cell a result's value came from (``column`` None: the whole row)."""

    file: str
    sheet: str
    row: int
    column: str | None


@dataclass
class InputLocations:
    """Where the triples of spreadsheet inputs came from: by triple and by described node."""

    # keyed by rdflib terms; a result's focus, path or value may be None: looked up as is
    triples: dict[tuple[Any, ...], Location] = field(default_factory=dict)
    properties: dict[tuple[Any, ...], Location] = field(default_factory=dict)
    nodes: dict[Any, Location] = field(default_factory=dict)

    def locate(
        self,
        focus: rdflib.term.Node | None,
        path: rdflib.term.Node | None,
        value: rdflib.term.Node | None,
    ) -> Location | None:
        """The cell of (focus, path, value), else of (focus, path, any value), else the row
        of the value or of the focus node; None when the data came from no spreadsheet."""
        if not self.triples and not self.nodes:
            return None
        if isinstance(path, rdflib.URIRef):
            exact = self.triples.get((focus, path, value))
            if exact is not None:
                return exact
            for (s, p, _), location in self.triples.items():
                if s == focus and p == path:
                    return location
            column = self.properties.get((focus, path))
            if column is not None:  # the value is missing: the cell where it belongs
                return column
        return self.nodes.get(value) or self.nodes.get(focus)


@dataclass(frozen=True)
class Result:
    """One SHACL result, mapped to its rule and described for a pole coordinator."""

    rule: str
    severity: str
    focus: str
    focus_label: str
    path: str | None
    value: str | None
    message: str
    source: str
    pole: str | None = None
    pole_label: str | None = None
    location: Location | None = None


@dataclass(frozen=True)
class InputFile:
    """A file that was validated: its name as given (no server folder) and its SHA-256."""

    file: str
    sha256: str


@dataclass(frozen=True)
class PoleSection:
    """One pole's verdict in a report covering several poles validated apart (``ptce-kg
    validate --all-poles``): the pole, the graph its data came from and its own counts."""

    pole: str
    pole_label: str
    graph: str
    conforms: bool
    counts: dict[str, int]


@dataclass
class Report:
    """Outcome of a validation: ``conforms`` means no Violation (Warnings and Infos allowed).

    ``date`` is the day the date rules were judged on; ``rule_set_versions`` say which version
    of each rule set (and the date of its law text) ran; ``inputs`` name the files (or stored
    graphs) validated; ``poles``, for poles validated one by one, each pole's verdict.
    """

    conforms: bool
    counts: dict[str, int]
    results: list[Result]
    rules: tuple[str, ...]
    report_graph: rdflib.Graph = field(repr=False)
    date: str = ""
    rule_set_versions: tuple[RuleSetVersion, ...] = ()
    inputs: tuple[InputFile, ...] = ()
    poles: tuple[PoleSection, ...] = ()

    def rule_ids(self, severity: str | None = None) -> set[str]:
        """The ids of the rules that fired (optionally of one severity)."""
        return {r.rule for r in self.results if severity is None or r.severity == severity}

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form: conforms, counts, rule sets (and their versions), date, inputs,
        each pole's verdict when poles were validated one by one, and results."""
        document: dict[str, object] = {
            "conforms": self.conforms,
            "counts": self.counts,
            "rules": list(self.rules),
            "rule_set_versions": [v.as_dict() for v in self.rule_set_versions],
            "date": self.date,
            "inputs": [asdict(i) for i in self.inputs],
        }
        if self.poles:
            document["poles"] = [asdict(p) for p in self.poles]
        document["results"] = [asdict(r) for r in self.results]
        return document


def combined_report(parts: Sequence[tuple[PoleSection, Report]]) -> Report:
    """One report of poles validated one by one (same rule sets and date): every result, the
    counts added up, conforming when every pole conforms, one SHACL report graph holding every
    result, and each pole's section. Raises ValueError when ``parts`` is empty."""
    if not parts:
        raise ValueError("no report to combine")
    first = parts[0][1]
    graph = rdflib.Graph()
    node = rdflib.BNode()
    graph.add((node, RDF.type, SH.ValidationReport))
    for _, part in parts:
        for triple in part.report_graph:
            if triple[1] == SH.result:
                graph.add((node, SH.result, triple[2]))
            elif triple[1] != SH.conforms and triple[2] != SH.ValidationReport:
                graph.add(triple)
    conforms = all(part.conforms for _, part in parts)
    graph.add((node, SH.conforms, rdflib.Literal(conforms)))
    results = [result for _, part in parts for result in part.results]
    results.sort(key=_result_order)
    return Report(
        conforms=conforms,
        counts={s: sum(part.counts.get(s, 0) for _, part in parts) for s in SEVERITIES},
        results=results,
        rules=first.rules,
        report_graph=graph,
        date=first.date,
        rule_set_versions=first.rule_set_versions,
        inputs=tuple(i for _, part in parts for i in part.inputs),
        poles=tuple(section for section, _ in parts),
    )


def _result_order(r: Result) -> tuple[object, ...]:
    return (
        SEVERITIES.index(r.severity) if r.severity in SEVERITIES else 9,
        r.pole_label or "",
        r.focus_label,
        r.rule,
        r.value or "",
    )


def build_report(
    report_graph: rdflib.Graph,
    data: rdflib.Graph,
    rules: tuple[str, ...],
    lang: str,
    locations: InputLocations | None = None,
) -> Report:
    """Turn pySHACL's report graph into a Report, labelling focus nodes from ``data`` and
    locating them in the spreadsheet cells ``locations`` gives."""
    index = rule_index()
    locations = locations or InputLocations()
    labels = _Labels(data, lang)
    results = []
    # Top-level results only: sh:detail results nested under them (sh:node) are not rules.
    for node in report_graph.objects(None, SH.result):
        shape = report_graph.value(node, SH.sourceShape)
        rule = (index.get(shape) if shape is not None else None) or Rule("UNIDENTIFIED", "", "")
        focus = report_graph.value(node, SH.focusNode)
        path = report_graph.value(node, SH.resultPath)
        value = report_graph.value(node, SH.value)
        severity = str(report_graph.value(node, SH.resultSeverity)).rsplit("#", 1)[-1]
        pole = labels.pole_of(focus)
        results.append(
            Result(
                rule=rule.rule,
                severity=severity,
                focus=str(focus),
                focus_label=labels.describe(focus),
                path=_path_text(path, report_graph),
                value=None if value is None or value == focus else str(value),
                message=_message(report_graph, node, lang),
                source=rule.source,
                pole=None if pole is None else str(pole),
                pole_label=None if pole is None else labels.describe(pole),
                location=locations.locate(focus, path, value),
            )
        )
    results.sort(key=_result_order)
    counts = {s: sum(1 for r in results if r.severity == s) for s in SEVERITIES}
    return Report(counts["Violation"] == 0, counts, results, rules, report_graph)


def _message(graph: rdflib.Graph, node: rdflib.term.Node, lang: str) -> str:
    messages = list(graph.objects(node, SH.resultMessage))
    for wanted in (lang, "en", "fr"):
        for message in messages:
            if getattr(message, "language", None) == wanted:
                return str(message)
    # pySHACL drops the language tag of a SPARQL constraint's messages when it fills in their
    # {?var} placeholders: pick the one written from the shape's message in ``lang``.
    shape = graph.value(node, SH.sourceShape)
    template = shape_messages().get(shape, {}).get(lang) if shape is not None else None
    if template is not None:
        pattern = re.compile(
            ".*?".join(re.escape(part) for part in _PLACEHOLDER.split(template)), re.DOTALL
        )
        for message in messages:
            if pattern.fullmatch(str(message)):
                return str(message)
    return str(messages[0]) if messages else ""


def _path_text(path: rdflib.term.Node | None, graph: rdflib.Graph) -> str | None:
    """A readable property path: the property, or ``^p`` / ``p1/p2`` for simple complex paths."""
    if path is None:
        return None
    if isinstance(path, rdflib.URIRef):
        return path.n3(_PREFIXES)
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return f"^{_path_text(inverse, graph)}"
    if graph.value(path, RDF.first) is not None:
        return "/".join(_path_text(p, graph) or "?" for p in Collection(graph, path))
    return "(complex path)"


# Every predicate _Labels reads (the validation graph keeps their reference triples).
LABEL_PREDICATES = frozenset(
    str(p)
    for p in (
        RDFS.label,
        ROV.legalName,
        RDF.type,
        ORG.organization,
        ORG.member,
        PTCE.siren,
        PTCE.siret,
        PTCE.strategy,
        PTCE.project,
        PTCE.territory,
        PTCE.hasEstablishment,
        PTCE.statutes,
        PTCE.financialYear,
        PTCE.reserveIncorporation,
    )
)


class _Labels:
    """Human labels for focus nodes (name and SIREN/SIRET) and the pole a node belongs to."""

    def __init__(self, data: rdflib.Graph, lang: str) -> None:
        self.data = data
        self.lang = lang

    def name(self, node: rdflib.term.Node) -> str | None:
        names = list(self.data.objects(node, RDFS.label)) + list(
            self.data.objects(node, ROV.legalName)
        )
        for name in names:
            if getattr(name, "language", None) == self.lang:
                return str(name)
        return str(names[0]) if names else None

    def describe(self, node: rdflib.term.Node | None) -> str:
        if node is None:
            return ""
        if isinstance(node, rdflib.Literal):
            return str(node)
        if (node, RDF.type, PTCE.Membership) in self.data or self.data.value(
            node, ORG.organization
        ):
            member = self.data.value(node, ORG.member)
            pole = self.data.value(node, ORG.organization)
            return f"{self.describe(member)} — {self.describe(pole)}"
        text = self.name(node) or _local_name(node)
        for key, predicate in (("SIREN", PTCE.siren), ("SIRET", PTCE.siret)):
            number = self.data.value(node, predicate)
            if number is not None:
                text += f" ({key} {number})"
        return text

    def pole_of(self, node: rdflib.term.Node | None, depth: int = 0) -> rdflib.term.Node | None:
        """The pole a focus node belongs to, for grouping (first one if several)."""
        if node is None or isinstance(node, rdflib.Literal) or depth > 3:
            return None
        data = self.data
        if (node, RDF.type, PTCE.Pole) in data:
            return node
        direct = data.value(node, ORG.organization)
        if direct is not None:
            return direct
        for predicate in (PTCE.strategy, PTCE.project, PTCE.territory):
            owner = data.value(None, predicate, node)
            if owner is not None:
                return owner
        memberships = data.subjects(ORG.member, node)
        for membership in sorted(m for m in memberships if isinstance(m, rdflib.term.Identifier)):
            pole = data.value(membership, ORG.organization)
            if pole is not None:
                return pole
        for predicate in (
            PTCE.hasEstablishment,
            PTCE.statutes,
            PTCE.financialYear,
            PTCE.reserveIncorporation,
        ):
            owner = data.value(None, predicate, node)
            if owner is not None:
                return self.pole_of(owner, depth + 1)
        return None


def _local_name(node: rdflib.term.Node) -> str:
    text = str(node)
    return (
        text.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        if isinstance(node, rdflib.URIRef)
        else text
    )
