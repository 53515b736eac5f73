"""Table errors are reported all at once, by sheet, row and column, without a stack trace."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from ptce_kg.errors import EXIT_INPUT
from ptce_kg.spreadsheet import TableErrors, to_rdf, to_rdf_located_bytes
from tests.helpers.inputs import example_folder

DATA = Path(__file__).parent / "data"


def expected(name: str) -> set[tuple[str, int, str]]:
    return {tuple(item) for item in json.loads((DATA / name).read_text(encoding="utf-8"))}


def places(error: TableErrors) -> set[tuple[str, int | None, str | None]]:
    return {(e.sheet, e.row, e.column) for e in error.errors}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_every_table_error_is_located(kind: str, workbook_from) -> None:
    """Missing required column, bad enum, bad date, bad SIREN pattern, bad list item, bad
    number, duplicate number, empty required cell, unknown column: one error each."""
    source = DATA / "erreurs" if kind == "csv" else workbook_from(DATA / "erreurs")
    with pytest.raises(TableErrors) as caught:
        to_rdf(source)
    assert places(caught.value) == expected("erreurs-attendues.json")
    assert all(error.message for error in caught.value.errors)


def test_uploaded_bytes_give_the_same_errors_under_the_upload_name(workbook_from) -> None:
    """An upload is read from memory: the same errors as the file on disk, located in the
    client's file name (never a folder of the server)."""
    workbook = workbook_from(DATA / "erreurs")
    with pytest.raises(TableErrors) as on_disk:
        to_rdf(workbook)
    with pytest.raises(TableErrors) as uploaded:
        to_rdf_located_bytes(workbook.read_bytes(), "pole.xlsx")
    assert uploaded.value.errors == on_disk.value.errors
    assert uploaded.value.where == "pole.xlsx"
    assert {entry["file"] for entry in uploaded.value.entries()} == {"pole.xlsx"}
    members = (DATA / "erreurs" / "membres.csv").read_bytes()
    with pytest.raises(TableErrors) as one_csv:  # alone, the other sheets are absent
        to_rdf_located_bytes(members, "membres.csv")
    assert places(one_csv.value) == {("pole", None, None)} | {
        place for place in places(on_disk.value) if place[0] == "membres"
    }
    with pytest.raises(TableErrors) as unknown:
        to_rdf_located_bytes(members, "autre.csv")
    assert places(unknown.value) == {("autre.csv", None, None)}
    assert unknown.value.where == "autre.csv"


def test_references_to_unknown_rows_are_located() -> None:
    with pytest.raises(TableErrors) as caught:
        to_rdf(DATA / "references")
    assert places(caught.value) == expected("references-attendues.json")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_cli_reports_table_errors_with_exit_2(
    kind: str, workbook_from, cli, tmp_path: Path
) -> None:
    source = DATA / "erreurs" if kind == "csv" else workbook_from(DATA / "erreurs")
    target = tmp_path / "pole.ttl"
    result = cli("convert", str(source), "-o", str(target))
    assert result.returncode == EXIT_INPUT
    assert "Traceback" not in result.stderr
    for sheet, row, column in expected("erreurs-attendues.json"):
        assert f"feuille {sheet}, ligne {row}, colonne {column} :" in result.stderr
    assert not target.exists()  # nothing written


def test_pole_sheet_has_one_row(templates: Path, tmp_path: Path) -> None:
    folder = example_folder(tmp_path / "pole")
    lines = (folder / "pole.csv").read_text(encoding="utf-8").splitlines()
    (folder / "pole.csv").write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    with pytest.raises(TableErrors) as caught:
        to_rdf(folder)
    assert places(caught.value) == {("pole", 3, None)}


def test_missing_pole_sheet_and_unknown_file(templates: Path, tmp_path: Path) -> None:
    folder = example_folder(tmp_path / "pole")
    (folder / "pole.csv").unlink()
    shutil.copy(folder / "membres.csv", folder / "membre.csv")  # a misspelt table name
    with pytest.raises(TableErrors) as caught:
        to_rdf(folder)
    assert places(caught.value) == {("membre.csv", None, None)}
    (folder / "membre.csv").unlink()
    with pytest.raises(TableErrors) as caught:
        to_rdf(folder)
    assert places(caught.value) == {("pole", None, None)}


def test_data_without_pole_is_refused(templates: Path, tmp_path: Path) -> None:
    folder = example_folder(tmp_path / "pole")
    shutil.copy(templates / "vierge" / "pole.csv", folder / "pole.csv")
    with pytest.raises(TableErrors) as caught:
        to_rdf(folder)
    sheets = {sheet for sheet, _, _ in places(caught.value)}
    non_empty = {
        path.stem
        for path in folder.glob("*.csv")
        if len(list(csv.reader(path.open(encoding="utf-8")))) > 1
    }
    assert sheets == non_empty


def test_unknown_sheet_in_workbook(templates: Path, tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.load_workbook(templates / "ptce-modele-exemple.xlsx")
    workbook["membres"].title = "Adhérents"
    path = tmp_path / "renamed.xlsx"
    workbook.save(path)
    with pytest.raises(TableErrors) as caught:
        to_rdf(path)
    assert places(caught.value) == {("Adhérents", None, None)}


def test_leading_zeros_lost_by_excel_are_reported(templates: Path, tmp_path: Path) -> None:
    """A code typed as a number (1001 for commune 01001) fails its pattern, not silently."""
    import openpyxl

    workbook = openpyxl.load_workbook(templates / "ptce-modele-exemple.xlsx")
    sheet = workbook["membres"]
    column = [cell.value for cell in sheet[1]].index("commune") + 1
    sheet.cell(row=2, column=column, value=1001)
    path = tmp_path / "numbers.xlsx"
    workbook.save(path)
    with pytest.raises(TableErrors) as caught:
        to_rdf(path)
    assert places(caught.value) == {("membres", 2, "commune")}


def test_cell_and_reference_errors_are_reported_together(tmp_path: Path) -> None:
    """References are checked in the sheets without cell errors, towards such sheets only."""
    folder = tmp_path / "pole"
    shutil.copytree(DATA / "references", folder)
    with (folder / "membres.csv").open(encoding="utf-8", newline="") as handle:
        members = list(csv.DictReader(handle))
    members[0]["date_entree"] = "2022-13-01"
    with (folder / "membres.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(members[0]))
        writer.writeheader()
        writer.writerows(members)
    with pytest.raises(TableErrors) as caught:
        to_rdf(folder)
    # the unknown participant is not reported: membres, the sheet it refers to, has an error
    references = {
        place for place in expected("references-attendues.json") if place[0] != "cooperations"
    }
    assert places(caught.value) == {("membres", 2, "date_entree")} | references


def test_cells_outside_named_columns_are_reported(templates: Path, tmp_path: Path) -> None:
    """Nothing typed in the workbook is dropped silently: a cell under no column name is an
    error, whether the column has an empty header or lies right of the last one."""
    import openpyxl

    workbook = openpyxl.load_workbook(templates / "ptce-modele-exemple.xlsx")
    sheet = workbook["projets"]
    width = len([cell for cell in sheet[1] if cell.value])
    sheet.cell(row=3, column=width + 2, value="note perdue ?")
    path = tmp_path / "extra.xlsx"
    workbook.save(path)
    with pytest.raises(TableErrors) as caught:
        to_rdf(path)
    assert places(caught.value) == {("projets", 3, f"n° {width + 2}")}


def test_other_spreadsheet_formats_are_told_to_save_as_xlsx(tmp_path: Path, cli) -> None:
    path = tmp_path / "pole.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    result = cli("convert", str(path))
    assert result.returncode == EXIT_INPUT
    assert ".xlsx" in result.stderr and "Traceback" not in result.stderr


def _ods(folder: Path, target: Path, empty_tail: int = 1_048_000) -> Path:
    """An OpenDocument workbook of the CSV files of ``folder``, one sheet per file, as
    LibreOffice writes it: numbers as floats, repeated empty cells and a huge repeated empty
    tail of rows."""
    import csv as csv_module
    import zipfile
    from xml.sax.saxutils import escape, quoteattr

    sheets = []
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv_module.reader(handle))
        xml_rows = []
        for row in rows:
            cells = []
            for value in row:
                if value and value.isdigit() and not value.startswith("0") and len(value) < 9:
                    cells.append(
                        f'<table:table-cell office:value-type="float" office:value="{value}">'
                        f"<text:p>{value}</text:p></table:table-cell>"
                    )
                elif value:
                    cells.append(
                        '<table:table-cell office:value-type="string">'
                        f"<text:p>{escape(value)}</text:p></table:table-cell>"
                    )
                else:
                    cells.append("<table:table-cell/>")
            cells.append('<table:table-cell table:number-columns-repeated="1000"/>')
            xml_rows.append(f"<table:table-row>{''.join(cells)}</table:table-row>")
        xml_rows.append(
            f'<table:table-row table:number-rows-repeated="{empty_tail}">'
            '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
        )
        sheets.append(
            f"<table:table table:name={quoteattr(path.stem)}>{''.join(xml_rows)}</table:table>"
        )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
        f"<office:body><office:spreadsheet>{''.join(sheets)}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    return target


def test_ods_workbook_is_read_like_the_xlsx(templates: Path, tmp_path: Path) -> None:
    """LibreOffice's .ods gives the same graph as the .xlsx of the same example."""
    ods = _ods(templates / "exemple", tmp_path / "pole.ods")
    expected = to_rdf(templates / "ptce-modele-exemple.xlsx")
    graph = to_rdf(ods)
    assert len(graph) == len(expected)
    assert set(graph) == set(expected)
    uploaded, _ = to_rdf_located_bytes(ods.read_bytes(), "pole.ods")  # from memory, the same
    assert set(uploaded) == set(expected)


def test_ods_with_an_error_is_located_like_the_xlsx(templates: Path, tmp_path: Path) -> None:
    folder = example_folder(tmp_path / "csv")
    projets = folder / "projets.csv"
    lines = projets.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("dimensions")] = "culturelle"
    lines[1] = ",".join(cells)
    projets.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(TableErrors) as caught:
        to_rdf(_ods(folder, tmp_path / "pole.ods"))
    assert ("projets", 2, "dimensions") in places(caught.value)


def _edited_example(templates: Path, tmp_path: Path, row: int, changes: dict[str, str]) -> Path:
    """A copy of the example CSV folder with cells of membres.csv's data row ``row`` changed."""
    import csv as csv_module

    folder = example_folder(tmp_path / "exemple")
    with (folder / "membres.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv_module.DictReader(handle))
    rows[row].update(changes)
    with (folder / "membres.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv_module.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return folder


@pytest.mark.parametrize(
    ("given", "hint"),
    [
        (
            "Laval",
            "« Laval » est un nom de commune ; le code INSEE attendu : Laval (code INSEE 53130",
        ),
        (
            "53000",
            "« 53000 » est un code postal, pas un code commune INSEE : Laval (code INSEE 53130",
        ),
    ],
)
def test_commune_given_by_name_or_postal_code_names_the_likely_commune(
    templates: Path, tmp_path: Path, given: str, hint: str
) -> None:
    """The COG shipped in data/reference (names, La Poste postal codes) names the commune and
    its INSEE code, at the cell."""
    folder = _edited_example(templates, tmp_path, 0, {"commune": given})
    with pytest.raises(TableErrors) as caught:
        to_rdf(folder)
    [error] = caught.value.errors
    assert (error.sheet, error.row, error.column) == ("membres", 2, "commune")
    assert hint in error.message, error.message


def test_role_given_in_french_is_answered_with_the_code_and_the_french_labels(
    templates: Path, tmp_path: Path
) -> None:
    folder = _edited_example(templates, tmp_path, 1, {"roles": "fondateur"})
    with pytest.raises(TableErrors) as caught:
        to_rdf(folder)
    [error] = caught.value.errors
    assert (error.sheet, error.row, error.column) == ("membres", 3, "roles")
    assert "« fondateur » s'écrit founder" in error.message
    assert "lead-structure (Structure porteuse)" in error.message
