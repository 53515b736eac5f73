"""Hostile workbooks are refused fast with exit 2: not a zip, a huge declared sheet, a
decompression bomb, a far-away cell."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from ptce_kg.errors import EXIT_INPUT, InputError
from ptce_kg.spreadsheet import TableErrors, UnsafeSpreadsheet, to_rdf
from ptce_kg.spreadsheet.readers import MAX_UNCOMPRESSED_BYTES

DATA = Path(__file__).parent / "data"


def rewrite_sheet(source: Path, target: Path, sheet: str, change) -> None:
    """Copy a workbook, passing one worksheet's XML through ``change``."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == sheet:
                data = change(data.decode("utf-8")).encode("utf-8")
            out.writestr(item, data)


def pole_sheet_part(workbook: Path) -> str:
    """The zip part of the ``pole`` worksheet (sheets are sheet1.xml… in workbook order)."""
    import openpyxl

    names = openpyxl.load_workbook(workbook, read_only=True).sheetnames
    return f"xl/worksheets/sheet{names.index('pole') + 1}.xml"


@pytest.fixture
def huge_dimension(templates: Path, tmp_path: Path) -> Path:
    source = templates / "ptce-modele-exemple.xlsx"
    target = tmp_path / "dimension.xlsx"
    rewrite_sheet(
        source,
        target,
        pole_sheet_part(source),
        lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', xml),
    )
    return target


@pytest.fixture
def far_cell(templates: Path, tmp_path: Path) -> Path:
    """No <dimension>, one cell in the last row: scanning would yield a million rows."""
    source = templates / "ptce-modele-exemple.xlsx"
    target = tmp_path / "far.xlsx"

    def change(xml: str) -> str:
        xml = re.sub(r'<dimension ref="[^"]*"\s*/>', "", xml)
        far = '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        return xml.replace("</sheetData>", far + "</sheetData>")

    rewrite_sheet(source, target, pole_sheet_part(source), change)
    return target


@pytest.fixture
def bomb(tmp_path: Path) -> Path:
    """A small zip whose one part unpacks past the limit (zeros compress ~1000:1)."""
    target = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            chunk = b"\0" * (1 << 20)
            for _ in range(MAX_UNCOMPRESSED_BYTES // len(chunk) + 1):
                part.write(chunk)
    assert target.stat().st_size < MAX_UNCOMPRESSED_BYTES // 100
    return target


@pytest.mark.parametrize("name", ["not_a_zip", "huge_dimension", "far_cell", "bomb"])
def test_hostile_workbook_is_refused(name: str, request: pytest.FixtureRequest, cli) -> None:
    path = DATA / "pas-un-classeur.xlsx" if name == "not_a_zip" else request.getfixturevalue(name)
    with pytest.raises(UnsafeSpreadsheet):
        to_rdf(path)
    result = cli("convert", str(path))
    assert result.returncode == EXIT_INPUT, result.stderr
    assert "Traceback" not in result.stderr
    assert str(path) in result.stderr


def test_missing_file_is_an_input_error(tmp_path: Path, cli) -> None:
    result = cli("convert", str(tmp_path / "absent.xlsx"))
    assert result.returncode == EXIT_INPUT
    assert "not found" in result.stderr


def test_random_bytes_as_csv_are_refused(tmp_path: Path, cli) -> None:
    import random

    (tmp_path / "pole.csv").write_bytes(random.Random(3).randbytes(1 << 20))
    with pytest.raises(InputError):
        to_rdf(tmp_path)
    result = cli("convert", str(tmp_path))
    assert result.returncode == EXIT_INPUT
    assert "Traceback" not in result.stderr


def test_oversized_csv_cell_is_refused(templates: Path, tmp_path: Path) -> None:
    header = (templates / "vierge" / "pole.csv").read_text(encoding="utf-8")
    (tmp_path / "pole.csv").write_text(header + "x" * 100_000 + "\n", encoding="utf-8")
    with pytest.raises(TableErrors) as caught:
        to_rdf(tmp_path)
    assert [(e.sheet, e.row) for e in caught.value.errors] == [("pole", 2)]


BOMB_DTD = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)
XXE_DTD = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize(
    ("dtd", "entity"),
    [(BOMB_DTD, "&lol9;"), (XXE_DTD, "&xxe;")],
    ids=["entity-expansion", "external-entity"],
)
def test_entities_in_workbook_xml_are_refused(
    dtd: str, entity: str, templates: Path, tmp_path: Path, cli
) -> None:
    """A DTD in a sheet's XML (billion laughs, a local file as external entity) is refused."""
    source = templates / "ptce-modele-exemple.xlsx"
    target = tmp_path / "entities.xlsx"

    def change(xml: str) -> str:
        body = xml.split("?>", 1)[1] if xml.startswith("<?xml") else xml
        return dtd + body.replace(
            "<sheetData>",
            f'<sheetData><row r="1000"><c r="A1000" '
            f't="inlineStr"><is><t>{entity}</t></is></c></row>',
            1,
        )

    rewrite_sheet(source, target, pole_sheet_part(source), change)
    with pytest.raises(UnsafeSpreadsheet):
        to_rdf(target)
    result = cli("convert", str(target))
    assert result.returncode == EXIT_INPUT, result.stderr
    assert "EntitiesForbidden" in result.stderr  # refused by defusedxml, not by chance
    assert "root:" not in result.stdout + result.stderr
