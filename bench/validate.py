"""Benchmark of `ptce_kg.validation.validate` (not a test): time and peak memory.

Generates seeded, obviously synthetic pole datasets ("Organisation synthétique n", keys
``org/bench-…``; SIRENs with a valid check digit but no meaning) on real COG communes, then
validates them with every rule set:

- ``pole``: one pole of 50 members;
- ``national``: about 150 poles and 5 000 member organisations with their establishments;
- ``national-x10``: ten times that.

Each network is validated per pole (how submissions are checked: one pole's graph at a time)
and, for ``national``, also as one whole graph (``--whole``) and in place (``--stored``: the
poles loaded into an in-memory store, one graph each, then ``validate_poles`` in one process,
as ``ptce-kg validate --all-poles`` does). Each case runs in its own process so that its
peak RSS is its own. Prints one table: one row per case (wall and CPU seconds, the 1-minute load
average as the case ends to read the wall time by, peak RSS: the parent's plus the largest
worker's), with its anchor (``ANCHORS``) and whether it is met.

    .venv/bin/python bench/validate.py [--cases pole national national-x10] [--seed 7] [--whole]
                                       [--stored]
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import os
import random
import resource
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import rdflib
from rdflib.namespace import RDF, RDFS, XSD

from ptce_kg.rdf.iris import pole_graph
from ptce_kg.rdf.resources import data_dir
from ptce_kg.rdf.terms import triples_from_rdflib
from ptce_kg.store import OxigraphStore
from ptce_kg.validation import freeze_caches, validate
from ptce_kg.validation.checksums import luhn_valid
from ptce_kg.validation.stored import read_poles, validate_read_poles

PTCE = rdflib.Namespace("https://w3id.org/ptce/ontology#")
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
ID = "https://w3id.org/ptce/id/"
VOCAB = "https://w3id.org/ptce/vocab/"
CASES = {"pole": (1, 50), "national": (150, 5000), "national-x10": (1500, 50000)}
# The anchors the wall times are read against (per pole, on 2 cores): a pole in under 1 s, the
# national network in under 10 s.
ANCHORS = {"pole": 1.0, "national": 10.0}
# (legal form, actor category): ESS families, commercial companies, public bodies, training.
FORMS = [("9220", "ess-enterprise")] * 5 + [
    ("5458", "ess-enterprise"),
    ("9300", "ess-enterprise"),
    ("5499", "enterprise"),
    ("5710", "enterprise"),
    ("5710", "enterprise"),
    ("7210", "local-authority"),
    ("7346", "local-authority-grouping"),
    ("5710", "training-body"),
]


def _communes_by_epci() -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    with (data_dir() / "reference" / "communes.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["typecom"] == "COM" and row["epci"]:
                groups.setdefault(row["epci"], []).append(row["code"])
    return groups


def _siren(rng: random.Random) -> str:
    while True:
        candidate = f"{rng.randrange(10**8, 10**9):09d}"
        if luhn_valid(candidate):
            return candidate


def _siret(siren: str, rng: random.Random) -> str:
    while True:
        candidate = f"{siren}{rng.randrange(10**5):05d}"
        if luhn_valid(candidate):
            return candidate


def generate_pole(
    index: int, members: int, epci: str, communes: list[str], rng: random.Random
) -> rdflib.Graph:
    """One synthetic pole with ``members`` member organisations, each with 1–2 establishments."""
    g = rdflib.Graph()
    slug = f"bench-{index}"
    pole, territory = rdflib.URIRef(f"{ID}pole/{slug}"), rdflib.URIRef(f"{ID}territory/{slug}")
    strategy, project = (
        rdflib.URIRef(f"{ID}strategy/{slug}/1"),
        rdflib.URIRef(f"{ID}project/{slug}/1"),
    )
    g.add((pole, RDF.type, PTCE.Pole))
    g.add((pole, RDFS.label, rdflib.Literal(f"Pôle synthétique {index}", lang="fr")))
    g.add((pole, PTCE.membersKnown, rdflib.Literal(True)))
    g.add((pole, PTCE.territory, territory))
    g.add((pole, PTCE.strategy, strategy))
    g.add((pole, PTCE.project, project))
    g.add((territory, RDF.type, PTCE.Territory))
    g.add((territory, RDFS.label, rdflib.Literal(f"Territoire synthétique {index}", lang="fr")))
    g.add(
        (
            territory,
            PTCE.perimeterArea,
            rdflib.URIRef(f"http://id.insee.fr/geo/intercommunalite/{epci}"),
        )
    )
    g.add((strategy, RDF.type, PTCE.CommonStrategy))
    g.add((strategy, PTCE.strategyMode, rdflib.URIRef(f"{VOCAB}strategy-mode/pooling")))
    g.add((strategy, PTCE.startDate, rdflib.Literal("2021-01-01", datatype=XSD.date)))
    g.add((project, RDF.type, PTCE.Project))
    g.add((project, PTCE.innovationType, rdflib.URIRef(f"{VOCAB}innovation-type/social")))
    for dimension in ("economic", "social"):
        g.add(
            (project, PTCE.projectDimension, rdflib.URIRef(f"{VOCAB}project-dimension/{dimension}"))
        )
    g.add((project, PTCE.localDevelopmentContribution, rdflib.Literal("Synthétique", lang="fr")))
    for n in range(members):
        form, category = FORMS[n % len(FORMS)] if n < 4 else rng.choice(FORMS)
        siren = _siren(rng)
        organisation = rdflib.URIRef(f"{ID}org/bench-{index}-{n}")
        membership = rdflib.URIRef(f"{ID}membership/{slug}/{n}")
        g.add((organisation, RDF.type, PTCE.LegalUnit))
        g.add((organisation, RDFS.label, rdflib.Literal(f"Organisation synthétique {index}-{n}")))
        g.add((organisation, PTCE.siren, rdflib.Literal(siren)))
        g.add((organisation, PTCE.legalForm, rdflib.URIRef(f"{VOCAB}legal-form/{form}")))
        g.add(
            (organisation, PTCE.actorCategory, rdflib.URIRef(f"{VOCAB}actor-category/{category}"))
        )
        g.add(
            (
                organisation,
                PTCE.creationDate,
                rdflib.Literal(f"{rng.randrange(1950, 2024)}-01-01", datatype=XSD.date),
            )
        )
        if n < 2:
            g.add((strategy, PTCE.sharedBy, organisation))
        for e in range(rng.choice((1, 1, 2))):
            establishment = rdflib.URIRef(f"{ID}establishment/bench-{index}-{n}-{e}")
            code = rng.choice(communes)
            g.add((organisation, PTCE.hasEstablishment, establishment))
            g.add((establishment, RDF.type, PTCE.Establishment))
            g.add(
                (
                    establishment,
                    RDFS.label,
                    rdflib.Literal(f"Établissement synthétique {index}-{n}-{e}"),
                )
            )
            g.add((establishment, PTCE.siret, rdflib.Literal(_siret(siren, rng))))
            g.add((establishment, PTCE.communeCode, rdflib.Literal(code)))
            g.add(
                (
                    establishment,
                    PTCE.commune,
                    rdflib.URIRef(f"http://id.insee.fr/geo/commune/{code}"),
                )
            )
        g.add((membership, RDF.type, PTCE.Membership))
        g.add((membership, ORG.organization, pole))
        g.add((membership, ORG.member, organisation))
        g.add((membership, PTCE.startDate, rdflib.Literal("2022-01-01", datatype=XSD.date)))
        if n == 0:
            g.add((membership, ORG.role, rdflib.URIRef(f"{VOCAB}member-role/lead-structure")))
    return g


def generate_network(poles: int, members: int, seed: int) -> list[rdflib.Graph]:
    """``poles`` poles sharing ``members`` member organisations out evenly (seeded)."""
    rng = random.Random(seed)
    groups = sorted(_communes_by_epci().items())
    sizes = [members // poles + (1 if i < members % poles else 0) for i in range(poles)]
    graphs = []
    for index, size in enumerate(sizes):
        epci, communes = rng.choice(groups)
        graphs.append(generate_pole(index, size, epci, communes, rng))
    return graphs


def _validate_one(graph: rdflib.Graph) -> tuple[int, int]:
    report = validate(graph, rules="all", lang="fr")
    return len(report.results), report.counts["Violation"]


# The poles of the running case: forked workers inherit them (and the warmed caches) instead of
# receiving pickled graphs.
_GRAPHS: list[rdflib.Graph] = []


def _validate_index(index: int) -> tuple[int, int]:
    return _validate_one(_GRAPHS[index])


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (steadier than wall time)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _validate_stored(graphs: list[rdflib.Graph], workers: int) -> tuple[int, int]:
    """The poles of the in-memory store read, then validated in ``workers`` processes, as
    ``ptce-kg validate --all-poles`` does (the load is not timed: the caller's clock starts
    after it)."""
    poles = read_poles(_STORE[0], [f"bench-{i}" for i in range(len(graphs))])
    report = validate_read_poles(poles, workers=workers)
    return len(report.results), report.counts["Violation"]


_STORE: list[OxigraphStore] = []


def run_case(case: str, seed: int, mode: str, workers: int) -> dict[str, object]:
    """Generate and validate one case in this process (``mode``: per pole, whole or stored);
    return the figures."""
    poles, members = CASES[case]
    graphs = generate_network(poles, members, seed)
    triples = sum(len(g) for g in graphs)
    _validate_one(graphs[0])  # warm-up: shapes, ontology and reference indexes loaded once
    freeze_caches()  # as validate_read_poles and the upload workers do after theirs
    if mode == "stored":
        store = OxigraphStore()
        for index, graph in enumerate(graphs):
            store.replace_graph(pole_graph(f"bench-{index}"), triples_from_rdflib(graph))
        _STORE[:] = [store]
    start, cpu_start = time.perf_counter(), _cpu_seconds()
    if mode == "whole":
        union = rdflib.Graph()
        for graph in graphs:
            union += graph
        results = [_validate_one(union)]
    elif mode == "stored":
        results = [_validate_stored(graphs, workers)]
    elif workers > 1:
        _GRAPHS[:] = graphs
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            results = list(pool.map(_validate_index, range(len(graphs)), chunksize=8))
    else:
        results = [_validate_one(g) for g in graphs]
    seconds = time.perf_counter() - start
    cpu = _cpu_seconds() - cpu_start
    return {
        "case": case,
        "mode": {"whole": "whole graph", "stored": f"in place, {workers} process(es)"}.get(
            mode, f"per pole, {workers} process(es)"
        ),
        "poles": poles,
        "members": members,
        "triples": triples,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "results": sum(r for r, _ in results),
        "violations": sum(v for _, v in results),
        "peak_rss_mb": round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            1,
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", nargs="+", choices=list(CASES), default=list(CASES))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2, help="processes for per-pole validation")
    parser.add_argument(
        "--whole", action="store_true", help="also validate the national network as one graph"
    )
    parser.add_argument(
        "--stored", action="store_true", help="also validate the national network in place"
    )
    parser.add_argument(
        "--child", nargs=3, metavar=("CASE", "MODE", "WORKERS"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        case, mode, workers = args.child
        print(json.dumps(run_case(case, args.seed, mode, int(workers))))
        return
    runs = [(case, "per-pole", str(1 if case == "pole" else args.workers)) for case in args.cases]
    if args.whole and "national" in args.cases:
        runs.append(("national", "whole", "1"))
    if args.stored and "national" in args.cases:
        runs.append(("national", "stored", str(args.workers)))
    print(
        "| case | mode | poles | members | triples | wall s | CPU s | load | peak RSS MB "
        "| results | violations | anchor |"
    )
    print("|" + "---|" * 12, flush=True)
    for case, mode, workers in runs:
        out = subprocess.run(
            [sys.executable, __file__, "--seed", str(args.seed), "--child", case, mode, workers],
            check=True,
            capture_output=True,
            text=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        anchor = ANCHORS.get(case) if mode != "whole" else None
        verdict = (
            f"wall < {anchor:g} s: {'met' if r['seconds'] < anchor else 'NOT met'}"
            if anchor is not None
            else ""
        )
        print(
            f"| {r['case']} | {r['mode']} | {r['poles']} | {r['members']} | {r['triples']} "
            f"| {r['seconds']:.2f} | {r['cpu_seconds']:.2f} | {os.getloadavg()[0]:.1f} "
            f"| {r['peak_rss_mb']:.1f} "
            f"| {r['results']} | {r['violations']} | {verdict} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
