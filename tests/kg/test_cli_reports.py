"""What the commands print: the import summary with its skip reasons, the link report as text,
and the store the environment names (``PTCE_STORE``)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from ptce_kg.cli import main
from ptce_kg.kg.linking import check_files
from ptce_kg.store import OxigraphStore
from tests.helpers.stores import load_turtle

DATA = Path(__file__).parent / "data"

UL = DATA / "StockUniteLegale_test.csv"
ET = DATA / "StockEtablissement_test.csv"
POLE_GRAPH = "https://w3id.org/ptce/graph/pole/test-liens"


def with_broken_rows(src: Path, dst: Path) -> Path:
    """``src`` plus one row with too few fields and one with a bad identifier."""
    with open(src, encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    text = src.read_text(encoding="utf-8")
    short = "1,2,3\n"
    bad_id = ",".join("not-a-number" for _ in header) + "\n"
    dst.write_text(text + short + bad_id, encoding="utf-8")
    return dst


def test_summary_counts_rows_and_gives_skip_reasons(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ul = with_broken_rows(UL, tmp_path / "ul.csv")
    et = with_broken_rows(ET, tmp_path / "et.csv")
    store = ["--store", str(tmp_path / "db")]
    code = main(
        ["import", "sirene", *store, "--unites-legales", str(ul), "--etablissements", str(et)]
    )
    assert code == 0
    out = capsys.readouterr().out
    with open(UL, encoding="utf-8", newline="") as handle:
        units = list(csv.DictReader(handle))
    valid = sum(1 for r in units if len(r["siren"]) == 9)
    read = len(units) + 2
    assert f"legal units:    {read} read, {valid} kept, {read - valid} skipped" in out
    for reason in ("row with a wrong number of fields", "invalid SIREN", "invalid SIRET or SIREN"):
        assert reason in out
    assert "triples written to <https://w3id.org/ptce/graph/sirene>" in out
    written = int(out.split(" triples written to")[0].split()[-1])
    assert (
        f"graph <https://w3id.org/ptce/graph/sirene> replaced: 0 triples before, {written} after"
        in out
    )


def test_link_report_as_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "db"
    store = ["--store", str(folder)]
    assert (
        main(["import", "sirene", *store, "--unites-legales", str(UL), "--etablissements", str(ET)])
        == 0
    )
    with OxigraphStore(folder) as opened:
        load_turtle(opened, DATA / "pole-links.ttl", POLE_GRAPH)
    capsys.readouterr()
    assert main(["link", *store, "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert set(report["checks"]) == {p.stem for p in check_files()}
    assert main(["link", *store]) == 1  # French by default, as the JSON above
    text = capsys.readouterr().out
    assert text.startswith(f"rapport de liaison : {len(report['findings'])} constat(s)")
    for check, title in report["checks"].items():
        if report["counts"][check]:
            assert f"{title} [{check}]: {report['counts'][check]}" in text
    for finding in report["findings"]:
        assert finding["member"] in text and finding["detail"] in text
    assert main(["link", *store, "--lang", "en", "--format", "json"]) == 1
    english = json.loads(capsys.readouterr().out)
    assert english["counts"] == report["counts"] and english["checks"] != report["checks"]
    assert main(["link", *store, "--lang", "en"]) == 1
    assert capsys.readouterr().out.startswith(f"link report: {len(report['findings'])} finding(s)")
    assert main(["link", *store, "--lang", "de"]) == 2


def test_the_environment_names_the_default_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTCE_STORE", str(tmp_path / "from-env"))
    assert main(["import", "recherche-entreprises", str(DATA / "search-338365059.json")]) == 0
    with OxigraphStore(tmp_path / "from-env") as opened:
        assert "https://w3id.org/ptce/graph/recherche-entreprises" in {
            g.iri for g in opened.graphs()
        }
    capsys.readouterr()
    assert main(["graphs", "--format", "json"]) == 0
    assert "recherche-entreprises" in capsys.readouterr().out


def test_load_and_import_rebuild_the_derived_graph(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The derived facts follow each load and each import without running `link`."""
    store = ["--store", str(tmp_path / "db")]

    def counts() -> dict[str, int]:
        capsys.readouterr()
        main(["link", *store, "--no-rebuild", "--format", "json"])
        return json.loads(capsys.readouterr().out)["counts"]

    assert main(["load", *store, str(DATA / "pole-links.ttl")]) == 0
    before = counts()
    assert before["outside-territory"] == 0  # no registry yet: no establishment known
    assert before["ess-claim-without-evidence"] == 1
    args = ["import", "sirene", *store, "--unites-legales", str(UL), "--etablissements", str(ET)]
    assert main(args) == 0
    after = counts()
    assert after["outside-territory"] > 0 and after["ceased-member"] > 0
