"""Parameter checking and binding: typed values, allowed values, clear errors naming the
parameter, hostile strings bound as literals; and the catalogue's own header checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode

from ptce_kg.errors import InputError, QueryError
from ptce_kg.sparql.catalogue import Catalogue, Param, ParameterError, load_catalogue, read_query

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize(
    ("name", "params", "parameter", "why"),
    [
        ("pole-members", {"pole": "not an iri"}, "pole", "not an absolute http(s) IRI"),
        ("pole-members", {"pole": "https://w3id.org/ptce/id/pole/a b"}, "pole", "IRI"),
        ("pole-members", {"pole": "javascript:alert(1)"}, "pole", "IRI"),
        ("pole-members", {"role": "boss"}, "role", "not one of"),
        (
            "pole-members",
            {"category": "https://w3id.org/ptce/vocab/theme/mobility"},
            "category",
            "not one of",
        ),
        ("cooperation-levels", {"level": "joint-tender"}, "level", "not one of"),
        ("jobs-by-pole", {"since": "2025-13-01"}, "since", "not a calendar date"),
        ("jobs-by-pole", {"since": "last year"}, "since", "xsd:date"),
        ("eligible-poles-state-call", {"onlyEligible": "yes"}, "onlyEligible", "not a boolean"),
        ("organisation-by-siren", {"siren": "12345"}, "siren", "does not match"),
        ("organisation-by-siren", {}, "siren", "required"),
        ("ess-population-by-family", {}, "area", "required"),
        ("poles-search", {"txt": "x"}, "txt", "unknown parameter"),
    ],
)
def test_bad_parameter_names_it_and_says_why(
    catalogue: Catalogue, name, params, parameter, why
) -> None:
    query = catalogue.get(name)
    with pytest.raises(QueryError) as caught:
        query.bind(params)
    assert isinstance(caught.value, ParameterError)
    assert caught.value.parameter == parameter
    assert parameter in str(caught.value) and why in str(caught.value)
    assert caught.value.http_status == 422 and caught.value.exit_code == 2


def test_values_are_bound_as_typed_terms(catalogue: Catalogue) -> None:
    members = catalogue.get("pole-members").bind({"pole": "sarthe-exemple", "role": "founder"})
    assert members == {
        "pole": NamedNode("https://w3id.org/ptce/id/pole/sarthe-exemple"),
        "role": NamedNode("https://w3id.org/ptce/vocab/member-role/founder"),
    }  # category left out: its variable stays free
    full = "https://w3id.org/ptce/vocab/member-role/founder"
    assert catalogue.get("pole-members").bind({"role": full})["role"] == NamedNode(full)
    jobs = catalogue.get("jobs-by-pole").bind({})
    assert jobs == {"since": Literal("1900-01-01", datatype=NamedNode(XSD + "date"))}  # the default
    flag = catalogue.get("eligible-poles-state-call").bind({"onlyEligible": "1"})
    assert flag["onlyEligible"] == Literal("true", datatype=NamedNode(XSD + "boolean"))


@pytest.mark.parametrize(
    ("kind", "good", "bad"),
    [
        ("integer", "-42", "4.2"),
        ("decimal", "3.25", "3,25"),
        ("gYear", "2024", "24"),
        ("date", "2024-02-29", "2023-02-29"),
    ],
)
def test_scalar_types(kind: str, good: str, bad: str) -> None:
    param = Param(name="x", type=kind)
    assert param.term(good) == Literal(good, datatype=NamedNode(XSD + kind))
    with pytest.raises(ParameterError, match="'x'"):
        param.term(bad)


def test_injection_string_is_a_literal_and_changes_nothing(
    catalogue: Catalogue, run, demo_store
) -> None:
    before = sum(g.triples for g in demo_store.graphs())
    hostile = '"} ; DROP ALL ; {'
    assert catalogue.get("poles-search").bind({"text": hostile}) == {"text": Literal(hostile)}
    assert run("poles-search", text=hostile) == []
    assert run("poles-search", text='") } } UNION { ?s ?p ?o } #') == []
    assert sum(g.triples for g in demo_store.graphs()) == before
    assert run("poles-search", text="Estuaire")  # the store still answers normally


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.rq"
    path.write_text(text, encoding="utf-8")
    return path


BODY = "SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x\n"


@pytest.mark.parametrize(
    ("header", "field", "message"),
    [
        ("", "", "#+ YAML header"),
        ("#+ summary: [unclosed\n", "", "not valid YAML"),
        ("#+ summary: {fr: Bonjour}\n", "summary", "French and an English"),
        ("#+ summary: s\n#+ params:\n#+   y: {type: iri}\n", "params.y", "no variable ?y"),
        ("#+ summary: s\n#+ params:\n#+   x: {type: colour}\n", "params.x", "unknown type"),
        (
            "#+ summary: s\n#+ params:\n#+   x: {type: 'concept:nope'}\n",
            "params.x",
            "unknown concept scheme",
        ),
        (
            "#+ summary: s\n#+ params:\n#+   x: {type: 'concept:theme', allowed: [jazz]}\n",
            "params.x",
            "not in scheme",
        ),
        (
            "#+ summary: s\n#+ params:\n#+   x: {type: date, default: soon}\n",
            "params.x",
            "bad default",
        ),
        ("#+ summary: s\n#+ tags: oops\n", "tags", "list of strings"),
    ],
)
def test_bad_catalogue_file_is_refused_with_file_and_field(
    tmp_path: Path, header: str, field: str, message: str
) -> None:
    path = _write(tmp_path, "broken", header + BODY)
    with pytest.raises(InputError) as caught:
        read_query(path)
    assert (
        str(path) in str(caught.value)
        and field in str(caught.value)
        and message in str(caught.value)
    )


def test_bound_on_a_parameter_is_refused(tmp_path: Path) -> None:
    header = "#+ summary: s\n#+ params:\n#+   x: {type: iri}\n"
    text = header + "SELECT ?x WHERE { ?s ?p ?o FILTER(!BOUND(?x)) } ORDER BY ?s\n"
    with pytest.raises(InputError, match="COALESCE"):
        read_query(_write(tmp_path, "bound", text))


def test_catalogue_from_another_folder(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "one",
        "#+ summary_fr: Un\n#+ summary_en: One\n#+ tags: [t]\n"
        "#+ params:\n#+   - x: {type: string, default: a}\n" + BODY,
    )
    catalogue = load_catalogue(tmp_path)
    assert catalogue.names() == ["one"]
    query = catalogue.get("one")
    assert query.summary == {"fr": "Un", "en": "One"} and query.description == query.summary
    assert query.bind({}) == {"x": Literal("a")}
    assert catalogue.get("two") is None
