"""The same import and link report through a remote SPARQL endpoint (each engine of
``ENGINES``, live on loopback)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from ptce_kg.cli import main
from ptce_kg.rdf import graphs
from ptce_kg.reference import datasets as reference
from tests.helpers.servers import Endpoint
from tests.helpers.stores import assert_every_graph_described, load_turtle

DATA = Path(__file__).parent / "data"

pytestmark = pytest.mark.server


def test_import_and_link_through_an_endpoint(fresh_remote_endpoint: Endpoint, capsys):
    where = fresh_remote_endpoint.options
    ul, et = str(DATA / "StockUniteLegale_test.csv"), str(DATA / "StockEtablissement_test.csv")
    assert (
        main(
            [
                "import",
                "sirene",
                *where,
                "--unites-legales",
                ul,
                "--etablissements",
                et,
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "import",
                "recherche-entreprises",
                *where,
                str(DATA / "search-338365059.json"),
            ]
        )
        == 0
    )
    remote = fresh_remote_endpoint.store()
    units = remote.query(
        "SELECT (COUNT(?u) AS ?n) WHERE { GRAPH <https://w3id.org/ptce/graph/sirene> "
        "{ ?u a <https://w3id.org/ptce/ontology#LegalUnit> } }"
    )
    expected = sum(
        1
        for line in (DATA / "StockUniteLegale_test.csv").read_text().splitlines()[1:]
        if len(line.split(",", 1)[0]) == 9
    )
    assert int(next(iter(units))["n"].value) == expected
    capsys.readouterr()
    # The statistics cube was written through the endpoint, and the catalogue reads it there
    # (the query that needs neither LATERAL nor the vocabularies, absent without init).
    args = ["query", *where, "--format", "csv", "ess-population-by-family"]
    assert main([*args, "--param", "area=http://id.insee.fr/geo/pays/france"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    # without the legal-form reference data (no init here), the one family the rules derive
    # for an active unit is that of the SAS with flag O
    assert {r["essFamily"].rsplit("/", 1)[1]: r["units"] for r in rows} == {
        "commercial-ess-company": "1"
    }
    assert main(["link", *where, "--lang", "en"]) == 0  # no pole loaded: nothing to report
    assert "nothing to report" in capsys.readouterr().out
    # With the test pole on the server, the findings come back and the exit code is 1.
    load_turtle(remote, DATA / "pole-links.ttl", "https://w3id.org/ptce/graph/pole/test-liens")
    assert main(["link", *where, "--format", "json"]) == 1
    assert '"unknown-siren": 1' in capsys.readouterr().out


def test_only_ess_and_metadata_through_an_endpoint(fresh_remote_endpoint: Endpoint, capsys):
    """--only-ess reads the legal forms from the server; every graph written is described."""
    where = fresh_remote_endpoint.options
    with fresh_remote_endpoint.store() as remote:
        remote.replace_graph(graphs.REFERENCE_LEGAL_FORMS, reference.legal_form_triples())
    ul, et = str(DATA / "StockUniteLegale_test.csv"), str(DATA / "StockEtablissement_test.csv")
    args = ["import", "sirene", *where, "--only-ess"]
    assert main([*args, "--unites-legales", ul, "--etablissements", et]) == 0
    out = capsys.readouterr().out
    assert "not ESS (--only-ess)" in out and "legal unit not kept" in out
    assert main(["graphs", *where, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    put_by_hand = {graphs.REFERENCE_LEGAL_FORMS, *fresh_remote_endpoint.own_graphs}
    described = [r for r in rows if r["graph"] not in put_by_hand]
    assert {r["graph"] for r in described} == {
        graphs.SIRENE,
        graphs.DERIVED,
        graphs.STATISTICS,
        graphs.METADATA,
    }
    assert_every_graph_described(described)
