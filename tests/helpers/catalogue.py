"""The catalogue tests' helpers: a runner of named queries, and the facts the expected results
are computed from, read WITHOUT the catalogue's SPARQL.

The example poles come straight from ``data/demo/*.ttl`` (rdflib); the 39 known PTCE and the 7
registry sample units from the graphs ``init`` wrote (read quad by quad); geography from the
COG CSV columns (département, région, EPCI of each commune); ESS families from
``mappings/ess-family-by-legal-form.csv``; NAF sections from the NAF CSV. Each expected result
is then plain Python over these facts.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import rdflib
from pyoxigraph import RdfFormat, Triple, serialize
from rdflib import RDF, RDFS, Namespace, URIRef

from ptce_kg.rdf.resources import data_dir, mappings_dir
from ptce_kg.runtime.query_service import QueryService
from ptce_kg.sparql.catalogue import Catalogue, NamedQuery
from ptce_kg.store import OxigraphStore

PTCE = Namespace("https://w3id.org/ptce/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
ID = "https://w3id.org/ptce/id/"
VOCAB = "https://w3id.org/ptce/vocab/"
GEO = "http://id.insee.fr/geo/"
GRAPHS = (
    "https://w3id.org/ptce/graph/known-ptce",
    "https://w3id.org/ptce/graph/recherche-entreprises",
)


Row = dict[str, str]
Runner = Callable[..., list[Row]]


def catalogue_answer(
    service: QueryService, query: NamedQuery, params: dict[str, str]
) -> dict[str, Any]:
    """The SPARQL JSON results document of ``query`` with ``params``, run by ``service``."""
    prepared = query.prepare(params)
    result = service.execute(
        prepared.text,
        substitutions=prepared.substitutions,
        accept="application/sparql-results+json",
    )
    return json.loads(result.body)


def catalogue_runner(service: QueryService, catalogue: Catalogue) -> Runner:
    """``run(name, **params)``: the rows of a named query (plain values), run by ``service``."""

    def run(name: str, **params: str) -> list[Row]:
        query = catalogue.get(name)
        assert query is not None, name
        bindings = catalogue_answer(service, query, params)["results"]["bindings"]
        return [{k: v["value"] for k, v in row.items()} for row in bindings]

    return run


def key(iri: object, base: str) -> str:
    """The last part of an IRI under ``base``."""
    text = str(iri)
    assert text.startswith(base), (text, base)
    return text[len(base) :]


class Sources:
    def __init__(self, store: OxigraphStore) -> None:
        self.demo_files = sorted((data_dir() / "demo").glob("*.ttl"))
        self.g = rdflib.Graph()
        for path in self.demo_files:
            self.g.parse(path, format="turtle")
        for graph in GRAPHS:
            triples = (Triple(q.subject, q.predicate, q.object) for q in store.quads(graph))
            self.g.parse(data=serialize(triples, format=RdfFormat.N_TRIPLES), format="nt")
        reference = data_dir() / "reference"
        self.communes = {
            r["code"]: r for r in _csv(reference / "communes.csv") if r["typecom"] == "COM"
        }
        self.families = {
            r["code"]: (r["ess_family"], r["borderline"] == "true")
            for r in _csv(mappings_dir() / "ess-family-by-legal-form.csv")
        }
        self.area_communes: dict[str, set[str]] = {}
        for code in self.communes:
            for area in self.areas_of_commune(code):
                self.area_communes.setdefault(area, set()).add(code)
        self.naf_section = {
            r["code_sous_classe"]: r["code_section"]
            for r in _csv(reference / "naf-rev2-5-niveaux.csv")
        }
        # The simplified ESS rule below (family of a non-borderline legal form) is exact only
        # when no unit carries another ESS signal; the shipped data has none.
        for signal in (PTCE.sireneEssFlag, PTCE.essRegistryMention, PTCE.statutes):
            assert not list(self.g.triples((None, signal, None))), signal

    # --- poles and members -------------------------------------------------------------
    def demo_poles(self) -> list[URIRef]:
        return [URIRef(f"{ID}pole/{p.stem}") for p in self.demo_files]

    def poles(self) -> set[URIRef]:
        return set(self.g.subjects(RDF.type, PTCE.Pole))

    def memberships(self, pole: URIRef) -> list[URIRef]:
        return list(self.g.subjects(ORG.organization, pole))

    def members(self, pole: URIRef) -> set[URIRef]:
        return {self.g.value(m, ORG.member) for m in self.memberships(pole)}

    def label(self, node: URIRef) -> str | None:
        labels = list(self.g.objects(node, RDFS.label))
        fr = [str(x) for x in labels if getattr(x, "language", None) in ("fr", None)]
        return fr[0] if fr else None

    # --- registry facts ------------------------------------------------------------------
    def legal_form(self, member: URIRef) -> str | None:
        form = self.g.value(member, PTCE.legalForm)
        return key(form, f"{VOCAB}legal-form/") if form is not None else None

    def ess_family(self, member: URIRef) -> str | None:
        form = self.legal_form(member)
        family, borderline = self.families.get(form or "", (None, False))
        return None if borderline else family

    def ceased(self, member: URIRef) -> bool:
        return str(self.g.value(member, PTCE.administrativeState) or "") == "C"

    def open_sites(self, unit: URIRef) -> list[URIRef]:
        return [
            s
            for s in self.g.objects(unit, PTCE.hasEstablishment)
            if str(self.g.value(s, PTCE.administrativeState) or "") != "F"
        ]

    def site_communes(self, unit: URIRef) -> set[str]:
        """COG codes of the communes of ``unit``'s open establishments."""
        return {
            key(c, f"{GEO}commune/")
            for s in self.open_sites(unit)
            for c in self.g.objects(s, PTCE.commune)
        }

    # --- geography -----------------------------------------------------------------------
    def areas_of_commune(self, code: str) -> set[str]:
        """The COG IRIs a commune lies in: itself, its EPCI, département and région."""
        row = self.communes[code]
        areas = {
            f"{GEO}commune/{code}",
            f"{GEO}departement/{row['departement']}",
            f"{GEO}region/{row['region']}",
        }
        if row["epci"]:
            areas.add(f"{GEO}intercommunalite/{row['epci']}")
        return areas

    def perimeter(self, pole: URIRef) -> set[str]:
        territory = self.g.value(pole, PTCE.territory)
        return (
            {str(a) for a in self.g.objects(territory, PTCE.perimeterArea)} if territory else set()
        )

    def communes_in(self, area: str) -> set[str]:
        return self.area_communes.get(area, set())

    def pole_levels(self, pole: URIRef, level: str) -> set[str]:
        """Départements or régions (``level``) a pole's territory touches."""
        found = set()
        for area in self.perimeter(pole):
            if f"/{level}/" in area:
                found.add(area)
            for code in (
                self.communes_in(area)
                if "/intercommunalite/" in area
                else ([key(area, f"{GEO}commune/")] if "/commune/" in area else [])
            ):
                found |= {a for a in self.areas_of_commune(code) if f"/{level}/" in a}
            if level == "region" and "/departement/" in area:
                found |= {
                    a
                    for c in self.communes_in(area)
                    for a in self.areas_of_commune(c)
                    if "/region/" in a
                }
        return found

    def registry_units(self) -> list[URIRef]:
        return list(self.g.subjects(RDF.type, PTCE.LegalUnit))


def _csv(path: Path) -> Iterable[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)
