"""Every command keeps the documented exit codes on bad input and says what is wrong, and where.

One table row per way of getting a command wrong; a test checks that every command of the CLI
has at least one row, so a new command cannot skip this.
"""

from __future__ import annotations

import shutil
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click
import pyoxigraph
import pytest

from ptce_kg.cli import cli, main
from ptce_kg.errors import EXIT_INPUT, EXIT_INTERNAL, EXIT_NONCONFORMANT
from ptce_kg.store import OxigraphStore
from tests.helpers.files import REPO
from tests.helpers.stores import run_process

DATA = Path(__file__).parent / "data"
BAD_TTL = DATA / "malformed-missing-dot.ttl"
SARTHE = REPO / "data" / "demo" / "sarthe-exemple.ttl"  # shipped fictitious example pole
TEMPLATE_MEMBERS = REPO / "templates" / "exemple" / "membres.csv"  # the template's member sheet


@dataclass(frozen=True)
class Case:
    """``argv(tmp_path)`` must end with ``code`` and print every one of ``says`` on stderr."""

    id: str
    argv: Callable[[Path], list[str]]
    code: int
    says: tuple[str, ...]


def _store(tmp: Path) -> list[str]:
    return ["--store", str(tmp / "store")]


def _existing_store(tmp: Path) -> list[str]:
    """``--store`` naming an empty store: read-only commands refuse a missing one (exit 2)."""
    OxigraphStore(tmp / "store").close()
    return _store(tmp)


def _a_file(tmp: Path) -> str:
    path = tmp / "a-file"
    path.write_text("not a folder\n")
    return str(path)


def _broken_template(tmp: Path) -> str:
    """The shipped filled-in template (fictitious example) with one bad e-mail address."""
    folder = tmp / "pole"
    shutil.copytree(REPO / "templates" / "exemple", folder)
    pole = folder / "pole.csv"
    pole.write_text(pole.read_text("utf-8").replace("contact@example.org", "contact-at-example"))
    return str(folder)


CASES = [
    Case("init-store-is-a-file", lambda t: ["init", "--store", _a_file(t)], 2, ("a-file",)),
    Case(
        "init-endpoint-not-a-url",
        lambda t: ["init", "--endpoint", "localhost:7878"],
        2,
        ("--endpoint", "not an http"),
    ),
    Case(
        "load-syntax-error",
        lambda t: ["load", *_store(t), str(BAD_TTL)],
        2,
        (f"{BAD_TTL.name}:3", "syntax error"),
    ),
    Case(
        "load-missing-file",
        lambda t: ["load", *_store(t), str(t / "absent.ttl")],
        2,
        ("absent.ttl",),
    ),
    Case(
        "load-store-and-endpoint",
        lambda t: ["load", *_store(t), "--endpoint", "http://127.0.0.1:9/query", str(BAD_TTL)],
        2,
        ("not both",),
    ),
    Case(
        "graphs-endpoint-not-a-url",
        lambda t: ["graphs", "--endpoint", "file:///etc/passwd"],
        2,
        ("--endpoint", "not an http"),
    ),
    Case(
        "query-syntax-error-in-file",
        lambda t: ["query", *_existing_store(t), str(DATA / "unfinished.rq")],
        2,
        ("unfinished.rq", "syntax error", "2:1"),
    ),
    Case(
        "query-load-refused",
        lambda t: ["query", *_store(t), "LOAD <http://127.0.0.1:9/data.ttl>"],
        2,
        ("LOAD is not allowed",),
    ),
    Case(
        "query-missing-file",
        lambda t: ["query", *_store(t), str(t / "absent.rq")],
        2,
        ("absent.rq", "cannot read"),
    ),
    Case(
        "import-sirene-missing-columns",
        lambda t: [
            "import",
            "sirene",
            *_store(t),
            "--unites-legales",
            str(DATA / "unites-legales-without-columns.csv"),
        ],
        2,
        ("unites-legales-without-columns.csv", "denominationUniteLegale"),
    ),
    Case(
        "import-recherche-entreprises-bad-json",
        lambda t: [
            "import",
            "recherche-entreprises",
            *_store(t),
            str(DATA / "truncated-response.json"),
        ],
        2,
        ("truncated-response.json:3", "invalid JSON"),
    ),
    Case(
        "link-endpoint-not-a-url",
        lambda t: ["link", "--endpoint", "ftp://127.0.0.1/sparql"],
        2,
        ("--endpoint", "not an http"),
    ),
    Case("link-bad-format", lambda t: ["link", *_store(t), "--format", "xml"], 2, ("--format",)),
    Case(
        "validate-syntax-error",
        lambda t: ["validate", str(BAD_TTL)],
        2,
        (f"{BAD_TTL.name}:3", "syntax error"),
    ),
    Case(
        "validate-nonconformant",
        lambda t: ["validate", str(REPO / "data" / "demo" / "drome-non-conforme-exemple.ttl")],
        EXIT_NONCONFORMANT,
        (),  # the report itself is on standard output (checked in the test)
    ),
    Case(
        "validate-pole-and-files",
        lambda t: ["validate", "--pole", "sarthe-exemple", str(SARTHE)],
        2,
        ("FILE… or --pole/--all-poles",),
    ),
    Case(
        "validate-store-without-pole",
        lambda t: ["validate", *_store(t), str(SARTHE)],
        2,
        ("--store, --endpoint and --jobs go with --pole or --all-poles",),
    ),
    Case(
        "validate-pole-missing-store",
        lambda t: ["validate", *_store(t), "--all-poles"],
        2,
        ("no ptce-kg store at this path", "ptce-kg init --store"),
    ),
    Case(
        "validate-unknown-pole",
        lambda t: ["validate", *_existing_store(t), "--pole", "no-such-pole"],
        2,
        ("no-such-pole", "no data for this pole"),
    ),
    Case(
        "validate-empty-store",
        lambda t: ["validate", *_existing_store(t), "--all-poles"],
        2,
        ("holds no pole data",),
    ),
    Case(
        "convert-bad-cell",
        lambda t: ["convert", _broken_template(t)],
        2,
        ("pole", "ligne 2", "courriel", "contact-at-example"),
    ),
    Case(
        "convert-output-under-a-file",
        lambda t: ["convert", "-o", f"{_a_file(t)}/pole.ttl", str(REPO / "templates" / "exemple")],
        2,
        ("a-file/pole.ttl", "cannot write"),
    ),
    Case(
        "validate-output-under-a-file",
        lambda t: ["validate", "-o", f"{_a_file(t)}/report.txt", str(SARTHE)],
        2,
        ("a-file/report.txt", "cannot write"),
    ),
    Case("reason-syntax-error", lambda t: ["reason", str(BAD_TTL)], 2, (f"{BAD_TTL.name}:3",)),
    Case(
        "reason-unknown-syntax",
        lambda t: ["reason", str(DATA / "README.md")],
        2,
        ("README.md", "unknown RDF file extension"),
    ),
    Case("docs-outdir-is-a-file", lambda t: ["docs", _a_file(t)], 2, ("OUTDIR", "a-file")),
    Case(
        "docs-outdir-under-a-file",
        lambda t: ["docs", f"{_a_file(t)}/html"],
        2,
        ("a-file/html/index.html", "cannot write", "Not a directory"),
    ),
    Case(
        "reconcile-missing-column",
        lambda t: [
            "reconcile",
            str(TEMPLATE_MEMBERS),
            "--name",
            "Raison sociale",
            *_store(t),
            "-o",
            str(t / "out.csv"),
        ],
        2,
        (TEMPLATE_MEMBERS.name, "no column 'Raison sociale'"),
    ),
    Case("serve-bad-port", lambda t: ["serve", "--port", "70000"], 2, ("--port", "70000")),
    Case("serve-store-is-a-file", lambda t: ["serve", "--store", _a_file(t)], 2, ("--store",)),
]


def _leaf_commands(group: click.Group, prefix: str = "") -> list[str]:
    """Full names of every runnable command (``import sirene``, not ``import``)."""
    names = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            names += _leaf_commands(command, f"{prefix}{name} ")
        else:
            names.append(f"{prefix}{name}")
    return names


def _command_of(case: Case, tmp: Path) -> str:
    argv = case.argv(tmp)
    return " ".join(argv[:2]) if argv[0] == "import" else argv[0]


def test_every_command_has_a_bad_input_case(tmp_path: Path) -> None:
    covered = {_command_of(case, tmp_path) for case in CASES}
    assert set(_leaf_commands(cli)) <= covered, set(_leaf_commands(cli)) - covered


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_bad_input_exit_code_and_message(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("PTCE_STORE", str(tmp_path / "default-store"))
    code = main(case.argv(tmp_path))
    out, err = capsys.readouterr()
    assert code == case.code, err or out
    for words in case.says:
        assert words in err, f"{words!r} not in: {err}"
    assert "Traceback" not in err
    if code == EXIT_NONCONFORMANT:
        assert "Violation" in out


def test_process_exit_status_is_the_documented_code() -> None:
    done = run_process("load", "--store", "/nonexistent-ptce-store-for-tests", str(BAD_TTL))
    assert done.returncode == EXIT_INPUT
    assert f"{BAD_TTL.name}:3" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("argv", [["graphs"], ["serve", "--port", "0"]], ids=["graphs", "serve"])
def test_store_held_by_a_command_is_exit_2_saying_to_wait(argv: list[str], tmp_path: Path) -> None:
    """A command still writing (here: this process) holds the store; no server snapshot to
    read, so readers and ``serve`` alike are told to wait (a running server: test_beside_server)."""
    held = pyoxigraph.Store(str(tmp_path / "store"))  # RocksDB lock held by this process
    try:
        done = run_process(*argv, "--store", str(tmp_path / "store"))
    finally:
        del held
    assert done.returncode == EXIT_INPUT
    assert f"the store at {tmp_path / 'store'} is in use by another process" in done.stderr
    assert "wait until it has finished" in done.stderr
    assert "Traceback" not in done.stderr


# Commands that read or write the graph; the others (convert, reason, docs) work on files only
# and must not touch any store (validate too, unless given --pole or --all-poles).
STORE_FREE = {"convert", "reason", "docs"}
STORE_OPTIONS = {"--store", "--endpoint", "--update-endpoint", "--gsp-endpoint"}


def _find(name: str) -> click.Command:
    command: click.Command = cli
    for part in name.split():
        assert isinstance(command, click.Group)
        command = command.commands[part]
    return command


@pytest.mark.parametrize("name", sorted(set(_leaf_commands(cli)) - STORE_FREE))
def test_every_store_command_takes_store_and_endpoint(name: str) -> None:
    options = {opt for param in _find(name).params for opt in param.opts}
    assert STORE_OPTIONS <= options, STORE_OPTIONS - options


@pytest.mark.parametrize("name", sorted(STORE_FREE))
def test_file_only_commands_take_no_store_option(name: str) -> None:
    options = {opt for param in _find(name).params for opt in param.opts}
    assert not STORE_OPTIONS & options


def test_file_only_commands_never_create_a_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    store = tmp_path / "never-created"
    monkeypatch.setenv("PTCE_STORE", str(store))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert main(["validate", "--rules", "quality", str(SARTHE)]) in (0, 1)
    assert main(["convert", str(REPO / "templates" / "exemple")]) == 0
    assert main(["docs", str(tmp_path / "html")]) == 0
    assert main(["reason", str(BAD_TTL)]) == EXIT_INPUT
    capsys.readouterr()
    assert not store.exists() and not (tmp_path / "xdg").exists()


def test_serve_on_a_port_in_use_is_exit_3_naming_the_address(tmp_path: Path) -> None:
    tiny = tmp_path / "tiny.ttl"
    tiny.write_text(
        "<https://w3id.org/ptce/id/pole/exemple-x> a <https://w3id.org/ptce/ontology#Pole> ;\n"
        '    <http://www.w3.org/2000/01/rdf-schema#label> "exemple" .\n'
    )
    # a non-empty store, so serve does not run init first
    assert main(["load", *_store(tmp_path), "--no-link", str(tiny)]) == 0
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = run_process("serve", *_store(tmp_path), "--port", str(port))
    assert done.returncode == EXIT_INTERNAL
    assert f"127.0.0.1', {port}" in done.stderr and "address already in use" in done.stderr
    assert "Traceback" not in done.stderr
