"""The registry facts the cube counts: per legal unit its legal form, SIRENE ESS flag, state,
NAF code and headcount band; per establishment its unit, commune and state.

An import fills them while it streams its rows (``add_unit``/``add_site``: a few list appends,
so the cube costs the import no second read of its files); a graph already in the store gives
them through one SPARQL SELECT per kind (``facts_from_store``: seconds per 100 000 units, fine
for the API imports, slow for a national SIRENE graph, docs/statistics.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pyoxigraph import NamedNode

from ptce_kg.sparql.catalogue import statement
from ptce_kg.sparql.results import solutions
from ptce_kg.store.base import Store


@dataclass
class RegistryFacts:
    """Column lists of units and establishments, in the order they were read."""

    unit_siren: list[str] = field(default_factory=list)
    unit_form: list[str] = field(default_factory=list)
    unit_flag: list[str] = field(default_factory=list)  # "O", "N" or "" (unknown)
    unit_state: list[str] = field(default_factory=list)  # "A", "C" or ""
    unit_activity: list[str] = field(default_factory=list)  # NAF rév. 2 code, or ""
    unit_band: list[str] = field(default_factory=list)
    site_siret: list[str] = field(default_factory=list)
    site_siren: list[str] = field(default_factory=list)
    site_commune: list[str] = field(default_factory=list)  # COG commune (COM) code, or ""
    site_state: list[str] = field(default_factory=list)  # "A", "F" or ""

    def add_unit(
        self, siren: str, form: str, flag: str, state: str, activity: str, band: str
    ) -> None:
        """One legal unit (``activity`` only when it is a NAF rév. 2 code)."""
        self.unit_siren.append(siren)
        self.unit_form.append(form)
        self.unit_flag.append(flag)
        self.unit_state.append(state)
        self.unit_activity.append(activity)
        self.unit_band.append(band)

    def add_site(self, siret: str, siren: str, commune: str, state: str) -> None:
        """One establishment (``commune``: the COG commune, PLM arrondissements mapped)."""
        self.site_siret.append(siret)
        self.site_siren.append(siren)
        self.site_commune.append(commune)
        self.site_state.append(state)

    def extend(self, other: RegistryFacts) -> None:
        """Add ``other``'s rows after these (the first row of a SIREN or SIRET wins)."""
        for name in self.__dataclass_fields__:
            getattr(self, name).extend(getattr(other, name))


def _text(row: object, name: str) -> str:
    term = row[name]  # type: ignore[index]
    return "" if term is None else str(term.value)


def facts_from_store(store: Store, graph: str) -> RegistryFacts:
    """The facts of the registry units and establishments held in ``graph``."""
    facts = RegistryFacts()
    bound = {"graph": NamedNode(graph)}
    for row in solutions(store.query(statement("statistics/unit-facts"), substitutions=bound)):
        facts.add_unit(
            *(_text(row, name) for name in ("siren", "form", "flag", "state", "activity", "band"))
        )
    for row in solutions(store.query(statement("statistics/site-facts"), substitutions=bound)):
        facts.add_site(*(_text(row, name) for name in ("siret", "siren", "commune", "state")))
    return facts
