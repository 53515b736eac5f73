"""The scoring rule of docs/reconciliation.md on the init store's real entities."""

from __future__ import annotations

from ptce_kg.reconciliation.index import ReconIndex
from ptce_kg.reconciliation.matching import MATCH_GAP, Query, reconcile

RESTOS = "https://w3id.org/ptce/id/org/400461356"  # LES RESTAURANTS DU COEUR, Angers
CAP_DE_TOUT = "https://w3id.org/ptce/id/org/338365059"  # Mazères-Lezons (64373)


def best(index: ReconIndex, query: Query) -> tuple[str, float, bool]:
    found = reconcile(index, query)
    assert found, query
    return found[0].entity.iri, found[0].score, found[0].match


def test_identifiers_score_100(index: ReconIndex) -> None:
    assert best(index, Query("40046135600133")) == (RESTOS, 100.0, True)
    assert best(index, Query("x", properties=(("siret", "400461356 00133"),))) == (
        RESTOS,
        100.0,
        True,
    )
    assert best(index, Query("W643000551", ("legal-unit",))) == (CAP_DE_TOUT, 100.0, True)


def test_a_commune_code_shared_with_a_commune_deleguee_gives_the_commune(
    index: ReconIndex,
) -> None:
    found = reconcile(index, Query("01015", ("commune",)))
    assert found[0].entity.extra == "COM" and found[0].match
    assert all(c.entity.extra == "COM" for c in found)


def test_names_with_typos_and_dropped_words(index: ReconIndex) -> None:
    for written in (
        "restaurants du coeur",
        "Les Restos du Coeur",
        "RESTAURANT DU COEUR",
        "restaurants du ceour",
        "coeur restaurants",
    ):
        iri, score, _ = best(index, Query(written, ("legal-unit",)))
        assert iri == RESTOS, written
        assert 50 < score < 100


def test_place_moves_the_score(index: ReconIndex) -> None:
    name = "Centre social Cap de Tout"
    plain = best(index, Query(name, ("legal-unit",)))
    here = best(index, Query(name, ("legal-unit",), properties=(("postcode", "64110"),)))
    same_dep = best(index, Query(name, ("legal-unit",), properties=(("commune", "Pau"),)))
    elsewhere = best(index, Query(name, ("legal-unit",), properties=(("commune", "Le Mans"),)))
    assert plain[0] == here[0] == same_dep[0] == elsewhere[0] == CAP_DE_TOUT
    assert here[1] > plain[1] > same_dep[1] > elsewhere[1]
    assert here[2] and plain[2] and not same_dep[2] and not elsewhere[2]
    assert here[1] < 100  # only an identifier scores 100


def test_namesakes_are_not_matched_without_a_place(index: ReconIndex) -> None:
    found = reconcile(index, Query("Saint-Martin", ("commune",)))
    assert found[0].score - found[1].score < MATCH_GAP and not found[0].match
    sure = reconcile(
        index, Query("Saint-Martin", ("commune",), properties=(("departement", "32"),))
    )
    assert sure[0].entity.departement == "32" and sure[0].match


def test_features_explain_the_score(index: ReconIndex) -> None:
    found = reconcile(
        index,
        Query("asso restaurants du coeur", ("legal-unit",), properties=(("commune", "49007"),)),
    )
    features = {f.id: f.value for f in found[0].features}
    assert features == {"name": 1.0, "commune": True, "legal_form": True}
