"""The `import` and `link` commands end to end (in-process CLI, on-disk store)."""

from __future__ import annotations

import json
from pathlib import Path

from ptce_kg.cli import main
from ptce_kg.kg.importers.recherche_entreprises import read_results
from ptce_kg.store import OxigraphStore
from tests.helpers.stores import load_turtle

DATA = Path(__file__).parent / "data"

UL = str(DATA / "StockUniteLegale_test.csv")
ET = str(DATA / "StockEtablissement_test.csv")


def test_import_sirene_then_link(tmp_path, capsys):
    store = str(tmp_path / "store")
    assert (
        main(["import", "sirene", "--store", store, "--unites-legales", UL, "--etablissements", ET])
        == 0
    )
    out = capsys.readouterr().out
    assert "legal units:" in out and "invalid SIREN" in out and "derived graph rebuilt" in out
    # No pole in this store: nothing to report, exit 0.
    assert main(["link", "--store", store, "--lang", "en"]) == 0
    assert "nothing to report" in capsys.readouterr().out
    with OxigraphStore(tmp_path / "store") as opened:
        load_turtle(opened, DATA / "pole-links.ttl", "https://w3id.org/ptce/graph/pole/test-liens")
    del opened
    assert main(["link", "--store", store, "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    assert report["counts"]["unknown-siren"] == 1
    assert {f["check"] for f in report["findings"]} >= {"unknown-siren", "ceased-member"}


def test_missing_column_exit_2(tmp_path, capsys):
    bad = tmp_path / "ul.csv"
    lines = (DATA / "StockUniteLegale_test.csv").read_text(encoding="utf-8").splitlines()
    bad.write_text(
        "\n".join([lines[0].replace("categorieJuridiqueUniteLegale", "cj"), *lines[1:]]) + "\n",
        encoding="utf-8",
    )
    assert (
        main(["import", "sirene", "--store", str(tmp_path / "s"), "--unites-legales", str(bad)])
        == 2
    )
    err = capsys.readouterr().err
    assert "categorieJuridiqueUniteLegale" in err and str(bad) in err


def test_filters_exclude_each_other(tmp_path, capsys):
    listing = tmp_path / "l.txt"
    listing.write_text("338365059\n", encoding="utf-8")
    code = main(
        [
            "import",
            "sirene",
            "--store",
            str(tmp_path / "s"),
            "--unites-legales",
            UL,
            "--only-ess",
            "--siren-list",
            str(listing),
        ]
    )
    assert code == 2


def test_import_recherche_entreprises(tmp_path, capsys):
    code = main(
        [
            "import",
            "recherche-entreprises",
            "--store",
            str(tmp_path / "s"),
            *[str(p) for p in sorted(DATA.glob("search-*.json"))],
        ]
    )
    assert code == 0
    results = sum(len(read_results(p)) for p in DATA.glob("search-*.json"))
    assert f"legal units:    {results} read, {results} kept, 0 skipped" in capsys.readouterr().out
