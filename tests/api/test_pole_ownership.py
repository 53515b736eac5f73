"""A pole writes only its own data (``ptce_kg.kg.ownership``): ``POST /poles/{id}/data`` refuses a
file that also speaks of another pole, of reference data or of the ontology, as a whole, with
422 and the list of refused subjects, and the store stays as it was. ``ptce-kg load`` into a
pole graph runs the same check (tests/store/test_load_cli.py, with the same cases)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import NamedNode, Triple

from ptce_kg.api.app import create_app
from ptce_kg.kg.loading import load_files, read_file
from ptce_kg.kg.ownership import described_pole, pole_offences
from ptce_kg.rdf.resources import data_dir, resource_dir
from ptce_kg.rdf.terms import triples_from_rdflib
from ptce_kg.settings import Settings
from ptce_kg.store import OxigraphStore, Store

SARTHE, ESTUAIRE = "sarthe-exemple", "estuaire-exemple"
TOKENS = {SARTHE: "token-of-sarthe", ESTUAIRE: "token-of-estuaire"}
ID = "https://w3id.org/ptce/id/"
PREFIXES = """
@prefix ptce: <https://w3id.org/ptce/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
"""
# What a hostile or careless sarthe-exemple file adds to its real data, and the subject that
# must be named in the refusal. One case per category of docs/design.md §5.
HOSTILE = {
    "another pole's label": (
        f'<{ID}pole/{ESTUAIRE}> rdfs:label "Pôle repris par la Sarthe"@fr .',
        f"{ID}pole/{ESTUAIRE}",
    ),
    "another pole's resource": (
        f'<{ID}project/{ESTUAIRE}/1> rdfs:label "Projet repris"@fr .',
        f"{ID}project/{ESTUAIRE}/1",
    ),
    "membership in another pole": (
        f"<{ID}membership/{SARTHE}/99> a ptce:Membership ;\n"
        f"    org:organization <{ID}pole/{ESTUAIRE}> ;\n"
        f"    org:member <{ID}org/exemple-ressourcerie-du-maine> .",
        f"{ID}membership/{SARTHE}/99",
    ),
    "another pole's job count": (
        f"<{ID}pole/{SARTHE}> ptce:jobObservation <{ID}jobs/{ESTUAIRE}/2024-12-31> .",
        f"{ID}pole/{SARTHE}",
    ),
    "class definition": (
        f"<{ID}pole/{SARTHE}/skill/1> a owl:Class ; rdfs:subClassOf ptce:LocalSkill .",
        f"{ID}pole/{SARTHE}/skill/1",
    ),
    "reference-data IRI statement": (
        '<http://id.insee.fr/geo/commune/72181> rdfs:label "Le Mans (renommée)"@fr .',
        "http://id.insee.fr/geo/commune/72181",
    ),
    "legal-form statement": (
        "<https://w3id.org/ptce/vocab/legal-form/5499> ptce:essFamily "
        "<https://w3id.org/ptce/vocab/ess-family/cooperative> .",
        "https://w3id.org/ptce/vocab/legal-form/5499",
    ),
    "ontology term statement": (
        'ptce:Pole rdfs:label "Pôle (redéfini)"@fr .',
        "https://w3id.org/ptce/ontology#Pole",
    ),
    "organisation it does not name": (
        f'<{ID}org/exemple-garage-solidaire-estuaire> rdfs:label "Garage repris"@fr .',
        f"{ID}org/exemple-garage-solidaire-estuaire",
    ),
}


def demo_file(slug: str) -> Path:
    return data_dir() / "demo" / f"{slug}.ttl"


def hostile_file(case: str) -> bytes:
    """sarthe-exemple's real file with the statement of ``case`` added."""
    extra, _ = HOSTILE[case]
    return demo_file(SARTHE).read_bytes() + f"\n{PREFIXES}\n{extra}\n".encode()


def graph_sizes(store: Store) -> dict[str, int]:
    return {g.iri: g.triples for g in store.graphs()}


def dump(store: Store) -> list[str]:
    return sorted(str(q) for q in store.quads())


@pytest.fixture(scope="module")
def app_store() -> Iterator[tuple[TestClient, OxigraphStore]]:
    store = OxigraphStore()
    load_files(store, [demo_file(SARTHE), demo_file(ESTUAIRE)], link=False)
    settings = Settings(pole_tokens=TOKENS, validation_workers=1, query_workers=1)
    with TestClient(create_app(settings, store)) as client:
        yield client, store


def send(client: TestClient, pole: str, data: bytes):
    return client.post(
        f"/poles/{pole}/data",
        files={"file": ("pole.ttl", data)},
        headers={"Authorization": f"Bearer {TOKENS[pole]}"},
    )


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_upload_about_what_the_pole_does_not_own_is_refused(app_store, case: str) -> None:
    client, store = app_store
    sizes, before = graph_sizes(store), dump(store)
    response = send(client, SARTHE, hostile_file(case))
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "OwnershipError" and body["pole"] == SARTHE
    refused = body["refused"]
    assert isinstance(refused, list) and body["count"] == len(refused)
    assert all(set(entry) == {"subject", "reason"} and entry["reason"] for entry in refused)
    assert HOSTILE[case][1] in {entry["subject"] for entry in refused}
    assert graph_sizes(store) == sizes
    assert dump(store) == before


def test_the_pole_s_own_file_is_still_accepted(app_store) -> None:
    """Its own data, members and partners (with shared registry units) pass."""
    client, _ = app_store
    response = send(client, SARTHE, demo_file(SARTHE).read_bytes())
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "path",
    [
        *sorted((data_dir() / "demo").glob("*.ttl")),
        resource_dir("templates") / "ptce-modele-exemple.xlsx",
    ],
    ids=lambda p: p.name,
)
def test_shipped_example_poles_pass_the_check(path: Path) -> None:
    """The example poles and the filled template are real uploads: nothing in them is refused."""
    triples = list(triples_from_rdflib(read_file(path)))
    pole = described_pole(triples, path.name)
    assert pole_offences(triples, pole, [SARTHE, ESTUAIRE, pole]) == []


def test_a_job_key_of_a_longer_known_pole_is_that_pole_s() -> None:
    """jobs/<pole>-<member>/… and jobs/<pole>/… share a form: pole ``a`` cannot write pole
    ``a-b``'s job counts by naming a member ``b``."""
    short, long = "sarthe", SARTHE
    node = NamedNode
    rdf_type = node("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    jobs = node(f"{ID}jobs/{long}/2024-12-31")
    triples = [
        Triple(node(f"{ID}pole/{short}"), rdf_type, node("https://w3id.org/ptce/ontology#Pole")),
        Triple(
            node(f"{ID}membership/{short}/exemple"),
            node("http://www.w3.org/ns/org#organization"),
            node(f"{ID}pole/{short}"),
        ),
        Triple(
            node(f"{ID}pole/{short}"), node("https://w3id.org/ptce/ontology#jobObservation"), jobs
        ),
        Triple(jobs, node("https://w3id.org/ptce/ontology#jobCount"), node("urn:x:n")),
    ]
    assert pole_offences(triples, short) == []  # no pole sarthe-exemple known: its member's
    refused = {o.subject for o in pole_offences(triples, short, [long])}
    assert refused == {jobs.value, f"{ID}pole/{short}"}
