"""Replays the W3C SPARQL 1.1 Protocol suite (``conformance/manifest.ttl``) against a live server.

Every test runs against the default (read-only) server, where the update tests must be refused
with a 4xx, and against a server started with ``--allow-update`` (and an admin token, sent as a
bearer token), where all 34 must pass as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx
import pytest
from pyoxigraph import QueryBoolean, parse, parse_query_results
from rdflib import Graph, Namespace
from rdflib.collection import Collection
from rdflib.namespace import RDF

from tests.helpers.documents import GRAPH_PARSERS, RESULT_PARSERS
from tests.helpers.stores import CONFORMANCE

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
TOKEN = "conformance-admin-token"


@dataclass
class Step:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[int]  # expected status classes: 2, 3, 4…
    format: str | None
    boolean: bool | None


@dataclass
class Case:
    name: str
    steps: list[Step] = field(default_factory=list)

    @property
    def is_update(self) -> bool:
        first = self.steps[0]
        content_type = first.headers.get("content-type", "")
        return (
            "update" in first.path
            or "sparql-update" in content_type
            or (first.body is not None and first.body.startswith(b"update="))
        )


def load_manifest() -> list[Case]:
    graph = Graph().parse(CONFORMANCE / "manifest.ttl", format="turtle")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    cases = []
    for entry in Collection(graph, graph.value(manifest, MF.entries)):
        case = Case(str(entry).rsplit("#", 1)[-1])
        action = graph.value(entry, MF.action)
        for request in Collection(graph, graph.value(action, HT.requests)):
            headers = {}
            header_list = graph.value(request, HT.headers)
            for header in Collection(graph, header_list) if header_list else []:
                headers[str(graph.value(header, HT.fieldName))] = str(
                    graph.value(header, HT.fieldValue)
                )
            body_node = graph.value(request, HT.body)
            body = None
            if body_node is not None:
                encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(graph.value(body_node, CNT.chars)).encode(encoding.lower())
            response = graph.value(request, HT.resp)
            statuses = {
                int(str(code).rsplit("StatusCode", 1)[-1][0])
                for code in graph.objects(response, MF.expectedStatus)
            }
            fmt = graph.value(response, MF.expectedFormat)
            boolean = graph.value(response, MF.expectedBoolean)
            case.steps.append(
                Step(
                    method=str(graph.value(request, HT.methodName)),
                    path=str(graph.value(request, HT.absolutePath)),
                    headers=headers,
                    body=body,
                    statuses=statuses,
                    format=str(fmt) if fmt is not None else None,
                    boolean=boolean.toPython() if boolean is not None else None,
                )
            )
        cases.append(case)
    return cases


CASES = load_manifest()


def check_response(step: Step, response: httpx.Response) -> list[str]:
    """What is wrong with ``response`` for ``step`` (empty when it passes)."""
    problems = []
    if response.status_code // 100 not in step.statuses:
        problems.append(f"status {response.status_code}, expected {sorted(step.statuses)}xx")
        return problems
    media = response.headers.get("content-type", "").split(";")[0].strip()
    if step.format in ("boolean", "tabular"):
        if media not in RESULT_PARSERS:
            return [f"media type {media!r} is not a SPARQL results format"]
        results = parse_query_results(response.content, RESULT_PARSERS[media])
        if step.format == "boolean" and not isinstance(results, QueryBoolean):
            problems.append("expected a boolean result")
        if step.boolean is not None and bool(results) != step.boolean:
            problems.append(f"boolean {bool(results)}, expected {step.boolean}")
        if step.format == "tabular":
            list(results)  # parses every row
    elif step.format == "RDF":
        if media not in GRAPH_PARSERS:
            return [f"media type {media!r} is not an RDF format"]
        list(parse(response.content, GRAPH_PARSERS[media]))
    return problems


def replay(server_url: str, case: Case, token: str | None, read_only: bool) -> list[str]:
    problems = []
    with httpx.Client(base_url=server_url, timeout=30) as client:
        for number, step in enumerate(case.steps, start=1):
            headers = dict(step.headers)
            if token:
                headers["Authorization"] = f"Bearer {token}"
            response = client.request(step.method, step.path, headers=headers, content=step.body)
            assert "Traceback" not in response.text
            if read_only and case.is_update:
                # A read-only endpoint refuses every update with a 4xx; the follow-up checks
                # of the update tests then do not apply.
                if response.status_code // 100 != 4:
                    problems.append(
                        f"request {number}: update answered {response.status_code}, expected 4xx"
                    )
                break
            problems += [
                f"request {number}: {p} — {response.text[:200]!r}"
                for p in check_response(step, response)
            ]
    return problems


def test_manifest_has_34_tests() -> None:
    assert len(CASES) == 34
    assert len({c.name for c in CASES}) == 34


@pytest.fixture(scope="module")
def read_only_server(live_server_factory):
    return live_server_factory()


@pytest.fixture(scope="module")
def update_server(live_server_factory):
    return live_server_factory("--allow-update", PTCE_ADMIN_TOKEN=TOKEN)


@pytest.mark.server
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_read_only_server(read_only_server, case: Case) -> None:
    problems = replay(read_only_server.url, case, token=None, read_only=True)
    assert not problems, f"{case.name}: " + "; ".join(problems)


@pytest.mark.server
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_update_server(update_server, case: Case) -> None:
    problems = replay(update_server.url, case, token=TOKEN, read_only=False)
    assert not problems, f"{case.name}: " + "; ".join(problems)


@pytest.mark.server
def test_update_needs_the_admin_token(update_server) -> None:
    with update_server.client() as client:
        refused = client.post(
            "/sparql",
            content=b"CLEAR SILENT GRAPH <http://example.org/x>",
            headers={"content-type": "application/sparql-update"},
        )
        wrong = client.post(
            "/sparql",
            content=b"CLEAR SILENT GRAPH <http://example.org/x>",
            headers={"content-type": "application/sparql-update", "Authorization": "Bearer nope"},
        )
    assert refused.status_code == 401 and wrong.status_code == 401
    assert refused.headers["www-authenticate"] == "Bearer"
    assert "admin token" in refused.json()["detail"]
