"""Where an IRI leads on this service: the local page of every IRI of ours (``/id/…``,
``/vocab/…``, ``/graph/…``, ``/ontology``) and of the INSEE reference IRIs the graph uses
(``/resource?iri=…``); and the pages elsewhere that say more (links out)."""

from __future__ import annotations

import re
from urllib.parse import quote

from ptce_kg.rdf.iris import directory_page, establishment_directory_page
from ptce_kg.rdf.namespaces import GRAPH, ID, INSEE, ONTOLOGY, PTCE, VOCAB

_SIREN = re.compile(r"^[0-9]{9}$")
_SIRET = re.compile(r"^[0-9]{14}$")
# IRI prefix -> local path prefix, most specific first.
_LOCAL = (
    (str(ID), "/id/"),
    (str(VOCAB), "/vocab/"),
    (str(GRAPH), "/graph/"),
    (str(PTCE._NS), "/ontology#"),
)


def page_href(iri: str) -> str | None:
    """The path of ``iri``'s page on this service, or None for an IRI it has no page for."""
    for prefix, path in _LOCAL:
        if iri.startswith(prefix) and len(iri) > len(prefix):
            return path + iri[len(prefix) :]
    if iri == str(ONTOLOGY):
        return "/ontology"
    if iri.startswith(str(INSEE)):
        return resource_href(iri)
    return None


def public_href(iri: str) -> str | None:
    """``iri`` itself when this service has a page for it (w3id.org redirects our IRIs to
    theirs), else None: the link of a document read away from the service."""
    return iri if page_href(iri) is not None else None


def resource_href(iri: str) -> str:
    """The browse page of a reference IRI the graph uses but does not own."""
    return "/resource?iri=" + quote(iri, safe="")


def link_outs(iri: str, siren: str | None, siret: str | None) -> list[tuple[str, str]]:
    """(word key, address) of the pages elsewhere about the resource: the company directory
    for a SIREN or SIRET, INSEE's own page for an INSEE IRI."""
    links = []
    if siren and _SIREN.match(siren):
        links.append(("annuaire", directory_page(siren)))
    if siret and _SIRET.match(siret):
        links.append(("annuaire", establishment_directory_page(siret)))
    if iri.startswith(str(INSEE)):
        links.append(("insee", iri))  # id.insee.fr IRIs resolve to INSEE's pages
    return links
