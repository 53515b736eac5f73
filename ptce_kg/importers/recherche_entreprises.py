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
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode, Quad, RdfFormat, parse

from ptce_kg import graphs
from ptce_kg.errors import InputError
from ptce_kg.importers.common import (
    ImportSummary,
    column_mapping,
    record_import,
    replace_graph_from_lines,
)
from ptce_kg.importers.model import (
    SIREN_RE,
    SIRET_RE,
    CommuneMapper,
    EstablishmentRecord,
    LegalUnitRecord,
    establishment_lines,
    legal_unit_lines,
)
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


def import_recherche_entreprises(store: Store, paths: Iterable[Path]) -> ImportSummary:
    """Import the API responses into graph ``recherche-entreprises`` (replacing it).

    Every file is read and checked before the graph is replaced.
    """
    paths = list(paths)
    summary = ImportSummary(graph=RECHERCHE_ENTREPRISES_GRAPH)
    summary.triples = replace_graph_from_lines(
        store, RECHERCHE_ENTREPRISES_GRAPH, _lines(paths, summary)
    )
    record_import(
        store,
        RECHERCHE_ENTREPRISES_GRAPH,
        "API Recherche d'entreprises (DINUM), réponses importées",
        paths,
        "",
        summary.triples,
        "INSEE, base Sirene; API Recherche d'entreprises (DINUM)",
    )
    return summary


def recherche_entreprises_quads(paths: Iterable[Path]) -> list[Quad]:
    """The quads the import would write (for small, shipped samples such as the demo data)."""
    text = "".join(line for lines in _lines(paths, ImportSummary(graph="")) for line in lines)
    graph = NamedNode(RECHERCHE_ENTREPRISES_GRAPH)
    return [
        Quad(q.subject, q.predicate, q.object, graph)
        for q in parse(text, format=RdfFormat.N_TRIPLES)
    ]


def _result_lines(
    result: Any, mapping: dict, communes: CommuneMapper, summary: ImportSummary
) -> list[str]:
    summary.units_read += 1
    if not isinstance(result, dict) or not SIREN_RE.match(_text(result.get("siren"))):
        summary.units_skipped["invalid SIREN"] += 1
        return []
    siren = _text(result["siren"])
    complements = result.get("complements") if isinstance(result.get("complements"), dict) else {}
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
        )
        lines += establishment_lines(est, communes, mapping["linked_nomenclature"])
        summary.establishments_kept += 1
    return lines


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
