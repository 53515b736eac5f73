"""Errors are data: every error an upload, a validation or a query can get keeps its structure
(table errors stay a list of sheet/row/column entries, also through the worker processes) and
never shows a server path (the temporary folders, the store, the installation). Input limits
are 4xx: a term past the RDF parser's buffer is a 413 naming the limit; a chunked body over
the cap is a 413 like one with a Content-Length."""

from __future__ import annotations

import json
import pickle
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import ptce_kg
from ptce_kg.errors import InputError, InputTooLarge
from ptce_kg.runtime.upload_workers import UploadChecker
from ptce_kg.spreadsheet import TableError, TableErrors
from tests.helpers.files import demo_file
from tests.helpers.inputs import french_date_workbook, unknown_columns_csv
from tests.helpers.servers import LiveServer, start_server, stop_server
from tests.helpers.stores import conformance_store

POLE = "laval-exemple"  # the pole of the template's example
OTHER_POLE = "sarthe-exemple"
DROME = "drome-non-conforme-exemple"
TOKENS = {POLE: "error-bodies-laval", OTHER_POLE: "error-bodies-sarthe", DROME: "error-bodies-d"}
# Above the RDF parser's 16 MiB buffer, so that a 17 MB literal fits in a request.
MAX_BODY = 18 * 2**20


def big_literal_turtle() -> bytes:
    """One triple whose literal (17 MB) is past the parser's 16 MiB buffer."""
    return (
        b'<https://w3id.org/ptce/id/pole/x> <http://www.w3.org/2000/01/rdf-schema#comment> "'
        + b"a" * (17 * 10**6)
        + b'" .\n'
    )


def assert_table_errors(body: dict, sheet: str, columns: set[str]) -> None:
    """A table-error body: one entry per error (not per character), each located."""
    assert body["error"] == "TableErrors", body
    entries = body["errors"]
    assert f"{len(entries)} erreur(s)" in body["detail"]
    assert all(set(e) >= {"file", "sheet", "row", "column", "field", "message"} for e in entries)
    assert all(len(e["message"]) > 1 for e in entries)
    found = {(e["sheet"], e["column"]) for e in entries}
    assert {(sheet, column) for column in columns} <= found, entries


# ---------------------------------------------------------------- across processes


def test_errors_pickle_with_all_their_fields() -> None:
    table = TableErrors([TableError("membres", 3, "siren", "« 1 » n'est pas un SIREN")], "p.xlsx")
    for error in (table, InputError("bad", where="f.ttl:3"), InputTooLarge("big", "f.ttl")):
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error)
        assert copy.__dict__ == error.__dict__ and str(copy) == str(error)
        assert copy.as_dict() == error.as_dict()
    assert pickle.loads(pickle.dumps(table)).errors == table.errors


def test_table_errors_come_back_whole_from_an_upload_worker() -> None:
    checker = UploadChecker(timeout=120, workers=1)
    data = unknown_columns_csv()
    try:
        with pytest.raises(TableErrors) as direct:
            from ptce_kg.kg.submissions import check_upload

            check_upload([("membres.csv", data)])
        with pytest.raises(TableErrors) as remote:
            checker.check([("membres.csv", data)])
    finally:
        checker.close()
    assert remote.value.errors == direct.value.errors
    assert remote.value.where == direct.value.where == "membres.csv"
    assert str(remote.value) == str(direct.value)


# ---------------------------------------------------------------- a live server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Path]]:
    folder = tmp_path_factory.mktemp("error-bodies")
    store = conformance_store(folder / "store")
    live = start_server(
        store,
        folder / "server.log",
        PTCE_MAX_BODY_BYTES=str(MAX_BODY),
        PTCE_POLE_TOKENS=json.dumps(TOKENS),
        PTCE_VALIDATION_TIMEOUT="120",
    )
    yield live, store
    stop_server(live)


def server_paths(store: Path) -> list[str]:
    """Paths of the server that no answer may show."""
    return [
        "ptce-upload-",
        str(store),
        str(store.parent),
        tempfile.gettempdir().rstrip("/") + "/",
        str(Path(ptce_kg.__file__).resolve().parent),
        sys.prefix,
    ]


def upload(client: httpx.Client, path: str, name: str, content: bytes, **kw) -> httpx.Response:
    return client.post(path, files={"file": (name, content)}, **kw)


def send(
    client: httpx.Client,
    route: str,
    name: str,
    content: bytes,
    pole: str = POLE,
    accept: str = "application/json",
    **kw,
) -> httpx.Response:
    """Upload to ``/validate`` or, with ``pole``'s token, to ``/poles/{pole}/data``."""
    headers = {"Accept": accept}
    if route == "validate":
        return upload(client, "/validate", name, content, headers=headers, **kw)
    headers["Authorization"] = f"Bearer {TOKENS[pole]}"
    return upload(client, f"/poles/{pole}/data", name, content, headers=headers, **kw)


def chunks(size: int, piece: int = 2**16) -> Iterator[bytes]:
    """A multipart body of about ``size`` bytes, streamed without a Content-Length."""
    yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.ttl"\r\n\r\n'
    for _ in range(size // piece + 1):
        yield b"#" * piece
    yield b"\r\n--b--\r\n"


def post_chunked(client: httpx.Client, size: int) -> httpx.Response:
    """POST /validate with a body of about ``size`` bytes sent chunked (no Content-Length)."""
    request = client.build_request(
        "POST",
        "/validate",
        content=chunks(size),
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )
    assert "content-length" not in request.headers
    assert request.headers["transfer-encoding"] == "chunked"
    return client.send(request)


@pytest.mark.server
def test_chunked_body_over_the_cap_is_413(server) -> None:
    live, _ = server
    with live.client() as client:
        response = post_chunked(client, MAX_BODY)
        under = post_chunked(client, MAX_BODY // 2)  # the same way under the cap: read
    assert response.status_code == 413, response.text
    assert response.json()["error"] == "BodyTooLarge"
    assert f"larger than {MAX_BODY} bytes" in response.json()["detail"]
    assert under.status_code == 200, under.text


@pytest.mark.server
def test_every_error_body_is_located_and_shows_no_server_path(server) -> None:
    live, store = server
    workbook, csv_file = french_date_workbook(), unknown_columns_csv()
    # a demo file cut in the middle of a statement
    truncated = demo_file(OTHER_POLE).read_bytes() + b"\n<https://w3id.org/ptce/x> "
    bodies: dict[str, httpx.Response] = {}
    with live.client() as client:
        for route in ("validate", "poles"):

            def post(name: str, content: bytes, **kw) -> httpx.Response:
                return send(client, route, name, content, **kw)  # noqa: B023 - called at once

            bodies[f"{route} table errors xlsx"] = post("pole.xlsx", workbook)
            bodies[f"{route} table errors csv"] = post("membres.csv", csv_file)
            bodies[f"{route} unknown csv file"] = post("autre.csv", csv_file)
            bodies[f"{route} table errors as text"] = post(
                "membres.csv", csv_file, accept="text/plain"
            )
            bodies[f"{route} unreadable rdf"] = post("pole.ttl", truncated)
            bodies[f"{route} binary"] = post("pole.ttl", bytes(range(256)) * 16)
            bodies[f"{route} damaged workbook"] = post("pole.xlsx", workbook[: len(workbook) // 2])
            bodies[f"{route} not a workbook"] = post("pole.xlsx", b"PK\x03\x04 not a zip")
            bodies[f"{route} unknown extension"] = post("pole.docx", b"x")
            bodies[f"{route} unsupported spreadsheet"] = post("pole.xls", b"x")
            bodies[f"{route} not an ods workbook"] = post("pole.ods", b"x")
            bodies[f"{route} unknown syntax"] = post("pole", b"x", data={"input_format": "k"})
            bodies[f"{route} bad lang"] = post("pole.ttl", truncated, data={"lang": "de"})
            bodies[f"{route} parser limit"] = post("big.ttl", big_literal_turtle())
            bodies[f"{route} owl:imports"] = post(
                "imports.ttl",
                b"<https://w3id.org/ptce/x> <http://www.w3.org/2002/07/owl#imports> "
                b"<file:///etc/passwd> .",
            )
            bodies[f"{route} entity"] = post(
                "lol.rdf", b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e "e">]><r/>'
            )
            bodies[f"{route} remote context"] = post(
                "c.jsonld", b'{"@context": "http://127.0.0.1:9/c.jsonld", "@id": "x"}'
            )
            bodies[f"{route} too large"] = post("big.ttl", b"#" * (MAX_BODY + 1))
        bodies["validate bad rules"] = upload(
            client, "/validate", "p.ttl", b"", data={"rules": "x"}
        )
        bodies["validate no file"] = client.post("/validate", data={"rules": "all"})
        bodies["validate unacceptable"] = upload(
            client, "/validate", "p.ttl", b"", headers={"Accept": "image/png"}
        )
        bodies["validate chunked too large"] = post_chunked(client, MAX_BODY)
        sarthe = demo_file(OTHER_POLE).read_bytes()
        bodies["poles other pole's data"] = send(client, "poles", "sarthe.ttl", sarthe)
        bodies["poles violations"] = send(
            client, "poles", "drome.ttl", demo_file(DROME).read_bytes(), pole=DROME
        )
        bodies["poles no token"] = upload(client, f"/poles/{POLE}/data", "p.ttl", sarthe)
        bodies["poles other token"] = upload(
            client,
            f"/poles/{OTHER_POLE}/data",
            "p.ttl",
            sarthe,
            headers={"Authorization": f"Bearer {TOKENS[POLE]}"},
        )
        bodies["poles bad id"] = upload(
            client,
            "/poles/Bad_Id/data",
            "p.ttl",
            sarthe,
            headers={"Authorization": f"Bearer {TOKENS[POLE]}"},
        )
        for name, params in {
            "sparql syntax": {"query": "SELECT * WHERE { ?s"},
            "sparql service": {"query": "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"},
            "sparql update by get": {"update": "CLEAR ALL"},
        }.items():
            bodies[name] = client.get("/sparql", params=params)
        bodies["sparql none"] = client.post("/sparql", data={"default-graph-uri": "x"})
        bodies["sparql update without token"] = client.post("/sparql", data={"update": "CLEAR ALL"})
        bodies["queries unknown"] = client.get("/queries/no-such-query")
        bodies["queries bad parameter"] = client.get("/queries/jobs-by-pole?since=yesterday")
        bodies["queries unknown parameter"] = client.get("/queries/pole-members?colour=red")

    for name, response in bodies.items():
        assert 400 <= response.status_code < 500, (name, response.status_code, response.text)
        assert "Traceback" not in response.text, name
        for path in server_paths(store):
            assert path not in response.text, (name, path, response.text[:500])

    for route in ("validate", "poles"):
        assert_table_errors(bodies[f"{route} table errors xlsx"].json(), "membres", {"date_entree"})
        assert_table_errors(
            bodies[f"{route} table errors csv"].json(), "membres", {"remarque", "couleur"}
        )
        limit = bodies[f"{route} parser limit"]
        assert limit.status_code == 413 and "16 MiB" in limit.json()["detail"], limit.text
        assert limit.json()["error"] == "InputTooLarge"
        assert bodies[f"{route} too large"].status_code == 413
        unknown = bodies[f"{route} unknown csv file"].json()
        assert [(e["where"], e["sheet"]) for e in unknown["errors"]] == [("autre.csv", "autre.csv")]
        unreadable = bodies[f"{route} unreadable rdf"].json()
        assert unreadable["errors"][0]["where"].startswith("pole.ttl:"), unreadable
    assert bodies["validate chunked too large"].json() == bodies["validate too large"].json()
    text = bodies["validate table errors as text"]
    assert text.headers["content-type"].startswith("text/plain")
    assert text.text.startswith("TableErrors: membres.csv: ")
