"""POST /validate on a live server: the report in JSON, Turtle (SHACL) and HTML by content
negotiation, the same verdict whatever the RDF syntax, 400 with the place for broken files."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import SH

from ptce_kg.validation import validate_files
from tests.helpers.files import demo_file, template_file
from tests.helpers.inputs import french_date_workbook, unknown_columns_csv

pytestmark = pytest.mark.server
DATA = Path(__file__).parent / "data"
INVALID = demo_file("drome-non-conforme-exemple")
INVALID_POLE = "https://w3id.org/ptce/id/pole/drome-non-conforme-exemple"


def post(
    client,
    path: Path,
    accept: str | None = None,
    name: str | None = None,
    content: bytes | None = None,
    **form: str,
):
    headers = {"Accept": accept} if accept else {}
    body = path.read_bytes() if content is None else content
    return client.post(
        "/validate", files={"file": (name or path.name, body)}, data=form, headers=headers
    )


def violations(report: dict) -> list[dict]:
    return [r for r in report["results"] if r["severity"].endswith("Violation")]


def test_json_report_is_the_default(live_server):
    with live_server.client() as client:
        response = post(client, INVALID)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    report = response.json()
    assert report["conforms"] is False
    found = violations(report)
    assert found, "the non-conforming demo pole has violations"
    assert response.headers["X-Validation-Conforms"] == "false"
    assert response.headers["X-Validation-Violations"] == str(len(found))
    assert {"rule", "severity", "focus", "message"} <= set(found[0])
    assert any(r["focus"] == INVALID_POLE for r in found)


def test_turtle_report_is_the_shacl_report(live_server):
    with live_server.client() as client:
        as_json = post(client, INVALID, "application/json").json()
        response = post(client, INVALID, "text/turtle")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    report = next(graph.subjects(rdflib.RDF.type, SH.ValidationReport))
    assert graph.value(report, SH.conforms).toPython() is False
    shacl_violations = set(graph.subjects(SH.resultSeverity, SH.Violation))
    assert len(shacl_violations) == len(violations(as_json))


def test_html_report_for_people(live_server):
    with live_server.client() as client:
        as_json = post(client, INVALID, "application/json", lang="en").json()
        response = post(client, INVALID, "text/html", lang="en")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<html" in response.text.lower()
    first = violations(as_json)[0]["message"]
    assert first.split("\n")[0][:60] in response.text
    # each focus node of ours links to its page on this service, which answers
    link = '<a href="/id/pole/drome-non-conforme-exemple">'
    assert link in response.text
    with live_server.client() as client:
        assert client.get("/id/pole/drome-non-conforme-exemple").status_code == 200


@pytest.mark.parametrize(
    ("suffix", "serializer"),
    [
        (".jsonld", "json-ld"),
        (".rdf", "xml"),
        (".nt", "nt"),
        (".trig", "trig"),
        (".nq", "nquads"),
    ],
)
def test_same_verdict_in_another_rdf_syntax(live_server, suffix, serializer):
    graph = rdflib.Graph().parse(INVALID, format="turtle")
    if serializer in ("trig", "nquads"):  # the data in a named graph of a dataset
        dataset = rdflib.Dataset()
        named = dataset.graph(rdflib.URIRef("https://w3id.org/ptce/graph/pole/test"))
        for triple in graph:
            named.add(triple)
        graph = dataset
    content = graph.serialize(format=serializer, encoding="utf-8")
    with live_server.client() as client:
        from_turtle = post(client, INVALID).json()
        by_name = post(client, INVALID, name=f"pole{suffix}", content=content).json()
        by_field = post(
            client, INVALID, name="pole.data", input_format=serializer, content=content
        ).json()
    expected = sorted((r["rule"], r["focus"]) for r in violations(from_turtle))
    assert expected
    assert sorted((r["rule"], r["focus"]) for r in violations(by_name)) == expected
    assert sorted((r["rule"], r["focus"]) for r in violations(by_field)) == expected


def test_rules_select_the_shapes(live_server):
    with live_server.client() as client:
        everything = post(client, INVALID, rules="all").json()
        quality = post(client, INVALID, rules="quality").json()
    assert len(quality["results"]) <= len(everything["results"])
    assert {r["rule"] for r in quality["results"]} <= {r["rule"] for r in everything["results"]}


def test_broken_file_is_a_400_that_says_where(live_server):
    with live_server.client() as client:
        response = post(client, DATA / "truncated.ttl")
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "truncated.ttl" in detail
    assert "8" in detail  # the line where the statement is cut


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("pole.docx", b"PK\x03\x04 not rdf"),
        ("pole.ttl", bytes(range(256)) * 64),
        ("../../etc/passwd", b"root:x:0:0"),
    ],
)
def test_unreadable_files_are_400(live_server, name, content):
    with live_server.client() as client:
        response = client.post("/validate", files={"file": (name, content)})
    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.parametrize("form", [{"rules": "everything"}, {"lang": "de"}])
def test_bad_options_are_422(live_server, form):
    with live_server.client() as client:
        response = post(client, INVALID, **form)
    assert response.status_code == 422
    assert list(form.values())[0] in response.json()["detail"]


def test_missing_file_and_unacceptable_format(live_server):
    with live_server.client() as client:
        assert client.post("/validate", data={"rules": "all"}).status_code == 422
        assert post(client, INVALID, "image/png").status_code == 406


def test_oversized_upload_is_413(live_server):
    limit = live_server.max_body_bytes
    with live_server.client() as client:
        response = client.post("/validate", files={"file": ("big.ttl", b"#" * (limit + 1))})
    assert response.status_code == 413


def test_spreadsheet_template_is_validated_like_the_cli(live_server):
    workbook = template_file("ptce-modele-exemple.xlsx")
    expected = validate_files([workbook], rules="all", lang="fr")
    with live_server.client() as client:
        response = post(client, workbook)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["conforms"] is expected.conforms
    assert sorted((r["rule"], r["focus"]) for r in report["results"]) == sorted(
        (r.rule, r.focus) for r in expected.results
    )


def test_damaged_workbook_is_a_400(live_server):
    workbook = template_file("ptce-modele-exemple.xlsx").read_bytes()
    with live_server.client() as client:
        response = client.post(
            "/validate", files={"file": ("pole.xlsx", workbook[: len(workbook) // 2])}
        )
    assert response.status_code == 400
    assert "pole.xlsx" in response.json()["detail"]


@pytest.mark.parametrize(
    ("name", "content", "columns"),
    [
        ("pole.xlsx", french_date_workbook, {"date_entree"}),
        ("membres.csv", unknown_columns_csv, {"remarque", "couleur"}),
    ],
)
def test_table_errors_are_listed_one_entry_each(live_server, name, content, columns):
    """A French date in the workbook, unknown columns in a CSV: 400 with one entry per error
    (sheet, row, column), the count right, and no server folder in the answer."""
    with live_server.client() as client:
        response = client.post("/validate", files={"file": (name, content())})
    assert response.status_code == 400, response.text
    body = response.json()
    entries = body["errors"]
    assert body["error"] == "TableErrors" and body["detail"].startswith(f"{name}: ")
    assert f"{len(entries)} erreur(s)" in body["detail"]
    assert columns <= {e["column"] for e in entries if e["sheet"] == "membres"}
    assert all(e["file"] == name and len(e["message"]) > 1 for e in entries)
    assert "ptce-upload-" not in response.text and str(live_server.store) not in response.text


@pytest.fixture()
def loopback_listener():
    """A TCP listener on loopback that records whether anyone connected to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(0.5)
    yield f"http://127.0.0.1:{server.getsockname()[1]}/context.jsonld", server
    server.close()


def connected(server: socket.socket) -> bool:
    try:
        connection, _ = server.accept()
    except TimeoutError:
        return False
    connection.close()
    return True


def test_hostile_files_are_refused_without_fetching(live_server, loopback_listener):
    url, server = loopback_listener
    remote_context = json.dumps(
        {
            "@context": url,
            "@id": "https://w3id.org/ptce/id/pole/x",
            "label": "x",
        }
    ).encode()
    entity_expansion = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description rdf:about="https://w3id.org/ptce/id/pole/x"><rdf:value>&lol3;'
        b"</rdf:value></rdf:Description></rdf:RDF>"
    )
    external_entity = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description rdf:about="https://w3id.org/ptce/id/pole/x"><rdf:value>&e;'
        b"</rdf:value></rdf:Description></rdf:RDF>"
    )
    with live_server.client() as client:
        for name, content in (
            ("context.jsonld", remote_context),
            ("lol.rdf", entity_expansion),
            ("xxe.rdf", external_entity),
        ):
            response = client.post("/validate", files={"file": (name, content)})
            assert response.status_code == 400, (name, response.text)
            assert name in response.json()["detail"]
            assert "root:" not in response.text
    assert not connected(server), "the server fetched the remote JSON-LD context"


def test_uploaded_workbook_results_point_to_cells_and_report_names_the_file(live_server):
    """Each result of an uploaded workbook carries its cell, named with the client's file name
    (never the server's temporary folder); the report names the file with its SHA-256, and the
    CSV report gives the same cells."""
    import csv
    import hashlib
    import io

    workbook = template_file("ptce-modele-exemple.xlsx")
    with live_server.client() as client:
        report = post(client, workbook, name="mon-pole.xlsx").json()
        table = post(client, workbook, "text/csv", name="mon-pole.xlsx")
    assert report["inputs"] == [
        {"file": "mon-pole.xlsx", "sha256": hashlib.sha256(workbook.read_bytes()).hexdigest()}
    ]
    assert report["results"]
    for result in report["results"]:
        location = result["location"]
        assert location["file"] == "mon-pole.xlsx" and location["sheet"] and location["row"] > 1
    assert table.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(table.text)))
    assert sorted((r["rule"], r["sheet"], r["row"]) for r in rows) == sorted(
        (r["rule"], r["location"]["sheet"], str(r["location"]["row"])) for r in report["results"]
    )


def post_files(client, files: list[tuple[str, bytes]], accept: str | None = None, **form: str):
    """Several ``file`` parts in one multipart request."""
    headers = {"Accept": accept} if accept else {}
    parts = [("file", (name, content)) for name, content in files]
    return client.post("/validate", files=parts, data=form, headers=headers)


def template_csv_files() -> list[tuple[str, bytes]]:
    """The CSV sheets of the filled template (``templates/exemple/``), as a browser sends a
    folder's files: each under its own name."""
    return [(p.name, p.read_bytes()) for p in sorted(template_file("exemple").glob("*.csv"))]


def test_the_csv_files_of_a_template_are_validated_together(live_server):
    """A folder of CSV sheets sent as several files: the report the command line gives for
    the folder, each result's cell naming the CSV file it came from."""
    with live_server.client() as client:
        response = post_files(client, template_csv_files(), rules="legal,quality")
    assert response.status_code == 200, response.text
    report = response.json()
    folder = validate_files([template_file("exemple")], rules=("legal", "quality"))
    assert sorted((r["rule"], r["focus"]) for r in report["results"]) == sorted(
        (r.rule, r.focus) for r in folder.results
    )
    assert report["results"]
    for result in report["results"]:
        location = result["location"]
        assert location["file"] == f"{location['sheet']}.csv", location
    assert [i["file"] for i in report["inputs"]] == [name for name, _ in template_csv_files()]


def test_several_poles_files_in_one_report(live_server):
    files = [(p.name, p.read_bytes()) for p in (demo_file("sarthe-exemple"), INVALID)]
    files.append(("mon-pole.xlsx", template_file("ptce-modele-exemple.xlsx").read_bytes()))
    with live_server.client() as client:
        report = post_files(client, files, rules="legal").json()
    assert report["conforms"] is False  # the Drôme example's violations
    assert [i["file"] for i in report["inputs"]] == [name for name, _ in files]
    poles = {r["pole"] for r in report["results"]}
    assert INVALID_POLE in poles and "https://w3id.org/ptce/id/pole/sarthe-exemple" in poles
    assert any(
        r["location"] and r["location"]["file"] == "mon-pole.xlsx" for r in report["results"]
    )


def test_a_table_error_in_a_set_names_the_file_of_its_sheet(live_server):
    files = [
        (name, content.replace(b"2022-09-01", b"01/09/2022") if name == "membres.csv" else content)
        for name, content in template_csv_files()
    ]
    with live_server.client() as client:
        response = post_files(client, files)
    assert response.status_code == 400, response.text
    entries = response.json()["errors"]
    assert entries and {e["file"] for e in entries} == {"membres.csv"}
    assert all(e["sheet"] == "membres" and e["row"] and e["column"] for e in entries)


def test_two_csv_files_for_one_sheet_are_refused(live_server):
    files = template_csv_files()
    files.append(("membres.csv", dict(files)["membres.csv"]))
    with live_server.client() as client:
        response = post_files(client, files)
    assert response.status_code == 400, response.text
    assert "two CSV files are the sheet 'membres'" in response.json()["detail"]


def test_too_many_files_is_a_413_that_says_the_limit(live_server):
    files = [(f"f{i}.ttl", b"") for i in range(101)]  # PTCE_MAX_UPLOAD_FILES defaults to 100
    with live_server.client() as client:
        response = post_files(client, files)
    assert response.status_code == 413, response.text
    assert response.json()["error"] == "InputTooLarge"
    assert "too many files: 101, at most 100" in response.json()["detail"]


def test_a_set_over_the_body_cap_is_a_413(live_server):
    files = [(f"f{i}.ttl", b"#" * 2_000_000) for i in range(3)]  # 6 MB > the test cap of 5 MB
    with live_server.client() as client:
        response = post_files(client, files)
    assert response.status_code == 413, response.text
