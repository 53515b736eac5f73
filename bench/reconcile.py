"""Benchmark of the reconciliation service (not a test): accuracy, throughput, index cost, and
the same rows against csv-reconcile (PyPI), side by side.

1. Builds a store the way bench/import_sirene.py does (seeded SIRENE stock files in INSEE's
   layout, imported by `ptce-kg import sirene` into a freshly initialised store), except that
   each unit gets a name made of real words (NAF labels, COG commune names) in synthetic
   combinations, some of them shared by several units (namesakes), and a head office in a
   commune drawn from the whole COG.
2. Builds the reconciliation index in its own process: time, file size, peak memory.
3. Draws the labelled set from the store's `sirene` graph: units whose names are perturbed the
   way people write them (typos, legal-form word added or dropped, abbreviations, word order,
   case; the commune given for about half of them), identifiers hidden.
4. Sends the rows to `ptce-kg serve` as OpenRefine does (POST /reconcile, form-encoded batches
   of the manifest's batchSize, 4 concurrent clients): rows/s, p50/p99 per batch,
   precision@1, recall (the right unit among the candidates), precision of `match: true`.
5. Loads the same units into csv-reconcile (its bundled dice scorer) and sends it the first
   `--csv-reconcile-rows` rows the same way (it scans every unit for every batch, so a few
   hundred rows already take minutes at 100 000 units).

    .venv/bin/python bench/reconcile.py [--units 100000] [--rows 10000] [--seed 7]
        [--csv-reconcile-rows 200] [--keep DIR [--reuse-index]]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from pathlib import Path
from typing import Any

import httpx

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
import import_sirene  # noqa: E402  (the store is built as that benchmark builds it)
from servers import free_port, start  # noqa: E402

PTCE = [sys.executable, "-m", "ptce_kg"]
CLIENTS = 4
UNITS_QUERY = """
PREFIX ptce: <https://w3id.org/ptce/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?unit ?siren ?name ?commune WHERE {
  GRAPH <https://w3id.org/ptce/graph/sirene> {
    ?unit a ptce:LegalUnit ; ptce:siren ?siren ; rdfs:label ?name ; ptce:hasEstablishment ?e .
    ?e ptce:headOffice true ; ptce:communeCode ?commune .
  }
  # A natural person's label is "Entrepreneur individuel <SIREN>": nobody writes that.
  FILTER NOT EXISTS {
    GRAPH ?g { ?unit ptce:legalForm <https://w3id.org/ptce/vocab/legal-form/1000> }
  }
}
"""
FORM_WORDS = {"92": "ASSOCIATION", "5458": "SCOP", "5499": "SARL", "5710": "SAS", "5560": "SA"}
ABBREVIATIONS = {"SAINT": "ST", "SAINTE": "STE", "ASSOCIATION": "ASSO", "COOPERATIVE": "COOP"}


def fold(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", " ", ascii_text).upper().strip()


def read_rows(name: str) -> list[dict[str, str]]:
    with open(REPO / "data" / "reference" / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def vocabulary() -> list[str]:
    """Distinctive words of the NAF labels and the commune names (4 letters or more)."""
    words: set[str] = set()
    for row in read_rows("naf-rev2-5-niveaux.csv"):
        words |= {w for w in fold(" ".join(row.values())).split() if len(w) >= 4 and w.isalpha()}
    for row in read_rows("communes.csv")[::7]:
        words |= {w for w in fold(row["nom"]).split() if len(w) >= 4 and w.isalpha()}
    return sorted(words)


def rewrite_names(folder: Path, seed: int) -> None:
    """Give the generated units varied names and head offices anywhere in France."""
    rng = random.Random(seed + 1)
    words = vocabulary()
    communes = [r["code"] for r in read_rows("communes.csv") if r["typecom"] == "COM"]
    ul = folder / "StockUniteLegale.csv"
    et = folder / "StockEtablissement.csv"
    names: list[str] = []
    with (
        open(ul, encoding="utf-8", newline="") as src,
        open(ul.with_suffix(".tmp"), "w", encoding="utf-8", newline="") as dst,
    ):
        reader, writer = csv.reader(src), csv.writer(dst)
        header = next(reader)
        writer.writerow(header)
        col = {c: i for i, c in enumerate(header)}
        for row in reader:
            form = row[col["categorieJuridiqueUniteLegale"]]
            if form != "1000":
                if names and rng.random() < 0.02:  # a namesake elsewhere
                    name = rng.choice(names[-5000:])
                else:
                    name = " ".join(rng.sample(words, rng.choice((2, 2, 3, 3, 4))))
                    word = FORM_WORDS.get(form) or FORM_WORDS.get(form[:2])
                    if word and rng.random() < 0.5:
                        name = (
                            f"{word} {name}"
                            if word in ("ASSOCIATION", "SCOP")
                            else f"{name} {word}"
                        )
                names.append(name)
                row[col["denominationUniteLegale"]] = name
            writer.writerow(row)
    ul.with_suffix(".tmp").replace(ul)
    with (
        open(et, encoding="utf-8", newline="") as src,
        open(et.with_suffix(".tmp"), "w", encoding="utf-8", newline="") as dst,
    ):
        reader, writer = csv.reader(src), csv.writer(dst)
        header = next(reader)
        writer.writerow(header)
        col = {c: i for i, c in enumerate(header)}
        for row in reader:
            row[col["codeCommuneEtablissement"]] = rng.choice(communes)
            writer.writerow(row)
    et.with_suffix(".tmp").replace(et)


def run(args: list[str], **kwargs: Any) -> float:
    started = time.perf_counter()
    subprocess.run(args, check=True, **kwargs)
    return time.perf_counter() - started


def build_index(store: Path) -> dict[str, float]:
    """Build the index from scratch in its own process: seconds, peak RSS, file size."""
    index = store.parent / f"{store.name}.reconcile.sqlite"
    for path in index.parent.glob(index.name + "*"):
        path.unlink()
    code = (
        "import json, resource, time\n"
        "from pathlib import Path\n"
        "from ptce_kg.store import OxigraphStore\n"
        "from ptce_kg.reconciliation.service import refresh_index\n"
        f"store = OxigraphStore(Path({str(store)!r}))\n"
        "t = time.perf_counter(); s = refresh_index(store, store.path)\n"
        "print(json.dumps({'seconds': time.perf_counter() - t, 'entities': s.entities,\n"
        "  'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    figures["size_mb"] = sum(p.stat().st_size for p in index.parent.glob(index.name + "*")) / 2**20
    return figures


def perturb(name: str, rng: random.Random) -> str:
    words = name.split()
    for _ in range(rng.choice((1, 1, 2))):
        kind = rng.choice(("typo", "form", "abbrev", "order", "case", "none"))
        if kind == "typo":
            long = [i for i, w in enumerate(words) if len(w) >= 5]
            if long:
                i = rng.choice(long)
                w, k = words[i], rng.randrange(1, len(words[i]) - 1)
                words[i] = rng.choice(
                    (
                        w[:k] + w[k + 1 :],
                        w[:k] + w[k + 1] + w[k] + w[k + 2 :],
                        w[:k] + "E" + w[k + 1 :],
                    )
                )
        elif kind == "form":
            present = [w for w in words if w in ("ASSOCIATION", "SCOP", "SARL", "SAS", "SA")]
            if present:
                words.remove(present[0])
            else:
                words.insert(0, rng.choice(("ASSOCIATION", "ASSO", "SARL", "SAS")))
        elif kind == "abbrev":
            words = [ABBREVIATIONS.get(w, w) for w in words if w not in ("DE", "DU", "LA", "LE")]
        elif kind == "order" and len(words) > 1:
            i = rng.randrange(len(words) - 1)
            words[i], words[i + 1] = words[i + 1], words[i]
    text = " ".join(words) or name
    return rng.choice((text, text.lower(), text.title()))


def labelled_set(store: Path, rows: int, seed: int) -> list[dict[str, str]]:
    """``rows`` units of the sirene graph, names perturbed, a commune given for half of them."""
    from pyoxigraph import Store

    communes = {r["code"]: r["nom"] for r in read_rows("communes.csv") if r["typecom"] == "COM"}
    units = [
        {"iri": r["unit"].value, "name": r["name"].value, "commune": r["commune"].value}
        for r in Store.read_only(str(store)).query(UNITS_QUERY)
    ]
    rng = random.Random(seed + 2)
    sample = rng.sample(units, min(rows, len(units)))
    for unit in sample:
        unit["query"] = perturb(unit["name"], rng)
        unit["given_commune"] = communes.get(unit["commune"], "") if rng.random() < 0.5 else ""
    return sample


def send(url: str, sample: list[dict[str, str]], batch: int, properties: bool) -> dict[str, Any]:
    """All rows in batches of ``batch`` from CLIENTS threads: answers and per-batch seconds."""
    batches = [sample[i : i + batch] for i in range(0, len(sample), batch)]
    answers: dict[int, list[dict[str, Any]]] = {}
    latencies: list[float] = []
    lock = threading.Lock()
    position = iter(range(len(batches)))

    def client() -> None:
        with httpx.Client(timeout=3600) as http:
            while True:
                with lock:
                    n = next(position, None)
                if n is None:
                    return
                queries = {}
                for k, unit in enumerate(batches[n]):
                    q: dict[str, Any] = {"query": unit["query"], "type": "legal-unit", "limit": 5}
                    if properties and unit["given_commune"]:
                        q["properties"] = [{"pid": "commune", "v": unit["given_commune"]}]
                    queries[f"q{k}"] = q
                started = time.perf_counter()
                response = http.post(url, data={"queries": json.dumps(queries)})
                elapsed = time.perf_counter() - started
                response.raise_for_status()
                result = response.json()
                with lock:
                    latencies.append(elapsed)
                    answers[n] = [result[f"q{k}"]["result"] for k in range(len(batches[n]))]

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    results = [r for n in sorted(answers) for r in answers[n]]
    return {"results": results, "latencies": latencies, "wall": wall}


def score(sample: list[dict[str, str]], run_: dict[str, Any], id_of: Any) -> dict[str, float]:
    results = run_["results"]
    top = [r[0] if r else None for r in results]
    right = [t is not None and id_of(t) == u["iri"] for t, u in zip(top, sample, strict=True)]
    found = [any(id_of(c) == u["iri"] for c in r) for r, u in zip(results, sample, strict=True)]
    matched = [t is not None and t.get("match") for t in top]
    sure_right = sum(1 for m, ok in zip(matched, right, strict=True) if m and ok)
    latencies = sorted(run_["latencies"])
    return {
        "rows": len(sample),
        "rows_per_s": len(sample) / run_["wall"],
        "p50_s": statistics.median(latencies),
        "p99_s": latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
        "precision_at_1": sum(right) / len(sample),
        "recall": sum(found) / len(sample),
        "match_rate": sum(matched) / len(sample),
        "match_precision": sure_right / max(1, sum(matched)),
    }


def csv_reconcile(folder: Path, store: Path, sample: list[dict[str, str]], batch: int) -> dict:
    """csv-reconcile loaded with the same units (id = IRI, name = label), same rows sent."""
    from pyoxigraph import Store

    units = folder / "units.csv"
    with open(units, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name"])
        for r in Store.read_only(str(store)).query(UNITS_QUERY):
            writer.writerow([r["unit"].value, r["name"].value])
    work = folder / "csv-reconcile"
    work.mkdir(exist_ok=True)
    exe = Path(sys.executable).parent / "csv-reconcile"
    load = run([str(exe), "init", "--scorer", "dice", str(units), "id", "name"], cwd=work,
               stdout=subprocess.DEVNULL)  # fmt: skip
    port = free_port()
    code = (
        "from csv_reconcile import create_app\nfrom werkzeug.serving import run_simple\n"
        f"run_simple('127.0.0.1', {port}, create_app(), threaded=True)\n"
    )
    url = f"http://127.0.0.1:{port}/reconcile"
    server = start("csv-reconcile", [sys.executable, "-c", code], url, url, timeout=600, cwd=work)
    try:
        answer = send(url, sample, batch, properties=False)
    finally:
        server.stop()
    figures = score(sample, answer, lambda c: c["id"])
    figures["load_s"] = load
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--csv-reconcile-rows", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument(
        "--reuse-index",
        action="store_true",
        help="with --keep: query the index an earlier run built instead of building it again",
    )
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-reconcile-"))
    folder.mkdir(parents=True, exist_ok=True)
    store = folder / "store"
    env = {**os.environ, "PTCE_STORE": str(store)}
    if not store.exists():
        import_sirene.generate(folder, args.units, args.seed)
        rewrite_names(folder, args.seed)
        run([*PTCE, "init"], env=env, stdout=subprocess.DEVNULL)
        seconds = run(
            [*PTCE, "import", "sirene", "--unites-legales", str(folder / "StockUniteLegale.csv"),
             "--etablissements", str(folder / "StockEtablissement.csv")],
            env=env, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        print(f"store: {args.units} units imported in {seconds:.1f} s (with the index refresh)")
    if args.reuse_index and (folder / "store.reconcile.sqlite").exists():
        print("index: the one built by an earlier run (--reuse-index): no build figures")
    else:
        index = build_index(store)
        print(
            f"index from scratch: {index['entities']} entities, {index['seconds']:.1f} s, "
            f"{index['size_mb']:.1f} MB on disk, peak memory {index['peak_mb']:.0f} MB"
        )
    sample = labelled_set(store, args.rows, args.seed)
    port = free_port()
    url = f"http://127.0.0.1:{port}/reconcile"
    command = [*PTCE, "serve", "--port", str(port)]
    log = folder / "serve.log"
    server = start("ptce-kg serve", command, url, f"{url[:-10]}/health", log, 1800, env)
    try:
        batch = httpx.get(url, timeout=60).json()["batchSize"]
        send(url, sample[: batch * CLIENTS], batch, properties=True)  # warm-up (first use)
        ours = score(sample, send(url, sample, batch, properties=True), lambda c: c["id"])
        small = sample[: args.csv_reconcile_rows]
        ours_small = score(small, send(url, small, batch, properties=False), lambda c: c["id"])
    finally:
        server.stop()
    theirs = csv_reconcile(folder, store, small, batch) if args.csv_reconcile_rows else None
    print(f"\n{len(sample)} rows, batches of {batch}, {CLIENTS} concurrent clients")
    print(
        f"{'':34}{'rows/s':>9}{'p50 s':>8}{'p99 s':>8}{'P@1':>7}{'recall':>8}"
        f"{'match':>7}{'P(match)':>10}"
    )
    lines = [
        ("ptce-kg, names + commune", ours),
        (f"ptce-kg, names only ({len(small)} rows)", ours_small),
    ]
    if theirs:
        lines.append((f"csv-reconcile, names ({len(small)} rows)", theirs))
    for label, f in lines:
        print(
            f"{label:34}{f['rows_per_s']:9.1f}{f['p50_s']:8.3f}{f['p99_s']:8.3f}"
            f"{f['precision_at_1']:7.3f}{f['recall']:8.3f}{f['match_rate']:7.3f}"
            f"{f['match_precision']:10.4f}"
        )
    if theirs:
        ratio = ours_small["rows_per_s"] / theirs["rows_per_s"]
        print(f"throughput ratio on the same rows (names only): {ratio:.1f}x; csv-reconcile "
              f"loaded the units in {theirs['load_s']:.1f} s")  # fmt: skip
    print(f"store and files in {folder}")


if __name__ == "__main__":
    main()
