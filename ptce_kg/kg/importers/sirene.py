"""Import of INSEE's SIRENE stock files (StockUniteLegale, StockEtablissement), graph ``sirene``.

Columns are found by header name (``mappings/sirene-columns.yaml``); rows are streamed with the
``csv`` module, so memory grows with the number of *kept* units (their SIRENs, when a filter is
on), never with the number of rows. Personal columns of natural persons are never read.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter
from pathlib import Path

from tqdm import tqdm

from ptce_kg.errors import InputError
from ptce_kg.geo.lambert import lambert93_to_wgs84
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
from ptce_kg.kg.metadata import graph_size
from ptce_kg.rdf import graphs
from ptce_kg.sparql.catalogue import statement
from ptce_kg.sparql.results import solutions
from ptce_kg.store.base import Store

SIRENE_GRAPH = graphs.SIRENE
_PROGRESS_EVERY = 10_000


@dataclass(frozen=True)
class Filter:
    """Which legal units to keep: all, the ESS ones, or a list of SIRENs."""

    only_ess_forms: frozenset[str] | None = None  # statutory ESS legal forms (with flag O)
    sirens: frozenset[str] | None = None

    @property
    def active(self) -> bool:
        return self.only_ess_forms is not None or self.sirens is not None

    def describe(self) -> str:
        """The filter in words (recorded in the graph's metadata)."""
        if self.sirens is not None:
            listed = hashlib.sha256(" ".join(sorted(self.sirens)).encode()).hexdigest()[:16]
            return f"--siren-list ({len(self.sirens)} SIRENs, sha256 {listed}…)"
        if self.only_ess_forms is not None:
            return "--only-ess (SIRENE flag O or statutory ESS legal form)"
        return ""


def statutory_ess_forms(store: Store) -> frozenset[str]:
    """The statutory ESS legal-form codes of the store's reference data (for ``--only-ess``)."""
    query = statement("rules/select/statutory-ess-legal-forms")
    codes = frozenset(str(row["code"].value) for row in solutions(store.query(query)))
    if not codes:
        raise InputError(
            "--only-ess needs the legal-form reference data (ESS families): "
            "run `ptce-kg init` first"
        )
    return codes


def read_siren_list(path: Path) -> frozenset[str]:
    """SIRENs, one per line (blank lines and ``#`` comments ignored); a bad line is an error."""
    sirens: set[str] = set()
    try:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                value = line.split("#", 1)[0].strip()
                if not value:
                    continue
                if not SIREN_RE.match(value):
                    raise InputError(f"not a SIREN (9 digits): {value[:40]!r}", f"{path}:{number}")
                sirens.add(value)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the SIREN list: {exc}", str(path)) from exc
    return frozenset(sirens)


class _CsvSource:
    """A stock CSV opened for streaming, with the column index of each mapped field."""

    def __init__(self, path: Path, section: dict) -> None:
        self.path = path
        try:
            self._handle = open(path, encoding="utf-8", newline="")
        except OSError as exc:
            raise InputError(f"cannot open the file: {exc}", str(path)) from exc
        try:
            self._reader = csv.reader(self._handle)
            header = next(self._reader, None)
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            self._handle.close()
            raise InputError(f"cannot read the CSV header: {exc}", str(path)) from exc
        if not header:
            self._handle.close()
            raise InputError("empty file: no CSV header", str(path))
        position = {name.strip().lstrip("\ufeff"): i for i, name in enumerate(header)}
        missing = [col for col in section["required"].values() if col not in position]
        if missing:
            self._handle.close()
            raise InputError(
                f"missing required column(s) {', '.join(missing)} (columns are read by name)",
                str(path),
            )
        self.width = len(header)
        self.index: dict[str, int | None] = {
            fld: position.get(col)
            for fld, col in {**section["required"], **(section.get("optional") or {})}.items()
        }

    def rows(self, progress: bool, what: str) -> Iterator[list[str]]:
        """The data rows; decoding or CSV errors become InputError with the line number."""
        bar = tqdm(desc=what, unit=" rows", unit_scale=True, disable=not progress, mininterval=1)
        try:
            pending = 0
            for row in self._reader:
                pending += 1
                if pending == _PROGRESS_EVERY:
                    bar.update(pending)
                    pending = 0
                yield row
            bar.update(pending)
        except (UnicodeDecodeError, csv.Error, OSError) as exc:
            raise InputError(
                f"cannot read CSV: {exc}", f"{self.path}:{self._reader.line_num}"
            ) from exc
        finally:
            bar.close()
            self._handle.close()

    def close(self) -> None:
        self._handle.close()

    def picker(self, fields: Sequence[str]) -> Callable[[list[str]], list[str]]:
        """A function giving the stripped values of ``fields`` in a row ("" for an absent
        optional column), all picked in one C call."""
        # An absent column points at one extra empty cell appended to the row.
        positions = (self.index.get(f) for f in fields)
        get = itemgetter(*(self.width if i is None else i for i in positions))
        return lambda row: [value.strip() for value in get([*row, ""])]

    def position(self, fld: str) -> int:
        """The column index of a required field."""
        position = self.index[fld]
        assert position is not None, fld
        return position


def import_sirene(
    store: Store,
    unites_legales: Path,
    etablissements: Path | None = None,
    *,
    keep: Filter = Filter(),
    progress: bool = False,
) -> ImportSummary:
    """Import the stock files into graph ``sirene`` (replacing it); return the summary.

    Both headers are checked before any row is read, and the graph is replaced only after
    both files were read to the end.
    """
    mapping = column_mapping()
    units = _CsvSource(unites_legales, mapping["unites_legales"])
    try:
        sites = _CsvSource(etablissements, mapping["etablissements"]) if etablissements else None
    except InputError:
        units.close()
        raise
    summary = ImportSummary(graph=SIRENE_GRAPH, before=graph_size(store, SIRENE_GRAPH))
    kept: set[str] | None = set() if keep.active else None
    batches = _unit_lines(units, keep, mapping, summary, kept, progress)
    if sites is not None:
        batches = chain(batches, _establishment_lines(sites, kept, mapping, summary, progress))
    try:
        summary.triples = summary.after = replace_graph_from_lines(store, SIRENE_GRAPH, batches)
    finally:
        units.close()
        if sites is not None:
            sites.close()
    sources = [unites_legales, *([etablissements] if etablissements else [])]
    record_import(
        store,
        SIRENE_GRAPH,
        "Base Sirene des entreprises et de leurs établissements (INSEE), fichiers stock",
        sources,
        keep.describe(),
        summary.triples,
        "INSEE, base Sirene (data.gouv.fr)",
    )
    return summary


_UNIT_FIELDS = (
    "name",
    "usual_name",
    "acronym",
    "state",
    "activity",
    "nomenclature",
    "creation_date",
    "headcount_band",
    "rna_id",
    "mission_flag",
)
_ESTABLISHMENT_FIELDS = (
    "head_office",
    "state",
    "commune",
    "creation_date",
    "headcount_band",
    "activity",
    "nomenclature",
    "lambert_x",
    "lambert_y",
)
_OVERSEAS_COMMUNE = "97"  # SIRENE locates these in local UTM zones, not in Lambert-93


def _point(x: str, y: str, commune: str) -> tuple[float, float] | None:
    """The WGS84 point of an establishment's Lambert-93 cells; None when absent, not numbers
    (INSEE writes ``[ND]`` for a non-diffusible one), overseas or outside metropolitan France."""
    if not x or not y or commune.startswith(_OVERSEAS_COMMUNE):
        return None
    try:
        return lambert93_to_wgs84(float(x), float(y))
    except ValueError:  # not a number
        return None


def _unit_lines(
    source: _CsvSource,
    keep: Filter,
    mapping: dict,
    summary: ImportSummary,
    kept: set[str] | None,
    progress: bool,
) -> Iterator[list[str]]:
    """The N-Triples lines of each kept legal unit; adds their SIRENs to ``kept`` (if given).

    The fields every row is tested on are read first; the others only for kept rows (with
    ``--only-ess`` most rows of the national file are skipped).
    """
    i_siren, i_form, i_flag = (source.position(f) for f in ("siren", "legal_form", "ess_flag"))
    pick = source.picker(_UNIT_FIELDS)
    width = source.width
    natural_form = mapping["natural_person_legal_form"]
    natural_label = mapping["natural_person_label"]
    linked = mapping["linked_nomenclature"]
    skipped = summary.units_skipped
    for row in source.rows(progress, "legal units"):
        summary.units_read += 1
        if len(row) != width:
            skipped["row with a wrong number of fields"] += 1
            continue
        siren = row[i_siren].strip()
        if not SIREN_RE.match(siren):
            skipped["invalid SIREN"] += 1
            continue
        legal_form, ess_flag = row[i_form].strip(), row[i_flag].strip()
        if keep.sirens is not None and siren not in keep.sirens:
            skipped["not in --siren-list"] += 1
            continue
        if keep.only_ess_forms is not None and not (
            ess_flag == "O" or legal_form in keep.only_ess_forms
        ):
            skipped["not ESS (--only-ess)"] += 1
            continue
        (name, usual_name, acronym, state, activity, nomenclature, created, band, rna, mission) = (
            pick(row)
        )
        if legal_form == natural_form:
            # Natural person: no name, first names, sex or pseudonym is ever stored.
            label, legal_name = natural_label.format(siren=siren), None
        else:
            legal_name = name or usual_name or acronym
            label = legal_name or f"Unité légale {siren}"
        record = LegalUnitRecord(
            siren=siren,
            label=label,
            legal_name=legal_name,
            legal_form=legal_form,
            state=state,
            activity=activity,
            nomenclature=nomenclature,
            creation_date=created,
            headcount_band=band,
            rna_id=rna,
            ess_flag=ess_flag,
            mission_flag=mission,
        )
        yield legal_unit_lines(record, linked)
        summary.units_kept += 1
        if kept is not None:
            kept.add(siren)


def _establishment_lines(
    source: _CsvSource,
    kept: set[str] | None,
    mapping: dict,
    summary: ImportSummary,
    progress: bool,
) -> Iterator[list[str]]:
    """The N-Triples lines of the establishments of kept units (all when no filter is on)."""
    i_siren, i_siret = source.position("siren"), source.position("siret")
    pick = source.picker(_ESTABLISHMENT_FIELDS)
    width = source.width
    linked = mapping["linked_nomenclature"]
    communes = CommuneMapper({k: tuple(v) for k, v in mapping["plm_arrondissements"].items()})
    skipped = summary.establishments_skipped
    for row in source.rows(progress, "establishments"):
        summary.establishments_read += 1
        if len(row) != width:
            skipped["row with a wrong number of fields"] += 1
            continue
        siren, siret = row[i_siren].strip(), row[i_siret].strip()
        if not SIRET_RE.match(siret) or not siret.startswith(siren) or not SIREN_RE.match(siren):
            skipped["invalid SIRET or SIREN"] += 1
            continue
        if kept is not None and siren not in kept:
            skipped["legal unit not kept"] += 1
            continue
        head, state, commune, created, band, activity, nomenclature, x, y = pick(row)
        head = head.lower()
        record = EstablishmentRecord(
            siret=siret,
            siren=siren,
            head_office=True if head == "true" else False if head == "false" else None,
            state=state,
            commune_code=commune,
            creation_date=created,
            headcount_band=band,
            activity=activity,
            nomenclature=nomenclature,
            point=_point(x, y, commune),
        )
        yield establishment_lines(record, communes, linked)
        summary.establishments_kept += 1
