"""French name normalisation and identifier spotting for reconciliation.

People write ``Asso. Les Jardins de Cocagne``, ``JARDINS DE COCAGNE`` or ``jardins cocagne
(SARL)``: all three normalise to ``jardins cocagne``. Case and accents are folded, punctuation
becomes space, and words that say nothing about *which* organisation it is are dropped: legal
form words (SARL, SAS, SCOP, association, asso…) and articles/prepositions. The legal form
words are kept aside (``legal_form_words``) because they still say something about the form.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Legal-form words and abbreviations, as people add or drop them around a name.
LEGAL_FORM_WORDS = frozenset(
    {
        "sarl", "sas", "sasu", "sa", "eurl", "snc", "sca", "sci", "scop", "scic", "scp", "sem",
        "spl", "gie", "gip", "eirl", "ei", "selarl", "sela", "scea", "gaec", "earl", "cuma",
        "association", "associations", "asso", "assoc", "ass", "fondation", "mutuelle",
        "cooperative", "coop", "societe", "ste", "sarlu", "ltd",
    }
)  # fmt: skip
# Articles, prepositions and conjunctions (after accent folding; "l'" and "d'" become "l", "d").
STOP_WORDS = frozenset(
    {
        "le", "la", "les", "l", "un", "une", "des", "de", "du", "d", "et", "a", "au", "aux",
        "en", "sur", "pour", "par", "dans", "chez", "the", "of", "and",
    }
)  # fmt: skip
# Abbreviations people write for words of names.
ABBREVIATIONS = {"st": "saint", "ste": "sainte", "cie": "compagnie", "gpt": "groupement"}
# Legal-form word -> the words of the legal-form labels it stands for (matched against the
# normalised labels of the INSEE catégories juridiques, so the codes come from the data).
FORM_LABEL_WORDS = {
    "association": "association",
    "associations": "association",
    "asso": "association",
    "assoc": "association",
    "ass": "association",
    "sarl": "responsabilite limitee",
    "sarlu": "responsabilite limitee",
    "eurl": "responsabilite limitee",
    "selarl": "responsabilite limitee",
    "sas": "actions simplifiee",
    "sasu": "actions simplifiee",
    "sa": "anonyme",
    "scop": "cooperative",
    "scic": "cooperative",
    "cooperative": "cooperative",
    "coop": "cooperative",
    "cuma": "cooperative",
    "fondation": "fondation",
    "mutuelle": "mutuelle",
    "gie": "groupement interet economique",
    "sci": "societe civile",
    "snc": "nom collectif",
}
MAX_TOKENS = 32  # a name longer than this is text, not a name: the rest is ignored

_NON_WORD = re.compile(r"[^0-9a-z]+")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
# Digits standing alone (not inside an RNA number or a longer code).
_SIRET = re.compile(
    r"(?<![0-9A-Za-z])([0-9]{3})[ .]?([0-9]{3})[ .]?([0-9]{3})[ .]?([0-9]{5})(?![0-9A-Za-z])"
)
_SIREN = re.compile(r"(?<![0-9A-Za-z])([0-9]{3})[ .]?([0-9]{3})[ .]?([0-9]{3})(?![0-9A-Za-z])")
_RNA = re.compile(r"(?<![0-9A-Za-z])(W[0-9][0-9A-Z][0-9]{7})(?![0-9A-Za-z])", re.IGNORECASE)
_COMMUNE_CODE = re.compile(r"^(?:[0-9]{2}|2[AB])[0-9]{3}$", re.IGNORECASE)
_DEPARTEMENT_CODE = re.compile(r"^(?:[0-9]{2}|2[AB]|97[1-6])$", re.IGNORECASE)
_POSTCODE = re.compile(r"^[0-9]{5}$")
_NAF_CODE = re.compile(r"^([0-9]{2})\.?([0-9]{2})([A-Za-z])$")
_LEGAL_FORM_CODE = re.compile(r"^[0-9]{4}$")


def fold(text: str) -> str:
    """Lower case, no accents, ligatures split, punctuation as single spaces."""
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NON_WORD.sub(" ", ascii_text.lower()).strip()


@dataclass(frozen=True)
class Name:
    """A normalised name: its distinctive tokens and the legal-form words it carried."""

    tokens: tuple[str, ...]
    legal_form_words: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


def normalise(text: str) -> Name:
    """The distinctive tokens of a name (see the module docstring).

    A name made only of legal-form words and articles (``Association``) keeps them: dropping
    everything would match anything.
    """
    words = fold(text).split()[:MAX_TOKENS]
    words = [ABBREVIATIONS.get(w, w) for w in words]
    forms = tuple(w for w in words if w in LEGAL_FORM_WORDS)
    kept = tuple(w for w in words if w not in LEGAL_FORM_WORDS and w not in STOP_WORDS)
    if not kept:
        kept = tuple(w for w in words if w not in STOP_WORDS) or tuple(words)
    return Name(kept, forms)


def clean_code(text: str) -> str:
    """A code as people type it (spaces, dots, lower case) in its canonical upper-case form."""
    return _SPACES.sub("", text).upper()


@dataclass(frozen=True)
class Identifiers:
    """Identifiers spotted in a text: SIRETs, SIRENs (including those of the SIRETs), RNA."""

    sirets: tuple[str, ...] = ()
    sirens: tuple[str, ...] = ()
    rnas: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.sirets or self.sirens or self.rnas)

    def merge(self, other: Identifiers) -> Identifiers:
        return Identifiers(
            tuple(dict.fromkeys(self.sirets + other.sirets)),
            tuple(dict.fromkeys(self.sirens + other.sirens)),
            tuple(dict.fromkeys(self.rnas + other.rnas)),
        )


def identifiers(text: str) -> Identifiers:
    """SIRET (14 digits), SIREN (9 digits) and RNA (``W`` + 9) numbers written in ``text``,
    with the spaces or dots people put in them (``338 365 059 00012``)."""
    sirets = tuple("".join(m.groups()) for m in _SIRET.finditer(text))
    rest = _SIRET.sub(" ", text)
    sirens = tuple("".join(m.groups()) for m in _SIREN.finditer(rest))
    rnas = tuple(m.group(1).upper() for m in _RNA.finditer(text))
    return Identifiers(sirets, tuple(dict.fromkeys([s[:9] for s in sirets] + list(sirens))), rnas)


def commune_code(text: str) -> str | None:
    """An INSEE commune code (``72181``, ``2A004``) when ``text`` is one, else None."""
    code = clean_code(text)
    return code if _COMMUNE_CODE.match(code) else None


def departement_code(text: str) -> str | None:
    """A département code (``72``, ``2A``, ``974``; ``1`` -> ``01``) when ``text`` is one."""
    code = clean_code(text)
    if code.isdigit() and len(code) == 1:
        code = "0" + code
    return code if _DEPARTEMENT_CODE.match(code) else None


def postcode(text: str) -> str | None:
    """A French postcode (5 digits; ``1000`` as Excel writes ``01000`` -> ``01000``)."""
    code = clean_code(text)
    if code.isdigit() and len(code) == 4:
        code = "0" + code
    return code if _POSTCODE.match(code) else None


def naf_code(text: str) -> str | None:
    """A NAF rév. 2 sub-class in SIRENE's dotted form (``9499Z`` -> ``94.99Z``)."""
    match = _NAF_CODE.match(clean_code(text))
    return f"{match.group(1)}.{match.group(2)}{match.group(3).upper()}" if match else None


def legal_form_code(text: str) -> str | None:
    """A catégorie juridique code (4 digits) when ``text`` is one."""
    code = clean_code(text)
    return code if _LEGAL_FORM_CODE.match(code) else None
