"""Reference data as RDF, built from the CSV files shipped in ``data/reference/``.

* COG (graph ``reference/cog``): communes (COM), communes déléguées (COMD) and associées
  (COMA), arrondissements municipaux (ARM), EPCI with their member communes (DGCL list),
  arrondissements départementaux, départements, régions, with INSEE code-based IRIs, ``igeo:``
  classes, ``igeo:codeINSEE``, ``igeo:nom`` and ``ptce:partOfArea`` materialised to every level
  above (a COMD/COMA/ARM is part of its parent commune and everything above it; a commune is
  part of its EPCI, arrondissement, département and région).
* NAF rév. 2 (graph ``reference/naf``): SKOS concepts at INSEE's IRIs with the broader chain.
* Legal forms (graph ``reference/legal-forms``): the INSEE catégories juridiques as SKOS
  concepts (levels III → II → I) with their ESS family from
  ``mappings/ess-family-by-legal-form.csv``.

Each CSV is parsed once per process and triples are indexed by subject; ``reference_subset``
builds the COG triples of only the areas it needs, so even its first call is quick.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import rdflib
from pyoxigraph import Literal, NamedNode, Triple
from rdflib.namespace import RDF, SKOS, XSD

from ptce_kg.rdf import graphs
from ptce_kg.rdf.iris import (
    COMMUNE_TYPES,
    LEGAL_FORM_SCHEME,
    NAF_LEVELS,
    NAF_SCHEME,
    arrondissement_iri,
    commune_iri,
    departement_iri,
    epci_iri,
    legal_form_iri,
    naf_iri,
    region_iri,
)
from ptce_kg.rdf.namespaces import IGEO, PTCE, vocab
from ptce_kg.rdf.resources import data_dir, mappings_dir
from ptce_kg.rdf.terms import to_rdflib

LO2 = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"

RDF_TYPE = NamedNode(RDF.type)
XSD_BOOLEAN = NamedNode(XSD.boolean)
CODE_INSEE = NamedNode(IGEO.codeINSEE)
NOM = NamedNode(IGEO.nom)
PART_OF_AREA = NamedNode(PTCE.partOfArea)
SIREN = NamedNode(PTCE.siren)
ESS_FAMILY = NamedNode(PTCE.essFamily)
BORDERLINE_ESS = NamedNode(PTCE.borderlineEss)
CONCEPT = NamedNode(SKOS.Concept)
CONCEPT_SCHEME = NamedNode(SKOS.ConceptScheme)
IN_SCHEME = NamedNode(SKOS.inScheme)
TOP_CONCEPT_OF = NamedNode(SKOS.topConceptOf)
HAS_TOP_CONCEPT = NamedNode(SKOS.hasTopConcept)
BROADER = NamedNode(SKOS.broader)
NOTATION = NamedNode(SKOS.notation)
PREF_LABEL = NamedNode(SKOS.prefLabel)

Index = dict[str, list[Triple]]  # subject IRI -> its triples


def reference_dir() -> Path:
    """The folder of the shipped reference CSV files."""
    return data_dir() / "reference"


@cache
def read_csv(path: Path) -> tuple[dict[str, str], ...]:
    """The rows of a shipped CSV file (parsed once per process)."""
    with open(path, encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


def _rows(name: str) -> tuple[dict[str, str], ...]:
    return read_csv(reference_dir() / name)


def _area(iri: str, cls: str, code: str, name: str) -> list[Triple]:
    node = NamedNode(iri)
    return [
        Triple(node, RDF_TYPE, NamedNode(IGEO[cls])),
        Triple(node, CODE_INSEE, Literal(code)),
        Triple(node, NOM, Literal(name, language="fr")),
    ]


@lru_cache(maxsize=1)
def _cog_rows() -> dict[str, tuple[str, dict[str, str]]]:
    """COG area IRI -> (kind, CSV row); kind: Region, Departement, Arrondissement,
    Intercommunalite or TYPECOM."""
    areas: dict[str, tuple[str, dict[str, str]]] = {}
    for row in _rows("regions.csv"):
        areas[region_iri(row["code"])] = ("Region", row)
    for row in _rows("departements.csv"):
        areas[departement_iri(row["code"])] = ("Departement", row)
    for row in _rows("arrondissements.csv"):
        areas[arrondissement_iri(row["code"])] = ("Arrondissement", row)
    for row in _rows("epci.csv"):
        areas[epci_iri(row["code"])] = ("Intercommunalite", row)
    for row in _rows("communes.csv"):  # (typecom, code) is the key: codes repeat across types
        areas[commune_iri(row["code"], row["typecom"])] = (row["typecom"], row)
    return areas


@lru_cache(maxsize=1)
def epci_of_commune() -> dict[str, str]:
    """Commune code -> SIREN of its EPCI, from the DGCL member list (``epci-membres.csv``)."""
    return {row["commune"]: row["epci"] for row in _rows("epci-membres.csv")}


@lru_cache(maxsize=1)
def naf_sections() -> dict[str, str]:
    """NAF rév. 2 sub-class code (``88.99B``) -> its section letter (``Q``)."""
    return {row["code_sous_classe"]: row["code_section"] for row in _rows("naf-rev2-5-niveaux.csv")}


@lru_cache(maxsize=1)
def headcount_bands() -> frozenset[str]:
    """INSEE's employee headcount band codes (``NN``, ``00``…``53``)."""
    return frozenset(row["code"] for row in _rows("tranches-effectifs.csv"))


def _parents(kind: str, row: dict[str, str]) -> list[str]:
    """Every area above a COG area (its ``partOfArea`` objects)."""
    if kind in ("Departement", "Arrondissement"):
        above = [departement_iri(row["departement"])] if kind == "Arrondissement" else []
        return above + ([region_iri(row["region"])] if row["region"] else [])
    if kind == "COM":
        epci = epci_of_commune().get(row["code"], "")
        return [
            iri(value)
            for iri, value in (
                (epci_iri, epci),
                (arrondissement_iri, row["arrondissement"]),
                (departement_iri, row["departement"]),
                (region_iri, row["region"]),
            )
            if value
        ]
    if kind in COMMUNE_TYPES:  # COMD, COMA, ARM: the parent commune, then everything above it
        parent = commune_iri(row["commune_parente"])
        found = _cog_rows().get(parent)
        return [parent, *(_parents(*found) if found else [])]
    return []


@cache
def cog_area(iri: str) -> list[Triple]:
    """The triples of one COG area (built on demand, then cached)."""
    kind, row = _cog_rows()[iri]
    cls = COMMUNE_TYPES[kind][1] if kind in COMMUNE_TYPES else kind
    triples = _area(iri, cls, row["code"], row["nom"])
    node = NamedNode(iri)
    if kind == "Intercommunalite":
        triples.append(Triple(node, SIREN, Literal(row["code"])))
    triples += [Triple(node, PART_OF_AREA, NamedNode(p)) for p in _parents(kind, row)]
    return triples


@lru_cache(maxsize=1)
def cog_index() -> Index:
    """COG areas, each with its triples (``partOfArea`` to every level above)."""
    return {iri: cog_area(iri) for iri in _cog_rows()}


def _scheme(iri: str, label: str) -> list[Triple]:
    node = NamedNode(iri)
    return [
        Triple(node, RDF_TYPE, CONCEPT_SCHEME),
        Triple(node, PREF_LABEL, Literal(label, language="fr")),
    ]


def _concept(iri: str, scheme: str, notation: str, label: str, broader: str | None) -> list[Triple]:
    node, scheme_node = NamedNode(iri), NamedNode(scheme)
    triples = [
        Triple(node, RDF_TYPE, CONCEPT),
        Triple(node, IN_SCHEME, scheme_node),
        Triple(node, NOTATION, Literal(notation)),
    ]
    if label:  # INSEE gives no label for legal-form level I "0": none is invented
        triples.append(Triple(node, PREF_LABEL, Literal(label, language="fr")))
    if broader:
        triples.append(Triple(node, BROADER, NamedNode(broader)))
    else:
        triples.append(Triple(node, TOP_CONCEPT_OF, scheme_node))
        triples.append(Triple(scheme_node, HAS_TOP_CONCEPT, node))
    return triples


@lru_cache(maxsize=1)
def naf_index() -> Index:
    """NAF rév. 2 concepts (sections to sous-classes) and the scheme."""
    index: Index = {
        NAF_SCHEME: _scheme(NAF_SCHEME, "Nomenclature d'activités française (NAF rév. 2)")
    }
    levels = list(NAF_LEVELS)
    for row in _rows("naf-rev2-codes.csv"):
        level = row["niveau"]
        parent = row["code_parent"]  # always one level up
        broader = naf_iri(levels[levels.index(level) - 1], parent) if parent else None
        iri = naf_iri(level, row["code"])
        index[iri] = _concept(iri, NAF_SCHEME, row["code"], row["libelle"], broader)
    return index


@lru_cache(maxsize=1)
def ess_families() -> dict[str, tuple[str, bool]]:
    """Legal-form code -> (ESS family notation, borderline) from the mapping CSV."""
    rows = read_csv(mappings_dir() / "ess-family-by-legal-form.csv")
    return {row["code"]: (row["ess_family"], row["borderline"] == "true") for row in rows}


@lru_cache(maxsize=1)
def legal_form_index() -> Index:
    """Catégories juridiques (levels III, II, I) with ESS family and borderline flag."""
    index: Index = {LEGAL_FORM_SCHEME: _scheme(LEGAL_FORM_SCHEME, "Catégories juridiques (INSEE)")}
    families = ess_families()
    for row in _rows("categories-juridiques.csv"):
        level1, level2 = legal_form_iri(row["code_niveau_1"]), legal_form_iri(row["code_niveau_2"])
        if level1 not in index:
            index[level1] = _concept(
                level1, LEGAL_FORM_SCHEME, row["code_niveau_1"], row["libelle_niveau_1"], None
            )
        if level2 not in index:
            index[level2] = _concept(
                level2, LEGAL_FORM_SCHEME, row["code_niveau_2"], row["libelle_niveau_2"], level1
            )
        iri = legal_form_iri(row["code"])
        index[iri] = _concept(iri, LEGAL_FORM_SCHEME, row["code"], row["libelle"], level2)
        if row["code"] in families:
            family, borderline = families[row["code"]]
            index[iri].append(
                Triple(NamedNode(iri), ESS_FAMILY, NamedNode(vocab("ess-family", family)))
            )
            if borderline:
                index[iri].append(
                    Triple(NamedNode(iri), BORDERLINE_ESS, Literal("true", datatype=XSD_BOOLEAN))
                )
    return index


def _flatten(index: Index) -> list[Triple]:
    return [t for triples in index.values() for t in triples]


@dataclass(frozen=True)
class ReferenceDataset:
    """One reference graph: where it goes, what it is built from, its credits."""

    graph: str
    title: str
    files: tuple[str, ...]  # under data/reference/ or mappings/
    creator: str
    license: str
    index: Callable[[], Index]

    def paths(self) -> list[Path]:
        """The source files (CSV) the graph is built from."""
        return [
            (mappings_dir() if name.startswith("mappings/") else reference_dir())
            / name.removeprefix("mappings/")
            for name in self.files
        ]

    def triples(self) -> list[Triple]:
        """Every triple of the graph."""
        return _flatten(self.index())


DATASETS: tuple[ReferenceDataset, ...] = (
    ReferenceDataset(
        graphs.REFERENCE_COG,
        "Code officiel géographique 2026 (INSEE) et EPCI à fiscalité propre (DGCL)",
        (
            "communes.csv",
            "epci.csv",
            "epci-membres.csv",
            "arrondissements.csv",
            "departements.csv",
            "regions.csv",
        ),
        "INSEE, DGCL (via @etalab/decoupage-administratif 6.0.0)",
        LO2,
        cog_index,
    ),
    ReferenceDataset(
        graphs.REFERENCE_NAF,
        "Nomenclature d'activités française, NAF rév. 2 (INSEE, 2008)",
        ("naf-rev2-codes.csv",),
        "INSEE",
        LO2,
        naf_index,
    ),
    ReferenceDataset(
        graphs.REFERENCE_LEGAL_FORMS,
        "Catégories juridiques (INSEE) et famille ESS (loi 2014-856 art. 1 II 1°)",
        ("categories-juridiques.csv", "mappings/ess-family-by-legal-form.csv"),
        "INSEE (nomenclature); ptce-kg (ESS families, docs/law.md §8)",
        LO2,
        legal_form_index,
    ),
)


def cog_triples() -> list[Triple]:
    """The whole COG graph."""
    return _flatten(cog_index())


def naf_triples() -> list[Triple]:
    """The whole NAF rév. 2 graph."""
    return _flatten(naf_index())


def legal_form_triples() -> list[Triple]:
    """The whole legal-form graph."""
    return _flatten(legal_form_index())


@lru_cache(maxsize=1)
def _naf_by_code() -> dict[str, str]:
    """NAF code (any level, dotted as SIRENE writes it) -> concept IRI."""
    return {row["code"]: naf_iri(row["niveau"], row["code"]) for row in _rows("naf-rev2-codes.csv")}


def _closure(
    lookup: Callable[[str], list[Triple] | None], start: Iterable[str], links: tuple[NamedNode, ...]
) -> dict[str, list[Triple]]:
    """``start`` and every subject reachable from it through ``links``, with their triples."""
    found: dict[str, list[Triple]] = {}
    todo = list(start)
    while todo:
        iri = todo.pop()
        if iri in found:
            continue
        triples = lookup(iri)
        if triples is None:
            continue
        found[iri] = triples
        todo.extend(
            t.object.value
            for t in triples
            if t.predicate in links and isinstance(t.object, NamedNode)
        )
    return found


def _cog_lookup(iri: str) -> list[Triple] | None:
    return cog_area(iri) if iri in _cog_rows() else None


def reference_subset(
    commune_codes: Iterable[str] = (),
    legal_form_codes: Iterable[str] = (),
    naf_codes: Iterable[str] = (),
) -> rdflib.Graph:
    """The reference triples data needs next to it for validation, as a small rdflib graph
    (see :func:`reference_triples`)."""
    graph = rdflib.Graph()
    for triple in reference_triples(commune_codes, legal_form_codes, naf_codes):
        graph.add(
            (to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object))
        )
    return graph


def reference_triples(
    commune_codes: Iterable[str] = (),
    legal_form_codes: Iterable[str] = (),
    naf_codes: Iterable[str] = (),
) -> list[Triple]:
    """The reference triples data needs next to it for validation.

    Communes (codes, any COG type sharing the code; or full INSEE IRIs) come with every area
    above them; legal forms and NAF codes with their broader concepts (and ESS family).
    """
    communes = [
        code if code.startswith("http") else commune_iri(code, typecom)
        for code in commune_codes
        for typecom in (COMMUNE_TYPES if not code.startswith("http") else ("COM",))
    ]
    forms = [code if code.startswith("http") else legal_form_iri(code) for code in legal_form_codes]
    naf = [code if code.startswith("http") else _naf_by_code().get(code, "") for code in naf_codes]
    return [
        triple
        for lookup, start, links in (
            (_cog_lookup, communes, (PART_OF_AREA,)),
            (legal_form_index().get, forms, (BROADER,)),
            (naf_index().get, naf, (BROADER,)),
        )
        for triples in _closure(lookup, start, links).values()
        for triple in triples
    ]
