"""Commands that only read never create a store: a mistyped ``--store``, a ``$PTCE_STORE`` that
names a missing folder, or a default store never initialised is exit 2 with a message naming the
path and the command that creates the store. Commands that write still create it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ptce_kg.cli import main
from ptce_kg.errors import EXIT_INPUT

TINY = (
    "<https://w3id.org/ptce/id/pole/exemple-x> "
    "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/ptce/ontology#Pole> .\n"
    "<https://w3id.org/ptce/id/pole/exemple-x> "
    '<http://www.w3.org/2000/01/rdf-schema#label> "exemple" .\n'
)

# Every command that reads the graph and writes nothing a user asked for.
READ_ONLY = {
    "graphs": ["graphs"],
    "graphs-json": ["graphs", "--format", "json"],
    "query-text": ["query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1"],
    "query-name": ["query", "poles-by-region"],
    "link": ["link"],
    "link-no-rebuild": ["link", "--no-rebuild"],
}


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No store settings from the caller's environment; the per-user folder under tmp_path."""
    monkeypatch.delenv("PTCE_STORE", raising=False)
    monkeypatch.delenv("PTCE_ENDPOINT", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "ptce-kg" / "store"


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, err


@pytest.mark.parametrize("argv", READ_ONLY.values(), ids=READ_ONLY.keys())
def test_mistyped_store_path_is_exit_2_and_creates_nothing(
    argv: list[str], tmp_path: Path, clean_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    typo = tmp_path / "typo"
    code, err = _run([*argv, "--store", str(typo)], capsys)
    assert code == EXIT_INPUT
    assert str(typo) in err and "--store" in err
    assert f"ptce-kg init --store {typo}" in err
    assert not typo.exists() and not clean_env.exists()


@pytest.mark.parametrize("argv", READ_ONLY.values(), ids=READ_ONLY.keys())
def test_ptce_store_naming_a_missing_folder_is_exit_2(
    argv: list[str],
    tmp_path: Path,
    clean_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    missing = tmp_path / "from-env"
    monkeypatch.setenv("PTCE_STORE", str(missing))
    code, err = _run(argv, capsys)
    assert code == EXIT_INPUT
    assert str(missing) in err and "$PTCE_STORE" in err and "ptce-kg init" in err
    assert not missing.exists()


@pytest.mark.parametrize("argv", READ_ONLY.values(), ids=READ_ONLY.keys())
def test_first_time_user_is_told_to_run_init(
    argv: list[str], clean_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _run(argv, capsys)
    assert code == EXIT_INPUT
    assert str(clean_env) in err and "`ptce-kg init`" in err
    assert not clean_env.parent.parent.exists()


def test_an_existing_folder_that_is_no_store_is_left_untouched(
    tmp_path: Path, clean_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    code, err = _run(["graphs", "--store", str(folder)], capsys)
    assert code == EXIT_INPUT and str(folder) in err
    assert list(folder.iterdir()) == []


def test_ptce_store_naming_a_file_is_exit_2_for_writers_too(
    tmp_path: Path, clean_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder\n")
    monkeypatch.setenv("PTCE_STORE", str(a_file))
    tiny = tmp_path / "tiny.nt"
    tiny.write_text(TINY)
    code, err = _run(["load", "--no-link", str(tiny)], capsys)
    assert code == EXIT_INPUT
    assert str(a_file) in err and "folder" in err


def test_writers_create_the_store_and_readers_then_use_it(
    tmp_path: Path, clean_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``load`` into a new path creates the store (as init and import do); read-only commands
    work on it afterwards, from ``--store`` as from the default per-user folder."""
    tiny = tmp_path / "tiny.nt"
    tiny.write_text(TINY)
    store = tmp_path / "new-store"
    assert _run(["load", "--store", str(store), "--no-link", str(tiny)], capsys)[0] == 0
    assert store.is_dir()
    assert _run(["graphs", "--store", str(store)], capsys)[0] == 0
    assert _run(["load", "--no-link", str(tiny)], capsys)[0] == 0
    assert clean_env.is_dir()
    code = main(["query", "--format", "csv", "SELECT ?s WHERE { ?s ?p ?o }"])
    assert code == 0
    assert "exemple-x" in capsys.readouterr().out
