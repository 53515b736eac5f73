"""The reconciliation service (W3C Reconciliation API 0.2 at /reconcile, 1.0-draft at
/reconcile/v1) over the store ``ptce-kg init`` fills: every answer is validated against the
Group's JSON Schemas (conformance/reconciliation), and hostile requests get a 4xx."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from ptce_kg.api.app import create_app
from ptce_kg.kg.initialise import initialise
from ptce_kg.reconciliation.protocol import BATCH_SIZE
from ptce_kg.settings import Settings
from ptce_kg.store import OxigraphStore

SPECS = Path(__file__).parent / "conformance" / "reconciliation"
VERSIONS = ("0.2", "1.0-draft")
# Real units of the demo graph (data/demo/recherche-entreprises, API Recherche d'entreprises).
RESTOS = "https://w3id.org/ptce/id/org/400461356"  # LES RESTAURANTS DU COEUR, Angers (49007)
RESTOS_SIRET = "40046135600133"
CAP_DE_TOUT = "https://w3id.org/ptce/id/org/338365059"  # CENTRE SOCIAL 'CAP DE TOUT', 64373
LE_MANS = "http://id.insee.fr/geo/commune/72181"

Validate = Callable[[str, str, Any], None]


def validators(version: str) -> dict[str, Draft7Validator]:
    """One validator per schema of ``version``, with the ``$ref``s between them resolved
    locally (never fetched): as the Group's upstream-test.sh runs ajv with ``-r *.json``."""
    schemas = {
        p.stem: json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((SPECS / version / "schemas").glob("*.json"))
    }
    registry: Registry = Registry().with_resources(
        (s["$id"].rstrip("#"), Resource.from_contents(s, default_specification=DRAFT7))
        for s in schemas.values()
    )
    return {name: Draft7Validator(s, registry=registry) for name, s in schemas.items()}


VALIDATORS = {version: validators(version) for version in VERSIONS}
EXAMPLES = [
    (version, path.parent.parent.name, path.parent.name, path)
    for version in VERSIONS
    for path in sorted((SPECS / version / "examples").glob("*/*/*.json"))
    if path.parent.parent.name in VALIDATORS[version]
]


@pytest.mark.parametrize(
    ("version", "schema", "verdict", "path"),
    EXAMPLES,
    ids=[f"{v}/{s}/{k}/{p.stem}" for v, s, k, p in EXAMPLES],
)
def test_the_groups_examples_are_judged_right(
    version: str, schema: str, verdict: str, path: Path
) -> None:
    example = json.loads(path.read_text(encoding="utf-8"))
    assert VALIDATORS[version][schema].is_valid(example) is (verdict == "valid")


def check(version: str, schema: str, instance: Any) -> None:
    errors = sorted(VALIDATORS[version][schema].iter_errors(instance), key=str)
    assert not errors, f"{schema} ({version}): {errors[0].message} at {list(errors[0].path)}"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    store = OxigraphStore()
    initialise(store)
    app = create_app(Settings(query_workers=1), store)
    with TestClient(app) as test_client:
        yield test_client
    store.close()


def post_v02(client: TestClient, batch: dict[str, Any]) -> dict[str, Any]:
    check("0.2", "reconciliation-query-batch", batch)  # what the test sends is protocol too
    response = client.post("/reconcile", data={"queries": json.dumps(batch)})
    assert response.status_code == 200, response.text
    answer = response.json()
    check("0.2", "reconciliation-result-batch", answer)
    return answer


def post_v1(client: TestClient, queries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    batch = {"queries": queries}
    check("1.0-draft", "reconciliation-query-batch", batch)
    response = client.post("/reconcile/v1/match", json=batch)
    assert response.status_code == 200, response.text
    answer = response.json()
    check("1.0-draft", "reconciliation-result-batch", answer)
    return answer["results"]


def test_manifests_validate(client: TestClient) -> None:
    v02 = client.get("/reconcile").json()
    check("0.2", "manifest", v02)
    assert v02["batchSize"] == BATCH_SIZE
    assert v02["suggest"]["entity"]["service_url"] == "http://testserver"
    v1 = client.get("/reconcile/v1").json()
    check("1.0-draft", "manifest", v1)
    assert v1["versions"] == ["1.0-draft"]


def test_a_name_is_matched_and_explained(client: TestClient) -> None:
    answer = post_v02(
        client,
        {
            "q0": {"query": "Les Restaurants du Coeur", "type": "legal-unit"},
            "q1": {"query": "Asso. les restaurants du cœur", "type": ["legal-unit"], "limit": 3},
        },
    )
    for key in ("q0", "q1"):
        best = answer[key]["result"][0]
        assert (best["id"], best["match"]) == (RESTOS, True)
        assert {"id": "name", "value": 1.0} in best["features"]


def test_form_json_and_get_give_the_same_answer(client: TestClient) -> None:
    batch = {"q0": {"query": "Le Mans", "type": "commune"}}
    form = post_v02(client, batch)
    as_json = client.post("/reconcile", json=batch).json()
    wrapped = client.post("/reconcile", json={"queries": batch}).json()
    by_get = client.get("/reconcile", params={"queries": json.dumps(batch)}).json()
    assert form == as_json == wrapped == by_get
    assert form["q0"]["result"][0]["id"] == LE_MANS


def test_identifiers_anywhere_are_exact_matches(client: TestClient) -> None:
    answer = post_v02(
        client,
        {
            "siret-text": {"query": "400 461 356 00133"},
            "siret-prop": {
                "query": "Restos",
                "properties": [{"pid": "siret", "v": RESTOS_SIRET}],
            },
            "rna": {"query": "asso w643000551", "type": "legal-unit"},
            "commune": {"query": "72181", "type": "commune"},
            "epci": {"query": "247200132", "type": "epci"},
        },
    )
    for key in ("siret-text", "siret-prop"):
        best = answer[key]["result"][0]
        assert (best["id"], best["score"], best["match"]) == (RESTOS, 100, True), key
    assert answer["commune"]["result"][0]["id"] == LE_MANS
    assert answer["commune"]["result"][0]["score"] == 100
    assert answer["epci"]["result"][0]["name"] == "CU Le Mans Métropole"
    rna = answer["rna"]["result"][0]
    assert (rna["id"], rna["score"], rna["match"]) == (CAP_DE_TOUT, 100, True)


def test_an_exact_name_in_the_wrong_town_is_not_a_match(client: TestClient) -> None:
    answer = post_v02(
        client,
        {
            "right": {
                "query": "Les Restaurants du Coeur",
                "properties": [{"pid": "commune", "v": "Angers"}],
            },
            "wrong": {
                "query": "Les Restaurants du Coeur",
                "properties": [{"pid": "commune", "v": "Le Mans"}],
            },
            "other-siren": {
                "query": "Les Restaurants du Coeur",
                "properties": [{"pid": "siren", "v": "130025265"}],
            },
        },
    )
    right, wrong = answer["right"]["result"][0], answer["wrong"]["result"][0]
    assert right["id"] == RESTOS and right["match"] and right["score"] > 95
    assert wrong["id"] == RESTOS and not wrong["match"] and wrong["score"] < right["score"] - 20
    assert {"id": "place", "value": False} in wrong["features"]
    by_name = [c for c in answer["other-siren"]["result"] if c["id"] == RESTOS]
    assert by_name and not by_name[0]["match"] and by_name[0]["score"] < 70


def test_match_v1_with_conditions(client: TestClient) -> None:
    results = post_v1(
        client,
        [
            {
                "type": "legal-unit",
                "conditions": [
                    {"matchType": "name", "propertyValue": "centre social cap de tout"},
                    {"matchType": "property", "propertyId": "postcode", "propertyValue": "64110"},
                ],
            },
            {"conditions": [{"matchType": "id", "propertyValue": "72181"}]},
            {
                "type": "pole",
                "conditions": [{"matchType": "name", "propertyValue": "ptce pays mans"}],
            },
        ],
    )
    assert results[0]["candidates"][0]["id"] == CAP_DE_TOUT
    assert results[0]["candidates"][0]["match"] is True
    assert results[1]["candidates"][0]["id"] == LE_MANS
    assert results[2]["candidates"][0]["name"] == "PTCE du Pays du Mans"


@pytest.mark.parametrize("base", ["/reconcile", "/reconcile/v1"])
def test_suggest_services_validate(client: TestClient, base: str) -> None:
    version = "0.2" if base == "/reconcile" else "1.0-draft"
    entities = client.get(f"{base}/suggest/entity", params={"prefix": "restaurants du c"}).json()
    check(version, "suggest-entities-response", entities)
    assert entities["result"][0]["id"] == RESTOS
    by_id = client.get(f"{base}/suggest/entity", params={"prefix": "400461356"}).json()
    assert by_id["result"][0]["id"] == RESTOS
    types = client.get(f"{base}/suggest/type", params={"prefix": "comm"}).json()
    check(version, "suggest-types-response", types)
    assert "commune" in [t["id"] for t in types["result"]]
    props = client.get(f"{base}/suggest/property", params={"prefix": ""}).json()
    check(version, "suggest-properties-response", props)
    proposed = client.get(f"{base}/extend/propose", params={"type": "legal-unit"}).json()
    check(version, "data-extension-property-proposal", proposed)


def test_data_extension_validates_and_holds_the_unit(client: TestClient) -> None:
    properties = [
        "siren", "head-office-siret", "name", "legal-form", "ess-family", "sirene-ess-flag",
        "administrative-state", "commune", "commune-code", "departement", "naf", "poles",
    ]  # fmt: skip
    query = {
        "ids": [RESTOS, "https://example.org/unknown"],
        "properties": [{"id": p} for p in properties],
    }
    check("0.2", "data-extension-query", query)
    v02 = client.post("/reconcile", data={"extend": json.dumps(query)}).json()
    check("0.2", "data-extension-response", v02)
    row = v02["rows"][RESTOS]
    assert row["siren"] == [{"str": "400461356"}]
    assert row["head-office-siret"] == [{"str": RESTOS_SIRET}]
    assert row["commune-code"] == [{"str": "49007"}]
    assert row["departement"][0]["name"] == "49 Maine-et-Loire"
    assert row["ess-family"][0]["name"] == "Association"
    assert [p["id"] for p in row["poles"]] == ["https://w3id.org/ptce/id/pole/estuaire-exemple"]
    assert all(v == [] for v in v02["rows"]["https://example.org/unknown"].values())
    v1 = client.post("/reconcile/v1/extend", json=query).json()
    check("1.0-draft", "data-extension-response", v1)
    assert v1["rows"][0]["id"] == RESTOS


@pytest.mark.parametrize("path", ["/reconcile/preview", "/reconcile/v1/preview"])
def test_preview_is_escaped_html(client: TestClient, path: str) -> None:
    response = client.get(path, params={"id": CAP_DE_TOUT})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "CENTRE SOCIAL &#x27;CAP DE TOUT&#x27;" in response.text
    assert client.get(path, params={"id": "<script>"}).status_code == 400


def test_cors_on_every_route(client: TestClient) -> None:
    preflight = client.options(
        "/reconcile/v1/match",
        headers={"Origin": "https://openrefine.example", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    for response in (
        client.get("/reconcile", headers={"Origin": "https://x.example"}),
        client.post("/reconcile/v1/match", content=b"{", headers={"Origin": "https://x.example"}),
    ):
        assert response.headers["access-control-allow-origin"] == "*"


HUGE_NAME = "a" * 1_000_000
HOSTILE: list[tuple[str, str, dict[str, Any], int, str]] = [
    ("empty query", "/reconcile", {"data": {"queries": '{"q0": {"query": ""}}'}}, 400, "empty"),
    ("blank query", "/reconcile", {"data": {"queries": '{"q0": {"query": "  "}}'}}, 400, "empty"),
    ("empty batch", "/reconcile", {"data": {"queries": "{}"}}, 400, "no query"),
    (
        "10 000 queries",
        "/reconcile",
        {"data": {"queries": json.dumps({f"q{i}": {"query": "x"} for i in range(10_000)})}},
        413,
        "at most",
    ),
    (
        "1 MB name",
        "/reconcile",
        {"data": {"queries": json.dumps({"q0": {"query": HUGE_NAME}})}},
        400,
        "longer than",
    ),
    ("malformed JSON", "/reconcile", {"data": {"queries": '{"q0": '}}, 400, "JSON"),
    ("batch not an object", "/reconcile", {"data": {"queries": "[1, 2]"}}, 400, "object"),
    (
        "unknown type",
        "/reconcile",
        {"data": {"queries": '{"q0": {"query": "x", "type": "planet"}}'}},
        400,
        "unknown type 'planet'",
    ),
    (
        "unknown property",
        "/reconcile",
        {"data": {"queries": '{"q0": {"query": "x", "properties": [{"pid": "p", "v": 1}]}}'}},
        400,
        "unknown property",
    ),
    (
        "negative limit",
        "/reconcile",
        {"data": {"queries": '{"q0": {"query": "x", "limit": -1}}'}},
        400,
        "limit",
    ),
    ("malformed JSON v1", "/reconcile/v1/match", {"content": b'{"queries": ['}, 400, "JSON"),
    (
        "10 000 queries v1",
        "/reconcile/v1/match",
        {
            "json": {
                "queries": [{"conditions": [{"matchType": "name", "propertyValue": "x"}]}] * 10_000
            }
        },
        413,
        "at most",
    ),
    (
        "1 MB name v1",
        "/reconcile/v1/match",
        {
            "json": {
                "queries": [{"conditions": [{"matchType": "name", "propertyValue": HUGE_NAME}]}]
            }
        },
        400,
        "longer than",
    ),
    (
        "empty conditions v1",
        "/reconcile/v1/match",
        {"json": {"queries": [{"conditions": []}]}},
        400,
        "conditions",
    ),
    (
        "unknown type v1",
        "/reconcile/v1/match",
        {
            "json": {
                "queries": [
                    {"type": "planet", "conditions": [{"matchType": "name", "propertyValue": "x"}]}
                ]
            }
        },
        400,
        "unknown type",
    ),
    ("extension not JSON", "/reconcile/v1/extend", {"content": b"ids="}, 400, "JSON"),
    (
        "unknown extension property",
        "/reconcile/v1/extend",
        {"json": {"ids": [RESTOS], "properties": [{"id": "salary"}]}},
        400,
        "unknown property",
    ),
    (
        "deeply nested JSON",
        "/reconcile/v1/match",
        {"content": b"[" * 100_000 + b"]" * 100_000},
        400,
        "JSON",
    ),
]


@pytest.mark.parametrize(
    ("what", "path", "request_kwargs", "status", "says"), HOSTILE, ids=[h[0] for h in HOSTILE]
)
def test_hostile_requests_get_a_clear_4xx(
    client: TestClient,
    what: str,
    path: str,
    request_kwargs: dict[str, Any],
    status: int,
    says: str,
) -> None:
    response = client.post(path, **request_kwargs)
    assert response.status_code == status, response.text[:300]
    assert says in response.json()["detail"]
    assert len(response.content) < 2_000  # the message does not echo a huge input back


def test_hostile_suggest_and_preview(client: TestClient) -> None:
    assert (
        client.get("/reconcile/suggest/entity", params={"prefix": HUGE_NAME[:5000]}).status_code
        == 400
    )
    assert (
        client.get(
            "/reconcile/suggest/entity", params={"prefix": "x", "type": "planet"}
        ).status_code
        == 400
    )
    assert client.get("/reconcile/v1/extend/propose", params={"type": "planet"}).status_code == 400
    assert (
        client.get("/reconcile/preview", params={"id": "https://example.org/none"}).status_code
        == 400
    )
    tricky = client.get("/reconcile/v1/suggest/entity", params={"prefix": 'NEAR( "a" OR * ^'})
    assert tricky.status_code == 200


def test_cors_on_reconcile_whatever_the_service_allows() -> None:
    settings = Settings(cors_origins=["https://coordination.example"], query_workers=1)
    with TestClient(create_app(settings, OxigraphStore())) as other:
        preflight = other.options(
            "/reconcile",
            headers={
                "Origin": "https://elsewhere.example",
                "Access-Control-Request-Method": "POST",
            },
        )
        assert preflight.status_code == 204
        assert preflight.headers["access-control-allow-origin"] == "*"
        manifest = other.get("/reconcile/v1", headers={"Origin": "https://coordination.example"})
        assert manifest.headers["access-control-allow-origin"] == "*"
        sparql = other.options(  # the rest of the service keeps its own list
            "/sparql",
            headers={
                "Origin": "https://elsewhere.example",
                "Access-Control-Request-Method": "POST",
            },
        )
        assert sparql.headers.get("access-control-allow-origin") != "*"
