"""A pole's public sheet: its territory, members by actor category and by ESS family, its
strategy, projects and cooperations, and its jobs over time (sparql/pages/pole-*.rq)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from pyoxigraph import NamedNode

from ptce_kg.pages.labels import Labels
from ptce_kg.sparql.catalogue import statement
from ptce_kg.sparql.results import solutions
from ptce_kg.store.base import Store

PART_KINDS = ("strategy", "project", "cooperation")


@dataclass
class Member:
    membership: str
    member: str
    roles: set[str] = field(default_factory=set)
    categories: set[str] = field(default_factory=set)
    families: set[str] = field(default_factory=set)


@dataclass
class Part:
    """A strategy, project or cooperation of the pole."""

    iri: str
    kind: str
    start: str | None = None
    concepts: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class JobCount:
    date: str
    count: float
    unit: str | None


@dataclass
class PoleSheet:
    """What the graph says of one pole, ready to be shown."""

    iri: str
    territories: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)
    jobs: list[JobCount] = field(default_factory=list)
    labels: Labels = field(default_factory=Labels)

    def by_category(self, name: Callable[[str], str]) -> list[tuple[str | None, list[Member]]]:
        """Members grouped by actor category, ordered by the category's ``name`` (None, not
        given, last); a member in two categories is in both."""
        groups: dict[str | None, list[Member]] = {}
        for member in self.members:
            categories: list[str | None] = [*sorted(member.categories)] or [None]
            for category in categories:
                groups.setdefault(category, []).append(member)
        return sorted(groups.items(), key=lambda item: _order(item[0], name))

    def family_counts(self, name: Callable[[str], str]) -> list[tuple[str | None, int]]:
        """How many members fall in each ESS family, most first (None: no family known)."""
        counts: Counter[str | None] = Counter()
        for member in self.members:
            families: list[str | None] = [*sorted(member.families)] or [None]
            for family in families:
                counts[family] += 1
        return sorted(counts.items(), key=lambda item: (-item[1], _order(item[0], name)))

    def parts_of(self, kind: str) -> list[Part]:
        return [p for p in self.parts if p.kind == kind]


def _order(iri: str | None, name: Callable[[str], str]) -> tuple[bool, str]:
    """Sort key: by name, the missing value (None) last."""
    return (iri is None, name(iri).casefold() if iri else "")


def pole_sheet(store: Store, iri: str) -> PoleSheet:
    """The sheet of the pole ``iri`` (empty lists when the graph says nothing of a part)."""
    pole = {"pole": NamedNode(iri)}
    sheet = PoleSheet(iri)
    labels = sheet.labels

    def rows(name: str):  # noqa: ANN202 - the solutions of one pages/pole-* query
        return solutions(store.query(statement(f"pages/{name}"), substitutions=pole))

    for row in rows("pole-territory"):
        if row["territory"].value not in sheet.territories:
            sheet.territories.append(row["territory"].value)
        area = row["area"]
        if area is not None and area.value not in sheet.areas:
            sheet.areas.append(area.value)
            labels.add(area.value, row["areaLabel"])
    members: dict[str, Member] = {}
    for row in rows("pole-members"):
        key = row["membership"].value
        member = members.setdefault(key, Member(key, row["member"].value))
        labels.add(member.member, row["memberLabel"])
        for column, found in (
            ("role", member.roles),
            ("category", member.categories),
            ("family", member.families),
        ):
            if row[column] is not None:
                found.add(row[column].value)
    sheet.members = sorted(
        members.values(), key=lambda m: (labels.best(m.member, "fr") or m.member).casefold()
    )
    parts: dict[str, Part] = {}
    for row in rows("pole-parts"):
        key = row["part"].value
        part = parts.setdefault(key, Part(key, row["kind"].value))
        labels.add(key, row["label"])
        if row["start"] is not None:
            part.start = row["start"].value
        if row["concept"] is not None:
            part.concepts.add(row["concept"].value)
    sheet.parts = sorted(parts.values(), key=lambda p: (p.start or "", p.iri))
    for row in rows("pole-jobs"):
        try:
            count = float(row["count"].value)
        except ValueError:  # a malformed count stays off the chart (validation reports it)
            continue
        unit = row["unit"].value if row["unit"] is not None else None
        sheet.jobs.append(JobCount(row["date"].value, count, unit))
    return sheet
