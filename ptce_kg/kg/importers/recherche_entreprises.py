"""Import of API Recherche d'entreprises responses (JSON) into graph ``recherche-entreprises``.

Same graph model as the SIRENE stock import. The API's ``complements.est_ess`` is
``SIRENE flag O OR SIREN in ESS France's list`` (annuaire-entreprises search-infra ``is_ess``),
so it is never turned into ``ptce:sireneEssFlag``. It is kept as ``ptce:directoryEssClaim``, and
``ptce:inEssFranceList`` is recorded only where it follows from the formula:

* ``est_ess = false`` ⇒ the unit is not on ESS France's list (``inEssFranceList false``);
* ``est_ess = true`` ⇒ unknown from the response alone; the linking rule
  ``sparql/rules/10-ess-france-list.rq`` infers ``true`` when a SIRENE stock import says the
  raw flag is not ``O``.

``est_societe_mission = true`` gives ``missionCompanyFlag "O"``; ``false`` cannot tell N from
null, so nothing is written. Natural persons (nature juridique 1000) get a neutral label, never
``nom_complet`` (which holds the person's name), and ``dirigeants`` are never read.

An import adds its units to the graph (the shipped sample units and earlier imports stay); a
unit imported before is replaced by its new description (its legal unit and establishments),
never mixed with the old one. ``replace=True`` replaces the whole graph instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode, Quad, RdfFormat, Triple, parse

from ptce_kg.errors import InputError
from ptce_kg.kg.importers.common import (
    ImportSummary,
    column_mapping,
    record_import,
    replace_graph_from_lines,
)
from ptce_kg.kg.importers.model import (
    SIREN_RE,
    SIRET_RE,
    CommuneMapper,
    EstablishmentRecord,
    LegalUnitRecord,
    establishment_lines,
    legal_unit_lines,
)
from ptce_kg.kg.metadata import (
    GraphDescription,
    descriptions,
    graph_size,
    record_unless_same,
    sha256_of_text,
)
from ptce_kg.rdf import graphs
from ptce_kg.rdf.iris import ESTABLISHMENTS, ORGS
from ptce_kg.reference.datasets import LO2
from ptce_kg.store.base import Store

RECHERCHE_ENTREPRISES_GRAPH = graphs.RECHERCHE_ENTREPRISES
MAX_FILE_BYTES = 50_000_000
# The API's activite_principale is the current APE code, i.e. NAF rév. 2 until 2027-01-01.
API_NOMENCLATURE = "NAFRev2"


def read_results(path: Path) -> list[dict[str, Any]]:
    """The ``results`` of one API response file; InputError says what is wrong and where."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(f"file larger than {MAX_FILE_BYTES} bytes", str(path))
        with open(path, encoding="utf-8") as handle:
            body = json.load(handle)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", f"{path}:{exc.lineno}:{exc.colno}") from exc
    except (OSError, UnicodeDecodeError, RecursionError) as exc:
        raise InputError(f"cannot read the file: {exc}", str(path)) from exc
    results = body.get("results") if isinstance(body, dict) else None
    if not isinstance(results, list):
        raise InputError(
            "not an API Recherche d'entreprises response: no 'results' list", str(path)
        )
    return results


def _lines(paths: Iterable[Path], summary: ImportSummary) -> Iterator[list[str]]:
    mapping = column_mapping()
    communes = CommuneMapper({k: tuple(v) for k, v in mapping["plm_arrondissements"].items()})
    for path in paths:
        for result in read_results(path):
            yield _result_lines(result, mapping, communes, summary)


TITLE = "API Recherche d'entreprises (DINUM), réponses importées"
CREDIT = "INSEE, base Sirene; API Recherche d'entreprises (DINUM)"
_UNIT_IRIS = (ORGS, ESTABLISHMENTS)


def import_recherche_entreprises(
    store: Store, paths: Iterable[Path], *, replace: bool = False
) -> ImportSummary:
    """Add the units of the API responses to graph ``recherche-entreprises`` (a unit already
    there is replaced by its new description), or with ``replace`` replace the whole graph.

    Every file is read and checked before the graph is written, in one atomic write. Raises
    InputError for a file that cannot be read or is not an API response.
    """
    paths = list(paths)
    summary = ImportSummary(graph=RECHERCHE_ENTREPRISES_GRAPH, added=not replace)
    if replace:
        summary.before = graph_size(store, RECHERCHE_ENTREPRISES_GRAPH)
        summary.triples = summary.after = replace_graph_from_lines(
            store, RECHERCHE_ENTREPRISES_GRAPH, _lines(paths, summary)
        )
        record_import(store, RECHERCHE_ENTREPRISES_GRAPH, TITLE, paths, "", summary.triples, CREDIT)
        return summary
    new = _triples(paths, summary)
    summary.triples = len(new)
    units = {_unit(t.subject) for t in new} - {None}
    old = [
        Triple(q.subject, q.predicate, q.object) for q in store.quads(RECHERCHE_ENTREPRISES_GRAPH)
    ]
    summary.before = len(old)
    kept = [t for t in old if _unit(t.subject) not in units]
    summary.units_replaced = len(units & {_unit(t.subject) for t in old})
    content = list(dict.fromkeys(kept + new))
    # One replace of the whole graph: the earlier description of the re-imported units goes in
    # the same atomic write as their new one.
    summary.after = store.replace_graph(RECHERCHE_ENTREPRISES_GRAPH, content)
    _record_added(store, paths, content)
    return summary


def _unit(subject: object) -> str | None:
    """The SIREN a legal unit or establishment IRI describes, else None."""
    iri = subject.value if isinstance(subject, NamedNode) else ""
    for prefix in _UNIT_IRIS:
        if iri.startswith(prefix):
            return iri[len(prefix) :][:9]
    return None


def _record_added(store: Store, paths: list[Path], content: list[Triple]) -> None:
    """Describe the graph after an added import: every source imported into it so far, the
    sha256 of its sorted N-Triples (the sources were imported at different times), its count.
    The same import run again gives the same description, so it is left as it is."""
    previous = descriptions(store).get(RECHERCHE_ENTREPRISES_GRAPH, {}).get("source", [])
    sources = {*previous, *(p.resolve().as_uri() for p in paths)}
    record_unless_same(
        store,
        GraphDescription(
            graph=RECHERCHE_ENTREPRISES_GRAPH,
            title=TITLE,
            sources=tuple(sorted(sources)),
            sha256=sha256_of_text("".join(sorted(f"{t} .\n" for t in content))),
            triples=len(content),
            license=LO2,
            credit=CREDIT,
            description="Units added by successive imports (a unit imported again replaces "
            "its earlier description); sha256 of the graph's sorted N-Triples.",
        ),
    )


def _triples(paths: Iterable[Path], summary: ImportSummary) -> list[Triple]:
    """The triples the responses give, every file read and checked."""
    text = "".join(line for lines in _lines(paths, summary) for line in lines)
    return [
        Triple(q.subject, q.predicate, q.object) for q in parse(text, format=RdfFormat.N_TRIPLES)
    ]


def recherche_entreprises_quads(paths: Iterable[Path]) -> list[Quad]:
    """The quads the import would write (for small, shipped samples such as the demo data)."""
    graph = NamedNode(RECHERCHE_ENTREPRISES_GRAPH)
    return [
        Quad(t.subject, t.predicate, t.object, graph)
        for t in _triples(paths, ImportSummary(graph=""))
    ]


def _result_lines(
    result: Any, mapping: dict, communes: CommuneMapper, summary: ImportSummary
) -> list[str]:
    summary.units_read += 1
    if not isinstance(result, dict) or not SIREN_RE.match(_text(result.get("siren"))):
        summary.units_skipped["invalid SIREN"] += 1
        return []
    siren = _text(result["siren"])
    complements = result.get("complements")
    if not isinstance(complements, dict):
        complements = {}
    legal_form = _text(result.get("nature_juridique"))
    if legal_form == mapping["natural_person_legal_form"]:
        label, legal_name = mapping["natural_person_label"].format(siren=siren), None
    else:
        legal_name = _text(result.get("nom_raison_sociale")) or _text(result.get("nom_complet"))
        label = legal_name or f"Unité légale {siren}"
    est_ess = complements.get("est_ess")
    record = LegalUnitRecord(
        siren=siren,
        label=label,
        legal_name=legal_name,
        legal_form=legal_form,
        state=_text(result.get("etat_administratif")),
        activity=_text(result.get("activite_principale")),
        nomenclature=API_NOMENCLATURE,
        creation_date=_text(result.get("date_creation")),
        headcount_band=_text(result.get("tranche_effectif_salarie")),
        rna_id=_text(complements.get("identifiant_association")),
        mission_flag="O" if complements.get("est_societe_mission") is True else "",
        directory_ess_claim=est_ess if isinstance(est_ess, bool) else None,
        in_ess_france_list=False if est_ess is False else None,
    )
    lines = legal_unit_lines(record, mapping["linked_nomenclature"])
    summary.units_kept += 1
    sites = [result.get("siege")] + list(result.get("matching_etablissements") or [])
    seen: set[str] = set()
    for site in sites:
        if not isinstance(site, dict):
            continue
        summary.establishments_read += 1
        siret = _text(site.get("siret"))
        if not SIRET_RE.match(siret) or not siret.startswith(siren):
            summary.establishments_skipped["invalid SIRET"] += 1
            continue
        if siret in seen:
            continue
        seen.add(siret)
        # Same establishment fields as the stock import (mappings/sirene-columns.yaml).
        est = EstablishmentRecord(
            siret=siret,
            siren=siren,
            head_office=site.get("est_siege") if isinstance(site.get("est_siege"), bool) else None,
            state=_text(site.get("etat_administratif")),
            commune_code=_text(site.get("commune")),
            point=_point(site),
        )
        lines += establishment_lines(est, communes, mapping["linked_nomenclature"])
        summary.establishments_kept += 1
    return lines


def _point(site: dict) -> tuple[float, float] | None:
    """The site's WGS84 (longitude, latitude) as the API gives it (strings), if valid."""
    try:
        lon, lat = float(_text(site.get("longitude"))), float(_text(site.get("latitude")))
    except ValueError:
        return None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):  # also refuses nan
        return None
    return lon, lat


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
