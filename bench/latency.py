"""Benchmark of latency isolation (not a test): how long a light query waits while heavy work runs.

1. Makes a temporary store with ``ptce-kg init`` (ontology, vocabularies, reference data, demo
   poles) and starts ``ptce-kg serve`` on it, on a free loopback port, with the default worker
   settings (or ``--query-workers``) and a short query time limit (``--query-timeout``).
2. One client probes ``GET /sparql?query=ASK {}``, one request at a time with a short pause,
   while each load runs in a separate client process:

   - ``idle``: nothing else (the reference);
   - ``runaway``: rounds of three runaway queries (a cartesian product that would run for ever)
     sent together; each round ends when the limit has stopped all three;
   - ``html``: 8 clients fetching the same HTML page (``--page``, by default the legal-form
     vocabulary, among the most expensive) a fixed number of times each, starting cold, within
     a time cap (``--html-cap``, reached when every fetch renders the page again).

3. Prints, for each load, the probes sent (and failed), their worst, p99 and median latency
   next to the 0.5 s anchor (goal: worst < 0.5 s), and the ratio worst / anchor; then the time
   of a first fetch of the other HTML pages, to see which page is the most expensive.

    .venv/bin/python bench/latency.py [--rounds 4] [--query-timeout 3] [--fetches 250]
                                      [--html-cap 30]
                                      [--query-workers N] [--clients 8]
                                      [--page /vocab/legal-form?format=html]
                                      [--loads idle,runaway,html] [--keep DIR]
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from servers import Server, free_port, service_env, start

BIN = Path(sys.executable).parent
ANCHOR = 0.5  # seconds: the worst ASK {} a light client may wait
PAUSE = 0.01  # between two probes
IDLE_SECONDS = 5.0
# 17 triple patterns with no shared variable: (triples)^17 rows to count, for ever in practice.
RUNAWAY = (
    "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(17)) + " }"
)


def make_store(folder: Path) -> Path:
    store = folder / "store"
    if not store.is_dir():  # kept from an earlier run otherwise (--keep)
        started = time.monotonic()
        subprocess.run(
            [str(BIN / "ptce-kg"), "init", "--store", str(store)],
            check=True,
            capture_output=True,
        )
        print(f"store: made by `ptce-kg init` in {time.monotonic() - started:.1f} s", flush=True)
    return store


def start_server(store: Path, log: Path, query_timeout: float, workers: int | None) -> Server:
    port = free_port()
    command = [str(BIN / "ptce-kg"), "serve", "--store", str(store), "--port", str(port)]
    command += ["--query-timeout", str(query_timeout)]
    command += ["--query-workers", str(workers)] if workers else []
    url = f"http://127.0.0.1:{port}"
    return start("ptce-kg serve", command, url, f"{url}/health", log, env=service_env())


# ---------------------------------------------------------------- loads (in a client process)


def _runaway_load(url: str, rounds: int) -> None:
    """Rounds of three runaway queries sent together (a barrier lines them up)."""
    statuses: list[int] = []

    def one(barrier: threading.Barrier) -> None:
        with httpx.Client(base_url=url, timeout=120) as client:
            barrier.wait()
            statuses.append(client.get("/sparql", params={"query": RUNAWAY}).status_code)

    for _ in range(rounds):
        barrier = threading.Barrier(3)
        threads = [threading.Thread(target=one, args=(barrier,)) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    print(f"  runaway statuses: {sorted(set(statuses))} ({len(statuses)} queries)", flush=True)


def _html_load(url: str, page: str, clients: int, fetches: int, cap: float) -> None:
    """``clients`` clients fetching ``page`` ``fetches`` times each, all starting together; no
    fetch starts after ``cap`` seconds."""
    times: list[float] = []
    statuses: list[int] = []
    barrier = threading.Barrier(clients)
    end = time.monotonic() + cap

    def one() -> None:
        with httpx.Client(base_url=url, timeout=600) as client:
            barrier.wait()
            for _ in range(fetches):
                if time.monotonic() > end:
                    break
                started = time.monotonic()
                statuses.append(client.get(page).status_code)
                times.append(time.monotonic() - started)

    threads = [threading.Thread(target=one) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(
        f"  html statuses: {sorted(set(statuses))}; {len(times)} fetches, "
        f"slowest {max(times):.2f} s, median {statistics.median(times):.3f} s",
        flush=True,
    )


def _load_main(kind: str, url: str, args: argparse.Namespace) -> None:
    if kind == "runaway":
        _runaway_load(url, args.rounds)
    elif kind == "html":
        _html_load(url, args.page, args.clients, args.fetches, args.html_cap)
    else:
        time.sleep(IDLE_SECONDS)


# ---------------------------------------------------------------- probes


@dataclass
class Probes:
    load: str
    times: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    wall: float = 0.0

    def percentile(self, q: float) -> float:
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def line(self) -> str:
        if not self.times:
            return f"{self.load:<8} no probe sent"
        worst = max(self.times)
        verdict = "ok" if worst < ANCHOR and not self.failures else "OVER"
        return (
            f"{self.load:<8} {len(self.times):>6} {worst * 1000:>9.0f} "
            f"{self.percentile(0.99) * 1000:>8.0f} {statistics.median(self.times) * 1000:>9.1f} "
            f"{ANCHOR * 1000:>9.0f} {worst / ANCHOR:>7.2f}  {len(self.failures):>4}  "
            f"{self.wall:>6.1f}  {verdict}"
        )


def probe_during(url: str, kind: str, args: argparse.Namespace) -> Probes:
    """Probe ``ASK {}`` for as long as the load process ``kind`` runs."""
    context = multiprocessing.get_context("spawn")
    load = context.Process(target=_load_main, args=(kind, url, args), name=f"load-{kind}")
    probes = Probes(kind)
    with httpx.Client(base_url=url, timeout=60) as client:
        client.get("/sparql", params={"query": "ASK {}"})  # connection open before the clock
        started = time.monotonic()
        load.start()
        while load.is_alive():
            sent = time.monotonic()
            try:
                response = client.get("/sparql", params={"query": "ASK {}"})
                if response.status_code != 200:
                    probes.failures.append(f"{response.status_code}: {response.text[:120]}")
            except httpx.HTTPError as exc:
                probes.failures.append(repr(exc))
            probes.times.append(time.monotonic() - sent)  # a failed probe waited too
            time.sleep(PAUSE)
        probes.wall = time.monotonic() - started
    load.join()
    return probes


def settle(url: str) -> None:
    """Wait until the server answers at once again (stopped workers replaced)."""
    time.sleep(1.0)
    with httpx.Client(base_url=url, timeout=60) as client:
        for _ in range(50):
            started = time.monotonic()
            client.get("/sparql", params={"query": "ASK {}"})
            if time.monotonic() - started < 0.05:
                return
            time.sleep(0.2)


def html_pages(url: str) -> list[str]:
    schemes = [entry["href"] for entry in httpx.get(f"{url}/vocab", timeout=30).json()]
    return ["/ontology?format=html", *(f"{href}?format=html" for href in schemes)]


def first_fetches(url: str, pages: list[str]) -> list[tuple[float, str]]:
    timed = []
    with httpx.Client(base_url=url, timeout=600) as client:
        for page in pages:
            started = time.monotonic()
            status = client.get(page).status_code
            timed.append((time.monotonic() - started, f"{page} ({status})"))
    return sorted(timed, reverse=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=4, help="rounds of 3 runaway queries")
    parser.add_argument("--query-timeout", type=float, default=3.0)
    parser.add_argument("--query-workers", type=int, help="[default: the service's default]")
    parser.add_argument("--clients", type=int, default=8, help="clients fetching the page")
    parser.add_argument("--fetches", type=int, default=250, help="fetches per client")
    parser.add_argument("--html-cap", type=float, default=30.0, help="seconds")
    parser.add_argument("--page", default="/vocab/legal-form?format=html")
    parser.add_argument("--loads", default="idle,runaway,html")
    parser.add_argument("--keep", type=Path, help="folder for the store, kept between runs")
    args = parser.parse_args()

    folder = args.keep or Path(tempfile.mkdtemp(prefix="ptce-bench-latency-"))
    folder.mkdir(parents=True, exist_ok=True)
    server = start_server(
        make_store(folder), folder / "server.log", args.query_timeout, args.query_workers
    )
    results: list[Probes] = []
    try:
        for kind in args.loads.split(","):
            settle(server.url)
            print(f"load {kind}…", flush=True)
            results.append(probe_during(server.url, kind, args))
        settle(server.url)
        pages = first_fetches(server.url, html_pages(server.url))
    finally:
        server.stop()
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)

    print(f"\nASK {{}} probes (ms), one client, {PAUSE * 1000:.0f} ms pause between probes")
    print("load      probes     worst      p99    median    anchor   ratio  fail   wall s")
    for probes in results:
        print(probes.line())
        for failure in probes.failures[:3]:
            print(f"          failure: {failure}")
    print("\nfirst fetch of each HTML page afterwards (s; the load's page was fetched before):")
    for seconds, page in pages[:5]:
        print(f"  {seconds:6.2f}  {page}")


if __name__ == "__main__":
    main()
