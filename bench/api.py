"""Benchmark of the named-query API (not a test): ptce-kg vs rdflib-endpoint vs ``oxigraph serve``.

1. Builds a seeded graph of about 1 M triples: what ``ptce-kg init`` loads (ontology,
   vocabularies, COG/NAF/legal-form reference data, demo data) plus synthetic poles (members,
   roles, cooperations, strategies, projects, jobs) and registry legal units with establishments
   in real communes (names "UNITE SYNTHETIQUE BENCH n"), and the derived graph (ptce-kg's rules).
2. Serves the same quads three ways, each on a free loopback port: ``ptce-kg serve`` (on-disk
   store), ``oxigraph serve`` (on-disk, union default graph) and rdflib-endpoint (rdflib Dataset
   with a union default graph, behind uvicorn).
3. Sends the same catalogue queries with the same seeded parameters to each: ptce-kg through
   ``/queries/<name>?…`` (parameters bound as RDF terms), the others through ``/sparql``-style
   GET with the parameters pre-bound as a VALUES block in each WHERE group. Requests are
   prepared before the clock starts. Bounded load: a fixed number of requests per query from 4
   concurrent client processes (httpx, keep-alive), after a warm-up, with a time cap per server
   and query; rdflib-endpoint gets fewer requests (``--rdflib-requests``) because it is orders
   of magnitude slower. The servers stay up together and take turns query by query.
4. Prints one table: per query, the throughput ratios against their anchors (ptce-kg ≥ 0.5×
   oxigraph serve and ≥ 10× rdflib-endpoint; the geometric mean says whether each is met),
   requests/s with p50/p99 latency per server, and server CPU per request; it warns first when
   two servers answer a request with different row counts.

    .venv/bin/python bench/api.py [--units 30000] [--poles 1500] [--requests 500]
                                  [--rdflib-requests 8] [--warm-up 20] [--time-cap 60]
                                  [--seed 11] [--queries a,b] [--skip-rdflib] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import multiprocessing
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
from pyoxigraph import RdfFormat
from servers import Server, free_port, service_env, start

from ptce_kg.kg.initialise import initialise
from ptce_kg.kg.linking import rebuild_derived
from ptce_kg.rdf.resources import data_dir
from ptce_kg.sparql.binding import where_group_offset
from ptce_kg.sparql.catalogue import NamedQuery, load_catalogue
from ptce_kg.sparql.guard import tokens
from ptce_kg.store import OxigraphStore

BIN = Path(sys.executable).parent
ID = "https://w3id.org/ptce/id/"
P = "https://w3id.org/ptce/ontology#"
V = "https://w3id.org/ptce/vocab/"
ORG = "http://www.w3.org/ns/org#"
GEO = "http://id.insee.fr/geo/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD = "http://www.w3.org/2001/XMLSchema#"
GRAPH = "https://w3id.org/ptce/graph/"
JSON = "application/sparql-results+json"
CLIENTS = 4

LEGAL_FORMS = ["5499", "5710", "9220", "5458", "9230", "5560", "7354", "9300", "5720"]
LEGAL_FORM_WEIGHTS = [25, 20, 25, 4, 4, 3, 4, 5, 10]
NAF = ["88.99B", "94.99Z", "70.22Z", "47.11F", "43.21A", "56.10A", "62.01Z", "90.01Z", "38.32Z"]
CATEGORIES = [
    "ess-enterprise",
    "enterprise",
    "local-authority",
    "local-authority-grouping",
    "research-centre",
    "training-body",
    "other-legal-person",
]
ROLES = ["founder", "lead-structure", "member", "associated-partner", "funder", "facilitator"]
LEVELS = [
    "information-exchange",
    "knowledge-exchange",
    "resource-pooling",
    "group-purchasing",
    "shared-employment",
    "joint-tender",
    "pooled-project",
    "joint-structure",
]
THEMES = [
    "social-innovation",
    "circular-economy",
    "sustainable-food",
    "mobility",
    "work-integration",
    "energy-transition",
    "housing",
    "culture",
]
MODES = ["pooling", "cooperation", "partnership"]


# ---------------------------------------------------------------- synthetic data


def _lit(value: str, datatype: str | None = None) -> str:
    text = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{text}^^<{XSD}{datatype}>" if datatype else text


class Quads:
    """N-Quads lines of one named graph."""

    def __init__(self, graph: str) -> None:
        self.graph = f"<{GRAPH}{graph}>"
        self.lines: list[str] = []

    def add(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"<{s}> <{p}> {o} {self.graph} .\n")


def _iri(value: str) -> str:
    return f"<{value}>"


@dataclass
class Synthetic:
    """What the workload needs to know about the generated data."""

    sirens: list[str] = field(default_factory=list)
    poles: list[str] = field(default_factory=list)
    departements: list[str] = field(default_factory=list)
    triples: int = 0


def generate(path: Path, units: int, poles: int, seed: int) -> Synthetic:
    """Write the synthetic registry and poles as N-Quads to ``path``."""
    rng = random.Random(seed)
    with open(data_dir() / "reference" / "communes.csv", encoding="utf-8", newline="") as handle:
        communes = [r for r in csv.DictReader(handle) if r["typecom"] == "COM" and r["epci"]]
    by_epci: dict[str, list[dict[str, str]]] = {}
    for row in communes:
        by_epci.setdefault(row["epci"], []).append(row)
    epcis = rng.sample(sorted(by_epci), 300)  # registry units concentrate where the poles are
    info = Synthetic()
    units_by_epci: dict[str, list[str]] = {}
    with open(path, "w", encoding="utf-8") as out:
        registry = Quads("sirene")
        for n in range(units):
            siren = f"9{n:08d}"
            unit = f"{ID}org/{siren}"
            epci = rng.choice(epcis) if rng.random() < 0.8 else rng.choice(sorted(by_epci))
            units_by_epci.setdefault(epci, []).append(unit)
            form = rng.choices(LEGAL_FORMS, LEGAL_FORM_WEIGHTS)[0]
            registry.add(unit, RDF_TYPE, _iri(P + "LegalUnit"))
            registry.add(unit, P + "siren", _lit(siren))
            registry.add(unit, LABEL, _lit(f"UNITE SYNTHETIQUE BENCH {n}"))
            registry.add(unit, P + "legalForm", _iri(f"{V}legal-form/{form}"))
            registry.add(unit, P + "administrativeState", _lit("A" if rng.random() < 0.93 else "C"))
            naf = rng.choice(NAF)
            registry.add(unit, P + "activityCode", _lit(naf))
            registry.add(
                unit, P + "activity", _iri(f"http://id.insee.fr/codes/nafr2/sousClasse/{naf}")
            )
            if rng.random() < 0.5:
                registry.add(unit, P + "sireneEssFlag", _lit("O" if form.startswith("9") else "N"))
            for k in range(1 if rng.random() < 0.75 else 2):
                siret = f"{siren}{k + 1:05d}"
                site = f"{ID}establishment/{siret}"
                commune = rng.choice(by_epci[epci])["code"]
                registry.add(unit, P + "hasEstablishment", _iri(site))
                registry.add(site, RDF_TYPE, _iri(P + "Establishment"))
                registry.add(site, P + "siret", _lit(siret))
                registry.add(site, P + "headOffice", _lit("true" if k == 0 else "false", "boolean"))
                registry.add(
                    site, P + "administrativeState", _lit("A" if rng.random() < 0.9 else "F")
                )
                registry.add(site, P + "communeCode", _lit(commune))
                registry.add(site, P + "commune", _iri(f"{GEO}commune/{commune}"))
            info.sirens.append(siren)
        out.writelines(registry.lines)
        info.triples += len(registry.lines)
        for n in range(poles):
            slug = f"bench-{n}"
            g = Quads(f"pole/{slug}")
            pole = f"{ID}pole/{slug}"
            epci = rng.choice(epcis)
            territory = f"{ID}territory/{slug}"
            g.add(pole, RDF_TYPE, _iri(P + "Pole"))
            g.add(pole, LABEL, _lit(f"Pôle synthétique {n}"))
            g.add(pole, P + "membersKnown", _lit("true", "boolean"))
            g.add(pole, P + "territory", _iri(territory))
            g.add(territory, RDF_TYPE, _iri(P + "Territory"))
            g.add(territory, P + "perimeterArea", _iri(f"{GEO}intercommunalite/{epci}"))
            info.departements.append(by_epci[epci][0]["departement"])
            members = []
            for k in range(rng.randint(8, 22)):
                local = units_by_epci.get(epci)
                if local and rng.random() < 0.6:
                    member = rng.choice(local)
                else:
                    member = f"{ID}org/{slug}-m{k}"
                    g.add(member, RDF_TYPE, _iri(P + "Organization"))
                    g.add(member, LABEL, _lit(f"Membre synthétique {n}-{k}"))
                    g.add(
                        member,
                        P + "legalForm",
                        _iri(f"{V}legal-form/{rng.choices(LEGAL_FORMS, LEGAL_FORM_WEIGHTS)[0]}"),
                    )
                g.add(
                    member, P + "actorCategory", _iri(f"{V}actor-category/{rng.choice(CATEGORIES)}")
                )
                membership = f"{ID}membership/{slug}/{k}"
                g.add(membership, RDF_TYPE, _iri(P + "Membership"))
                g.add(membership, ORG + "organization", _iri(pole))
                g.add(membership, ORG + "member", _iri(member))
                g.add(membership, ORG + "role", _iri(f"{V}member-role/{rng.choice(ROLES)}"))
                g.add(membership, P + "startDate", _lit(f"{rng.randint(2015, 2025)}-01-01", "date"))
                members.append(member)
            for k in range(rng.randint(2, 7)):
                coop = f"{ID}cooperation/{slug}/{k}"
                g.add(coop, RDF_TYPE, _iri(P + "Cooperation"))
                g.add(coop, P + "withinGrouping", _iri(pole))
                g.add(
                    coop, P + "cooperationLevel", _iri(f"{V}cooperation-level/{rng.choice(LEVELS)}")
                )
                for member in rng.sample(members, min(len(members), rng.randint(2, 4))):
                    g.add(coop, P + "participant", _iri(member))
            strategy = f"{ID}strategy/{slug}/1"
            g.add(pole, P + "strategy", _iri(strategy))
            g.add(strategy, RDF_TYPE, _iri(P + "CommonStrategy"))
            for mode in rng.sample(MODES, rng.randint(1, 2)):
                g.add(strategy, P + "strategyMode", _iri(f"{V}strategy-mode/{mode}"))
            for member in members[:3]:
                g.add(strategy, P + "sharedBy", _iri(member))
            for k in range(2):
                project = f"{ID}project/{slug}/{k}"
                g.add(pole, P + "project", _iri(project))
                g.add(project, RDF_TYPE, _iri(P + "Project"))
                g.add(project, P + "theme", _iri(f"{V}theme/{rng.choice(THEMES)}"))
                g.add(
                    project,
                    P + "innovationType",
                    _iri(f"{V}innovation-type/{rng.choice(['social', 'technological'])}"),
                )
            for year in (2023, 2024, 2025):
                obs = f"{ID}jobs/{slug}/{year}-12-31"
                g.add(pole, P + "jobObservation", _iri(obs))
                g.add(obs, RDF_TYPE, _iri(P + "JobObservation"))
                g.add(obs, P + "jobUnit", _iri(f"{V}job-unit/headcount"))
                g.add(obs, P + "jobCount", _lit(str(rng.randint(5, 200)), "decimal"))
                g.add(obs, P + "observationDate", _lit(f"{year}-12-31", "date"))
            out.writelines(g.lines)
            info.triples += len(g.lines)
            info.poles.append(slug)
    return info


def build(folder: Path, units: int, poles: int, seed: int) -> tuple[Path, Path, Synthetic]:
    """The ptce-kg store folder and an N-Quads dump of it (for the other servers).

    A folder kept from an earlier run with the same sizes and seed is reused as it is.
    """
    store_dir, nquads = folder / "ptce-store", folder / "bench.nq"
    described = folder / f"bench-{units}-{poles}-{seed}.json"
    if described.is_file() and nquads.is_file() and store_dir.is_dir():
        print(f"reusing {folder}", flush=True)
        return store_dir, nquads, Synthetic(**json.loads(described.read_text()))
    synthetic = folder / "synthetic.nq"
    info = generate(synthetic, units, poles, seed)
    store = OxigraphStore(store_dir)
    initialise(store)
    store.raw.bulk_load(path=str(synthetic), format=RdfFormat.N_QUADS)
    derived = rebuild_derived(store)
    store.raw.dump(str(nquads), format=RdfFormat.N_QUADS)
    total = sum(g.triples for g in store.graphs())
    store.close()
    del store
    print(f"graph: {total:,} quads ({info.triples:,} synthetic, {derived:,} derived)", flush=True)
    described.write_text(json.dumps(asdict(info)))
    return store_dir, nquads, info


# ---------------------------------------------------------------- servers


def process_tree_cpu(root: int) -> float:
    """CPU seconds (user + system) used so far by ``root`` and its live descendants (Linux /proc).

    With the machine shared, CPU per request says what a server costs independently of how
    busy the other work keeps the cores; ptce-kg's count includes its query worker processes.
    """
    children: dict[int, list[int]] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:  # ended meanwhile
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(entry))
        times[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += times.get(pid, 0.0)
        todo += children.get(pid, [])
    return total


def start_ptce(store_dir: Path, log: Path) -> Server:
    port = free_port()
    # one query worker per concurrent client: with fewer, the pool starts and stops a worker
    # process on every burst (documented setting PTCE_QUERY_WORKERS)
    env = service_env(PTCE_QUERY_WORKERS=str(CLIENTS))
    base = f"http://127.0.0.1:{port}"
    command = [str(BIN / "ptce-kg"), "serve", "--store", str(store_dir), "--port", str(port)]
    return start("ptce-kg", command, f"{base}/queries", f"{base}/health", log, 120, env)


def start_oxigraph(nquads: Path, folder: Path, log: Path) -> Server:
    location = folder / "oxigraph-store"
    if not location.is_dir():  # kept from an earlier run otherwise
        subprocess.run(
            [str(BIN / "oxigraph"), "load", "--location", str(location), "--file", str(nquads)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [
        str(BIN / "oxigraph"),
        "serve",
        "--location",
        str(location),
        "--bind",
        f"127.0.0.1:{port}",
        "--union-default-graph",
    ]
    return start(
        "oxigraph serve", command, f"{base}/query", f"{base}/query?query=ASK%7B%7D", log, 120
    )


RDFLIB_APP = """
import sys, uvicorn
from rdflib import Dataset
from rdflib_endpoint import SparqlEndpoint
data = Dataset(default_union=True)
data.parse(sys.argv[1], format="nquads")
app = SparqlEndpoint(graph=data, path="/sparql")
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


def start_rdflib(nquads: Path, log: Path) -> Server:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-c", RDFLIB_APP, str(nquads), str(port)]
    return start(
        "rdflib-endpoint", command, f"{base}/sparql", f"{base}/sparql?query=ASK%7B%7D", log, 600
    )


@dataclass
class Contender:
    """A server of the comparison, started again when a query left it unable to answer."""

    start: Callable[[], Server]
    count: int  # requests per query
    server: Server | None = None

    def live(self) -> Server:
        """The server, restarted first if it does not answer ``ASK {}`` within a few seconds.

        rdflib-endpoint evaluates queries on its event loop and goes on with a query whose
        client gave up, so without this the next query would be measured behind it.
        """
        assert self.server is not None
        try:
            if httpx.get(self.server.probe, timeout=5).status_code < 500:
                return self.server
        except httpx.HTTPError:
            pass
        print(f"{self.server.name}: still busy, restarting it", flush=True)
        self.server.stop()
        self.server = None
        self.server = self.start()
        return self.server


# ---------------------------------------------------------------- workload


QUERIES = (
    "organisation-by-siren",
    "pole-members",
    "jobs-by-pole",
    "cooperation-levels",
    "poles-by-departement",
    "potential-members",
    "ess-share-by-pole",
)


def workload(info: Synthetic, count: int, seed: int) -> dict[str, list[dict[str, str]]]:
    """``count`` seeded parameter sets per benchmarked query."""
    rng = random.Random(seed)
    params: dict[str, Callable[[], dict[str, str]]] = {
        "organisation-by-siren": lambda: {"siren": rng.choice(info.sirens)},
        "pole-members": lambda: {"pole": rng.choice(info.poles)},
        "jobs-by-pole": lambda: {"pole": rng.choice(info.poles)},
        "cooperation-levels": lambda: {"pole": rng.choice(info.poles)},
        "poles-by-departement": lambda: {"departement": rng.choice(info.departements)},
        "potential-members": lambda: {"pole": rng.choice(info.poles)},
        "ess-share-by-pole": lambda: {"pole": rng.choice(info.poles)},
    }
    return {name: [params[name]() for _ in range(count)] for name in QUERIES}


def prebind_every_group(sparql: str, substitutions: dict[str, object]) -> str:
    """``sparql`` with the bound values as a ``VALUES`` block at the start of every WHERE group.

    The SPARQL Protocol has no substitutions, so the other servers get the values in the text,
    where a person writing the query by hand would put them: in each (sub)query that uses the
    variable. A single block at the top level (``prebind``) is the same query, but Oxigraph
    then computes a subquery's aggregate for every pole before the join (seconds instead of
    milliseconds for ``ess-share-by-pole``), which would measure the binding, not the server.
    In a subquery that does not use the variable the one-row block changes nothing.
    """
    if not substitutions:
        return sparql
    names = " ".join(f"?{k.lstrip('?$')}" for k in substitutions)
    block = f" VALUES ({names}) {{ ({' '.join(str(v) for v in substitutions.values())}) }} "
    toks = list(tokens(sparql))
    cuts = [
        nxt.start + 1
        for tok, nxt in zip(toks, toks[1:], strict=False)
        if tok.kind == "word" and tok.text.upper() == "WHERE" and nxt.text == "{"
    ] or [where_group_offset(sparql)]
    pieces, last = [], 0
    for cut in cuts:
        pieces += [sparql[last:cut], block]
        last = cut
    return "".join(pieces) + sparql[last:]


Request = tuple[str, dict[str, str]]


def requests_for(
    server: Server, query: NamedQuery, param_sets: list[dict[str, str]]
) -> list[Request]:
    """The (URL, query-string parameters) of each request, prepared before the clock starts."""
    if server.name == "ptce-kg":
        return [(f"{server.url}/{query.name}", params) for params in param_sets]
    return [
        (server.url, {"query": prebind_every_group(query.text, query.bind(params))})
        for params in param_sets
    ]


@dataclass
class Stats:
    done: int
    seconds: float
    latencies: list[float]
    errors: int
    capped: bool
    rows: dict[int, int]  # request index -> rows answered (successful requests)
    cpu: float = math.nan  # CPU seconds the server used meanwhile

    @property
    def cpu_per_request(self) -> float:
        return self.cpu / self.done if self.done else math.nan

    @staticmethod
    def merge(parts: list[Stats]) -> Stats:
        """One figure for several turns (their request indexes do not overlap)."""
        return Stats(
            sum(p.done for p in parts),
            sum(p.seconds for p in parts),
            [x for p in parts for x in p.latencies],
            sum(p.errors for p in parts),
            any(p.capped for p in parts),
            {i: n for p in parts for i, n in p.rows.items()},
            sum(p.cpu for p in parts),
        )

    @property
    def answered(self) -> int:
        return len(self.rows)

    @property
    def rate(self) -> float:
        """Answered requests per second (errors and timeouts do not count)."""
        return self.answered / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return math.nan
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(math.ceil(q * len(ordered))) - 1)]


def _client(
    requests: list[Request],
    following: Any,
    go: Any,
    started: Any,
    cap: float,
    results: Any,
) -> None:
    """One client process: take the next request index until none is left or ``cap`` seconds
    have passed since the start.

    Processes rather than threads: Python clients in one process share one GIL, and at several
    hundred requests per second the client itself would be what is measured.
    """
    answers: list[tuple[int, float, bool, int]] = []
    capped = False
    go.wait()
    deadline = started.value + cap
    with httpx.Client(timeout=max(cap, 30), headers={"Accept": JSON}) as http:
        while True:
            with following.get_lock():
                index = following.value
                following.value += 1
            if index >= len(requests):
                break
            if time.monotonic() > deadline:
                capped = True
                break
            url, params = requests[index]
            t0 = time.monotonic()
            try:
                response = http.get(url, params=params)
                ok = response.status_code == 200
                count = len(response.json()["results"]["bindings"]) if ok else 0
            except httpx.HTTPError:
                ok, count = False, 0
            answers.append((index, time.monotonic() - t0, ok, count))
    results.put((answers, capped, time.monotonic()))


def load(
    requests: list[Request], clients: int, cap: float, first: int = 0, server: int | None = None
) -> Stats:
    """Send ``requests`` from ``clients`` concurrent client processes (keep-alive connections);
    stop issuing after ``cap`` seconds. Rows are recorded by request index, from ``first``; the
    CPU time of the process ``server`` (and its children) is measured meanwhile."""
    ctx = multiprocessing.get_context("fork")
    following = ctx.Value("l", 0)
    go = ctx.Event()
    started = ctx.Value("d", 0.0)
    results = ctx.Queue()
    processes = [
        ctx.Process(target=_client, args=(requests, following, go, started, cap, results))
        for _ in range(clients)
    ]
    for process in processes:
        process.start()
    time.sleep(0.5)  # every client forked and waiting: the clock starts with all of them
    cpu = process_tree_cpu(server) if server else math.nan
    started.value = time.monotonic()
    go.set()
    gathered = [results.get() for _ in processes]
    cpu = process_tree_cpu(server) - cpu if server else math.nan
    for process in processes:
        process.join()
    latencies: list[float] = []
    errors = 0
    rows: dict[int, int] = {}
    for answers, _, _ in gathered:
        for index, elapsed, ok, count in answers:
            latencies.append(elapsed)
            errors += not ok
            if ok:
                rows[first + index] = count
    finished = max(end for _, _, end in gathered)
    capped = any(capped for _, capped, _ in gathered)
    return Stats(len(latencies), finished - started.value, latencies, errors, capped, rows, cpu)


def _geomean(values: list[float]) -> float:
    values = [v for v in values if v > 0 and math.isfinite(v)]
    return math.exp(statistics.fmean(math.log(v) for v in values)) if values else math.nan


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=30_000)
    parser.add_argument("--poles", type=int, default=1_500)
    parser.add_argument(
        "--requests", type=int, default=500, help="requests per query (ptce-kg, oxigraph)"
    )
    parser.add_argument(
        "--rdflib-requests", type=int, default=8, help="requests per query for rdflib-endpoint"
    )
    parser.add_argument(
        "--warm-up", type=int, default=20, help="requests per server and query before measuring"
    )
    parser.add_argument("--time-cap", type=float, default=60.0, help="seconds per server and query")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="the requests of each query are sent in this many turns, alternating the servers",
    )
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--queries", help=f"comma-separated subset of {','.join(QUERIES)}")
    parser.add_argument("--skip-rdflib", action="store_true")
    parser.add_argument("--keep", type=Path, help="keep the generated stores in this folder")
    args = parser.parse_args(argv)
    names = args.queries.split(",") if args.queries else list(QUERIES)
    unknown = set(names) - set(QUERIES)
    if unknown:
        parser.error(f"unknown queries: {', '.join(sorted(unknown))}")

    folder = args.keep or Path(tempfile.mkdtemp(prefix="ptce-bench-api-"))
    folder.mkdir(parents=True, exist_ok=True)
    catalogue = load_catalogue()
    t0 = time.perf_counter()
    store_dir, nquads, info = build(folder, args.units, args.poles, args.seed)
    print(f"built in {time.perf_counter() - t0:.0f} s", flush=True)
    # Warm-up requests use parameter sets of their own, after the measured ones.
    sets = workload(info, args.requests + args.warm_up, args.seed)
    contenders = [
        Contender(lambda: start_ptce(store_dir, folder / "ptce.log"), args.requests),
        Contender(lambda: start_oxigraph(nquads, folder, folder / "oxigraph.log"), args.requests),
    ]
    if not args.skip_rdflib:
        contenders.append(
            Contender(lambda: start_rdflib(nquads, folder / "rdflib.log"), args.rdflib_requests)
        )
    results: dict[str, dict[str, Stats]] = {}
    try:
        for contender in contenders:
            contender.server = contender.start()
        # All servers stay up and take turns query by query, so a change in the load that
        # other work puts on the machine falls on all of them alike.
        for query_name in names:
            query = catalogue.get(query_name)
            assert query is not None
            for contender in contenders:
                warm = max(1, min(args.warm_up, contender.count // 4))
                params = sets[query_name][args.requests : args.requests + warm]
                load(requests_for(contender.live(), query, params), CLIENTS, args.time_cap)
            rounds: dict[str, list[Stats]] = {}
            for turn in range(args.rounds):
                for contender in contenders:
                    server, count = contender.live(), contender.count
                    first, end = turn * count // args.rounds, (turn + 1) * count // args.rounds
                    share = requests_for(server, query, sets[query_name][first:end])
                    rounds.setdefault(server.name, []).append(
                        load(share, CLIENTS, args.time_cap / args.rounds, first, server.process.pid)
                    )
            for name, parts in rounds.items():
                stats = Stats.merge(parts)
                results.setdefault(name, {})[query_name] = stats
                print(
                    f"  {name:16} {query_name:24} {stats.done:4} req "
                    f"{stats.rate:9.1f} req/s p50 {stats.percentile(0.5) * 1000:8.1f} ms "
                    f"p99 {stats.percentile(0.99) * 1000:8.1f} ms "
                    f"rows {sum(stats.rows.values()) / max(len(stats.rows), 1):7.1f}/req "
                    f"server CPU {stats.cpu_per_request * 1000:6.2f} ms/req errors {stats.errors}"
                    f"{' (time cap hit)' if stats.capped else ''}",
                    flush=True,
                )
        _report(results)
    finally:
        for contender in contenders:
            if contender.server is not None:
                contender.server.stop()
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


# The anchors the ratios are read against: ptce-kg's throughput over each other server's on
# the same queries with the same parameters (> 1: ptce-kg faster).
ANCHORS = {"oxigraph serve": 0.5, "rdflib-endpoint": 10.0}


def _report(results: dict[str, dict[str, Stats]]) -> None:
    """One table: per query, the throughput ratios with their anchors (the machine is shared:
    absolute figures move with its load, ratios much less), then each server's requests/s with
    p50 / p99 latency, and its CPU per request (server process and children, user + system)."""
    ours = results["ptce-kg"]
    others = [n for n in results if n != "ptce-kg"]
    names = list(results)
    header = [
        "query",
        *(f"ptce-kg / {o} (anchor ≥ {ANCHORS[o]:g}×)" for o in others),
        *(f"{n} req/s (p50 / p99 ms)" for n in names),
        f"server CPU ms/req ({' / '.join(names)})",
    ]
    rows: list[list[str]] = []
    ratios: dict[str, list[float]] = {o: [] for o in others}
    for query_name, stats in ours.items():
        cells = [query_name]
        for other in others:
            theirs = results[other][query_name]
            both = stats.rows.keys() & theirs.rows.keys()
            differ = sum(stats.rows[i] != theirs.rows[i] for i in both)
            if differ:
                print(f"!! {other}, {query_name}: row counts differ on {differ}/{len(both)}")
            # nothing answered within the cap: count one answer, so the ratio is a lower bound
            bound = "≥ " if not theirs.answered else ""
            ratio = stats.rate / (max(theirs.answered, 1) / theirs.seconds)
            ratios[other].append(ratio)
            cells.append(f"{bound}{ratio:.2f}×")
        for name in names:
            st = results[name][query_name]
            cells.append(
                f"{st.rate:.1f} ({st.percentile(0.5) * 1000:.1f} / "
                f"{st.percentile(0.99) * 1000:.1f})"
            )
        cpu = (results[n][query_name].cpu_per_request * 1000 for n in names)
        cells.append(" / ".join(f"{ms:.2f}" for ms in cpu))
        rows.append(cells)
    mean = ["geometric mean"]
    for other in others:
        value = _geomean(ratios[other])
        mean.append(f"{value:.2f}× ({'met' if value >= ANCHORS[other] else 'NOT met'})")
    rows.append(mean + [""] * (len(header) - len(mean)))
    print()
    _print_table(header, rows)


def _print_table(header: list[str], rows: list[list[str]]) -> None:
    """A Markdown table (it reads in a terminal and pastes into a note as is)."""
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    sys.exit(main())
