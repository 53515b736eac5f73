"""Who writes what in a pole's graph (docs/design.md §5): the check both write paths run.

A pole's graph ``…/graph/pole/<slug>`` holds what that pole says: about itself, about the
resources under its own keys, and about the organisations, establishments and persons it names
as members or partners (what it says about a shared organisation stays in its graph, attributed
to it). Statements about another pole or its resources, links that would put something in
another pole's member list, class or property definitions, and statements about reference data
or vocabularies are refused, the whole file with them. The check reads only the triples about
to be written (no store, no network); the API upload (``pole_data``) and ``ptce-kg load`` into a
pole graph (``loading``) call ``check_pole_graph``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from pyoxigraph import BlankNode, NamedNode, Triple
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from ptce_kg.errors import InputError
from ptce_kg.rdf import graphs
from ptce_kg.rdf.namespaces import ID, ONTOLOGY, ORG, PTCE, VOCAB

POLE_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,118}[a-z0-9])?$")
POLE_IRI = f"{ID}pole/{{}}"
POLE_GRAPH = graphs.graph_iri("pole/")
# Listed in an error at most; the count says how many more there are.
MAX_LISTED = 100

_ID = re.escape(str(ID))
# Keys that belong to one pole (design.md §1), its slug in group 1: the pole, its activities
# and skills (pole/<slug>/…), its territory, and the resources it numbers.
POLE_KEYS = tuple(
    re.compile(f"^{_ID}{pattern}$")
    for pattern in (
        r"pole/([^/]+)(?:/.+)?",
        r"territory/([^/]+)",
        r"(?:membership|cooperation|strategy|project|link|support)/([^/]+)/.+",
    )
)
# jobs/<subject-key>/<date>: the subject key is the pole's slug, the key of an actor it names
# (org/<key>, person/<key>), or <pole>-<member> for a member numbered in its memberships (the
# spreadsheet template's form, mappings/spreadsheet.yaml).
JOBS_KEY = re.compile(f"^{_ID}jobs/([^/]+)/[^/]+$")
ACTOR_KEY = re.compile(f"^{_ID}(?:org|person)/([^/]+)$")
ESTABLISHMENT_KEY = re.compile(f"^{_ID}establishment/[^/]+$")
MEMBERSHIP_KEY = re.compile(f"^{_ID}membership/([^/]+)/(.+)$")

# How a pole names its actors: from one of its own resources, through these properties.
NAMING = frozenset(
    NamedNode(str(term))
    for term in (
        ORG.member,
        PTCE.partner,
        PTCE.linkedPartner,
        PTCE.leadStructure,
        PTCE.participant,
        PTCE.sharedBy,
    )
)
# An establishment of a named actor: actor -> establishment, or establishment -> actor.
SITES = frozenset(NamedNode(str(t)) for t in (PTCE.hasEstablishment, ORG.hasSite))
SITE_OF = frozenset(NamedNode(str(t)) for t in (PTCE.establishmentOf, ORG.siteOf))

# Definitions are the ontology's and the vocabularies', never a pole's: these properties, any
# OWL property, and rdf:type with these classes or any RDFS/OWL class (but the two that say
# nothing: owl:Thing, owl:NamedIndividual).
DEFINING_PROPERTIES = frozenset(
    str(term)
    for term in (
        RDFS.subClassOf,
        RDFS.subPropertyOf,
        RDFS.domain,
        RDFS.range,
        SKOS.inScheme,
        SKOS.broader,
        SKOS.narrower,
        SKOS.topConceptOf,
        SKOS.hasTopConcept,
    )
)
DEFINING_CLASSES = frozenset(
    str(term) for term in (RDF.Property, SKOS.Concept, SKOS.ConceptScheme, SKOS.Collection)
)
HARMLESS_CLASSES = frozenset(str(term) for term in (OWL.Thing, OWL.NamedIndividual))
_RDF_TYPE = NamedNode(str(RDF.type))

# Subjects that are reference data or vocabulary, with why a pole may not describe them; first
# matching prefix wins. Any other subject outside the allowed ones gets the generic reason.
NOT_POLE_DATA = (
    ("http://id.insee.fr/", "INSEE reference data (COG, NAF): only the reference graphs say it"),
    (
        str(VOCAB),
        "a concept of a ptce-kg vocabulary or of the legal forms: only the vocab and reference "
        "graphs say it",
    ),
    (str(ONTOLOGY), "a term of the PTCE ontology: only the ontology graph says it"),
    ("http://www.w3.org/", "a term of a W3C vocabulary"),
    ("https://w3id.org/ptce/", "not a resource a pole describes"),
)


@dataclass(frozen=True)
class Offence:
    """One subject a pole may not write, and why."""

    subject: str  # an IRI, or _:label for a blank node
    reason: str


class OwnershipError(InputError):
    """The data holds statements its pole may not write (HTTP 422, exit 2); ``offences`` lists
    the subjects and why, the first ``MAX_LISTED`` of ``count``."""

    http_status = 422

    def __init__(self, pole: str, offences: Sequence[Offence], where: str | None = None) -> None:
        self.pole = pole
        self.count = len(offences)
        self.offences = tuple(offences[:MAX_LISTED])
        super().__init__(
            f"pole {pole} may write only about itself, its own resources (…/id/<type>/{pole}/…) "
            "and the organisations, establishments and persons it names as members or "
            f"partners: nothing stored; {self.count} subject(s) refused",
            where,
        )

    def __str__(self) -> str:
        lines = "".join(f"\n  - {o.subject}: {o.reason}" for o in self.offences)
        more = self.count - len(self.offences)
        return super().__str__() + lines + (f"\n  … and {more} more" if more else "")

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form: the message, the pole, the refused subjects (a list), their count."""
        return {
            "error": type(self).__name__,
            "detail": self.message,
            "pole": self.pole,
            "refused": [{"subject": o.subject, "reason": o.reason} for o in self.offences],
            "count": self.count,
        }


def check_pole_id(pole_id: str) -> str:
    """Return ``pole_id`` if it is a pole slug (``sarthe-exemple``), else raise InputError."""
    if not POLE_ID.match(pole_id):
        raise InputError("a pole id is lower-case letters, digits and dashes", where=pole_id)
    return pole_id


def pole_of_graph(graph: str) -> str | None:
    """The slug of a pole graph ``…/graph/pole/<slug>``, None for any other graph; raises
    InputError for a name under ``…/graph/pole/`` that is not a slug."""
    if not graph.startswith(POLE_GRAPH):
        return None
    slug = graph.removeprefix(POLE_GRAPH)
    if not POLE_ID.match(slug):
        raise InputError(f"not a pole graph: <{graph}> (…/graph/pole/<slug>)", where="--graph")
    return slug


def known_poles(graph_names: Iterable[str]) -> set[str]:
    """The slugs of the pole graphs among ``graph_names``."""
    prefix = len(POLE_GRAPH)
    return {
        g[prefix:] for g in graph_names if g.startswith(POLE_GRAPH) and POLE_ID.match(g[prefix:])
    }


def _owner(iri: str) -> str | None:
    """The pole whose key ``iri`` is (pole, territory, numbered resources), else None."""
    for pattern in POLE_KEYS:
        if found := pattern.match(iri):
            return found.group(1)
    return None


def _node(term: object) -> str:
    """A subject or object as a string: its IRI, ``_:label`` for a blank node."""
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    return term.value if isinstance(term, NamedNode) else str(term)


def pole_offences(
    triples: Iterable[Triple], pole: str, other_poles: Collection[str] = ()
) -> list[Offence]:
    """The subjects of ``triples`` that pole ``pole`` may not write into its graph, sorted.

    ``other_poles`` are the slugs of the poles already in the store: a job key is ambiguous
    between pole ``a``'s member ``b`` and pole ``a-b``, so it is given to the longest slug it
    starts with, and refused when that is another pole's.
    """
    triples = list(triples)
    own = {_node(t.subject) for t in triples if _owner(_node(t.subject)) == pole}
    named = {
        t.object.value
        for t in triples
        if _node(t.subject) in own
        and t.predicate in NAMING
        and isinstance(t.object, NamedNode)
        and ACTOR_KEY.match(t.object.value)
    }
    sites = {
        site
        for t in triples
        for site in (
            _node(t.object) if t.predicate in SITES and _node(t.subject) in named else None,
            _node(t.subject) if t.predicate in SITE_OF and _node(t.object) in named else None,
        )
        if site is not None and ESTABLISHMENT_KEY.match(site)
    }
    job_keys = {pole} | {key for a in named if (key := _actor_key(a))}
    job_keys |= {f"{pole}-{m.group(2)}" for iri in own if (m := MEMBERSHIP_KEY.match(iri))}
    slugs = sorted({pole, *other_poles}, key=len, reverse=True)

    def foreign(iri: str) -> str | None:
        """What makes ``iri`` (a subject or an object) not this pole's to use, or None."""
        owner = _owner(iri)
        if owner is not None and owner != pole:
            return f"belongs to pole {owner}"
        if jobs := JOBS_KEY.match(iri):
            key = jobs.group(1)
            owner = next((p for p in slugs if key == p or key.startswith(f"{p}-")), None)
            if owner is not None and owner != pole:
                return f"is a job count of pole {owner}"
            if key not in job_keys:
                return "is a job count neither of this pole nor of an actor it names"
        return None

    subjects = {_node(t.subject) for t in triples}
    allowed = own | named | sites
    allowed |= {s for s in subjects if JOBS_KEY.match(s) and foreign(s) is None}
    # Blank nodes hanging off allowed subjects (through other blank nodes too) are theirs.
    below: dict[str, list[str]] = {}
    for t in triples:
        if isinstance(t.object, BlankNode):
            below.setdefault(_node(t.subject), []).append(_node(t.object))
    stack = [b for s in allowed for b in below.get(s, [])]
    while stack:
        node = stack.pop()
        if node not in allowed:
            allowed.add(node)
            stack += below.get(node, [])

    offences: set[Offence] = set()
    for t in triples:
        subject = _node(t.subject)
        if subject not in allowed:
            # One reason is enough for a subject refused as a whole.
            offences.add(Offence(subject, foreign(subject) or _why_not(t.subject)))
            continue
        predicate = t.predicate.value
        if predicate in DEFINING_PROPERTIES or predicate.startswith(str(OWL)):
            offences.add(Offence(subject, f"states <{predicate}>: definitions are not pole data"))
        elif t.predicate == _RDF_TYPE and isinstance(t.object, NamedNode):
            kind = t.object.value
            if kind not in HARMLESS_CLASSES and (
                kind in DEFINING_CLASSES or kind.startswith((str(RDFS), str(OWL)))
            ):
                offences.add(Offence(subject, f"typed <{kind}>: definitions are not pole data"))
        if isinstance(t.object, NamedNode) and (why := foreign(t.object.value)):
            offences.add(
                Offence(subject, f"<{predicate}> points at <{t.object.value}>, which {why}")
            )
    return sorted(offences, key=lambda o: (o.subject, o.reason))


def _actor_key(iri: str) -> str | None:
    found = ACTOR_KEY.match(iri)
    return found.group(1) if found else None


def _why_not(term: object) -> str:
    """Why a subject that is none of the pole's may not be written."""
    if not isinstance(term, NamedNode):
        return "a blank node attached to none of the pole's own resources"
    iri = term.value
    if ACTOR_KEY.match(iri):
        return "an organisation or person this pole names neither as a member nor as a partner"
    if ESTABLISHMENT_KEY.match(iri):
        return "an establishment of no organisation or person this pole names"
    for prefix, reason in NOT_POLE_DATA:
        if iri.startswith(prefix):
            return reason
    return "neither this pole, one of its own resources, nor an actor it names"


def check_pole_graph(
    triples: Iterable[Triple],
    pole: str,
    other_poles: Collection[str] = (),
    where: str | None = None,
) -> None:
    """Raise OwnershipError when ``triples`` hold anything pole ``pole`` may not write."""
    offences = pole_offences(triples, pole, other_poles)
    if offences:
        raise OwnershipError(pole, offences, where)


def described_pole(triples: Iterable[Triple], where: str) -> str:
    """The slug of the one pole ``triples`` describe (``…/id/pole/<slug>`` typed ptce:Pole);
    raises InputError when they describe none or several."""
    pole_type = NamedNode(str(PTCE.Pole))
    prefix = len(POLE_IRI.format(""))
    poles = sorted(
        t.subject.value[prefix:]
        for t in triples
        if t.predicate == _RDF_TYPE
        and t.object == pole_type
        and isinstance(t.subject, NamedNode)
        and t.subject.value.startswith(POLE_IRI.format(""))
    )
    if not poles:
        raise InputError(
            f"the file describes no pole (no <{POLE_IRI.format('<slug>')}> typed ptce:Pole), "
            "so its graph is unknown: give it with --graph IRI",
            where=where,
        )
    if len(poles) > 1:
        raise InputError(
            f"the file describes several poles ({', '.join(poles)}): load each pole's data "
            "from its own file, or give the graph with --graph IRI",
            where=where,
        )
    if not POLE_ID.match(poles[0]):
        raise InputError(f"the pole's key {poles[0]!r} is not a slug", where=where)
    return poles[0]
