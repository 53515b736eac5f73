"""``ptce-kg validate --pole/--all-poles``: poles validated in the store, with the options of a
file's validation (rules, format, -o, --as-of) and its exit codes (beside a running server:
test_beside_server)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from ptce_kg.cli import main
from ptce_kg.errors import EXIT_NONCONFORMANT, EXIT_OK
from tests.helpers.files import REPO, demo_file
from tests.helpers.stores import graph_of, run

GOOD, BAD = "sarthe-exemple", "drome-non-conforme-exemple"


def test_one_conforming_pole_is_exit_0(initialised_dir: Path, capsys) -> None:
    code, out, err = run(
        capsys, "validate", "--store", str(initialised_dir), "--pole", GOOD, "--format", "json"
    )
    assert code == EXIT_OK, err
    report = json.loads(out)
    assert report["conforms"] is True
    assert [i["file"] for i in report["inputs"]] == [graph_of(GOOD)]
    assert [p["graph"] for p in report["poles"]] == [graph_of(GOOD)]


def test_every_pole_exit_code_by_the_worst(initialised_dir: Path, capsys) -> None:
    code, out, err = run(
        capsys,
        "validate",
        "--store",
        str(initialised_dir),
        "--all-poles",
        "--rules",
        "legal",
        "--format",
        "csv",
        "--as-of",
        "2026-06-01",
    )
    assert code == EXIT_NONCONFORMANT, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {row["date"] for row in rows} == {"2026-06-01"}
    assert {row["rule_set_versions"].split(" ")[0] for row in rows} == {"legal"}
    bad = [r for r in rows if r["pole"].endswith(f"/{BAD}") and r["severity"] == "Violation"]
    assert [r["rule"] for r in bad] == ["ART9-STRATEGY-EXISTS"]
    # the conforming poles are in the report too
    code, out, _ = run(
        capsys, "validate", "--store", str(initialised_dir), "--all-poles", "--format", "json"
    )
    verdicts = {p["graph"]: p["conforms"] for p in json.loads(out)["poles"]}
    assert verdicts[graph_of(GOOD)] is True and verdicts[graph_of(BAD)] is False


def test_chosen_poles_to_a_file(initialised_dir: Path, tmp_path: Path, capsys) -> None:
    output = tmp_path / "rapport.html"
    argv = ["validate", "--store", str(initialised_dir), "--pole", GOOD, "--pole", BAD]
    code, out, _ = run(capsys, *argv, "--format", "html", "-o", str(output), "--lang", "en")
    assert code == EXIT_NONCONFORMANT and out == ""
    page = output.read_text(encoding="utf-8")
    assert '<table class="poles">' in page and "Verdict by pole" in page
    assert page.count('<tr class="ok">') == 1 and page.count('<tr class="ko">') == 1
    # a pole with no data: exit 2, and the -o file no longer holds the earlier report
    assert main([*argv[:3], "--pole", "no-such-pole", "--format", "html", "-o", str(output)]) == 2
    assert "Verdict by pole" not in output.read_text(encoding="utf-8")


def test_a_pole_behind_a_sparql_endpoint(fresh_oxigraph_server: str, initialised_dir, capsys):
    """The pole's graph and the registry unit it names, loaded into a real ``oxigraph serve``:
    the report is the embedded store's (same data)."""
    endpoint = ["--endpoint", fresh_oxigraph_server]
    unit = REPO / "data" / "demo" / "recherche-entreprises" / "search-338365059.json"
    assert run(capsys, "load", *endpoint, "--no-link", str(demo_file(GOOD)))[0] == EXIT_OK
    assert run(capsys, "import", "recherche-entreprises", *endpoint, str(unit))[0] == EXIT_OK
    argv = ["validate", "--pole", GOOD, "--format", "json", "--as-of", "2026-06-01"]
    code, out, err = run(capsys, *argv, *endpoint)
    assert code == EXIT_OK, err
    remote = json.loads(out)
    _, out, _ = run(capsys, *argv, "--store", str(initialised_dir))
    embedded = json.loads(out)
    assert remote["results"] == embedded["results"]
    assert "CENTRE SOCIAL 'CAP DE TOUT' (SIREN 338365059)" in {
        r["focus_label"].split(" — ")[0] for r in remote["results"]
    }
