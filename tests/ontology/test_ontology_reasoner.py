"""HermiT (through owlready2) on the ontology, an example dataset and contradictory data."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from rdflib import OWL, RDF, Graph

from ptce_kg.cli import main
from ptce_kg.errors import (
    EXIT_INPUT,
    EXIT_NONCONFORMANT,
    EXIT_OK,
    InputError,
    ReasonerUnavailable,
    UnsafeInputError,
)
from ptce_kg.ontology.reasoning import load_data, ontology_files, reason
from ptce_kg.rdf.namespaces import ORG, PTCE

DATA = Path(__file__).parent / "data"
needs_java = pytest.mark.skipif(
    shutil.which("java") is None, reason="no `java` on PATH: HermiT cannot run"
)


@pytest.mark.reasoner
@needs_java
def test_ontology_is_consistent_with_no_unsatisfiable_class() -> None:
    report = reason([])
    assert report.consistent
    assert report.unsatisfiable == []
    assert report.ok


def test_example_pole_holds_what_the_issue_asks_for() -> None:
    # the HermiT test below is only meaningful if the example has all these parts
    g = load_data(DATA / "example-pole.ttl")
    org, ptce, vocab = ORG, PTCE, "https://w3id.org/ptce/vocab/actor-category/"
    poles = list(g.subjects(RDF.type, ptce.Pole))
    assert len(poles) == 1
    members = set(g.objects(None, org.member))
    assert any((m, RDF.type, ptce.NaturalPerson) in g for m in members)
    categories = {str(c) for m in members for c in g.objects(m, ptce.actorCategory)}
    assert len(categories) >= 3 and vocab + "natural-person" in categories, categories
    for kind in (ptce.Cooperation, ptce.CommonStrategy, ptce.Project, ptce.PartnerLink):
        assert (None, RDF.type, kind) in g, kind
    cooperation = g.value(None, RDF.type, ptce.Cooperation)
    assert len(set(g.objects(cooperation, ptce.participant))) >= 2


@pytest.mark.reasoner
@needs_java
def test_example_pole_with_a_natural_person_member_is_consistent() -> None:
    report = reason([DATA / "example-pole.ttl"])
    assert report.ok, report.to_text()


@pytest.mark.reasoner
@needs_java
def test_individual_both_natural_person_and_legal_unit_is_inconsistent(capsys) -> None:
    report = reason([DATA / "contradictory.ttl"])
    assert not report.consistent
    assert [c.node for c in report.conflicts] == [
        "https://w3id.org/ptce/id/person/exemple-contradiction"
    ]
    assert "ptce:NaturalPerson" in str(report.conflicts[0])
    assert main(["reason", str(DATA / "contradictory.ttl")]) == EXIT_NONCONFORMANT
    assert "consistent: NO" in capsys.readouterr().out


@pytest.mark.reasoner
@needs_java
def test_conflict_through_a_domain_names_the_property() -> None:
    report = reason([DATA / "contradictory-by-domain.ttl"])
    assert not report.consistent
    assert "ptce:hasEstablishment" in str(report.conflicts[0])


@pytest.mark.reasoner
@needs_java
def test_cli_exit_zero_on_consistent_data(capsys) -> None:
    assert main(["reason", str(DATA / "example-pole.ttl")]) == EXIT_OK
    assert "consistent: yes" in capsys.readouterr().out


def test_missing_java_is_a_clear_error(monkeypatch, tmp_path: Path, capsys) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ReasonerUnavailable, match="Java"):
        reason([])
    assert main(["reason"]) == EXIT_INPUT
    assert "java" in capsys.readouterr().err.lower()
    # a bad data file is still reported as such, with its line, before Java is looked for
    bad = tmp_path / "no-dot.ttl"
    bad.write_text("<x:a> <x:b> <x:c>\n")
    assert main(["reason", str(bad)]) == EXIT_INPUT
    assert f"{bad}:" in capsys.readouterr().err


def test_bad_turtle_is_an_input_error_with_the_line(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix ptce: <https://w3id.org/ptce/ontology#> .\n"
        "<x:a> a ptce:Pole\n"  # the missing dot is reported on line 3
        "<x:b> a ptce:Pole .\n"
    )
    with pytest.raises(InputError) as info:
        load_data(bad)
    assert info.value.where == f"{bad}:3"
    assert main(["reason", str(bad)]) == EXIT_INPUT
    assert f"{bad}:3" in capsys.readouterr().err


def test_json_ld_with_a_remote_context_is_refused(tmp_path: Path) -> None:
    jsonld = tmp_path / "remote-context.jsonld"
    jsonld.write_text('{"@context": "http://127.0.0.1:9/context.jsonld", "@id": "x:a"}')
    with pytest.raises(UnsafeInputError, match="nothing is fetched"):
        load_data(jsonld)


def test_rdf_xml_is_read(tmp_path: Path) -> None:
    rdfxml = tmp_path / "person.rdf"
    rdfxml.write_text(
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="https://w3id.org/ptce/id/person/exemple">'
        '<rdf:type rdf:resource="https://w3id.org/ptce/ontology#NaturalPerson"/>'
        "</rdf:Description></rdf:RDF>"
    )
    assert len(load_data(rdfxml)) == 1


@pytest.fixture
def request_log() -> Iterator[tuple[str, list[str]]]:
    """A real HTTP server on loopback that records every path asked of it."""
    seen: list[str] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            seen.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", seen
    finally:
        server.shutdown()
        server.server_close()


def _headers_declaring(tmp_path: Path, predicate: str, value: str) -> Path:
    """Data that attaches ``predicate value`` to every ontology header the reasoner loads.

    owlready2 acts on the header it meets first (which one depends on hashing), so each gets it.
    """
    headers = Graph()
    for path in ontology_files():
        headers.parse(path, format="turtle")
    lines = [
        f"<{onto}> <{predicate}> {value} ." for onto in headers.subjects(RDF.type, OWL.Ontology)
    ]
    data = tmp_path / "headers.nt"
    data.write_text("\n".join(lines) + "\n")
    return data


def test_owl_imports_in_data_are_refused_and_never_fetched(
    tmp_path: Path, request_log: tuple[str, list[str]]
) -> None:
    base, seen = request_log
    data = _headers_declaring(tmp_path, str(OWL.imports), f"<{base}/evil.owl>")
    with pytest.raises(UnsafeInputError, match="owl:imports is not followed") as info:
        reason([data])  # refused before Java is even looked for
    assert info.value.where == str(data)
    assert seen == []


@pytest.mark.reasoner
@needs_java
def test_owlready_python_module_annotation_is_never_imported(tmp_path: Path) -> None:
    module = "ptce_kg_no_such_module_for_the_reasoner_test"
    owlready = "http://www.lesfleursdunormal.fr/static/_downloads/owlready_ontology.owl#"
    data = _headers_declaring(tmp_path, owlready + "python_module", f'"{module}"')
    assert reason([data]).ok  # owlready2 would raise ModuleNotFoundError on import
    assert module not in sys.modules


def test_hermit_is_stopped_at_the_timeout(tmp_path: Path) -> None:
    from ptce_kg.errors import QueryTimeout

    # a stand-in for a JVM that never answers: the real command line, a process that hangs
    slow_java = tmp_path / "java"
    slow_java.write_text("#!/bin/sh\nexec sleep 30\n")
    slow_java.chmod(0o755)
    with pytest.raises(QueryTimeout, match="stopped"):
        reason([], java=str(slow_java), timeout=1)


@pytest.mark.reasoner
@needs_java
def test_natural_person_member_is_never_inferred_an_organization() -> None:
    # The data adds NaturalPerson ⊓ org:Organization = ∅, so any such inference is a contradiction.
    assert reason([DATA / "person-never-an-organization.ttl"]).ok
    control = reason(
        [
            DATA / "person-never-an-organization.ttl",
            DATA / "actor-category-as-org-classification.ttl",
        ]
    )
    assert not control.consistent
    assert "org:classification" in str(control.conflicts[0])


def test_ill_typed_literal_is_an_input_error(tmp_path: Path) -> None:
    data = tmp_path / "ill-typed.ttl"
    data.write_text(
        "@prefix ptce: <https://w3id.org/ptce/ontology#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        '<https://w3id.org/ptce/id/jobs/exemple> ptce:jobCount "douze"^^xsd:decimal .\n'
    )
    with pytest.raises(InputError, match='ill-typed literal "douze"') as info:
        load_data(data)
    assert "jobCount" in info.value.message and info.value.where == str(data)


@pytest.mark.reasoner
@needs_java
def test_property_kind_misuse_is_reported_not_silently_dropped(tmp_path: Path, capsys) -> None:
    data = tmp_path / "misuse.ttl"
    data.write_text(
        "@prefix ptce: <https://w3id.org/ptce/ontology#> .\n"
        '<https://w3id.org/ptce/id/pole/exemple> a ptce:Pole ; ptce:territory "Sarthe" .\n'
    )
    report = reason([data])
    assert report.consistent and not report.ok
    assert "ptce:territory needs a node" in str(report.misuses[0])
    assert main(["reason", str(data)]) == EXIT_NONCONFORMANT
    assert "not OWL 2 DL" in capsys.readouterr().out


def test_named_graphs_of_trig_and_nquads_are_read(tmp_path: Path) -> None:
    # the triples of a named graph must reach the reasoner, not vanish
    person = "<https://w3id.org/ptce/id/person/exemple>"
    natural = "<https://w3id.org/ptce/ontology#NaturalPerson>"
    trig = tmp_path / "pole.trig"
    trig.write_text(f"<https://w3id.org/ptce/graph/pole/exemple> {{ {person} a {natural} . }}\n")
    nquads = tmp_path / "pole.nq"
    rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    graph = "<https://w3id.org/ptce/graph/pole/exemple>"
    nquads.write_text(f"{person} {rdf_type} {natural} {graph} .\n")
    for path in (trig, nquads):
        assert len(load_data(path)) == 1, path.name


@pytest.mark.reasoner
@needs_java
def test_unsatisfiable_class_is_named_with_its_axioms(capsys) -> None:
    data = DATA / "unsatisfiable-class.ttl"
    report = reason([data])
    assert report.consistent and not report.ok
    assert [c.node for c in report.unsatisfiable] == ["https://example.org/test#PersonAndCompany"]
    why = report.unsatisfiable[0].explanation
    assert "ptce:NaturalPerson" in why and "ptce:LegalUnit ⊑ ptce:Organization" in why
    assert main(["reason", str(data)]) == EXIT_NONCONFORMANT
    out = capsys.readouterr().out
    assert "unsatisfiable classes:" in out and "PersonAndCompany" in out


def test_without_java_the_reasoner_tests_skip_with_a_reason_and_the_rest_runs(
    tmp_path: Path,
) -> None:
    # a PATH with a shell and `sleep` (the timeout test's stand-in JVM) but no `java`
    for tool in ("sh", "sleep"):
        (tmp_path / tool).symlink_to(shutil.which(tool))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", __file__, "-q", "-rs", "-p", "no:cacheprovider",
         "-k", "not without_java"],
        env={**os.environ, "PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:]
    reasoner_tests = [
        name
        for name, test in globals().items()
        if name.startswith("test_")
        and any(m.name == "reasoner" for m in getattr(test, "pytestmark", []))
    ]
    assert reasoner_tests
    assert f"{len(reasoner_tests)} skipped" in done.stdout, done.stdout[-2000:]
    assert "no `java` on PATH: HermiT cannot run" in done.stdout


@pytest.mark.reasoner
@needs_java
def test_shipped_example_poles_are_consistent_with_the_ontology() -> None:
    # the SHACL-nonconformant example too: breaking the law is not an OWL contradiction
    demo = sorted((Path(__file__).resolve().parents[2] / "data" / "demo").glob("*.ttl"))
    assert demo
    report = reason(demo)
    assert report.ok, report.to_text()
