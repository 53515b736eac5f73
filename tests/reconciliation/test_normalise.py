"""French name normalisation and identifier spotting."""

from __future__ import annotations

import pytest

from ptce_kg.reconciliation.normalise import (
    commune_code,
    departement_code,
    identifiers,
    naf_code,
    normalise,
    postcode,
)


@pytest.mark.parametrize(
    ("written", "tokens", "forms"),
    [
        ("Les Restaurants du Cœur", ("restaurants", "coeur"), ()),
        ("ASSO. LES RESTAURANTS DU COEUR", ("restaurants", "coeur"), ("asso",)),
        ("restaurants du coeur (association)", ("restaurants", "coeur"), ("association",)),
        ("Centre social 'Cap de Tout'", ("centre", "social", "cap", "tout"), ()),
        ("SCOP SARL L'Atelier d'Été", ("atelier", "ete"), ("scop", "sarl")),
        ("Ste Marie", ("sainte", "marie"), ()),
        ("Association", ("association",), ("association",)),  # nothing else: kept
        ("   ", (), ()),
    ],
)
def test_normalise(written: str, tokens: tuple[str, ...], forms: tuple[str, ...]) -> None:
    name = normalise(written)
    assert (name.tokens, name.legal_form_words) == (tokens, forms)


def test_a_huge_name_is_cut_to_a_few_tokens() -> None:
    assert len(normalise("mot " * 200_000).tokens) <= 32


def test_identifiers_as_people_write_them() -> None:
    found = identifiers("siret 400 461 356 00133, siren 338.365.059, RNA w643000551")
    assert found.sirets == ("40046135600133",)
    assert found.sirens == ("400461356", "338365059")
    assert found.rnas == ("W643000551",)
    assert not identifiers("tel 02 43 00 00 00 ; 12345678901")  # 10 and 11 digits


def test_codes() -> None:
    assert commune_code("72181") == "72181" and commune_code("2a004") == "2A004"
    assert commune_code("7218") is None
    assert departement_code("1") == "01" and departement_code("974") == "974"
    assert postcode("1000") == "01000" and postcode("49 000") == "49000"
    assert naf_code("9499z") == "94.99Z" and naf_code("94.99Z") == "94.99Z"
