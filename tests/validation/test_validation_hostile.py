"""Hostile inputs: each is refused with exit 2 and a clear message, fast, without network access
(and ``validate`` refuses a graph that declares ``owl:imports``)."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
import rdflib

from ptce_kg.cli import main
from ptce_kg.errors import UnsafeInputError
from ptce_kg.validation import validate

DATA = Path(__file__).parent / "data"
pytestmark = pytest.mark.timeout(60)  # a guard against a hang, not a timing assertion


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("billion-laughs.rdf", "DOCTYPE declaration is refused"),
        ("xxe-file.rdf", "DOCTYPE declaration is refused"),
        ("remote-context.jsonld", "@context referring to another document is refused"),
        ("nested-file-context.jsonld", "@context referring to another document is refused"),
        ("owl-imports.ttl", "owl:imports is not followed"),
    ],
)
def test_hostile_file_refused(
    name: str, expected: str, no_network: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["validate", str(DATA / name)])
    err = capsys.readouterr().err
    assert code == 2
    assert expected in err
    assert name in err  # says which file
    assert "Traceback" not in err


def test_truncated_turtle_says_file_and_line(
    tmp_path: Path, no_network: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    text = (DATA / "base-pole.ttl").read_text(encoding="utf-8")
    cut = text.index('rdfs:label "SCOP') + len('rdfs:label "SC')
    truncated = tmp_path / "truncated.ttl"
    truncated.write_text(text[:cut], encoding="utf-8")
    line = text[:cut].count("\n") + 1
    code = main(["validate", str(truncated)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{truncated}:{line}:" in err
    assert "syntax error" in err


def test_random_bytes_50_mb(
    tmp_path: Path, no_network: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    noise = tmp_path / "noise.ttl"
    noise.write_bytes(random.Random(42).randbytes(50 * 1024 * 1024))
    code = main(["validate", str(noise)])
    err = capsys.readouterr().err
    assert code == 2
    assert "not UTF-8 text" in err and "noise.ttl" in err


def test_nul_bytes_refused(
    tmp_path: Path, no_network: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    # UTF-16 text is valid UTF-8 byte-wise (NULs): must not slip a DOCTYPE past the scan.
    xml = (DATA / "xxe-file.rdf").read_text(encoding="utf-8").encode("utf-16-le")
    path = tmp_path / "utf16.rdf"
    path.write_bytes(xml)
    assert main(["validate", str(path)]) == 2
    assert "NUL" in capsys.readouterr().err


def test_inline_json_ld_context_is_accepted(
    no_network: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["validate", str(DATA / "inline-context.jsonld"), "--rules", "quality"])
    assert code == 0, capsys.readouterr().err


def test_unreadable_and_missing_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "absent.ttl")]) == 2
    assert "no such file" in capsys.readouterr().err
    unknown = tmp_path / "pole.txt"
    unknown.write_text("hello", encoding="utf-8")
    assert main(["validate", str(unknown)]) == 2
    assert "unknown RDF file extension" in capsys.readouterr().err
    if os.geteuid() != 0:  # root reads anything
        locked = tmp_path / "locked.ttl"
        locked.write_text("", encoding="utf-8")
        locked.chmod(0)
        assert main(["validate", str(locked)]) == 2
        assert "cannot read" in capsys.readouterr().err


def test_validate_refuses_owl_imports_in_a_graph() -> None:
    graph = rdflib.Graph().parse(DATA / "owl-imports.ttl")
    with pytest.raises(UnsafeInputError, match="owl:imports is not followed"):
        validate(graph)
