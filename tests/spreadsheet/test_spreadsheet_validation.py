"""``ptce-kg validate`` on the template: table errors first (exit 2), then SHACL with the
documented outcome for the filled example (templates/README.md: conforms, with warnings)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from ptce_kg.errors import EXIT_INPUT, EXIT_OK

DATA = Path(__file__).parent / "data"
ID = "https://w3id.org/ptce/id/"


def test_validate_reports_table_errors_first(cli) -> None:
    """A folder of CSV files (the workbook gives the same tables: test_spreadsheet_table_errors)."""
    result = cli("validate", str(DATA / "erreurs"))
    assert result.returncode == EXIT_INPUT, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    expected = json.loads((DATA / "erreurs-attendues.json").read_text(encoding="utf-8"))
    for sheet, row, column in expected:
        assert f"feuille {sheet}, ligne {row}, colonne {column} :" in result.stderr


def example_rows(templates: Path, sheet: str) -> list[dict[str, str]]:
    with (templates / "exemple" / f"{sheet}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_filled_example_validates_with_the_documented_outcome(templates: Path, cli) -> None:
    """templates/README.md: conforms (all rules), with three intended warnings: project 3 is
    economic only and has no local-development justification; the membership of the real
    SIRENE unit (the only member with a SIREN) has no establishment in the territory."""
    result = cli(
        "validate",
        str(templates / "ptce-modele-exemple.xlsx"),
        "--rules",
        "all",
        "--format",
        "json",
    )
    assert result.returncode == EXIT_OK, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["conforms"] is True
    (pole,) = example_rows(templates, "pole")
    slug = pole["identifiant"]
    (lacking,) = (
        row
        for row in example_rows(templates, "projets")
        if not row["contribution_developpement_local"]
    )
    assert lacking["dimensions"] == "economic"
    (real,) = (row for row in example_rows(templates, "membres") if row["siren"])
    project = f"{ID}project/{slug}/{lacking['numero']}"
    found = {(item["rule"], item["severity"], item["focus"]) for item in report["results"]}
    assert found == {
        ("ART9-PROJECT-ECO-SOCIAL", "Warning", project),
        ("ART9-LOCAL-SUSTAINABLE", "Warning", project),
        ("ART9-TERRITORY-ESS-LOCATED", "Warning", f"{ID}membership/{slug}/{real['identifiant']}"),
    }


def test_every_result_of_a_workbook_points_to_its_sheet_row_and_column(
    templates: Path, cli
) -> None:
    """A coordinator fixes cells, not triples: each result of the example workbook carries the
    file, sheet, row and column its value comes from (the column where a missing value
    belongs), in JSON, text and CSV."""
    workbook = str(templates / "ptce-modele-exemple.xlsx")
    report = json.loads(cli("validate", workbook, "--format", "json").stdout)
    (lacking,) = (
        row
        for row in example_rows(templates, "projets")
        if not row["contribution_developpement_local"]
    )
    rows = {row["numero"]: n for n, row in enumerate(example_rows(templates, "projets"), 2)}
    located = {item["rule"]: item["location"] for item in report["results"]}
    assert located["ART9-LOCAL-SUSTAINABLE"] == {
        "file": workbook,
        "sheet": "projets",
        "row": rows[lacking["numero"]],
        "column": "contribution_developpement_local",
    }
    assert located["ART9-PROJECT-ECO-SOCIAL"]["column"] == "dimensions"
    assert located["ART9-TERRITORY-ESS-LOCATED"]["sheet"] == "membres"
    text = cli("validate", workbook).stdout
    assert f"feuille projets, ligne {rows[lacking['numero']]}, colonne dimensions" in text
    table = list(csv.DictReader(cli("validate", workbook, "--format", "csv").stdout.splitlines()))
    assert {(r["rule"], r["sheet"], r["column"]) for r in table} >= {
        ("ART9-PROJECT-ECO-SOCIAL", "projets", "dimensions")
    }
    assert all(r["file"] == workbook and r["row"] for r in table)


def outcome(result) -> set[tuple[str, str, str]]:
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    return {(item["rule"], item["severity"], item["focus"]) for item in report["results"]}


def test_converted_turtle_and_csv_folder_validate_like_the_workbook(
    templates: Path, cli, tmp_path: Path
) -> None:
    """`convert pole.xlsx -o pole.ttl` writes RDF that validates exactly as the workbook does,
    and so does the equivalent folder of CSV files."""
    workbook = templates / "ptce-modele-exemple.xlsx"
    target = tmp_path / "pole.ttl"
    converted = cli("convert", str(workbook), "-o", str(target))
    assert converted.returncode == EXIT_OK, converted.stderr
    assert target.read_text(encoding="utf-8").lstrip().startswith("@prefix")
    runs = {
        name: cli("validate", str(path), "--format", "json")
        for name, path in (("xlsx", workbook), ("ttl", target), ("csv", templates / "exemple"))
    }
    assert {name: run.returncode for name, run in runs.items()} == dict.fromkeys(runs, EXIT_OK)
    expected = outcome(runs["xlsx"])
    assert expected  # the example's three intended warnings (see the test above)
    assert outcome(runs["ttl"]) == expected
    assert outcome(runs["csv"]) == expected


def test_blank_template_is_not_reported_as_checked(templates: Path, cli) -> None:
    """The blank workbook holds no pole: exit 0 (no violation) but a warning says that the
    rules of the definition had nothing to check."""
    result = cli("validate", str(templates / "ptce-modele-vierge.xlsx"), "--format", "json")
    assert result.returncode == EXIT_OK, result.stderr
    assert {(rule, severity) for rule, severity, _ in outcome(result)} == {
        ("QUAL-POLE-PRESENT", "Warning")
    }
