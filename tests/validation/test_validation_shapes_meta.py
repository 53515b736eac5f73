"""The shapes graphs themselves: SHACL-SHACL meta-validation, one rule id per shape, checksums."""

from __future__ import annotations

import pytest
import rdflib
from pyshacl.entrypoints import meta_validate
from rdflib.namespace import DCTERMS, RDF, SH

from ptce_kg.rdf.namespaces import IGEO, PTCE, SHAPES
from ptce_kg.validation.checksums import luhn_valid, siren_valid, siret_valid
from ptce_kg.validation.shapes import RULE_SETS, read_predicates, shapes_file_graph, shapes_graph


def test_shapes_pass_shacl_shacl() -> None:
    """All three shapes files and the helpers, as loaded (with today's date bounds), in one run."""
    conforms, _, text = meta_validate(shapes_graph(RULE_SETS))
    assert conforms, text


def test_read_predicates_are_those_the_chosen_shapes_name() -> None:
    """Paths and targets, the terms of SPARQL constraints (ptce:profit appears only in one of the
    legal set, as a prefixed name) and rdf:type; not a reference predicate no shape reads."""
    legal = read_predicates(("legal",))
    assert {str(PTCE.profit), str(SHAPES.essMember), str(RDF.type)} <= legal
    assert str(IGEO.nom) not in legal
    assert str(PTCE.profit) not in read_predicates(("quality",))


@pytest.mark.parametrize("rule_set", RULE_SETS)
def test_each_rule_shape_is_complete(rule_set: str) -> None:
    graph = shapes_file_graph(rule_set)
    shapes = list(graph.subjects(DCTERMS.identifier, None))
    assert shapes
    for shape in shapes:
        assert len(list(graph.objects(shape, DCTERMS.identifier))) == 1, shape
        assert graph.value(shape, SH.severity) in (SH.Violation, SH.Warning, SH.Info), shape
        languages = {m.language for m in graph.objects(shape, SH.message)}
        assert languages == {"fr", "en"}, shape


@pytest.mark.parametrize("rule_set", RULE_SETS)
def test_every_targeted_shape_is_a_rule(rule_set: str) -> None:
    """A shape with a target raises results on its own: it must carry a rule id (and the
    helper shapes of common.ttl, used only inside rules, have no target)."""
    graph = shapes_file_graph(rule_set)
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    targeted = {s for t in targets for s in graph.subjects(t, None)}
    assert targeted
    assert {s for s in targeted if graph.value(s, DCTERMS.identifier) is None} == set()


def test_rule_sets_are_separate() -> None:
    ids = {
        s: {str(i) for i in shapes_file_graph(s).objects(None, DCTERMS.identifier)}
        for s in RULE_SETS
    }
    assert all(i.startswith("AAP-") for i in ids["call"])
    assert not any(i.startswith("AAP-") for i in ids["legal"] | ids["quality"])
    assert all(i.startswith("QUAL-") for i in ids["quality"])


def test_no_owl_imports_in_shapes() -> None:
    graph = shapes_graph(RULE_SETS)
    assert not list(graph.objects(None, rdflib.OWL.imports))


@pytest.mark.parametrize(
    ("siren", "valid"),
    [
        ("338365059", True),
        ("130025265", True),  # real units of the SIRENE sample
        ("338365058", False),
        ("356000000", True),
        ("12345", None),
        ("33836505A", None),
    ],
)
def test_siren_check_digit(siren: str, valid: bool | None) -> None:
    assert siren_valid(siren) is valid


@pytest.mark.parametrize(
    ("siret", "valid"),
    [
        ("33836505900017", True),
        ("13002526500013", True),  # real head offices of the SIRENE sample
        ("33836505900018", False),
        ("3383650590001", None),
        # La Poste: Luhn does not apply, the sum of the 14 digits must be a multiple of 5
        ("35600000000015", True),
        ("35600000000016", False),
    ],
)
def test_siret_check_digit(siret: str, valid: bool | None) -> None:
    assert siret_valid(siret) is valid


def test_la_poste_exception_differs_from_luhn() -> None:
    assert siret_valid("35600000000015") and not luhn_valid("35600000000015")
