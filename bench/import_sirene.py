"""Benchmark of `ptce-kg import sirene` (not a test): rows/s, triples/s, peak memory, init time.

Generates seeded stock files in INSEE's official layout (every column of open-data.md §2.2–2.3,
obviously synthetic names "UNITE SYNTHETIQUE BENCH n"), then imports them into a freshly
initialised on-disk store (reference data present, so the derived rebuild does its real work) in
a temporary folder, for each size asked (default 100 000 and 1 000 000 legal units, about 1.25
establishments each, each size in its own process), and times `init` on an empty store.

    .venv/bin/python bench/import_sirene.py [--units 100000 1000000] [--seed 7] [--keep DIR]
        [--no-init] [--baseline]
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

UL_HEADER = (
    "siren statutDiffusionUniteLegale unitePurgeeUniteLegale dateCreationUniteLegale "
    "sigleUniteLegale sexeUniteLegale prenom1UniteLegale prenom2UniteLegale prenom3UniteLegale "
    "prenom4UniteLegale prenomUsuelUniteLegale pseudonymeUniteLegale "
    "identifiantAssociationUniteLegale trancheEffectifsUniteLegale anneeEffectifsUniteLegale "
    "dateDernierTraitementUniteLegale nombrePeriodesUniteLegale categorieEntreprise "
    "anneeCategorieEntreprise dateDebut etatAdministratifUniteLegale nomUniteLegale "
    "nomUsageUniteLegale denominationUniteLegale denominationUsuelle1UniteLegale "
    "denominationUsuelle2UniteLegale denominationUsuelle3UniteLegale "
    "categorieJuridiqueUniteLegale activitePrincipaleUniteLegale "
    "nomenclatureActivitePrincipaleUniteLegale activitePrincipaleNAF25UniteLegale "
    "nicSiegeUniteLegale economieSocialeSolidaireUniteLegale societeMissionUniteLegale "
    "caractereEmployeurUniteLegale"
).split()
ET_HEADER = (
    "siren nic siret statutDiffusionEtablissement dateCreationEtablissement "
    "trancheEffectifsEtablissement anneeEffectifsEtablissement "
    "activitePrincipaleRegistreMetiersEtablissement dateDernierTraitementEtablissement "
    "etablissementSiege nombrePeriodesEtablissement complementAdresseEtablissement "
    "numeroVoieEtablissement indiceRepetitionEtablissement dernierNumeroVoieEtablissement "
    "indiceRepetitionDernierNumeroVoieEtablissement typeVoieEtablissement "
    "libelleVoieEtablissement codePostalEtablissement libelleCommuneEtablissement "
    "libelleCommuneEtrangerEtablissement distributionSpecialeEtablissement "
    "codeCommuneEtablissement codeCedexEtablissement libelleCedexEtablissement "
    "codePaysEtrangerEtablissement libellePaysEtrangerEtablissement "
    "identifiantAdresseEtablissement coordonneeLambertAbscisseEtablissement "
    "coordonneeLambertOrdonneeEtablissement dateDebut etatAdministratifEtablissement "
    "enseigne1Etablissement enseigne2Etablissement enseigne3Etablissement "
    "denominationUsuelleEtablissement activitePrincipaleEtablissement "
    "nomenclatureActivitePrincipaleEtablissement caractereEmployeurEtablissement "
    "activitePrincipaleNAF25Etablissement"
).split()
LEGAL_FORMS = ["1000", "5499", "5710", "9220", "5458", "9230", "6540", "7210", "5560", "9300"]
LEGAL_FORM_WEIGHTS = [40, 20, 15, 12, 2, 2, 5, 1, 1, 2]
NAF = ["88.99B", "94.99Z", "70.22Z", "47.11F", "43.21A", "56.10A", "62.01Z", "90.01Z"]
COMMUNES = ["72181", "72003", "44109", "44184", "26281", "75113", "69383", "13201", "64373"]
BANDS = ["NN", "00", "01", "02", "03", "11", "12", "21", ""]


def generate(folder: Path, units: int, seed: int) -> tuple[Path, Path, int]:
    """Write StockUniteLegale/StockEtablissement CSVs; return their paths and the row count."""
    rng = random.Random(seed)
    ul_path, et_path = folder / "StockUniteLegale.csv", folder / "StockEtablissement.csv"
    sites = 0
    with (
        open(ul_path, "w", newline="", encoding="utf-8") as ul_f,
        open(et_path, "w", newline="", encoding="utf-8") as et_f,
    ):
        ul, et = csv.writer(ul_f), csv.writer(et_f)
        ul.writerow(UL_HEADER)
        et.writerow(ET_HEADER)
        ul_index = {c: i for i, c in enumerate(UL_HEADER)}
        et_index = {c: i for i, c in enumerate(ET_HEADER)}
        for n in range(units):
            siren = f"{n + 100000000:09d}"
            form = rng.choices(LEGAL_FORMS, LEGAL_FORM_WEIGHTS)[0]
            row = [""] * len(UL_HEADER)
            row[ul_index["siren"]] = siren
            row[ul_index["statutDiffusionUniteLegale"]] = "O"
            row[ul_index["dateCreationUniteLegale"]] = (
                f"{rng.randint(1950, 2025)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
            )
            row[ul_index["etatAdministratifUniteLegale"]] = "A" if rng.random() < 0.8 else "C"
            if form == "1000":
                row[ul_index["sexeUniteLegale"]] = "F"
                row[ul_index["prenom1UniteLegale"]] = "PRENOMSYNTHETIQUE"
                row[ul_index["nomUniteLegale"]] = f"NOMSYNTHETIQUE{n}"
            else:
                row[ul_index["denominationUniteLegale"]] = f"UNITE SYNTHETIQUE BENCH {n}"
            row[ul_index["categorieJuridiqueUniteLegale"]] = form
            row[ul_index["activitePrincipaleUniteLegale"]] = rng.choice(NAF)
            row[ul_index["nomenclatureActivitePrincipaleUniteLegale"]] = "NAFRev2"
            row[ul_index["trancheEffectifsUniteLegale"]] = rng.choice(BANDS)
            row[ul_index["economieSocialeSolidaireUniteLegale"]] = rng.choice(["O", "N", "", ""])
            row[ul_index["societeMissionUniteLegale"]] = rng.choice(["", "", "N", "O"])
            if form.startswith("92"):
                row[ul_index["identifiantAssociationUniteLegale"]] = f"W{n:09d}"
            row[ul_index["nicSiegeUniteLegale"]] = "00010"
            ul.writerow(row)
            for k in range(1 if rng.random() < 0.75 else 2):
                site = [""] * len(ET_HEADER)
                nic = f"000{k + 1}0"
                site[et_index["siren"]] = siren
                site[et_index["nic"]] = nic
                site[et_index["siret"]] = siren + nic
                site[et_index["etablissementSiege"]] = "true" if k == 0 else "false"
                site[et_index["etatAdministratifEtablissement"]] = rng.choice("AAAF")
                site[et_index["codeCommuneEtablissement"]] = rng.choice(COMMUNES)
                site[et_index["dateCreationEtablissement"]] = "2001-01-01"
                site[et_index["trancheEffectifsEtablissement"]] = rng.choice(BANDS)
                site[et_index["activitePrincipaleEtablissement"]] = rng.choice(NAF)
                site[et_index["nomenclatureActivitePrincipaleEtablissement"]] = "NAFRev2"
                site[et_index["libelleVoieEtablissement"]] = "RUE SYNTHETIQUE"
                et.writerow(site)
                sites += 1
    return ul_path, et_path, sites


GOAL_UNITS_PER_S = 20_000


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """CPU time of this process, all threads (Oxigraph's loader is multi-threaded)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def open_store(path: Path):
    from ptce_kg.store import OxigraphStore

    return OxigraphStore(path)


def bulk_load_baseline(store_path: Path, graph: str, folder: Path) -> tuple[float, int]:
    """Seconds Oxigraph itself takes to bulk-load the imported graph, dumped as N-Triples."""
    import pyoxigraph as ox

    dump = folder / "baseline.nt"
    source = ox.Store.read_only(str(store_path))
    with open(dump, "wb") as out:
        source.dump(out, ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
    del source
    target = ox.Store(str(folder / "baseline-store"))
    t0 = time.perf_counter()
    target.bulk_load(path=str(dump), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    target.flush()
    elapsed = time.perf_counter() - t0
    count = len(target)
    dump.unlink()
    return elapsed, count


def run(units: int, seed: int, work: Path, baseline: bool) -> None:
    """One size, in this process (its peak RSS is its own)."""
    from ptce_kg.kg.importers.sirene import import_sirene
    from ptce_kg.kg.initialise import initialise
    from ptce_kg.kg.linking import rebuild_derived

    folder = work / f"bench-{units}"
    folder.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    ul, et, sites = generate(folder, units, seed)
    t_gen = time.perf_counter() - t0
    store = open_store(folder / "store")
    # The reference data (legal forms and their ESS families, COG…) is there, as in real use,
    # so that the derived rebuild does its real work; init is timed apart (time_init).
    initialise(store)
    t0, c0 = time.perf_counter(), cpu_seconds()
    summary = import_sirene(store, ul, et)
    t_import, c_import = time.perf_counter() - t0, cpu_seconds() - c0
    t0 = time.perf_counter()
    derived = rebuild_derived(store)
    t_link = time.perf_counter() - t0
    store.close()
    rate = units / t_import
    print(
        f"{units:>9} units + {sites} establishments: generated in {t_gen:.1f} s; "
        f"import {t_import:.1f} s wall, {c_import:.1f} s CPU = {rate:,.0f} units/s "
        f"({rate / GOAL_UNITS_PER_S:.2f}x the {GOAL_UNITS_PER_S:,} goal), "
        f"{summary.triples / t_import:,.0f} triples/s ({summary.triples:,} triples, "
        f"{summary.triples / units:.1f} per unit); derived rebuild {t_link:.1f} s "
        f"({derived:,} triples); peak RSS {peak_rss_mb():,.0f} MB",
        flush=True,
    )
    if baseline:
        t_bulk, count = bulk_load_baseline(folder / "store", summary.graph, folder)
        print(
            f"{'':>9} Oxigraph's own bulk load of those {count:,} triples (N-Triples file, "
            f"on disk): {t_bulk:.1f} s = {count / t_bulk:,.0f} triples/s; the import runs at "
            f"{t_bulk / t_import:.2f}x that rate",
            flush=True,
        )


def time_init(work: Path) -> None:
    from ptce_kg.kg.initialise import initialise

    store = open_store(work / "init-store")
    t0 = time.perf_counter()
    initialise(store)
    print(f"init on an empty on-disk store: {time.perf_counter() - t0:.1f} s", flush=True)
    store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="work folder to keep (default: a temp folder)")
    parser.add_argument("--no-init", action="store_true", help="skip timing `init`")
    parser.add_argument(
        "--baseline", action="store_true", help="also time Oxigraph's own bulk load of the result"
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: one size, in-process
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        run(args.one, args.seed, args.work, args.baseline)
        return 0
    with tempfile.TemporaryDirectory(prefix="ptce-bench-") as tmp:
        work = args.keep or Path(tmp)
        if not args.no_init:
            time_init(work)
        for units in args.units:
            # Each size in its own process, so that each peak RSS is that size's own.
            command = [sys.executable, __file__, "--one", str(units), "--seed", str(args.seed)]
            command += ["--work", str(work)] + (["--baseline"] if args.baseline else [])
            subprocess.run(command, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
