"""The IRIs ptce-kg mints, built here from the namespaces of ``namespaces`` and ``graphs`` and
nowhere else (docs/design.md §1).

Like the PTCE namespace's ``_fail``, a helper refuses a key that would not make the IRI it
names (ValueError: a slug, code or number outside its pattern), instead of minting a wrong one.
Callers check what users send first and report it as bad input; an error here is a bug.
"""

from __future__ import annotations

import re

from ptce_kg.rdf.graphs import graph_iri
from ptce_kg.rdf.namespaces import ANNUAIRE, ID, INSEE_GEO, LEGAL_FORM, NAF

# A pole's key: lower-case letters, digits and dashes (``sarthe-exemple``).
POLE_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,118}[a-z0-9])?$")
_SIREN = re.compile(r"^[0-9]{9}$")
_SIRET = re.compile(r"^[0-9]{14}$")
# Any other key in an IRI path segment: no slash, no character an IRI forbids.
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*$")

# What every IRI of a kind starts with.
POLES = f"{ID}pole/"
POLE_GRAPHS = graph_iri("pole/")
ORGS = f"{ID}org/"
ESTABLISHMENTS = f"{ID}establishment/"

# The SKOS schemes of the reference data: NAF rév. 2 (INSEE's IRI) and the legal forms.
NAF_SCHEME = str(NAF["naf"])
LEGAL_FORM_SCHEME = str(LEGAL_FORM).rstrip("/")

# COG entry type (INSEE TYPECOM) -> (IRI segment of id.insee.fr/geo, igeo class)
COMMUNE_TYPES = {
    "COM": ("commune", "Commune"),
    "COMD": ("communeDeleguee", "CommuneDeleguee"),
    "COMA": ("communeAssociee", "CommuneAssociee"),
    "ARM": ("arrondissementMunicipal", "ArrondissementMunicipal"),
}
# NAF level (naf-rev2-codes.csv ``niveau``) -> IRI segment of id.insee.fr/codes/nafr2
NAF_LEVELS = {
    "section": "section",
    "division": "division",
    "groupe": "groupe",
    "classe": "classe",
    "sous-classe": "sousClasse",
}


def _checked(key: str, pattern: re.Pattern[str], what: str) -> str:
    if not pattern.match(key):
        raise ValueError(f"{key!r} is not {what}: no IRI is made of it")
    return key


def pole_iri(slug: str) -> str:
    """``…/id/pole/<slug>``."""
    return POLES + _checked(slug, POLE_ID, "a pole's key")


def pole_graph(slug: str) -> str:
    """The pole's named graph ``…/graph/pole/<slug>``."""
    return POLE_GRAPHS + _checked(slug, POLE_ID, "a pole's key")


def territory_iri(slug: str) -> str:
    """The territory of the pole ``slug``: ``…/id/territory/<slug>``."""
    return f"{ID}territory/{_checked(slug, POLE_ID, 'a pole key')}"


def support_iri(slug: str, rank: int) -> str:
    """The ``rank``-th State support of the pole ``slug``: ``…/id/support/<slug>/<rank>``."""
    return f"{ID}support/{_checked(slug, POLE_ID, 'a pole key')}/{rank:d}"


def org_iri(key: str) -> str:
    """An organisation: ``…/id/org/<SIREN>`` for a legal unit, another key for one without."""
    return ORGS + _checked(key, _KEY, "an organisation key")


def legal_unit_iri(siren: str) -> str:
    """The legal unit with this SIREN: ``…/id/org/<SIREN>``."""
    return ORGS + _checked(siren, _SIREN, "a SIREN")


def establishment_iri(siret: str) -> str:
    """The establishment with this SIRET: ``…/id/establishment/<SIRET>``."""
    return ESTABLISHMENTS + _checked(siret, _SIRET, "a SIRET")


def geometry_iri(siret: str) -> str:
    """The location (GeoSPARQL geometry) of the establishment with this SIRET:
    ``…/id/establishment/<SIRET>#geometry`` (an IRI, not a blank node, so that re-importing a
    unit replaces its geometry with the rest of its description)."""
    return establishment_iri(siret) + "#geometry"


def directory_page(siren: str) -> str:
    """The legal unit's page in the Annuaire des entreprises."""
    return f"{ANNUAIRE}{_checked(siren, _SIREN, 'a SIREN')}"


def commune_iri(code: str, typecom: str = "COM") -> str:
    """The INSEE IRI of a COG entry (``typecom`` COM, COMD, COMA or ARM)."""
    return f"{INSEE_GEO}{COMMUNE_TYPES[typecom][0]}/{_checked(code, _KEY, 'a COG code')}"


def departement_iri(code: str) -> str:
    """The INSEE IRI of a département (``72``, ``2A``, ``974``)."""
    return f"{INSEE_GEO}departement/{_checked(code, _KEY, 'a COG code')}"


def region_iri(code: str) -> str:
    """The INSEE IRI of a région (``52``)."""
    return f"{INSEE_GEO}region/{_checked(code, _KEY, 'a COG code')}"


def arrondissement_iri(code: str) -> str:
    """The INSEE IRI of an arrondissement départemental (``011``, ``2A1``, ``9741``)."""
    return f"{INSEE_GEO}arrondissement/{_checked(code, _KEY, 'a COG code')}"


def epci_iri(siren: str) -> str:
    """The INSEE IRI of an EPCI (intercommunalité), by its SIREN."""
    return f"{INSEE_GEO}intercommunalite/{_checked(siren, _SIREN, 'a SIREN')}"


def legal_form_iri(code: str) -> str:
    """A legal form (INSEE catégorie juridique) of the legal-form scheme."""
    return f"{LEGAL_FORM}{_checked(code, _KEY, 'a legal form code')}"


def naf_iri(level: str, code: str) -> str:
    """The INSEE IRI of a NAF rév. 2 code at ``level`` (a key of ``NAF_LEVELS``)."""
    return f"{NAF}{NAF_LEVELS[level]}/{_checked(code, _KEY, 'a NAF code')}"
