"""``ptce-kg reconcile`` and the index hooks of ``init`` and ``load`` (on a store on disk)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from ptce_kg.cli import main
from ptce_kg.rdf import graphs
from ptce_kg.rdf.resources import data_dir
from ptce_kg.reconciliation.index import ReconIndex, index_path_for
from ptce_kg.reconciliation.table import ADDED_COLUMNS
from ptce_kg.store import OxigraphStore
from tests.helpers.stores import run

DATA = Path(__file__).parents[1] / "reconciliation" / "data"
MEMBERS = DATA / "membres-excel.csv"
TEMPLATE = data_dir().parent / "templates" / "ptce-modele-exemple.xlsx"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("reconcile") / "store"
    assert main(["init", "--store", str(path)]) == 0
    yield path


def test_init_builds_the_index_beside_the_store_and_load_refreshes_one_graph(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert index_path_for(store).is_file()
    pole = data_dir() / "demo" / "sarthe-exemple.ttl"
    copy = tmp_path / "reconcile-pole.ttl"
    # the same pole under another slug: a pole graph holds only its own pole's data
    copy.write_text(pole.read_text(encoding="utf-8").replace("sarthe-exemple", "reconcile-pole"))
    code, out, err = run(capsys, "load", "--store", str(store), "--graph",
                         graphs.graph_iri("pole/reconcile-pole"), str(copy))  # fmt: skip
    assert code == 0, err
    assert "reconciliation index: 2 graph(s) read" in out  # the pole graph and the derived one
    opened = OxigraphStore(store)
    index = ReconIndex(index_path_for(store))
    try:
        assert index.refresh(opened).refreshed == []  # nothing changed since
    finally:
        index.close()
        opened.close()


def test_reconcile_a_french_excel_csv(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "out.csv"
    code, out, err = run(
        capsys, "reconcile", str(MEMBERS), "--name", "Nom", "--commune", "Commune",
        "--postcode", "Code postal", "--siret", "SIRET", "--store", str(store), "-o", str(out_file),
    )  # fmt: skip
    assert code == 0, err
    assert "6 rows: 5 matched, 1 ambiguous (candidates to check), 0 without candidate" in out
    text = out_file.read_bytes().decode("cp1252")  # written back as it came
    rows = list(csv.DictReader(text.splitlines(), delimiter=";"))
    assert list(rows[0])[-len(ADDED_COLUMNS) :] == list(ADDED_COLUMNS)
    by_name = {r["Nom"]: r for r in rows}
    restos = by_name["Les Restaurants du Cœur"]
    assert (restos["match_code"], restos["match_siret"], restos["match"]) == (
        "400461356",
        "40046135600133",
        "yes",
    )
    assert by_name["L'Enfant Bleu"]["match_score"] == "100"
    assert by_name["Manakin Production"]["match"] == "no"  # the right name, another town


def test_reconcile_the_template_member_sheet_to_xlsx(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "membres.xlsx"
    code, out, err = run(
        capsys, "reconcile", str(TEMPLATE), "--sheet", "membres", "--name", "nom",
        "--siret", "siren", "--store", str(store), "-o", str(out_file),
    )  # fmt: skip
    assert code == 0, err
    sheet = openpyxl.load_workbook(out_file, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-len(ADDED_COLUMNS) :] == ADDED_COLUMNS
    assert rows[0][1] == "nom" and len(rows) > 2
    assert "rows:" in out


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--name", "Raison sociale"], "no column 'Raison sociale' (given with --name)"),
        (["--name", "Nom", "--commune", "Ville"], "no column 'Ville' (given with --commune)"),
        (["--name", "nom", "--sheet", "adherents"], "no sheet 'adherents'"),
    ],
)
def test_bad_input_exits_2_naming_the_file_and_column(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], says: str
) -> None:
    source = TEMPLATE if "--sheet" in args else MEMBERS
    out_file = tmp_path / "out.csv"
    code, _, err = run(
        capsys, "reconcile", str(source), *args, "--store", str(store), "-o", str(out_file)
    )
    assert code == 2
    assert says in err and source.name in err
    assert not out_file.exists()


def test_missing_file_and_wrong_kind_exit_2(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for source in (tmp_path / "absent.csv", data_dir() / "demo" / "sarthe-exemple.ttl"):
        code, _, err = run(
            capsys, "reconcile", str(source), "--name", "x", "--store", str(store),
            "-o", str(tmp_path / "o.csv"),
        )  # fmt: skip
        assert code == 2 and source.name in err
