"""Linking: the ``derived`` graph (rules in ``sparql/rules/*.rq``) and the link report
(checks in ``sparql/link/*.rq``, their texts in French and English in
``sparql/link/messages.yaml``).

The derived graph is rebuilt from scratch after each load or import: it is dropped, then every
rule file (one SPARQL CONSTRUCT each) runs in name order, its triples added before the next
runs, so a later rule sees what earlier ones derived; derived facts are never mixed with source
graphs. Rules read any graph through ``GRAPH ?g`` patterns, so they work the same on the
embedded store and on a remote endpoint.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pyoxigraph import NamedNode

from ptce_kg.errors import InputError
from ptce_kg.kg.metadata import (
    GraphDescription,
    describe_metadata_graph,
    descriptions,
    record_unless_same,
    sha256_of,
    sha256_of_text,
)
from ptce_kg.rdf import graphs
from ptce_kg.rdf.resources import sparql_dir
from ptce_kg.sparql.catalogue import statement
from ptce_kg.sparql.results import solutions
from ptce_kg.store.base import Store

DERIVED_GRAPH = graphs.DERIVED
_DERIVED = NamedNode(DERIVED_GRAPH)
LANGUAGES = ("fr", "en")
# Graphs ptce-kg computes itself, which no rule reads.
_NOT_INPUTS = (DERIVED_GRAPH, graphs.METADATA, graphs.STATISTICS)


def rule_files() -> list[Path]:
    """The derivation rules, in the order they run."""
    return sorted((sparql_dir() / "rules").glob("*.rq"))


def check_files() -> list[Path]:
    """The link-report checks."""
    return sorted((sparql_dir() / "link").glob("*.rq"))


def rebuild_derived(store: Store) -> int:
    """Drop the derived graph and run every rule, in order; return the derived triple count.

    Each rule file is a SPARQL CONSTRUCT whose triples are added to the derived graph before
    the next rule runs (``Store.add_constructed``: Oxigraph's bulk loader on the embedded
    store; 22.5 s on a million legal units). One transactional ``INSERT … WHERE`` per rule
    took 92 s there (one update holding every rule, 368 s): Oxigraph slows down as a
    transaction's pending writes grow. So the rebuild is not atomic: a reader can see an empty
    or partly rebuilt graph for those seconds, and a failure leaves it partial until the next
    rebuild (after the next import, load or init), which starts from scratch.
    """
    store.drop_graph(DERIVED_GRAPH)
    for path in rule_files():
        store.add_constructed(DERIVED_GRAPH, path.read_text(encoding="utf-8"))
    count = solutions(store.query(statement("store/graph-size"), substitutions={"graph": _DERIVED}))
    derived = int(next(iter(count))["n"].value)
    record_unless_same(store, derived_description(store, derived))
    describe_metadata_graph(store)  # a service may have written a description without it
    return derived


def derived_description(store: Store, triples: int) -> GraphDescription:
    """The description of the derived graph: its rules as sources, the graphs it was computed
    from (``prov:wasDerivedFrom``); its sha256 covers the rules and each input graph's recorded
    sha256 and size, so it changes exactly when a rebuild can give another result.

    Sizes are those the metadata recorded when each graph was written: counting every graph
    took 1.1 s at 100 000 legal units. The store counts only when a graph has no recorded size.
    """
    recorded = descriptions(store)
    # The graphs of ptce-kg's names or descriptions: not an engine's own graphs (Virtuoso's
    # virtrdf#…, which hold none of the rules' terms), so the same data has the same sha256
    # on every engine.
    inputs = [
        g
        for g in store.graph_names()
        if g not in _NOT_INPUTS and (g.startswith(graphs.GRAPH_BASE) or g in recorded)
    ]
    sizes = {g: recorded.get(g, {}).get("triples") for g in inputs}
    if not all(sizes.values()):
        sizes = {g.iri: str(g.triples) for g in store.graphs()}
    state = "".join(
        f"{g} {sizes.get(g, 0)} {recorded.get(g, {}).get('sha256', '')}\n" for g in inputs
    )
    rules = rule_files()
    return GraphDescription(
        graph=DERIVED_GRAPH,
        title="Faits dérivés par les règles de liaison (sparql/rules)",
        sources=tuple(sorted(p.resolve().as_uri() for p in rules)),
        sha256=sha256_of_text(f"{sha256_of(rules)}\n{state}"),
        triples=triples,
        license="derived from the graphs of prov:wasDerivedFrom: their licences apply",
        credit="ptce-kg linking rules",
        description="Rebuilt from scratch after each init, load and import; never loaded into.",
        derived_from=tuple(inputs),
    )


@dataclass(frozen=True)
class Finding:
    """One problem found by a link check, about one membership of a pole."""

    check: str
    title: str
    pole: str
    pole_label: str | None
    membership: str
    member: str
    member_label: str | None
    detail: str


@dataclass
class LinkReport:
    """Findings of every link check, and the checks that ran, in one language."""

    checks: dict[str, str] = field(default_factory=dict)  # check name -> title
    findings: list[Finding] = field(default_factory=list)
    lang: str = "fr"

    @property
    def ok(self) -> bool:
        """True when no check found anything."""
        return not self.findings

    def counts(self) -> dict[str, int]:
        """Number of findings per check (0 for checks that found nothing)."""
        counts = dict.fromkeys(self.checks, 0)
        for finding in self.findings:
            counts[finding.check] += 1
        return counts

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""
        return {
            "ok": self.ok,
            "counts": self.counts(),
            "checks": self.checks,
            "findings": [asdict(f) for f in self.findings],
        }

    def text(self) -> str:
        """A human-readable report grouped by check."""
        lines = messages()["report"]
        if self.ok:
            return lines["nothing"][self.lang].format(checks=len(self.checks))
        text = [lines["findings"][self.lang].format(count=len(self.findings))]
        for check, title in self.checks.items():
            found = [f for f in self.findings if f.check == check]
            if not found:
                continue
            text.append(f"\n{title} [{check}]: {len(found)}")
            for f in found:
                member = f"{f.member_label} <{f.member}>" if f.member_label else f"<{f.member}>"
                pole = f.pole_label or f.pole
                text.append(f"  - {pole}: {member}\n      {f.detail}")
        return "\n".join(text)


@cache
def messages() -> dict[str, Any]:
    """The texts of ``sparql/link/messages.yaml``; raises InputError when a check or a language
    lacks its texts (a broken install, said at once rather than in a half-written report)."""
    path = sparql_dir() / "link" / "messages.yaml"
    texts = yaml.safe_load(path.read_text(encoding="utf-8"))
    for check in [p.stem for p in check_files()]:
        entry = texts.get("checks", {}).get(check, {})
        for key in ("title", "detail"):
            missing = [lang for lang in LANGUAGES if lang not in entry.get(key, {})]
            if missing:
                raise InputError(f"no {key} in {', '.join(missing)} for {check}", str(path))
    return texts


class _Columns(dict[str, str]):
    """A row's columns for a detail template: a name that is no column is a broken template."""

    def __init__(self, check: str, row: dict[str, str]) -> None:
        super().__init__(row)
        self.check = check

    def __missing__(self, name: str) -> str:
        raise InputError(f"{{{name}}} is no column of sparql/link/{self.check}.rq", "messages.yaml")


def _value(solution: Any, name: str) -> str | None:
    term = solution[name]
    return None if term is None else str(term.value)


def link_report(store: Store, lang: str = "fr") -> LinkReport:
    """Run every check of ``sparql/link/`` on the store (derived graph assumed up to date),
    its texts in ``lang`` ("fr" or "en"). Raises InputError for another language."""
    if lang not in LANGUAGES:
        raise InputError(f"no link report in {lang!r}; languages: {', '.join(LANGUAGES)}")
    report = LinkReport(lang=lang)
    for path in check_files():
        check = path.stem
        texts = messages()["checks"][check]
        report.checks[check] = texts["title"][lang]
        rows = solutions(store.query(path.read_text(encoding="utf-8")))
        columns = [v.value for v in rows.variables]
        for row in rows:
            values = {name: _value(row, name) or "" for name in columns}
            report.findings.append(
                Finding(
                    check=check,
                    title=texts["title"][lang],
                    pole=values["pole"],
                    pole_label=values["pole_label"] or None,
                    membership=values["membership"],
                    member=values["member"],
                    member_label=values["member_label"] or None,
                    detail=texts["detail"][lang].format_map(_Columns(check, values)),
                )
            )
    return report
