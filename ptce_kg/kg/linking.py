"""Linking: the ``derived`` graph (rules in ``sparql/rules/*.rq``) and the link report
(checks in ``sparql/link/*.rq``).

The derived graph is rebuilt from scratch after each load or import: it is dropped, then every
rule file (one SPARQL CONSTRUCT each) runs in name order, its triples added before the next
runs, so a later rule sees what earlier ones derived; derived facts are never mixed with source
graphs. Rules read any graph through ``GRAPH ?g`` patterns, so they work the same on the
embedded store and on a remote endpoint.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode

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
_TITLE_PREFIX = "#+ title:"
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
    """Findings of every link check, and the checks that ran."""

    checks: dict[str, str] = field(default_factory=dict)  # check name -> title
    findings: list[Finding] = field(default_factory=list)

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
        if self.ok:
            return f"link report: nothing to report ({len(self.checks)} checks)"
        lines = [f"link report: {len(self.findings)} finding(s)"]
        for check, title in self.checks.items():
            found = [f for f in self.findings if f.check == check]
            if not found:
                continue
            lines.append(f"\n{title} [{check}]: {len(found)}")
            for f in found:
                member = f"{f.member_label} <{f.member}>" if f.member_label else f"<{f.member}>"
                pole = f.pole_label or f.pole
                lines.append(f"  - {pole}: {member}\n      {f.detail}")
        return "\n".join(lines)


def _title(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(_TITLE_PREFIX):
            return line[len(_TITLE_PREFIX) :].strip()
    return path.stem


def _value(solution: Any, name: str) -> str | None:
    term = solution[name]
    return None if term is None else str(term.value)


def link_report(store: Store) -> LinkReport:
    """Run every check of ``sparql/link/`` on the store (derived graph assumed up to date)."""
    report = LinkReport()
    for path in check_files():
        check, title = path.stem, _title(path)
        report.checks[check] = title
        for row in solutions(store.query(path.read_text(encoding="utf-8"))):
            report.findings.append(
                Finding(
                    check=check,
                    title=title,
                    pole=_value(row, "pole") or "",
                    pole_label=_value(row, "pole_label"),
                    membership=_value(row, "membership") or "",
                    member=_value(row, "member") or "",
                    member_label=_value(row, "member_label"),
                    detail=_value(row, "detail") or "",
                )
            )
    return report
