"""ptce_kg.rdf.parsing: syntax detection, located errors, refusals, size cap (no network: guarded)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib

from ptce_kg.errors import InputError, InputTooLarge, UnsafeInputError
from ptce_kg.rdf import parsing as rdfio
from ptce_kg.validation import validate

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("a.ttl", "turtle"),
        ("a.TTL", "turtle"),
        ("a.trig", "trig"),
        ("a.nt", "nt"),
        ("a.nq", "nquads"),
        ("a.jsonld", "json-ld"),
        ("a.json", "json-ld"),
        ("a.rdf", "xml"),
        ("a.owl", "xml"),
        ("a.xml", "xml"),
    ],
)
def test_guess_format(name: str, fmt: str) -> None:
    assert rdfio.guess_format(Path(name)) == fmt


def test_unknown_extension() -> None:
    with pytest.raises(InputError, match="unknown RDF file extension"):
        rdfio.guess_format(Path("pole.docx"))


def test_n_triples_error_has_the_line(no_network: list[str]) -> None:
    data = b"<https://e.org/a> <https://e.org/b> <https://e.org/c> .\n<a> b c .\n"
    with pytest.raises(InputError) as error:
        rdfio.parse_bytes(data, "nt", "pole.nt")
    assert error.value.where == "pole.nt:2"


def test_rdf_xml_error_has_the_line(no_network: list[str]) -> None:
    """pyoxigraph gives no position for RDF/XML; the XML well-formedness error does."""
    data = (
        b'<?xml version="1.0"?>\n'
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        b'  <rdf:Description rdf:about="https://e.org/a">\n'
        b"    <ex:b>c</ex:b>\n"
        b"  </rdf:Description>\n"
        b"</rdf:RDF>\n"
    )
    with pytest.raises(InputError, match="prefix") as error:
        rdfio.parse_bytes(data, "xml", "pole.rdf")
    assert error.value.where == "pole.rdf:4"


def test_json_syntax_error_has_the_line(no_network: list[str]) -> None:
    with pytest.raises(InputError) as error:
        rdfio.parse_bytes(b'{\n  "@id": "https://e.org/a",\n  oops\n}', "json-ld", "pole.jsonld")
    assert error.value.where == "pole.jsonld:3"


@pytest.mark.parametrize(
    "context",
    ["https://schema.org/", ["file:///etc/passwd"], [{"a": "https://e.org/a"}, "x.jsonld"]],
)
def test_json_ld_context_by_reference_refused(context: object, no_network: list[str]) -> None:
    body = json.dumps({"@context": context, "@id": "https://e.org/a"}).encode()
    with pytest.raises(UnsafeInputError):
        rdfio.parse_bytes(body, "json-ld", "upload.jsonld")


def test_json_ld_import_refused(no_network: list[str]) -> None:
    body = json.dumps(
        {"@context": {"@import": "https://e.org/ctx", "a": "https://e.org/a"}}
    ).encode()
    with pytest.raises(UnsafeInputError, match="@import"):
        rdfio.parse_bytes(body, "json-ld", "upload.jsonld")


def test_size_cap(tmp_path: Path) -> None:
    path = tmp_path / "big.ttl"
    path.write_bytes(b"# " + b"x" * 2000 + b"\n")
    with pytest.raises(InputTooLarge, match="too large"):
        rdfio.parse_file(path, max_bytes=1000)
    with pytest.raises(InputTooLarge, match="too large"):
        rdfio.parse_bytes(path.read_bytes(), "turtle", "big.ttl", max_bytes=1000)


@pytest.mark.parametrize(
    ("fmt", "template"),
    [
        ("turtle", b'<https://e.org/a> <https://e.org/b> "%s" .'),
        ("turtle", b"<https://e.org/a> <https://e.org/b> <https://e.org/%s> ."),
        ("nt", b'<https://e.org/a> <https://e.org/b> "%s" .'),
        ("nquads", b'<https://e.org/a> <https://e.org/b> "%s" <https://e.org/g> .'),
        ("trig", b'<https://e.org/g> { <https://e.org/a> <https://e.org/b> "%s" . }'),
    ],
    ids=["turtle-literal", "turtle-iri", "nt", "nquads", "trig"],
)
def test_a_term_past_the_parser_buffer_is_an_input_error(fmt: str, template: bytes) -> None:
    """pyoxigraph holds one term in a 16 MiB buffer and raises MemoryError past it: that is a
    limit of the input (413, the limit named), not the machine running out of memory."""
    data = template % (b"a" * (17 * 10**6))
    with pytest.raises(InputTooLarge, match=r"parser's limit of 16 MiB") as caught:
        rdfio.parse_bytes(data, fmt, "big")
    assert caught.value.where == "big" and caught.value.http_status == 413


def test_parse_gives_a_dataset_with_named_graphs(no_network: list[str]) -> None:
    trig = b"<https://e.org/g> { <https://e.org/a> <https://e.org/b> <https://e.org/c> . }"
    dataset = rdfio.parse_bytes(trig, "trig", "pole.trig")
    assert isinstance(dataset, rdflib.Dataset)
    assert rdflib.URIRef("https://e.org/g") in {g.identifier for g in dataset.graphs()}


def test_validate_refuses_owl_imports_in_a_graph() -> None:
    graph = rdflib.Graph().parse(DATA / "owl-imports.ttl")
    with pytest.raises(UnsafeInputError, match="owl:imports is not followed"):
        validate(graph)


def test_validate_accepts_a_tuple_of_rule_sets() -> None:
    graph = rdflib.Graph().parse(DATA / "base-pole.ttl")
    graph.remove((None, rdflib.URIRef("https://w3id.org/ptce/ontology#strategy"), None))
    report = validate(graph, rules=("legal", "quality"))
    assert report.rules == ("legal", "quality")
    assert report.rule_ids() == {"ART9-STRATEGY-EXISTS"}
    with pytest.raises(InputError, match="unknown rule set"):
        validate(graph, rules="ethics")
