"""``ptce-kg query``: the W3C SPARQL results formats, files, catalogue names, errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from ptce_kg.reference import datasets as reference
from ptce_kg.store import OxigraphStore
from tests.store.conftest import run

NAF = reference.NAF_SCHEME
SKOS = "http://www.w3.org/2004/02/skos/core#"
# NAF labels with commas and quotes exercise CSV quoting.
LABELS = f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?concept ?label WHERE {{ ?concept skos:inScheme <{NAF}> ; skos:prefLabel ?label ;
  skos:notation ?code FILTER(STRSTARTS(?code, "01.1")) }} ORDER BY ?concept"""


def expected_rows(folder: Path) -> list[tuple[str, str]]:
    store = OxigraphStore(folder)
    try:
        result = store.query(LABELS, use_default_graph_as_union=True)
        return [(r["concept"].value, r["label"].value) for r in result]
    finally:
        store.close()


def test_csv_is_the_w3c_sparql_csv_format(
    initialised_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = expected_rows(initialised_dir)
    assert any("," in label for _, label in expected)
    code, out, err = run(
        capsys, "query", "--store", str(initialised_dir), "--format", "csv", LABELS
    )
    assert code == 0, err
    raw = out.encode()
    assert raw.startswith(b"concept,label\r\n")  # header of variable names, CRLF line ends
    assert raw.count(b"\r\n") == len(expected) + 1
    parsed = list(csv.reader(io.StringIO(out, newline="")))
    assert [tuple(r) for r in parsed[1:]] == expected  # IRIs and literals as plain values


def test_tsv_and_json(initialised_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = expected_rows(initialised_dir)
    code, out, _ = run(capsys, "query", "--store", str(initialised_dir), "--format", "tsv", LABELS)
    assert code == 0
    lines = out.rstrip("\n").split("\n")
    assert lines[0] == "?concept\t?label"
    assert lines[1] == f'<{expected[0][0]}>\t"{expected[0][1]}"@fr'
    code, out, _ = run(capsys, "query", "--store", str(initialised_dir), "--format", "json", LABELS)
    document = json.loads(out)
    assert document["head"]["vars"] == ["concept", "label"]
    assert [
        (b["concept"]["value"], b["label"]["value"]) for b in document["results"]["bindings"]
    ] == expected
    code, out, _ = run(capsys, "query", "--store", str(initialised_dir), LABELS)
    assert f"({len(expected)} rows)" in out


def test_ask_construct_file_and_params(
    initialised_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = ["--store", str(initialised_dir)]
    code, out, _ = run(capsys, "query", *store, "--format", "json", f"ASK {{ <{NAF}> a ?t }}")
    assert json.loads(out)["boolean"] is True
    query = tmp_path / "by-code.rq"
    query.write_text(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "CONSTRUCT { ?c skos:notation ?code } WHERE { ?c skos:notation ?code }",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "query", *store, str(query), "--param", "code=88.99B")
    assert code == 0, err
    concept = reference.naf_iri("sous-classe", "88.99B")
    assert out == f'<{concept}> <{SKOS}notation> "88.99B" .\n'


def test_catalogue_query_by_name(initialised_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    queries = pytest.importorskip("ptce_kg.sparql.catalogue")
    named = queries.load_catalogue().get("poles-by-departement")
    if named is None:
        pytest.skip("the catalogue has no poles-by-departement query")
    code, out, err = run(
        capsys, "query", "--store", str(initialised_dir), "--format", "json",
        "poles-by-departement", "--param", "departement=72",
    )  # fmt: skip
    assert code == 0, err
    rows = json.loads(out)["results"]["bindings"]
    assert rows and {r["departement"]["value"] for r in rows} == {reference.departement_iri("72")}
    code, _, err = run(
        capsys,
        "query",
        "--store",
        str(initialised_dir),
        "poles-by-departement",
        "--param",
        "nope=1",
    )
    assert code == 2 and "nope" in err


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("SELECT ?x WHERE { ?x ", "error at"),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE"),
        ("no-such-query-name", "no query of that name"),
        ("missing-file.rq", "cannot read"),
    ],
)
def test_bad_queries_exit_2_with_the_reason(
    initialised_dir: Path, capsys: pytest.CaptureFixture[str], query: str, message: str
) -> None:
    code, out, err = run(capsys, "query", "--store", str(initialised_dir), query)
    assert code == 2
    assert message in err and out == ""
