"""README's first command: ``ptce-kg serve`` on a fresh store shows the ontology and demo data."""

from __future__ import annotations

import csv
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from rdflib import OWL, RDF, Graph, URIRef

REPO = Path(__file__).resolve().parents[2]
PTCE = "https://w3id.org/ptce/ontology#"
GRAPH = "https://w3id.org/ptce/graph/"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(base: str, server: subprocess.Popen[str], budget: float = 240) -> None:
    """Poll /health until it answers (init runs first on a fresh store: ~10 s here)."""
    deadline = time.monotonic() + budget
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"serve exited with {server.returncode}: {server.stderr.read()}")
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    pytest.fail("serve did not answer /health in time")


@pytest.mark.server
def test_serve_on_a_fresh_store_initialises_it_and_serves_the_demo(tmp_path: Path) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    store = tmp_path / "fresh-store"
    env = {**os.environ, "PTCE_STORE": str(store), "PTCE_PORT": str(port)}
    server = subprocess.Popen(
        [sys.executable, "-m", "ptce_kg", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_until_up(base, server)
        ontology = httpx.get(f"{base}/ontology", headers={"Accept": "text/turtle"}, timeout=30)
        assert ontology.status_code == 200
        served = Graph().parse(data=ontology.text, format="turtle")
        assert (URIRef(PTCE + "Pole"), RDF.type, OWL.Class) in served
        query = (
            f"SELECT ?g (COUNT(?p) AS ?n) WHERE {{ GRAPH ?g {{ ?p a <{PTCE}Pole> }} }} GROUP BY ?g"
        )
        answer = httpx.get(
            f"{base}/sparql",
            params={"query": query},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
        poles = {
            row["g"]["value"]: int(row["n"]["value"])
            for row in answer.json()["results"]["bindings"]
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stderr.close()
    with (REPO / "data" / "known-ptce" / "ptce-connus.csv").open(encoding="utf-8") as f:
        known = sum(1 for _ in csv.DictReader(f))
    examples = {f"{GRAPH}pole/{p.stem}" for p in (REPO / "data" / "demo").glob("*.ttl")}
    assert poles.get(f"{GRAPH}known-ptce") == known
    assert examples <= set(poles), poles
