"""Benchmark of the statistics cube's aggregation engine (not a test): Polars, as shipped
(``ptce_kg.statistics.aggregate``), against DuckDB computing the same slices with GROUPING SETS,
both from the registry facts an import streams (the same Python lists), on stock files in
INSEE's layout (``bench/import_sirene.py``'s generator, or ``--files``). Prints the seconds of
each (DuckDB's include handing it the lists, which it cannot read without pyarrow or pandas:
through a CSV spool) and checks that both give the same cells.

    .venv/bin/python bench/cube_engines.py [--units 300000] [--files UL.csv ET.csv]
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_sirene import generate  # noqa: E402 - the import benchmark's generator, reused

from ptce_kg.reference.datasets import headcount_bands, naf_sections  # noqa: E402
from ptce_kg.statistics.aggregate import (  # noqa: E402
    SLICES,
    observations,
    territory_rows,
)
from ptce_kg.statistics.facts import RegistryFacts  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
FAMILY = "https://w3id.org/ptce/vocab/ess-family/"


def read_facts(ul: Path, et: Path) -> tuple[RegistryFacts, dict[str, str]]:
    """The facts of the files (as the importer collects them) and the derived families (as the
    linking rules give them: the mapping, borderline forms and commercial companies with O)."""
    with open(REPO / "mappings" / "ess-family-by-legal-form.csv", encoding="utf-8") as f:
        mapping = {r["code"]: r for r in csv.DictReader(f)}
    facts, families = RegistryFacts(), {}
    with open(ul, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            form, flag = (
                r["categorieJuridiqueUniteLegale"],
                r["economieSocialeSolidaireUniteLegale"],
            )
            facts.add_unit(
                r["siren"],
                form,
                flag,
                r["etatAdministratifUniteLegale"],
                r["activitePrincipaleUniteLegale"],
                r["trancheEffectifsUniteLegale"],
            )
            row = mapping.get(form)
            if row and (row["borderline"] != "true" or flag == "O"):
                families[r["siren"]] = FAMILY + row["ess_family"]
            elif not row and form.startswith("5") and flag == "O":
                families[r["siren"]] = FAMILY + "commercial-ess-company"
    plm = {"75056": (75101, 75120), "69123": (69381, 69389), "13055": (13201, 13216)}
    parent = {str(c): com for com, (a, b) in plm.items() for c in range(a, b + 1)}
    with open(et, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            code = r["codeCommuneEtablissement"]
            facts.add_site(
                r["siret"], r["siren"], parent.get(code, code), r["etatAdministratifEtablissement"]
            )
    return facts, families


def duckdb_observations(facts: RegistryFacts, families: dict[str, str], spool: Path) -> int:
    """The same cells with DuckDB (GROUPING SETS); returns their number."""
    sections = naf_sections()
    bands = headcount_bands()
    areas = territory_rows()
    units_csv, sites_csv, areas_csv = spool / "u.csv", spool / "s.csv", spool / "a.csv"
    with open(units_csv, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["siren", "category", "flag", "naf", "band", "status"])
        for siren, flag, state, activity, band in zip(
            facts.unit_siren,
            facts.unit_flag,
            facts.unit_state,
            facts.unit_activity,
            facts.unit_band,
            strict=True,
        ):
            w.writerow(
                [
                    siren,
                    families.get(siren) or ("not-ess" if flag == "N" else "unknown"),
                    flag if flag in ("O", "N") else "unknown",
                    sections.get(activity, "unknown"),
                    band if band in bands else "unknown",
                    "ceased" if state == "C" else "active",
                ]
            )
    with open(sites_csv, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["siret", "siren", "commune", "state"])
        w.writerows(
            zip(
                facts.site_siret,
                facts.site_siren,
                facts.site_commune,
                facts.site_state,
                strict=True,
            )
        )
    areas.write_csv(areas_csv)
    con = duckdb.connect()
    con.execute(f"""
        CREATE TABLE units AS SELECT * FROM read_csv('{units_csv}', all_varchar = true);
        CREATE TABLE sites AS SELECT * FROM read_csv('{sites_csv}', all_varchar = true);
        CREATE TABLE areas AS SELECT * FROM read_csv('{areas_csv}', all_varchar = true);
        CREATE TABLE unit_rows AS
          SELECT u.*, a.level, a.area_key, a.area FROM units u JOIN (
            SELECT DISTINCT s.siren, a.level, a.area_key, a.area FROM sites s
            JOIN areas a ON a.commune = s.commune WHERE COALESCE(s.state, '') <> 'F') a
          USING (siren)
          UNION ALL SELECT *, 'france', 'pays-france', 'france' FROM units;
        CREATE TABLE site_rows AS
          SELECT u.category, u.flag, u.naf, u.band,
                 CASE WHEN s.state = 'F' THEN 'ceased' ELSE 'active' END AS status,
                 a.level, a.area_key, a.area
          FROM sites s JOIN units u USING (siren) JOIN areas a ON a.commune = s.commune
          UNION ALL
          SELECT u.category, u.flag, u.naf, u.band,
                 CASE WHEN s.state = 'F' THEN 'ceased' ELSE 'active' END, 'france', 'pays-france',
                 'france'
          FROM sites s JOIN units u USING (siren);
    """)
    cells = 0
    for table in ("unit_rows", "site_rows"):
        for levels, grouping_sets in SLICES:
            sets = ", ".join(
                f"(area_key, area{''.join(', ' + d for d in g)})" for g in grouping_sets
            )
            in_levels = ", ".join(f"'{level}'" for level in levels)
            cells += con.execute(
                f"SELECT COUNT(*) FROM (SELECT area_key, COUNT(*) FROM {table} "
                f"WHERE level IN ({in_levels}) GROUP BY GROUPING SETS ({sets}))"
            ).fetchone()[0]
    return cells


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=300_000)
    parser.add_argument("--files", type=Path, nargs=2, metavar=("UL", "ET"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ptce-cube-engines-") as tmp:
        if args.files:
            ul, et = args.files
        else:
            ul, et, _ = generate(Path(tmp), args.units, 7)
        facts, families = read_facts(ul, et)
        t0 = time.perf_counter()
        polars_cells = observations(facts, families).height
        t_polars = time.perf_counter() - t0
        t0 = time.perf_counter()
        duck_cells = duckdb_observations(facts, families, Path(tmp))
        t_duck = time.perf_counter() - t0
    print(
        f"| engine | seconds ({len(facts.unit_siren):,} units, {len(facts.site_siret):,} "
        f"establishments; load average {os.getloadavg()[0]:.1f}) | cells |\n|---|---|---|\n"
        f"| Polars (shipped) | {t_polars:.2f} | {polars_cells:,} |\n"
        f"| DuckDB (CSV spool + GROUPING SETS) | {t_duck:.2f} | {duck_cells:,} |\n"
        f"same cells: {polars_cells == duck_cells}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
