"""Named-graph IRIs of design.md §1 and the helpers that build them."""

from __future__ import annotations

import re
import unicodedata

GRAPH_BASE = "https://w3id.org/ptce/graph/"

ONTOLOGY = GRAPH_BASE + "ontology"
VOCAB = GRAPH_BASE + "vocab"
REFERENCE_COG = GRAPH_BASE + "reference/cog"
REFERENCE_NAF = GRAPH_BASE + "reference/naf"
REFERENCE_LEGAL_FORMS = GRAPH_BASE + "reference/legal-forms"
SIRENE = GRAPH_BASE + "sirene"
RECHERCHE_ENTREPRISES = GRAPH_BASE + "recherche-entreprises"
KNOWN_PTCE = GRAPH_BASE + "known-ptce"
DERIVED = GRAPH_BASE + "derived"
STATISTICS = GRAPH_BASE + "statistics"
METADATA = GRAPH_BASE + "metadata"


def graph_iri(name: str) -> str:
    """The IRI of the graph called ``name`` (``reference/cog``, ``pole/<slug>``…)."""
    return GRAPH_BASE + name


def slug(text: str) -> str:
    """A lower-case IRI-safe slug (ASCII letters, digits, dashes): ``Pôle Été`` -> ``pole-ete``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "graph"
