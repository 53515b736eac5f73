"""The IRI helpers of ptce_kg/rdf/iris.py mint the IRIs of docs/design.md §1 and, like the PTCE
namespace's ``_fail``, refuse a key that would make another IRI."""

from __future__ import annotations

import pytest

from ptce_kg.rdf import iris


def test_iris_are_those_of_the_design() -> None:
    assert iris.pole_iri("sarthe-exemple") == "https://w3id.org/ptce/id/pole/sarthe-exemple"
    assert iris.pole_graph("sarthe-exemple") == "https://w3id.org/ptce/graph/pole/sarthe-exemple"
    assert iris.legal_unit_iri("123456789") == "https://w3id.org/ptce/id/org/123456789"
    assert (
        iris.establishment_iri("12345678900011")
        == "https://w3id.org/ptce/id/establishment/12345678900011"
    )
    assert (
        iris.support_iri("sarthe-exemple", 1) == "https://w3id.org/ptce/id/support/sarthe-exemple/1"
    )
    assert iris.commune_iri("72181") == "http://id.insee.fr/geo/commune/72181"
    assert (
        iris.commune_iri("75101", "ARM") == "http://id.insee.fr/geo/arrondissementMunicipal/75101"
    )
    assert iris.epci_iri("247200132") == "http://id.insee.fr/geo/intercommunalite/247200132"
    assert (
        iris.naf_iri("sous-classe", "88.99B") == "http://id.insee.fr/codes/nafr2/sousClasse/88.99B"
    )
    assert iris.legal_form_iri("5710") == "https://w3id.org/ptce/vocab/legal-form/5710"
    assert iris.NAF_SCHEME == "http://id.insee.fr/codes/nafr2/naf"


@pytest.mark.parametrize(
    ("helper", "key"),
    [
        (iris.pole_iri, "Bad_Id"),
        (iris.pole_iri, "a/b"),
        (iris.pole_graph, ""),
        (iris.territory_iri, "-x"),
        (iris.legal_unit_iri, "12345678"),
        (iris.establishment_iri, "123456789"),
        (iris.org_iri, "a b"),
        (iris.commune_iri, "72 181"),
        (iris.departement_iri, "72/1"),
        (iris.legal_form_iri, "<5710>"),
    ],
)
def test_a_key_that_would_make_another_iri_is_refused(helper, key: str) -> None:
    with pytest.raises(ValueError, match="no IRI is made of it"):
        helper(key)
