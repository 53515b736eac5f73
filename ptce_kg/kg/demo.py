"""The data ``ptce-kg init`` ships: the 39 real known PTCE, the fictitious example poles and the
7 real registry sample units.

* ``known-ptce`` graph, from ``data/known-ptce/ptce-connus.csv``: each real PTCE as a
  ``ptce:Pole`` with its name, territory (the most precise INSEE area the source gives: EPCI,
  else département, else région; a comment says when the territory the source names is only
  approximated by that area), lead structure as a *label only* (no SIREN is known and none
  is invented), State programme and year (another listing, such as a regional guide, is kept
  as a comment), source pages, and ``ptce:membersKnown false``.
* ``pole/<slug>`` graphs, from ``data/demo/<slug>.ttl``: invented example poles; every node
  carries ``ptce:fictitiousExample true``.
* ``recherche-entreprises`` graph, from ``data/demo/recherche-entreprises/*.json`` (real API
  responses) through the same importer users run.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse

from ptce_kg.kg.importers.model import ID, PTCE
from ptce_kg.kg.importers.recherche_entreprises import (
    RECHERCHE_ENTREPRISES_GRAPH,
    recherche_entreprises_quads,
)
from ptce_kg.kg.metadata import CC_BY
from ptce_kg.rdf import graphs
from ptce_kg.rdf.namespaces import IGEO, INSEE_GEO
from ptce_kg.rdf.resources import data_dir
from ptce_kg.reference.datasets import LO2, cog_area

KNOWN_PTCE_GRAPH = graphs.KNOWN_PTCE
_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
_COMMENT = NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
_SOURCE = NamedNode("http://purl.org/dc/terms/source")
_INSEE_GEO = str(INSEE_GEO)
# A call for projects or AMI of the State is a ptce:StateSupport; a regional guide is not.
_STATE_PROGRAMME = re.compile(r"^(AMI|Appel à projets)\b")
_URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")


def _p(term: str) -> NamedNode:
    return NamedNode(PTCE + term)


def _typed(value: str, datatype: str) -> Literal:
    return Literal(value, datatype=NamedNode(_XSD + datatype))


def known_ptce_quads(path: Path | None = None) -> list[Quad]:
    """The real known PTCE as quads of graph ``known-ptce`` (membership stated unknown)."""
    path = path or data_dir() / "known-ptce" / "ptce-connus.csv"
    graph = NamedNode(KNOWN_PTCE_GRAPH)
    quads: list[Quad] = []
    seen: Counter[str] = Counter()
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            slug = graphs.slug(row["nom"])
            seen[slug] += 1
            if seen[slug] > 1:  # two PTCE with the same name: keep both, apart
                slug = f"{slug}-{seen[slug]}"
            quads.extend(Quad(s, p, o, graph) for s, p, o in _known_pole_triples(slug, row))
    return quads


def _known_pole_triples(slug: str, row: dict[str, str]) -> Iterator[tuple[Any, Any, Any]]:
    pole = NamedNode(f"{ID}pole/{slug}")
    yield pole, _RDF_TYPE, _p("Pole")
    yield pole, _LABEL, Literal(row["nom"].strip(), language="fr")
    yield pole, _p("membersKnown"), _typed("false", "boolean")
    if row.get("note", "").strip():
        yield pole, _COMMENT, Literal(row["note"].strip(), language="fr")
    for url in (u.strip() for u in row.get("sources", "").split(" ; ")):
        if _URL.match(url):
            yield pole, _SOURCE, NamedNode(url)
    if _URL.match(row.get("site_web", "").strip()):
        yield pole, _p("website"), _typed(row["site_web"].strip(), "anyURI")
    area = _most_precise_area(row)
    if area or row.get("territoire_cite", "").strip():
        territory = NamedNode(f"{ID}territory/{slug}")
        yield pole, _p("territory"), territory
        yield territory, _RDF_TYPE, _p("Territory")
        name = row.get("territoire_cite", "").strip() or row["nom"].strip()
        yield territory, _LABEL, Literal(name, language="fr")
        if area:
            yield territory, _p("perimeterArea"), NamedNode(area)
            note = _approximation(area, row.get("territoire_cite", "").strip())
            if note:
                yield territory, _COMMENT, Literal(note, language="fr")
    if row.get("porteur", "").strip():
        # Named in the source, but no SIREN is known: a labelled organisation, never a LegalUnit.
        lead = NamedNode(f"{ID}org/porteur-{slug}")
        yield pole, _p("leadStructure"), lead
        yield lead, _RDF_TYPE, _p("Organization")
        yield lead, _LABEL, Literal(row["porteur"].strip(), language="fr")
    programme = row.get("dispositif", "").strip()
    year = row.get("annee", "").strip()
    if programme and not _STATE_PROGRAMME.match(programme):
        listed = f"{programme} ({year})" if year else programme
        yield pole, _COMMENT, Literal(f"Recensé par : {listed}", language="fr")
    if _STATE_PROGRAMME.match(programme):
        support = NamedNode(f"{ID}support/{slug}/1")
        yield pole, _p("stateSupport"), support
        yield support, _RDF_TYPE, _p("StateSupport")
        yield support, _LABEL, Literal(programme, language="fr")
        yield support, _p("programme"), Literal(programme)
        if re.fullmatch(r"[0-9]{4}", year):
            yield support, _p("awardYear"), _typed(year, "gYear")


def _approximation(area: str, cited: str) -> str | None:
    """Why a perimeter of a whole département or région is only an approximation, if it is."""
    if "/intercommunalite/" in area:  # the source names the EPCI itself
        return None
    name = next(t.object.value for t in cog_area(area) if t.predicate.value == f"{IGEO}nom")
    if cited == name:
        return None
    exact = f"de « {cited} » " if cited else ""
    return (
        f"Périmètre approché par {name}, la zone INSEE la plus précise que la source cite ; "
        f"le périmètre exact {exact}n'est pas connu."
    )


def _most_precise_area(row: dict[str, str]) -> str | None:
    """The INSEE IRI of the EPCI, else the département, else the région the source gives."""
    epci, dep, reg = (row.get(k, "").strip() for k in ("epci_siren", "departement", "code_region"))
    if re.fullmatch(r"[0-9]{9}", epci):
        return f"{_INSEE_GEO}intercommunalite/{epci}"
    if re.fullmatch(r"[0-9][0-9AB][0-9]?", dep):
        return f"{_INSEE_GEO}departement/{dep}"
    if re.fullmatch(r"[0-9]{2}", reg):
        return f"{_INSEE_GEO}region/{reg}"
    return None


def example_files() -> list[Path]:
    """The fictitious example pole files (``data/demo/<slug>.ttl``)."""
    return sorted((data_dir() / "demo").glob("*.ttl"))


def example_quads(path: Path) -> tuple[str, list[Quad]]:
    """The graph IRI (``pole/<slug>``) and quads of one example pole file."""
    graph = graphs.graph_iri(f"pole/{path.stem}")
    target = NamedNode(graph)
    quads = [
        Quad(q.subject, q.predicate, q.object, target)
        for q in parse(path=path, format=RdfFormat.TURTLE)
    ]
    return graph, quads


def _pole_label(quads: list[Quad]) -> str | None:
    """The French label of the pole an example file describes."""
    poles = {q.subject for q in quads if q.predicate == _RDF_TYPE and q.object == _p("Pole")}
    for q in quads:
        if q.subject in poles and q.predicate == _LABEL and isinstance(q.object, Literal):
            if q.object.language == "fr":
                return q.object.value
    return None


def demo_graphs() -> Iterable[tuple[str, Iterable[Quad], dict[str, str]]]:
    """Every graph ``init`` loads from this module: (graph IRI, quads, metadata)."""
    data = data_dir()
    known = data / "known-ptce" / "ptce-connus.csv"
    yield (
        KNOWN_PTCE_GRAPH,
        known_ptce_quads(known),
        {
            "source": str(known),
            "title": "PTCE connus (39 pôles réels, d'après des pages publiques)",
            "description": "Real PTCE transcribed from the public pages cited in dcterms:source; "
            "membership unknown (ptce:membersKnown false).",
            "licence": "facts from public pages; cite the sources",
        },
    )
    for path in example_files():
        graph, quads = example_quads(path)
        yield (
            graph,
            quads,
            {
                "source": str(path),
                "title": _pole_label(quads) or f"Pôle d'exemple {path.stem} (exemple fictif)",
                "description": "Fictitious example pole (every node has ptce:fictitiousExample "
                "true) on real COG territories.",
                "licence": CC_BY,
            },
        )
    samples = sorted((data / "demo" / "recherche-entreprises").glob("*.json"))
    yield (
        RECHERCHE_ENTREPRISES_GRAPH,
        recherche_entreprises_quads(samples),
        {
            "source": str(samples[0].parent) if samples else "",
            "title": "7 unités légales réelles (API Recherche d'entreprises)",
            "description": "INSEE base Sirene via the API Recherche d'entreprises (DINUM).",
            "licence": LO2,
        },
    )
