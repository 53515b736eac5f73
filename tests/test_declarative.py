"""SPARQL lives in `.rq` files and RDF terms come from the generated namespaces: no `.py` file
outside the allowed places holds a SPARQL statement or spells out an IRI of a namespace we use
(docs/design.md §module layout). Docstrings and comments are prose and are not counted."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "ptce_kg"

# A SPARQL statement, not a word in a sentence: a query form or update operation followed by
# what follows it in SPARQL.
SPARQL = re.compile(
    r"\b(?:SELECT\s+(?:DISTINCT\s+|REDUCED\s+)?[?*(]|CONSTRUCT\s*(?:\{|WHERE)|ASK\s*\{|DESCRIBE\s+[?<]"
    r"|INSERT\s+(?:DATA\s*)?\{|DELETE\s+(?:DATA\s*|WHERE\s*)?\{|WHERE\s*\{|GRAPH\s+[?<]"
    r"|PREFIX\s+\w*:\s*<)"
)  # upper case, as this project writes SPARQL: "writing graph <…>" in a message is prose
# Namespaces whose IRIs are defined once, in ptce_kg/rdf/.
IRI = re.compile(
    r"https?://(?:w3id\.org/ptce|id\.insee\.fr|rdf\.insee\.fr|www\.w3\.org/ns/|purl\.org/dc/"
    r"|www\.w3\.org/(?:1999/02/22-rdf|2000/01/rdf-schema|2002/07/owl|2004/02/skos|ns/shacl)"
    r"|schema\.org|xmlns\.com/foaf)"
)
# Where spelling them out is the job: the namespaces and IRI helpers, the query guard's lexer
# (it names SPARQL keywords to recognise them), the store's generic plumbing.
ALLOWED = {
    SPARQL: {
        "sparql/guard.py",
        # Updates built from a graph and its triples, naming no domain term: adding triples
        # (after a bound .rq update, in one transaction), swapping a graph's content, the
        # chunked delete (its graph sits inside a sub-select, where no VALUES binding reaches),
        # dropping a graph, asking whether it is empty.
        "store/updates.py",
    },
    IRI: {"rdf/namespaces.py", "rdf/graphs.py", "rdf/iris.py"},
}


def strings(path: Path) -> list[tuple[int, str]]:
    """String constants of a module that are not docstrings, with their line numbers."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def offences(package: Path, pattern: re.Pattern[str]) -> list[str]:
    allowed = ALLOWED[pattern]
    found = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package).as_posix()
        if relative in allowed:
            continue
        lines = {line: text for line, text in strings(path) if pattern.search(text)}
        found += [
            f"ptce_kg/{relative}:{line}: {text[:60]!r}" for line, text in sorted(lines.items())
        ]
    return found


def test_no_sparql_in_python() -> None:
    assert offences(PACKAGE, SPARQL) == []


def test_no_iri_spelt_out_in_python() -> None:
    assert offences(PACKAGE, IRI) == []


@pytest.mark.parametrize(
    ("pattern", "source"),
    [
        (SPARQL, 'Q = "SELECT ?s WHERE { ?s ?p ?o }"\n'),
        (
            SPARQL,
            'def f(g):\n    return f"DROP GRAPH <{g}> ; INSERT DATA {{ GRAPH <{g}> {{ }} }}"\n',
        ),
        (IRI, 'POLE = "https://w3id.org/ptce/id/pole/{}"\n'),
        (IRI, 'def f(code):\n    return f"http://id.insee.fr/geo/commune/{code}"\n'),
    ],
    ids=["select", "f-string update", "pole iri", "commune iri f-string"],
)
def test_an_offence_is_found(tmp_path: Path, pattern: re.Pattern[str], source: str) -> None:
    (tmp_path / "kg").mkdir()
    (tmp_path / "kg" / "extra.py").write_text(
        '"""SELECT ?s WHERE { } in a docstring is prose."""\n' + source
    )
    assert len(offences(tmp_path, pattern)) == 1
