"""ptce-kg validate end to end: exit codes, the four report formats, input syntaxes, options."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import SH

from ptce_kg.cli import main
from ptce_kg.validation import validate, validate_files
from tests.helpers.files import template_file
from tests.helpers.inputs import example_folder

DATA = Path(__file__).parent / "data"
BASE = DATA / "base-pole.ttl"
RESULT_KEYS = {"rule", "severity", "focus", "focus_label", "path", "value", "message", "source"}


@pytest.fixture(scope="module")
def failing_pole(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The base pole without its strategy and with an unnamed member: 1 violation, 1 warning."""
    graph = rdflib.Graph().parse(BASE)
    pole = rdflib.URIRef("https://w3id.org/ptce/id/pole/test-exemple")
    graph.remove((pole, rdflib.URIRef("https://w3id.org/ptce/ontology#strategy"), None))
    graph.remove(
        (rdflib.URIRef("https://w3id.org/ptce/id/org/exemple-scop"), rdflib.RDFS.label, None)
    )
    path = tmp_path_factory.mktemp("cli") / "pole-sans-strategie.ttl"
    graph.serialize(path, format="turtle")
    return path


def test_exit_0_on_conforming_data(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(BASE)]) == 0
    assert "Conforme" in capsys.readouterr().out


def test_exit_1_and_json_report(failing_pole: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(failing_pole), "--format", "json", "--lang", "en"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["conforms"] is False
    assert report["counts"] == {"Violation": 1, "Warning": 1, "Info": 0}
    assert {r["rule"]: r["severity"] for r in report["results"]} == {
        "ART9-STRATEGY-EXISTS": "Violation",
        "QUAL-LABEL": "Warning",
    }
    for result in report["results"]:
        assert RESULT_KEYS <= set(result)
    strategy = next(r for r in report["results"] if r["rule"] == "ART9-STRATEGY-EXISTS")
    assert strategy["focus_label"] == "Test pole (fictitious example)"
    assert strategy["message"].startswith("The pole does not describe its common")
    assert strategy["source"].endswith("/article_9")


def test_json_gives_path_value_and_message_in_the_chosen_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    graph = rdflib.Graph().parse(BASE)
    pole = rdflib.URIRef("https://w3id.org/ptce/id/pole/test-exemple")
    email = rdflib.URIRef("https://w3id.org/ptce/ontology#email")
    graph.set((pole, email, rdflib.Literal("contact-at-exemple")))
    path = tmp_path / "pole-courriel.ttl"
    graph.serialize(path, format="turtle")
    messages = {}
    for lang in ("fr", "en"):
        assert main(["validate", str(path), "--format", "json", "--lang", lang]) == 1
        (result,) = json.loads(capsys.readouterr().out)["results"]
        assert (result["rule"], result["severity"]) == ("QUAL-EMAIL", "Violation")
        assert (result["path"], result["value"]) == ("ptce:email", "contact-at-exemple")
        assert result["focus"] == str(pole)
        messages[lang] = result["message"]
    assert messages["fr"].startswith("Adresse électronique mal formée")
    assert messages["en"].startswith("Malformed e-mail address")


def test_rules_option_selects_one_verdict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--rules call gives the State-call verdict alone: a pole without a non-ESS enterprise
    member fails the call (AAP-NONESS, exit 1) and only warns under the legal definition."""
    graph = rdflib.Graph().parse(BASE)
    graph.remove((rdflib.URIRef("https://w3id.org/ptce/id/membership/test-exemple/3"), None, None))
    path = tmp_path / "pole-sans-entreprise.ttl"
    graph.serialize(path, format="turtle")
    outcome = {}
    for rules, code in (("call", 1), ("legal", 0), ("quality", 0)):
        assert main(["validate", str(path), "--rules", rules, "--format", "json"]) == code
        report = json.loads(capsys.readouterr().out)
        assert report["rules"] == [rules]
        outcome[rules] = {(r["rule"], r["severity"]) for r in report["results"]}
    assert outcome == {
        "call": {("AAP-NONESS", "Violation")},
        "legal": {("ART9-NONESS-ENTERPRISE", "Warning")},
        "quality": set(),
    }


def test_internal_error_is_exit_3_without_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import ptce_kg.cli.validate as command

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(command, "validate_files", broken)
    assert main(["validate", str(BASE)]) == 3
    err = capsys.readouterr().err
    assert "simulated bug" in err and "Traceback" not in err


def test_warnings_only_exit_0_and_are_shown(
    failing_pole: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(failing_pole), "--rules", "quality"]) == 0
    out = capsys.readouterr().out
    assert "QUAL-LABEL" in out and "Avertissement" in out


def test_turtle_is_the_standard_shacl_report(
    failing_pole: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(failing_pole), "--format", "turtle"]) == 1
    graph = rdflib.Graph().parse(data=capsys.readouterr().out, format="turtle")
    report = next(graph.subjects(rdflib.RDF.type, SH.ValidationReport))
    assert graph.value(report, SH.conforms) == rdflib.Literal(False)
    severities = {graph.value(r, SH.resultSeverity) for r in graph.objects(report, SH.result)}
    assert severities == {SH.Violation, SH.Warning}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.external: list[str] = []
        self.headings: list[str] = []
        self.heading_links: list[str] = []
        self._heading = ""  # the h2 or h3 being read, its link included

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in ("h2", "h3"):
            self._heading = tag
        elif tag == "a" and self._heading:
            self.heading_links.append(attributes.get("href") or "")
        if tag in ("script", "img", "iframe") or (
            tag == "link" and attributes.get("rel") == "stylesheet"
        ):
            self.external.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == self._heading:
            self._heading = ""

    def handle_data(self, data: str) -> None:
        if self._heading and data.strip():
            self.headings.append(f"{self._heading}:{data.strip()}")


def test_html_is_self_contained_and_grouped(failing_pole: Path, tmp_path: Path) -> None:
    out = tmp_path / "rapport.html"
    assert main(["validate", str(failing_pole), "--format", "html", "-o", str(out)]) == 1
    page = _Page()
    page.feed(out.read_text(encoding="utf-8"))
    assert page.external == []
    assert "h2:Pôle de test (exemple fictif)" in page.headings  # grouped by pole
    assert "h3:exemple-scop" in page.headings  # then by organisation (no name: the end of its IRI)
    # a file is read away from the service: its focus nodes link to their w3id IRIs
    assert "https://w3id.org/ptce/id/org/exemple-scop" in page.heading_links
    assert all(link.startswith("https://w3id.org/ptce/") for link in page.heading_links)


@pytest.mark.parametrize(
    ("suffix", "fmt"),
    [(".nt", "nt"), (".trig", "trig"), (".nq", "nquads"), (".jsonld", "json-ld"), (".rdf", "xml")],
)
def test_every_rdf_syntax_gives_the_same_report(
    suffix: str, fmt: str, failing_pole: Path, tmp_path: Path
) -> None:
    graph = rdflib.Dataset()
    graph.graph(rdflib.URIRef("https://w3id.org/ptce/graph/pole/test-exemple")).parse(failing_pole)
    if fmt in ("nt", "xml"):
        graph = graph.graph(rdflib.URIRef("https://w3id.org/ptce/graph/pole/test-exemple"))
    path = tmp_path / f"pole{suffix}"
    graph.serialize(path, format=fmt)
    expected = validate_files([failing_pole])
    report = validate_files([path])
    assert [(r.rule, r.focus) for r in report.results] == [
        (r.rule, r.focus) for r in expected.results
    ]


def test_input_format_option(
    failing_pole: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    renamed = tmp_path / "pole.data"
    renamed.write_bytes(failing_pole.read_bytes())
    assert main(["validate", str(renamed), "--input-format", "turtle"]) == 1
    assert main(["validate", str(renamed), "--input-format", "klingon"]) == 2
    assert "unknown RDF syntax" in capsys.readouterr().err


def test_several_files_validated_together(tmp_path: Path) -> None:
    """A pole split over two files conforms only when both are given."""
    graph = rdflib.Graph().parse(BASE)
    strategy = rdflib.URIRef("https://w3id.org/ptce/id/strategy/test-exemple/1")
    part = rdflib.Graph()
    for triple in graph.triples((strategy, None, None)):
        part.add(triple)
        graph.remove(triple)
    first, second = tmp_path / "pole.ttl", tmp_path / "strategie.ttl"
    graph.serialize(first, format="turtle")
    part.serialize(second, format="turtle")
    assert validate_files([first, second]).counts == {"Violation": 0, "Warning": 0, "Info": 0}
    assert validate_files([first]).rule_ids() == {"ART9-STRATEGY-EXISTS"}  # strategy not described


def test_spreadsheet_example_validates(capsys: pytest.CaptureFixture[str]) -> None:
    """The filled template (xlsx) goes through the template's reader, then the shapes."""
    workbook = template_file("ptce-modele-exemple.xlsx")
    assert main(["validate", str(workbook), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["conforms"] is True
    assert report["counts"]["Violation"] == 0
    assert all(r["rule"] != "UNIDENTIFIED" and r["focus_label"] for r in report["results"])


def table_error_folder(tmp_path: Path) -> Path:
    """The example's CSV files with one bad legal form (membres, row 2, forme_juridique)."""
    folder = example_folder(tmp_path / "pole")
    members = folder / "membres.csv"
    lines = members.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",9220,", ",ABCD,")
    members.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_spreadsheet_table_error_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(table_error_folder(tmp_path))]) == 2
    err = capsys.readouterr().err
    assert "membres" in err and "ligne 2" in err and "forme_juridique" in err
    assert "Traceback" not in err


BAD_CELL = {"sheet": "membres", "row": 2, "column": "forme_juridique", "field": "forme_juridique"}
STALE = "Conforme : aucune violation."


@pytest.mark.parametrize("fmt", ["json", "html", "text", "turtle", "csv"])
def test_a_failure_never_leaves_a_stale_report(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """-o after exit 2: the previous report is replaced by a report of the failure (removed in
    turtle and csv, which cannot say it), so nobody reads an old green report as this file's."""
    folder = table_error_folder(tmp_path)
    target = tmp_path / f"rapport.{fmt}"
    target.write_text(STALE, encoding="utf-8")
    assert main(["validate", str(folder), "--format", fmt, "-o", str(target)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "forme_juridique" in captured.err
    if fmt in ("turtle", "csv"):
        assert not target.exists()
        return
    text = target.read_text(encoding="utf-8")
    assert STALE not in text
    if fmt == "json":
        document = json.loads(text)
        assert document["conforms"] is None and document["error"] == "TableErrors"
        assert [BAD_CELL.items() <= entry.items() for entry in document["errors"]] == [True]
    else:
        assert "Pas de rapport" in text and "forme_juridique" in text and "ligne 2" in text
    if fmt == "html":
        parser = HTMLParser()
        parser.feed(text)
        assert 'class="verdict ko"' in text and "membres" in text


@pytest.mark.parametrize("fmt", ["json", "html"])
def test_a_failure_without_output_prints_its_report(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(table_error_folder(tmp_path)), "--format", fmt]) == 2
    out = capsys.readouterr().out
    if fmt == "json":
        assert json.loads(out)["errors"][0]["column"] == "forme_juridique"
    else:
        assert out.lstrip().startswith("<!DOCTYPE html>") and "forme_juridique" in out


def test_json_is_printed_whatever_the_exit_code(
    failing_pole: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    outcomes = {}
    for name, args in {
        "conforms": [str(BASE)],
        "violations": [str(failing_pole)],
        "missing file": [str(tmp_path / "absent.ttl")],
        "unknown syntax": [str(BASE), "--input-format", "klingon"],
    }.items():
        code = main(["validate", *args, "--format", "json", "--lang", "en"])
        outcomes[name] = (code, json.loads(capsys.readouterr().out))
    import ptce_kg.cli.validate as command

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(command, "validate_files", broken)
    code = main(["validate", str(BASE), "--format", "json"])
    outcomes["internal error"] = (code, json.loads(capsys.readouterr().out))

    assert {name: (code, doc["conforms"]) for name, (code, doc) in outcomes.items()} == {
        "conforms": (0, True),
        "violations": (1, False),
        "missing file": (2, None),
        "unknown syntax": (2, None),
        "internal error": (3, None),
    }
    missing = outcomes["missing file"][1]
    assert missing["error"] == "InputError"
    assert missing["errors"] == [
        {"where": str(tmp_path / "absent.ttl"), "message": "no such file or folder"}
    ]
    assert outcomes["internal error"][1]["error"] == "InternalError"
    assert "simulated bug" in outcomes["internal error"][1]["detail"]


def test_report_names_the_file_its_sha256_the_date_and_the_rule_set_versions(
    failing_pole: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every report says what was validated (file, SHA-256), when, and with which version of
    each rule set (and the date of the law text it encodes)."""
    import hashlib

    digest = hashlib.sha256(failing_pole.read_bytes()).hexdigest()
    argv = ["validate", str(failing_pole), "--rules", "legal,esus", "--as-of", "2025-01-01"]
    assert main([*argv, "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["inputs"] == [{"file": str(failing_pole), "sha256": digest}]
    assert report["date"] == "2025-01-01"
    assert [(v["name"], v["version"]) for v in report["rule_set_versions"]] == [
        ("esus", "1.0.0"),
        ("legal", "1.1.0"),
    ]
    assert all(v["law_date"] for v in report["rule_set_versions"])
    for fmt in ("text", "html", "csv"):
        assert main([*argv, "--format", fmt]) == 1
        out = capsys.readouterr().out
        assert digest in out and "2025-01-01" in out and "legal 1.1.0 (2019-05-22)" in out, fmt


def test_csv_report_has_one_row_per_result_with_the_json_columns(
    failing_pole: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import csv
    import io

    assert main(["validate", str(failing_pole), "--format", "json"]) == 1
    results = json.loads(capsys.readouterr().out)["results"]
    assert main(["validate", str(failing_pole), "--format", "csv"]) == 1
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == len(results)
    assert set(results[0]) - {"location"} <= set(rows[0])
    assert {"file", "sheet", "row", "column"} <= set(rows[0])
    assert [(r["rule"], r["message"]) for r in rows] == [(r["rule"], r["message"]) for r in results]


def test_an_earlier_rule_set_version_stays_selectable(capsys: pytest.CaptureFixture[str]) -> None:
    """legal@1.0.0 is the legal set before ART9-ENTERPRISE-PARTNER followed the rules table: a
    pole of two associations and a commune passed it; the current version (1.1.0) warns."""
    from tests.validation.test_validation_rules import CASES, case_graph

    case = next(c for c in CASES if c["name"].startswith("a pole of two associations"))
    fired = {}
    for selection in ("legal@1.0.0", "legal", "legal@1.1.0"):
        report = validate(case_graph(case), rules=selection, lang="en")
        fired[selection] = {r.rule for r in report.results}
        [version] = report.rule_set_versions
        assert version.version == ("1.0.0" if selection == "legal@1.0.0" else "1.1.0")
    assert "ART9-ENTERPRISE-PARTNER" not in fired["legal@1.0.0"]
    assert "ART9-ENTERPRISE-PARTNER" in fired["legal"]
    assert fired["legal"] == fired["legal@1.1.0"]
    assert main(["validate", str(BASE), "--rules", "legal@0.9"]) == 2
    assert "no version '0.9'" in capsys.readouterr().err
