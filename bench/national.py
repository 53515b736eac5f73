"""Benchmark of the national questions (issue 15; not a test): ptce-kg's catalogue over the
statistics cube and the territory shortcuts, next to DuckDB on the same raw CSV files.

For each size: generates stock files in INSEE's layout (``bench/import_sirene.py``'s generator)
and ``--poles`` synthetic poles (territories of real COG communes, EPCIs and départements);
imports them into a freshly initialised on-disk store, timing the import, the derived rebuild
and the cube; imports them again into a second store without the cube (the import without it);
then serves the first store with ``ptce-kg serve`` and times each question through
``/queries/<name>`` (best of ``--repeat`` after a warm-up) and DuckDB on the two CSV files plus
the reference CSV files (what a researcher would otherwise do), and compares their counts.
Prints one table per size and the load average (the machine is shared: read ratios).

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/national.py [--units 300000 1000000] [--poles 1500] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_sirene import generate  # noqa: E402 - the import benchmark's generator, reused

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REFERENCE = REPO / "data" / "reference"
FAMILIES = REPO / "mappings" / "ess-family-by-legal-form.csv"
GEO = "http://id.insee.fr/geo/"
VOCAB = "https://w3id.org/ptce/vocab/"
GOAL_IMPORT_RATIO = 1.2  # import with the cube / without it


# ---------------------------------------------------------------- data


def pole_turtle(count: int, seed: int) -> str:
    """``count`` synthetic poles whose territories are 1-4 real COG areas each."""
    rng = random.Random(seed)
    with open(REFERENCE / "communes.csv", encoding="utf-8") as f:
        communes = [r["code"] for r in csv.DictReader(f) if r["typecom"] == "COM"]
    with open(REFERENCE / "epci.csv", encoding="utf-8") as f:
        epcis = [r["code"] for r in csv.DictReader(f)]
    with open(REFERENCE / "departements.csv", encoding="utf-8") as f:
        departements = [r["code"] for r in csv.DictReader(f)]
    lines = [
        "@prefix ptce: <https://w3id.org/ptce/ontology#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
    ]
    for n in range(count):
        pole = f"<https://w3id.org/ptce/id/pole/bench-{n}>"
        territory = f"<https://w3id.org/ptce/id/territory/bench-{n}>"
        areas = []
        for _ in range(rng.randint(1, 4)):
            kind = rng.choice(["commune", "commune", "intercommunalite", "departement"])
            code = rng.choice(
                {"commune": communes, "intercommunalite": epcis, "departement": departements}[kind]
            )
            areas.append(f"<{GEO}{kind}/{code}>")
        lines.append(
            f'{pole} a ptce:Pole ; rdfs:label "PÔLE SYNTHETIQUE BENCH {n}"@fr ; '
            f"ptce:membersKnown false ; ptce:territory {territory} ."
        )
        lines.append(f"{territory} a ptce:Territory ; ptce:perimeterArea {', '.join(areas)} .")
    return "\n".join(lines) + "\n"


def build_store(folder: Path, ul: Path, et: Path, poles: str, cube: bool) -> dict[str, float]:
    """Init a store, add the poles, import the files; the seconds of each step."""
    from pyoxigraph import Quad, RdfFormat, parse

    from ptce_kg.kg.importers.sirene import import_sirene
    from ptce_kg.kg.initialise import initialise
    from ptce_kg.kg.linking import rebuild_derived
    from ptce_kg.kg.statistics import refresh_statistics
    from ptce_kg.rdf import graphs
    from ptce_kg.statistics.facts import RegistryFacts
    from ptce_kg.store import OxigraphStore

    # A store kept by an earlier run (--keep) would find the cube unchanged and skip it.
    shutil.rmtree(folder, ignore_errors=True)
    store = OxigraphStore(folder)
    initialise(store, demo=False)  # the registry graphs hold the generated files only
    graph = graphs.graph_iri("bench-poles")
    quads = parse(poles.encode(), format=RdfFormat.TURTLE)
    store.replace_graph(graph, [Quad(q.subject, q.predicate, q.object) for q in quads])
    facts = RegistryFacts() if cube else None
    seconds: dict[str, float] = {}

    def step(name: str, run: Callable[[], object]) -> object:
        # CPU time of the whole process (the bulk loader's threads included) beside the wall
        # clock: on a shared machine the load moves the second far more than the first.
        wall, cpu = time.perf_counter(), time.process_time()
        result = run()
        seconds[name] = time.perf_counter() - wall
        seconds[f"{name}_cpu"] = time.process_time() - cpu
        return result

    step("import", lambda: import_sirene(store, ul, et, facts=facts))
    step("derived", lambda: rebuild_derived(store))
    if facts is not None:
        outcome = step("cube", lambda: refresh_statistics(store, imported={graphs.SIRENE: facts}))
        seconds["observations"] = outcome.observations  # type: ignore[attr-defined]
        seconds["cube_triples"] = outcome.triples  # type: ignore[attr-defined]
    store.close()
    return seconds


# ---------------------------------------------------------------- the questions


@dataclass(frozen=True)
class Question:
    title: str
    query: str  # catalogue name
    params: dict[str, str]
    ours: Callable[[list[dict[str, str]]], dict]  # rows -> comparable counts
    duckdb: str | None  # SQL over the views of duck_views, or None (nothing to compare with)
    theirs: Callable[[list[tuple]], dict] = (
        lambda rows: {  # DuckDB rows -> the same counts
            (r[0] if len(r) == 2 else r[:-1]): r[-1] for r in rows
        }
    )


def _tail(iri: str) -> str:
    return iri.rsplit("/", 1)[1]


QUESTIONS = [
    Question(
        "active ESS units by département (families)",
        "ess-units-by-territory",
        {"level": "Departement"},
        lambda rows: {(_tail(r["area"]), _tail(r["essFamily"])): int(r["units"]) for r in rows},
        """SELECT c.departement, u.family, COUNT(DISTINCT u.siren)
           FROM units u JOIN sites s USING (siren) JOIN place p ON p.site_code = s.commune
           JOIN com c ON c.code = p.com
           WHERE u.family IS NOT NULL AND u.state <> 'C' AND s.state <> 'F' GROUP BY ALL""",
    ),
    Question(
        "ESS population of région 52 by family (ess-population-by-family)",
        "ess-population-by-family",
        {"area": f"{GEO}region/52"},
        lambda rows: {_tail(r["essFamily"]): int(r["units"]) for r in rows},
        """SELECT u.family, COUNT(DISTINCT u.siren)
           FROM units u JOIN sites s USING (siren) JOIN place p ON p.site_code = s.commune
           JOIN com c ON c.code = p.com
           WHERE u.family IS NOT NULL AND u.state <> 'C' AND s.state <> 'F' AND c.region = '52'
           GROUP BY ALL""",
    ),
    Question(
        "units by ESS category and SIRENE flag",
        "units-by-ess-family-and-flag",
        {},
        lambda rows: {(_tail(r["essCategory"]), _tail(r["flag"])): int(r["units"]) for r in rows},
        """SELECT COALESCE(family, CASE WHEN flag = 'N' THEN 'not-ess' ELSE 'unknown' END),
                  CASE WHEN flag IN ('O', 'N') THEN flag ELSE 'unknown' END, COUNT(*)
           FROM units GROUP BY ALL""",
    ),
    Question(
        "ESS share of open establishments by EPCI",
        "ess-share-by-territory",
        {"level": "Intercommunalite"},
        lambda rows: {
            _tail(r["area"]): (int(r["essEstablishments"]), int(r["establishments"])) for r in rows
        },
        """SELECT m.epci, COUNT(*) FILTER (WHERE u.family IS NOT NULL), COUNT(*)
           FROM sites s JOIN units u USING (siren) JOIN place p ON p.site_code = s.commune
           JOIN epci_m m ON m.commune = p.com WHERE s.state <> 'F' GROUP BY ALL""",
        lambda rows: {r[0]: (r[1], r[2]) for r in rows},
    ),
    Question(
        "poles-by-departement (every pole)",
        "poles-by-departement",
        {},
        lambda rows: {"rows": len(rows)},
        None,
    ),
]


def duck_views(ul: Path, et: Path) -> duckdb.DuckDBPyConnection:
    """The raw files as a researcher would open them, with the ESS family of each unit from
    the project's legal-form mapping (borderline forms and commercial companies need flag O)."""
    con = duckdb.connect()
    con.execute(f"""
        CREATE VIEW units AS
        SELECT u.siren, COALESCE(u.etatAdministratifUniteLegale, '') AS state,
               COALESCE(u.economieSocialeSolidaireUniteLegale, '') AS flag,
               CASE WHEN f.code IS NOT NULL
                         AND (f.borderline <> 'true' OR u.economieSocialeSolidaireUniteLegale = 'O')
                    THEN f.ess_family
                    WHEN f.code IS NULL AND u.categorieJuridiqueUniteLegale LIKE '5%'
                         AND u.economieSocialeSolidaireUniteLegale = 'O'
                    THEN 'commercial-ess-company' END AS family
        FROM read_csv('{ul}', all_varchar = true) u
        LEFT JOIN read_csv('{FAMILIES}', all_varchar = true) f
          ON f.code = u.categorieJuridiqueUniteLegale;
        CREATE VIEW sites AS
        SELECT siren, COALESCE(etatAdministratifEtablissement, '') AS state,
               codeCommuneEtablissement AS commune
        FROM read_csv('{et}', all_varchar = true);
        CREATE VIEW com AS SELECT *
          FROM read_csv('{REFERENCE / "communes.csv"}', all_varchar = true) WHERE typecom = 'COM';
        CREATE VIEW place AS
          SELECT code AS site_code, commune_parente AS com
            FROM read_csv('{REFERENCE / "communes.csv"}', all_varchar = true) WHERE typecom = 'ARM'
          UNION ALL SELECT code, code FROM com;
        CREATE VIEW epci_m AS SELECT *
          FROM read_csv('{REFERENCE / "epci-membres.csv"}', all_varchar = true);
    """)
    return con


# ---------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(store: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PTCE_")}
    command = [str(BIN / "ptce-kg"), "serve", "--store", str(store), "--port", str(port)]
    command += ["--query-timeout", "300"]
    process = subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    while time.monotonic() - started < 600:
        if process.poll() is not None:
            raise RuntimeError(f"ptce-kg serve exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{url}/health", timeout=5).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    process.kill()
    raise RuntimeError("ptce-kg serve did not start within 600 s")


def ask(client: httpx.Client, url: str, q: Question) -> list[dict[str, str]]:
    response = client.get(
        f"{url}/queries/{q.query}", params=q.params, headers={"Accept": "text/csv"}
    )
    response.raise_for_status()
    return list(csv.DictReader(io.StringIO(response.text)))


def best_of(repeat: int, run: Callable[[], object]) -> tuple[float, object]:
    run()  # warm-up: worker processes, file cache
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - t0)
    return min(times), result


# ---------------------------------------------------------------- one size


def run_size(units: int, args: argparse.Namespace, work: Path) -> None:
    folder = work / f"national-{units}"
    folder.mkdir(parents=True, exist_ok=True)
    ul, et = folder / "StockUniteLegale.csv", folder / "StockEtablissement.csv"
    if not ul.exists():
        _, _, sites = generate(folder, units, args.seed)
    else:
        sites = sum(1 for _ in open(et, encoding="utf-8")) - 1
    poles = pole_turtle(args.poles, args.seed)
    with_cube = build_store(folder / "store", ul, et, poles, cube=True)
    without = build_store(folder / "store-no-cube", ul, et, poles, cube=False)
    print(f"\n### {units:,} legal units, {sites:,} establishments, {args.poles:,} poles\n")
    print(
        f"{with_cube['observations']:,.0f} observations, {with_cube['cube_triples']:,.0f} "
        f"triples; load average {os.getloadavg()[0]:.1f}\n"
    )
    print("| seconds | import | derived rebuild | cube | total | with / without the cube |")
    print("|---|---|---|---|---|---|")
    for clock, suffix in (("wall", ""), ("CPU", "_cpu")):
        base = without[f"import{suffix}"] + without[f"derived{suffix}"]
        total = sum(with_cube[f"{s}{suffix}"] for s in ("import", "derived", "cube"))
        ratio = total / base
        print(
            f"| {clock}, without the cube | {without[f'import{suffix}']:.1f} | "
            f"{without[f'derived{suffix}']:.1f} | — | {base:.1f} | |\n"
            f"| {clock}, with it | {with_cube[f'import{suffix}']:.1f} | "
            f"{with_cube[f'derived{suffix}']:.1f} | {with_cube[f'cube{suffix}']:.1f} | "
            f"{total:.1f} | **{ratio:.2f}x** (goal <= {GOAL_IMPORT_RATIO}x: "
            f"{'met' if ratio <= GOAL_IMPORT_RATIO else 'not met'}) |"
        )
    print(flush=True)
    process, url = serve(folder / "store", folder / "serve.log")
    con = duck_views(ul, et)
    print("| question | ptce-kg (`/queries`, cube) s | DuckDB on the CSV s | ratio | counts |")
    print("|---|---|---|---|---|", flush=True)
    try:
        with httpx.Client(timeout=600) as client:
            for q in QUESTIONS:
                ours_s, rows = best_of(args.repeat, lambda q=q: ask(client, url, q))
                ours = q.ours(rows)  # type: ignore[arg-type]
                if q.duckdb is None:
                    print(f"| {q.title} | {ours_s:.3f} | — | — | {ours['rows']} rows |", flush=True)
                    continue
                duck_s, answer = best_of(args.repeat, lambda q=q: con.execute(q.duckdb).fetchall())
                theirs = q.theirs(answer)  # type: ignore[arg-type]
                same = "identical" if ours == theirs else f"DIFFER ({len(ours)} vs {len(theirs)})"
                print(
                    f"| {q.title} | {ours_s:.3f} | {duck_s:.3f} | {ours_s / duck_s:.2f}x "
                    f"| {same} ({len(ours)} cells) |",
                    flush=True,
                )
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    print(f"\nload average after the questions: {os.getloadavg()[0]:.1f}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="+", default=[300_000, 1_000_000])
    parser.add_argument("--poles", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="work folder to keep (default: a temp folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ptce-national-") as tmp:
        work = args.keep or Path(tmp)
        for units in args.units:
            run_size(units, args, work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
