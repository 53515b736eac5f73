"""Scoring reconciliation candidates: identifiers first, then names, moved by places and forms.

The rule (docs/reconciliation.md §scoring):

* An identifier written anywhere in the query (SIREN, SIRET, RNA ``W…``, INSEE code, EPCI
  SIREN, NAF or legal-form code) that the index holds gives its entity score 100.
* Otherwise ``score = 90 × name similarity`` (0–1, token-based and typo-tolerant, on
  normalised names), then: commune or postcode agrees +10; only the département agrees +4 (or
  −8 when a commune or postcode was given: same département, another town); no given place
  agrees −25; legal form agrees +3 / disagrees −6; NAF agrees +3 / disagrees −3; an
  identifier was given and the candidate does not carry it −30. Capped to 0–99: only an
  identifier scores 100.
* ``match: true`` for the best candidate only, when it came by identifier and is the only
  one that did, or when it scores at least ``MATCH_SCORE`` and leads the next candidate by
  ``MATCH_GAP`` or more, with no place or identifier disagreeing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

from ptce_kg.reconciliation.index import TERRITORY_KINDS, Entity, ReconIndex
from ptce_kg.reconciliation.normalise import (
    Identifiers,
    clean_code,
    commune_code,
    departement_code,
    fold,
    identifiers,
    legal_form_code,
    naf_code,
    normalise,
    postcode,
)

MATCH_SCORE = 85.0
MATCH_GAP = 10.0
CANDIDATES = 30  # names fetched from the full-text index at each step before scoring
WIDEN_BELOW = 0.8  # best name similarity under which the search widens (``_by_name``)
DEFAULT_LIMIT = 5
MAX_LIMIT = 50

# Scoring weights (the module docstring says what each is for).
NAME_WEIGHT = 90.0
PLACE_AGREES = 10.0
DEPARTEMENT_ONLY = 4.0
OTHER_TOWN = -8.0
PLACE_DISAGREES = -25.0
FORM_AGREES, FORM_DISAGREES = 3.0, -6.0
NAF_AGREES, NAF_DISAGREES = 3.0, -3.0
IDENTIFIER_DISAGREES = -30.0

# Property ids a query may carry (reconciliation 0.2 ``pid`` / 1.0 ``propertyId``).
QUERY_PROPERTIES = {
    "siren": "SIREN",
    "siret": "SIRET",
    "rna": "RNA (W…)",
    "code": "INSEE code (commune, EPCI SIREN, département, région)",
    "commune": "Commune (name, INSEE code or reconciled commune)",
    "postcode": "Postcode",
    "departement": "Département (name or code)",
    "legal-form": "Legal form (code, or words such as SARL, SCOP, association)",
    "naf": "NAF code",
}


@dataclass(frozen=True)
class Query:
    """One reconciliation query, whatever the protocol version it came in."""

    text: str = ""
    types: tuple[str, ...] = ()  # empty: every type
    limit: int = DEFAULT_LIMIT
    properties: tuple[tuple[str, str], ...] = ()  # (property id, value as text or entity IRI)


@dataclass
class Feature:
    id: str
    name: str
    value: bool | float


@dataclass
class Candidate:
    entity: Entity
    score: float
    match: bool = False
    features: list[Feature] = field(default_factory=list)
    by_identifier: bool = False
    disagrees: bool = False


@dataclass
class _Given:
    """What a query says besides its name, resolved against the index."""

    ids: Identifiers
    codes: tuple[str, ...]  # INSEE / NAF / legal-form codes written as such
    communes: set[str]
    postcodes: set[str]
    departements: set[str]
    forms: set[str]
    nafs: set[str]

    @property
    def town(self) -> set[str]:
        return self.communes | self.postcodes


def reconcile(index: ReconIndex, query: Query) -> list[Candidate]:
    """The candidates for ``query``, best first (at most ``query.limit``)."""
    given = _resolve(index, query)
    found: dict[str, Candidate] = {}
    for entity in _by_identifier(index, query, given):
        candidate = Candidate(entity, 100.0, by_identifier=True)
        candidate.features.append(Feature("identifier", "identifier matches", True))
        found.setdefault(entity.iri, candidate)
    name = normalise(query.text)
    if name.tokens:
        for entity, similarity in _by_name(index, query, name.tokens):
            if entity.iri in found:
                continue
            found[entity.iri] = _score(index, entity, similarity, name.legal_form_words, given)
    ranked = sorted(found.values(), key=lambda c: (-c.score, c.entity.name, c.entity.iri))
    _decide(ranked)
    return ranked[: query.limit]


def _by_identifier(index: ReconIndex, query: Query, given: _Given) -> list[Entity]:
    values = [*given.ids.sirets, *given.ids.sirens, *given.ids.rnas, *given.codes]
    hits: list[tuple[int, str | None]] = []
    for value in dict.fromkeys(values):
        hits += index.by_identifier(value, query.types)
    entities = index.entities(h[0] for h in hits)
    # A code shared by a commune and one of its communes déléguées: the commune comes first.
    if any(e.type == "commune" and e.extra == "COM" for e in entities):
        entities = [e for e in entities if not (e.type == "commune" and e.extra != "COM")]
    return entities


def _by_name(index: ReconIndex, query: Query, tokens: Sequence[str]) -> list[tuple[Entity, float]]:
    """Candidates by name with their name similarity (each computed once), sought in three
    steps, each only when the one before found no name close enough (``WIDEN_BELOW``):
    the names holding every token; the names holding every token or a spelling of it (a word
    of the index one typo away, or sharing its first four letters); the names holding any."""
    scored: dict[int, tuple[Entity, float]] = {}

    def close(words: list[list[str]], every: bool) -> bool:
        ids = index.search(words, query.types, every=every, limit=CANDIDATES)
        for entity in index.entities(i for i in ids if i not in scored):
            scored[entity.id] = (entity, name_similarity(tokens, entity.norm))
        return max((s for _, s in scored.values()), default=0.0) >= WIDEN_BELOW

    if not close([[t] for t in tokens], every=True):
        spellings = [
            [t, *index.near_words(t, query.types), *([f"{t[:4]}*"] if len(t) >= 5 else [])]
            for t in tokens
        ]
        if not close(spellings, every=True) and len(tokens) > 1:
            close(spellings, every=False)
    return list(scored.values())


def _resolve(index: ReconIndex, query: Query) -> _Given:
    look = index.lookups
    ids = identifiers(query.text)
    codes: list[str] = []
    communes: set[str] = set()
    postcodes: set[str] = set()
    departements: set[str] = set()
    forms: set[str] = set()
    nafs: set[str] = set()
    if query.text:  # the query text may be a code by itself
        code = _code(query.text)
        if code:
            codes.append(code)
    for pid, raw in query.properties:
        value = raw.strip()
        if not value:
            continue
        if value.startswith(("http://", "https://")):  # a value reconciled before: its entity
            for entity in index.by_iri(value):
                if entity.type == "legal-unit" and entity.code:
                    ids = ids.merge(Identifiers(sirens=(entity.code,)))
                elif entity.code:
                    value = entity.code
        if pid in ("siren", "siret", "rna"):
            ids = ids.merge(identifiers(value))
        elif pid == "code":
            codes.append(_code(value) or clean_code(value))
            ids = ids.merge(identifiers(value))
        elif pid == "commune":
            code = commune_code(value)
            communes |= {code} if code else look.commune_names.get(fold(value), set())
        elif pid == "postcode":
            code = postcode(value)
            if code:
                postcodes |= look.postcodes.get(code, set()) or {f"postcode:{code}"}
        elif pid == "departement":
            dep = departement_code(value) or look.departement_names.get(fold(value))
            if dep:
                departements.add(dep)
        elif pid == "legal-form":
            code = legal_form_code(value)
            if code:
                forms.add(code)
            else:
                for word in fold(value).split():
                    forms |= look.form_words.get(word, set())
        elif pid == "naf":
            code = naf_code(value)
            if code:
                nafs.add(code)
    for code in communes | postcodes:
        dep = look.commune_departement.get(code)
        if dep:
            departements.add(dep)
    return _Given(ids, tuple(codes), communes, postcodes, departements, forms, nafs)


def _code(text: str) -> str | None:
    """The INSEE, NAF or legal-form code ``text`` is, if it is one."""
    return departement_code(text) or commune_code(text) or naf_code(text) or legal_form_code(text)


@lru_cache(maxsize=1 << 17)
def token_similarity(a: str, b: str) -> float:
    """1 for equal tokens; an abbreviation (``coop`` for ``cooperative``) 0.8; else the
    character ratio when it is at least 0.75 (a typo), else 0. Cached: tokens recur."""
    if a == b:
        return 1.0
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 3 and long.startswith(short):
        return 0.8
    if 2 * len(short) < 0.75 * (len(short) + len(long)):
        return 0.0  # the ratio cannot reach 0.75 with lengths this far apart
    letters_a, letters_b = _letters(a), _letters(b)
    if len(letters_a & letters_b) < 0.7 * max(len(letters_a), len(letters_b)):
        return 0.0  # a typo keeps most letters: cheaper to tell than the ratio
    ratio = SequenceMatcher(None, a, b, autojunk=False).ratio()
    return ratio if ratio >= 0.75 else 0.0


@lru_cache(maxsize=1 << 16)
def _letters(token: str) -> frozenset[str]:
    return frozenset(token)


def name_similarity(query: Sequence[str], names: Iterable[str]) -> float:
    """How close the query tokens are to the best of a candidate's normalised names (0–1):
    the larger of a soft Dice coefficient over tokens (word order does not count, typos count
    partly) and 0.95 × the character ratio of the sorted token strings (for words run
    together or split), computed only when the tokens alone do not already agree."""
    best = 0.0
    q = list(query)
    for name in names:
        c = name.split()
        if not c:
            continue
        if c == q:
            return 1.0
        q_best = [max(token_similarity(a, b) for b in c) for a in q]
        c_best = [max(token_similarity(b, a) for a in q) for b in c]
        dice = (sum(q_best) + sum(c_best)) / (len(q) + len(c))
        best = max(best, dice)
        if 0.4 <= dice < 0.9 and abs(len(q) - len(c)) <= 1:
            chars = SequenceMatcher(None, " ".join(sorted(q)), " ".join(sorted(c))).ratio()
            best = max(best, chars * 0.95)
    return best


def _score(
    index: ReconIndex,
    entity: Entity,
    similarity: float,
    form_words: Sequence[str],
    given: _Given,
) -> Candidate:
    look = index.lookups
    features = [Feature("name", "name similarity (0-1)", round(similarity, 3))]
    score = NAME_WEIGHT * similarity
    disagrees = False
    places = set(entity.places)
    if entity.type == "commune" and entity.code:
        places.add(entity.code)
    departements = {look.commune_departement.get(p) for p in places} - {None}
    if entity.departement:
        departements.add(entity.departement)
    if given.town or given.departements:
        if given.town and places & given.town:
            score += PLACE_AGREES
            features.append(Feature("commune", "commune or postcode agrees", True))
        elif given.departements and departements & given.departements:
            score += OTHER_TOWN if given.town else DEPARTEMENT_ONLY
            features.append(Feature("departement", "département agrees", True))
            features.append(Feature("commune", "commune or postcode agrees", False))
            disagrees = bool(given.town) and entity.type not in TERRITORY_KINDS
        elif places or departements:
            score += PLACE_DISAGREES
            features.append(Feature("place", "place agrees", False))
            disagrees = True
    forms = set(given.forms)
    for word in form_words:
        forms |= look.form_words.get(word, set())
    if forms and entity.legal_form:
        agrees = entity.legal_form in forms
        score += FORM_AGREES if agrees else FORM_DISAGREES
        features.append(Feature("legal_form", "legal form agrees", agrees))
    if given.nafs and entity.naf:
        agrees = entity.naf in given.nafs
        score += NAF_AGREES if agrees else NAF_DISAGREES
        features.append(Feature("naf", "NAF code agrees", agrees))
    if given.ids and entity.type == "legal-unit":
        score += IDENTIFIER_DISAGREES
        features.append(Feature("identifier", "identifier matches", False))
        disagrees = True
    score = round(max(0.0, min(99.0, score)), 1)
    return Candidate(entity, score, features=features, disagrees=disagrees)


def _decide(ranked: list[Candidate]) -> None:
    """Set ``match`` on the best candidate when it is clearly the one (module docstring)."""
    if not ranked:
        return
    best = ranked[0]
    second = ranked[1] if len(ranked) > 1 else None
    if best.by_identifier:
        best.match = second is None or not second.by_identifier
        return
    gap = best.score - second.score if second else best.score
    best.match = best.score >= MATCH_SCORE and gap >= MATCH_GAP and not best.disagrees
