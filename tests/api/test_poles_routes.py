"""POST /poles/{id}/data on a live server: tokens, a conforming file replaces the pole's graph
with provenance (who, when, sha256), a file with violations stores nothing."""

from __future__ import annotations

import hashlib

import pytest
import rdflib
from rdflib.namespace import RDF

from ptce_kg.rdf.namespaces import PTCE
from tests.helpers.files import demo_file, template_file
from tests.helpers.servers import LiveServer
from tests.helpers.stores import graph_of

pytestmark = pytest.mark.server
GOOD, BAD = "sarthe-exemple", "drome-non-conforme-exemple"
METADATA = "https://w3id.org/ptce/graph/metadata"
PROV = "http://www.w3.org/ns/prov#"


def select(server: LiveServer, query: str) -> list[dict]:
    with server.client() as client:
        response = client.post(
            "/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}
        )
    assert response.status_code == 200, response.text
    return response.json()["results"]["bindings"]


def graph_dump(server: LiveServer, graph: str) -> list[tuple[str, str, str]]:
    rows = select(server, f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return sorted(
        (r["s"]["value"], r["p"]["value"], r["o"]["value"])
        for r in rows
        if r["s"]["type"] == "uri" and r["o"]["type"] != "bnode"
    )


def send(server: LiveServer, pole: str, content: bytes, token: str | None, name: str = "pole.ttl"):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    with server.client() as client:
        return client.post(f"/poles/{pole}/data", files={"file": (name, content)}, headers=headers)


def test_token_is_required(live_server):
    content = demo_file(GOOD).read_bytes()
    missing = send(live_server, GOOD, content, None)
    unknown = send(live_server, GOOD, content, "not-a-token")
    other = send(live_server, GOOD, content, live_server.tokens[BAD])
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"] == "Bearer"
    assert unknown.status_code == 401
    assert other.status_code == 403 and BAD in other.json()["detail"]


def test_conforming_file_replaces_the_graph_with_provenance(live_server, tmp_path):
    marker = f"web test submission {tmp_path.name}"
    pole = f"https://w3id.org/ptce/id/pole/{GOOD}"
    content = (
        demo_file(GOOD).read_bytes()
        + (f'\n<{pole}> <http://www.w3.org/2000/01/rdf-schema#comment> "{marker}"@en .\n').encode()
    )
    response = send(live_server, GOOD, content, live_server.tokens[GOOD])
    assert response.status_code == 200, response.text
    answer = response.json()
    digest = hashlib.sha256(content).hexdigest()
    assert answer["stored"] is True
    assert answer["graph"] == graph_of(GOOD)
    assert answer["sha256"] == digest
    assert answer["submitted_by"] == GOOD
    # the new data is visible to queries at once (the query workers were refreshed)
    assert select(
        live_server,
        f'SELECT ?p WHERE {{ GRAPH <{graph_of(GOOD)}> {{ <{pole}> ?p "{marker}"@en }} }}',
    )
    count = select(
        live_server, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph_of(GOOD)}> {{ ?s ?p ?o }} }}"
    )
    assert int(count[0]["n"]["value"]) == answer["triples"]
    provenance = select(
        live_server,
        f"""
        SELECT ?who ?id ?when WHERE {{ GRAPH <{METADATA}> {{
          <{graph_of(GOOD)}> <{PROV}wasAttributedTo> ?who ;
              <http://purl.org/dc/terms/identifier> ?id ; <{PROV}generatedAtTime> ?when }} }}""",
    )
    assert len(provenance) == 1
    assert provenance[0]["who"]["value"] == pole
    assert provenance[0]["id"]["value"] == f"sha256:{digest}"
    assert provenance[0]["when"]["value"].startswith(answer["submitted_at"][:19])


def test_file_with_violations_stores_nothing(live_server):
    before = graph_dump(live_server, graph_of(BAD))
    metadata_before = graph_dump(live_server, METADATA)
    content = demo_file(BAD).read_bytes()
    response = send(live_server, BAD, content, live_server.tokens[BAD])
    assert response.status_code == 422
    report = response.json()
    assert report["conforms"] is False
    assert any(r["severity"].endswith("Violation") for r in report["results"])
    assert graph_dump(live_server, graph_of(BAD)) == before
    assert graph_dump(live_server, METADATA) == metadata_before


def test_file_about_another_pole_is_refused(live_server):
    content = demo_file(BAD).read_bytes()
    response = send(live_server, GOOD, content, live_server.tokens[GOOD])
    assert response.status_code == 400
    assert f"pole/{GOOD}" in response.json()["detail"]


def test_unparsable_file_is_a_400_and_nothing_changes(live_server):
    before = graph_dump(live_server, graph_of(BAD))
    response = send(live_server, BAD, b"@prefix broken", live_server.tokens[BAD])
    assert response.status_code == 400
    assert graph_dump(live_server, graph_of(BAD)) == before


def test_spreadsheet_template_is_accepted_for_its_pole(live_server):
    pole = "laval-exemple"
    workbook = template_file("ptce-modele-exemple.xlsx").read_bytes()
    response = send(live_server, pole, workbook, live_server.tokens[pole], name="modele.xlsx")
    assert response.status_code == 200, response.text
    assert response.json()["sha256"] == hashlib.sha256(workbook).hexdigest()
    rows = select(
        live_server,
        f"SELECT ?label WHERE {{ GRAPH <{graph_of(pole)}> {{ "
        f"<https://w3id.org/ptce/id/pole/{pole}> "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?label } }",
    )
    assert rows


def test_derived_graph_follows_a_submission(live_server):
    """Linking is re-run after a stored submission: removing a membership removes what was
    derived from it; sending the original file back derives it again."""
    derived = "https://w3id.org/ptce/graph/derived"
    located = "https://w3id.org/ptce/ontology#locatedInPoleTerritory"
    original = demo_file(GOOD).read_bytes()
    graph = rdflib.Graph().parse(data=original, format="turtle")
    memberships = sorted(graph.subjects(RDF.type, PTCE.Membership))
    assert memberships, "the demo pole has memberships"
    gone = memberships[-1]
    ask = f"SELECT ?v WHERE {{ GRAPH <{derived}> {{ <{gone}> <{located}> ?v }} }}"
    assert select(live_server, ask), "init derived the membership's territory flag"
    for triple in list(graph.triples((gone, None, None))) + list(graph.triples((None, None, gone))):
        graph.remove(triple)
    token = live_server.tokens[GOOD]
    smaller = send(live_server, GOOD, graph.serialize(format="turtle", encoding="utf-8"), token)
    assert smaller.status_code == 200, smaller.text
    assert select(live_server, ask) == []
    restored = send(live_server, GOOD, original, token)
    assert restored.status_code == 200, restored.text
    assert select(live_server, ask)


def report(server: LiveServer, pole: str, accept: str | None = None, **params: str):
    headers = {"Accept": accept} if accept else {}
    with server.client() as client:
        return client.get(f"/poles/{pole}/report", params=params, headers=headers)


def test_a_poles_report_from_the_store(live_server):
    answer = report(live_server, BAD, rules="legal,call", lang="en")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.headers["X-Validation-Conforms"] == "false"
    document = answer.json()
    assert document["conforms"] is False and document["rules"] == ["call", "legal"]
    assert document["inputs"][0]["file"] == graph_of(BAD)
    assert "ART9-STRATEGY-EXISTS" in {r["rule"] for r in document["results"]}
    assert int(answer.headers["X-Validation-Violations"]) == document["counts"]["Violation"]


def test_a_known_ptce_has_a_report_too(live_server):
    answer = report(live_server, "brie-nov", rules="call")
    assert answer.status_code == 200, answer.text
    assert answer.json()["inputs"][0]["file"] == "https://w3id.org/ptce/graph/known-ptce"


@pytest.mark.parametrize(
    ("accept", "params", "media_type", "starts"),
    [
        ("text/html", {}, "text/html", "<!DOCTYPE html>"),
        ("text/turtle", {}, "text/turtle", "@prefix"),
        (None, {"format": "ttl"}, "text/turtle", "@prefix"),
        (None, {"format": "csv"}, "text/csv", "rule,severity,focus"),
        ("text/turtle", {"format": "html"}, "text/html", "<!DOCTYPE html>"),  # ?format wins
    ],
)
def test_report_formats_by_accept_or_format(live_server, accept, params, media_type, starts):
    answer = report(live_server, GOOD, accept, **params)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith(media_type)
    assert answer.text.lstrip().startswith(starts)


@pytest.mark.parametrize(
    ("pole", "params", "status"),
    [
        ("no-such-pole", {}, 404),
        ("Not_A_Slug", {}, 404),
        (GOOD, {"format": "xml"}, 422),
        (GOOD, {"rules": "nope"}, 422),
        (GOOD, {"lang": "de"}, 422),
    ],
)
def test_report_of_an_unknown_pole_or_with_bad_options(live_server, pole, params, status):
    answer = report(live_server, pole, **params)
    assert answer.status_code == status, answer.text
    assert "Traceback" not in answer.text and "/tmp" not in answer.text


def test_report_with_no_acceptable_format_is_406(live_server):
    assert report(live_server, GOOD, "image/png").status_code == 406
