"""SIREN / SIRET check digits (Luhn), with La Poste's documented exception.

Computed in Python before pySHACL runs: a SHACL-SPARQL version costs about 0.3 s per focus
node in pySHACL 0.40, far too slow for a national graph (see shapes/quality.ttl).
"""

from __future__ import annotations

import re

LA_POSTE_SIREN = "356000000"
_SIREN = re.compile(r"^[0-9]{9}$")
_SIRET = re.compile(r"^[0-9]{14}$")


def luhn_valid(digits: str) -> bool:
    """True when the digit string passes the Luhn (mod 10) check."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def siren_valid(siren: str) -> bool | None:
    """Luhn check of a SIREN; None when it is not 9 digits (the format rule reports that)."""
    return luhn_valid(siren) if _SIREN.match(siren) else None


def siret_valid(siret: str) -> bool | None:
    """SIRET check: Luhn, except La Poste (sum of digits a multiple of 5); None if not 14 digits."""
    if not _SIRET.match(siret):
        return None
    if siret.startswith(LA_POSTE_SIREN):
        return sum(int(c) for c in siret) % 5 == 0
    return luhn_valid(siret)
