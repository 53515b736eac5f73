"""Registry records (legal units, establishments) and their RDF, written as N-Triples lines.

Both importers (SIRENE stock CSV, API Recherche d'entreprises JSON) fill the same records, so
the graph model lives here once. Lines are built as text because that is about five times faster
than building pyoxigraph terms one by one, and lets a national import stream to disk and be
bulk-loaded by Oxigraph's parser. Every value that goes into an IRI is checked against a strict
pattern first, so a hostile cell cannot inject IRIs or triples.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib.namespace import RDF, RDFS, XSD

from ptce_kg.geo.lambert import wkt_point
from ptce_kg.rdf.iris import (
    commune_iri,
    directory_page,
    establishment_iri,
    geometry_iri,
    legal_form_iri,
    legal_unit_iri,
    naf_iri,
)
from ptce_kg.rdf.namespaces import GEO, PTCE, ROV

# The terms of the lines, written once (an unknown PTCE term fails here, at import).
_TYPE = f"<{RDF.type}>"
_LABEL = f"<{RDFS.label}>"
_SEE_ALSO = f"<{RDFS.seeAlso}>"
_LEGAL_NAME = f"<{ROV.legalName}>"
_DATE = f"<{XSD.date}>"
_BOOLEAN = f"<{XSD.boolean}>"
_LEGAL_UNIT = f"<{PTCE.LegalUnit}>"
_ESTABLISHMENT = f"<{PTCE.Establishment}>"
_HAS_GEOMETRY = f"<{GEO.hasGeometry}>"
_AS_WKT = f"<{GEO.asWKT}>"
_WKT = f"<{GEO.wktLiteral}>"
_P = {
    name: f"<{PTCE[name]}>"
    for name in (
        "siren", "siret", "legalForm", "administrativeState", "creationDate", "headcountBand",
        "rnaId", "sireneEssFlag", "missionCompanyFlag", "directoryEssClaim", "inEssFranceList",
        "hasEstablishment", "headOffice", "communeCode", "commune", "municipalArrondissement",
        "activityCode", "activityNomenclature", "activity",
    )
}  # fmt: skip

SIREN_RE = re.compile(r"^[0-9]{9}$")
SIRET_RE = re.compile(r"^[0-9]{14}$")
LEGAL_FORM_RE = re.compile(r"^[0-9]{4}$")
NAF2_RE = re.compile(r"^[0-9]{2}\.[0-9]{2}[A-Z]$")
COMMUNE_RE = re.compile(r"^[0-9][0-9AB][0-9]{3}$")
DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
CODE_RE = re.compile(r"^[0-9A-Za-z.\-]{1,16}$")  # raw codes kept as literals
FLAG_VALUES = frozenset({"O", "N"})


def _lit(value: str) -> str:
    """An N-Triples string literal (escaped)."""
    escaped = (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"'


@dataclass(slots=True)
class LegalUnitRecord:
    """What ptce-kg keeps of a legal unit (never a natural person's names, sex or pseudonym)."""

    siren: str
    label: str
    legal_name: str | None = None  # None for natural persons: only the neutral label
    legal_form: str = ""
    state: str = ""
    activity: str = ""
    nomenclature: str = ""
    creation_date: str = ""
    headcount_band: str = ""
    rna_id: str = ""
    ess_flag: str = ""  # "O", "N" or "" (unknown: INSEE null, never turned into "N")
    mission_flag: str = ""
    directory_ess_claim: bool | None = None  # API est_ess (SIRENE flag O OR ESS France list)
    in_ess_france_list: bool | None = None


@dataclass(slots=True)
class EstablishmentRecord:
    """What ptce-kg keeps of an establishment."""

    siret: str
    siren: str
    head_office: bool | None = None
    state: str = ""
    commune_code: str = ""
    creation_date: str = ""
    headcount_band: str = ""
    activity: str = ""
    nomenclature: str = ""
    point: tuple[float, float] | None = None  # WGS84 (longitude, latitude) in degrees


class CommuneMapper:
    """Maps SIRENE commune codes to COG communes (PLM municipal arrondissements → commune)."""

    def __init__(self, plm_ranges: dict[str, tuple[str, str]]) -> None:
        self._parent: dict[str, str] = {}
        for commune, (first, last) in plm_ranges.items():
            for code in range(int(first), int(last) + 1):
                self._parent[f"{code:05d}"] = commune

    def parent(self, code: str) -> str | None:
        """The commune of a municipal arrondissement code, or None for any other code."""
        return self._parent.get(code)


def _code(value: str) -> str | None:
    return value if value and CODE_RE.match(value) else None


def legal_unit_lines(rec: LegalUnitRecord, linked_nomenclature: str = "NAFRev2") -> list[str]:
    """N-Triples lines of one legal unit (the SIREN must already be valid)."""
    s = f"<{legal_unit_iri(rec.siren)}>"
    out = [
        f"{s} {_TYPE} {_LEGAL_UNIT} .\n",
        f'{s} {_P["siren"]} "{rec.siren}" .\n',
        f"{s} {_LABEL} {_lit(rec.label)} .\n",
        f"{s} {_SEE_ALSO} <{directory_page(rec.siren)}> .\n",
    ]
    if rec.legal_name:
        out.append(f"{s} {_LEGAL_NAME} {_lit(rec.legal_name)} .\n")
    if LEGAL_FORM_RE.match(rec.legal_form):
        out.append(f"{s} {_P['legalForm']} <{legal_form_iri(rec.legal_form)}> .\n")
    if rec.state in ("A", "C"):
        out.append(f'{s} {_P["administrativeState"]} "{rec.state}" .\n')
    _activity_lines(out, s, rec.activity, rec.nomenclature, linked_nomenclature, True)
    if DATE_RE.match(rec.creation_date):
        out.append(f'{s} {_P["creationDate"]} "{rec.creation_date}"^^{_DATE} .\n')
    if band := _code(rec.headcount_band):
        out.append(f'{s} {_P["headcountBand"]} "{band}" .\n')
    if rna := _code(rec.rna_id):
        out.append(f'{s} {_P["rnaId"]} "{rna}" .\n')
    if rec.ess_flag in FLAG_VALUES:
        out.append(f'{s} {_P["sireneEssFlag"]} "{rec.ess_flag}" .\n')
    if rec.mission_flag in FLAG_VALUES:
        out.append(f'{s} {_P["missionCompanyFlag"]} "{rec.mission_flag}" .\n')
    if rec.directory_ess_claim is not None:
        out.append(f"{s} {_P['directoryEssClaim']} {_bool(rec.directory_ess_claim)} .\n")
    if rec.in_ess_france_list is not None:
        out.append(f"{s} {_P['inEssFranceList']} {_bool(rec.in_ess_france_list)} .\n")
    return out


def establishment_lines(
    rec: EstablishmentRecord, communes: CommuneMapper, linked_nomenclature: str = "NAFRev2"
) -> list[str]:
    """N-Triples lines of one establishment (SIRET and SIREN must already be valid)."""
    s = f"<{establishment_iri(rec.siret)}>"
    out = [
        f"{s} {_TYPE} {_ESTABLISHMENT} .\n",
        f'{s} {_P["siret"]} "{rec.siret}" .\n',
        f"<{legal_unit_iri(rec.siren)}> {_P['hasEstablishment']} {s} .\n",
    ]
    if rec.head_office is not None:
        out.append(f"{s} {_P['headOffice']} {_bool(rec.head_office)} .\n")
    if rec.state in ("A", "F"):
        out.append(f'{s} {_P["administrativeState"]} "{rec.state}" .\n')
    code = rec.commune_code
    if COMMUNE_RE.match(code):
        out.append(f'{s} {_P["communeCode"]} "{code}" .\n')
        parent = communes.parent(code)
        if parent:
            out.append(f"{s} {_P['commune']} <{commune_iri(parent)}> .\n")
            out.append(f"{s} {_P['municipalArrondissement']} <{commune_iri(code, 'ARM')}> .\n")
        else:
            out.append(f"{s} {_P['commune']} <{commune_iri(code)}> .\n")
    if DATE_RE.match(rec.creation_date):
        out.append(f'{s} {_P["creationDate"]} "{rec.creation_date}"^^{_DATE} .\n')
    if band := _code(rec.headcount_band):
        out.append(f'{s} {_P["headcountBand"]} "{band}" .\n')
    _activity_lines(out, s, rec.activity, rec.nomenclature, linked_nomenclature, False)
    if rec.point is not None:
        geometry = f"<{geometry_iri(rec.siret)}>"
        out.append(f"{s} {_HAS_GEOMETRY} {geometry} .\n")
        out.append(f'{geometry} {_AS_WKT} "{wkt_point(*rec.point)}"^^{_WKT} .\n')
    return out


def _activity_lines(
    out: list[str], s: str, activity: str, nomenclature: str, linked: str, with_nomenclature: bool
) -> None:
    code = _code(activity)
    if not code:
        return
    out.append(f'{s} {_P["activityCode"]} "{code}" .\n')
    nomenclature = _code(nomenclature) or ""
    if nomenclature and with_nomenclature:
        out.append(f'{s} {_P["activityNomenclature"]} "{nomenclature}" .\n')
    if nomenclature == linked and NAF2_RE.match(code):
        out.append(f"{s} {_P['activity']} <{naf_iri('sous-classe', code)}> .\n")


def _bool(value: bool) -> str:
    return f'"{"true" if value else "false"}"^^{_BOOLEAN}'
