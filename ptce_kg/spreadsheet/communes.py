"""Help for a commune cell that is not an INSEE commune code: the likely commune, from the COG
shipped in ``data/reference/communes.csv`` (names, and La Poste postal codes as the Etalab
package carries them: data/reference/SOURCES.md)."""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache

from ptce_kg.rdf.resources import data_dir

# Columns of the template that hold INSEE commune codes.
COMMUNE_COLUMNS = frozenset({"commune", "territoire_communes"})
_SHOWN = 5  # communes named at most in one message


@lru_cache(maxsize=1)
def _cog() -> tuple[frozenset[str], dict[str, list[str]], dict[str, list[str]]]:
    """Every COG code; commune name key -> "Name (code)"; postal code -> "Name (code)"."""
    codes: set[str] = set()
    by_name: dict[str, list[str]] = {}
    by_postal: dict[str, list[str]] = {}
    path = data_dir() / "reference" / "communes.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            codes.add(row["code"])
            if row["typecom"] != "COM":
                continue
            label = f"{row['nom']} (code INSEE {row['code']}, département {row['departement']})"
            by_name.setdefault(_key(row["nom"]), []).append(label)
            for postal in row["codes_postaux"].split():
                by_postal.setdefault(postal, []).append(label)
    return frozenset(codes), by_name, by_postal


def _key(name: str) -> str:
    """A name compared without case, accents, hyphens or apostrophes ("st" as "saint")."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return re.sub(r"\bste?\b", lambda m: "sainte" if m.group() == "ste" else "saint", text)


def is_commune_code(value: str) -> bool:
    """True for a code of the shipped COG (commune, delegated or associated commune,
    municipal arrondissement)."""
    return value in _cog()[0]


def commune_hint(value: str) -> str | None:
    """A sentence naming the likely commune(s) when ``value`` is a commune name or a postal
    code rather than an INSEE code, else None."""
    _, by_name, by_postal = _cog()
    text = value.strip()
    if re.fullmatch(r"[0-9]{5}", text) and text in by_postal and not is_commune_code(text):
        return (
            f"« {text} » est un code postal, pas un code commune INSEE : {_list(by_postal[text])}"
        )
    found = by_name.get(_key(text))
    if found:
        return f"« {text} » est un nom de commune ; le code INSEE attendu : {_list(found)}"
    return None


def _list(labels: list[str]) -> str:
    shown = "; ".join(labels[:_SHOWN])
    return shown + (f" (et {len(labels) - _SHOWN} autres)" if len(labels) > _SHOWN else "")
