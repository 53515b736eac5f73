"""The columns of every catalogue query, run with its defaults on the init data plus the
fictitious pole that shares members (so that every query has rows): each IRI column has its
label column beside it, bound wherever the graph labels the IRI; no column is empty because a
parameter was left unset."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pyoxigraph import NamedNode
from rdflib.namespace import RDFS, SKOS

from ptce_kg.rdf.namespaces import IGEO, PTCE
from ptce_kg.runtime.query_service import QueryService
from ptce_kg.settings import Settings
from ptce_kg.sparql.catalogue import Catalogue, NamedQuery
from ptce_kg.store import OxigraphStore
from tests.helpers.catalogue import catalogue_answer

# What the graph names things with: labels (any language), SKOS labels, COG names.
LABELS = (RDFS.label, SKOS.prefLabel, IGEO.nom)
REGION = "http://id.insee.fr/geo/region/52"


@pytest.fixture(scope="module")
def service(shared_store: OxigraphStore) -> Iterator[QueryService]:
    service = QueryService(Settings(), shared_store)
    yield service
    service.close()


@pytest.fixture(scope="module")
def labelled(shared_store: OxigraphStore) -> set[str]:
    """Every IRI that has a label in the store."""
    return {
        quad.subject.value
        for predicate in LABELS
        for quad in shared_store.raw.quads_for_pattern(None, NamedNode(predicate), None)
    }


@pytest.fixture(scope="module")
def required(shared_store: OxigraphStore) -> dict[str, str]:
    """Values for the required parameters: a région with ESS units, a member's SIREN."""
    sirens = sorted(
        q.object.value
        for q in shared_store.raw.quads_for_pattern(None, NamedNode(PTCE.siren), None)
    )
    return {"area": REGION, "siren": sirens[0]}


def with_defaults(query: NamedQuery, required: dict[str, str]) -> dict[str, str]:
    return {p.name: required[p.name] for p in query.params if p.required}


def test_every_query_has_rows(catalogue: Catalogue, service, required) -> None:
    for query in catalogue:
        document = catalogue_answer(service, query, with_defaults(query, required))
        rows = document["results"]["bindings"]
        assert rows, f"{query.name} has no rows: its columns would go unchecked"


def test_every_iri_column_has_its_label_beside_it(
    catalogue: Catalogue, service, required, labelled: set[str]
) -> None:
    checked = 0
    for query in catalogue:
        document = catalogue_answer(service, query, with_defaults(query, required))
        columns, rows = document["head"]["vars"], document["results"]["bindings"]
        for index, column in enumerate(columns):
            cells = [row[column] for row in rows if column in row]
            if not cells or any(cell["type"] != "uri" for cell in cells):
                continue
            label = f"{column}Label"
            assert columns[index + 1 : index + 2] == [label], (
                f"{query.name}: the IRI column ?{column} needs ?{label} right after it"
            )
            for row in rows:
                if column in row and row[column]["value"] in labelled:
                    assert label in row, f"{query.name}: no ?{label} for {row[column]['value']}"
            checked += 1
    assert checked >= 30


def test_no_column_is_empty_because_a_parameter_is_unset(
    catalogue: Catalogue, service, required
) -> None:
    dropped = []
    for query in catalogue:
        document = catalogue_answer(service, query, with_defaults(query, required))
        rows = document["results"]["bindings"]
        unset = {p.name for p in query.params if not p.required and p.default is None}
        for column in document["head"]["vars"]:
            assert column not in unset or any(column in row for row in rows), (
                f"{query.name}: ?{column} (parameter left unset) is empty in every row"
            )
        dropped += [f"{query.name}:{name}" for name in query.unset_columns]
    assert dropped == ["pole-members:category"]  # the query that needed the rule


def test_a_parameter_that_is_set_keeps_its_column(catalogue: Catalogue, service) -> None:
    members = catalogue.get("pole-members")
    document = catalogue_answer(service, members, {"category": "ess-enterprise"})
    assert "category" in document["head"]["vars"]
    assert {row["category"]["value"] for row in document["results"]["bindings"]} == {
        f"{members.param('category').base}ess-enterprise"
    }
