"""Content negotiation: the one place that decides the media type of an answer, from an
``Accept`` header, a ``?format=`` name (which overrides it) and the caller's default for
clients that state no preference.

No web framework here, so services and every router can share it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from ptce_kg.errors import InputError

# SPARQL result media types, preferred first (the first is the answer to ``*/*`` or no Accept).
RESULTS_MEDIA_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
GRAPH_MEDIA_TYPES = (
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
)
# What each query form can be answered in (ASK: CSV/TSV have no boolean form).
ANSWER_MEDIA_TYPES = {
    "select": RESULTS_MEDIA_TYPES,
    "ask": RESULTS_MEDIA_TYPES[:2],
    "graph": GRAPH_MEDIA_TYPES,
}
_FORM_NAMES = {"select": "a SELECT", "ask": "an ASK", "graph": "a CONSTRUCT or DESCRIBE"}
#: The request parameter naming the answer's format (never a catalogue parameter).
FORMAT_PARAMETER = "format"
#: ``?format=`` names, each standing for the media types listed: the first that fits the answer
#: is used (``json`` is SPARQL JSON results for SELECT/ASK, JSON-LD for a graph; ``xml`` and
#: ``rdf`` alike). The name listing a media type first is that media type's own name.
FORMAT_NAMES: dict[str, tuple[str, ...]] = {
    "csv": ("text/csv",),
    "tsv": ("text/tab-separated-values",),
    "json": ("application/sparql-results+json", "application/ld+json"),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "ttl": ("text/turtle",),
    "nt": ("application/n-triples",),
    "jsonld": ("application/ld+json",),
    # SPARQLWrapper sends ``rdf`` for a SELECT too (wanting XML results)
    "rdf": ("application/rdf+xml", "application/sparql-results+xml"),
}
# Other names clients send in ``format``: SPARQLWrapper sends its return format there (turtle,
# n3, rdf+xml, json-ld, and for some also the media type), as Virtuoso and Fuseki read it.
# A media type we answer in is accepted as a format too.
FORMAT_ALIASES = {
    "turtle": "ttl",
    "n3": "ttl",  # Turtle is N3
    "ntriples": "nt",
    "rdf+xml": "rdf",
    "json-ld": "jsonld",
}
_OWN_NAMES = {media_types[0]: name for name, media_types in FORMAT_NAMES.items()}
# Documents published in an RDF syntax or as HTML (the ontology, vocabularies, resource pages):
# media type -> its ``?format=`` name; the first answers a request that states no preference.
DOCUMENT_FORMATS = {
    **{
        media: _OWN_NAMES[media]
        for media in (
            "text/turtle",
            "application/ld+json",
            "application/rdf+xml",
            "application/n-triples",
        )
    },
    "text/html": "html",
}
# Names people type for the same formats: a range matches its own name, and the canonical one
# when that is what is offered (application/json is JSON where plain JSON is offered, e.g. a
# validation report or an error, and SPARQL JSON results where those are).
ALIASES = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "text/tsv": "text/tab-separated-values",
    "application/x-turtle": "text/turtle",
}


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """The media ranges of an ``Accept`` header with their q-values, in header order.

    Malformed parts are skipped rather than failing the request (browsers send odd headers).
    """
    ranges: list[tuple[str, float]] = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if "/" not in media:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> tuple[float, int]:
    """q-value the header gives ``media_type`` and how specific the matching range was."""
    main = media_type.split("/")[0]
    best: tuple[int, float] | None = None  # (specificity, q)
    for media, q in ranges:
        if media_type in (media, ALIASES.get(media)):
            spec = 2
        elif media == f"{main}/*":
            spec = 1
        elif media == "*/*":
            spec = 0
        else:
            continue
        if best is None or spec > best[0]:
            best = (spec, q)
    return (0.0, -1) if best is None else (best[1], best[0])


def choose_media_type(accept: str | None, available: Sequence[str]) -> str | None:
    """The best of ``available`` for the ``Accept`` header, or None when none is acceptable.

    No header (or an empty one) accepts the first of ``available``. Ties keep ``available``'s
    order, so the caller's preference wins over the client's header order.
    """
    if not available:
        return None
    ranges = parse_accept(accept)
    if not ranges:
        return available[0]
    best: tuple[float, int, int] | None = None
    chosen = None
    for index, media_type in enumerate(available):
        q, spec = _quality(media_type, ranges)
        if q <= 0:
            continue
        key = (q, spec, -index)
        if best is None or key > best:
            best, chosen = key, media_type
    return chosen


class UnknownFormat(InputError):
    """A ``?format=`` value that names no format (HTTP 400)."""


class NotAcceptable(InputError):
    """No media type the client accepts, or the ``?format=`` asked, fits the answer (HTTP 406)."""

    http_status = 406


def format_media_types(name: str) -> tuple[str, ...]:
    """The media types a ``format`` value stands for: a name of ``FORMAT_NAMES``, an alias of
    ``FORMAT_ALIASES``, or media types we answer in (a comma-separated list too: SPARQLWrapper
    sends its Accept value for some formats). Raises UnknownFormat listing the names."""
    found: list[str] = []
    for part in name.split(","):
        value = part.split(";")[0].strip().lower()
        value = FORMAT_ALIASES.get(value, value)
        media_type = ALIASES.get(value, value)
        if value in FORMAT_NAMES:
            found += FORMAT_NAMES[value]
        elif media_type in RESULTS_MEDIA_TYPES + GRAPH_MEDIA_TYPES:
            found.append(media_type)
    if found:
        return tuple(dict.fromkeys(found))
    raise UnknownFormat(
        f"format {name!r} is not one of {', '.join(FORMAT_NAMES)} (or a media type)",
        where="parameter 'format'",
    )


def check_format(name: str | None) -> str | None:
    """``name`` when it is a ``format`` value (or None); raises UnknownFormat listing them."""
    if name is not None:
        format_media_types(name)
    return name


def format_media_type(name: str, available: Sequence[str]) -> str | None:
    """The media type of ``available`` that the format ``name`` stands for, or None.

    Raises UnknownFormat."""
    return next((m for m in format_media_types(name) if m in available), None)


def states_no_preference(accept: str | None) -> bool:
    """True for no ``Accept`` header (urllib, hence pandas) or one that accepts anything alike
    (``*/*``: curl, requests, R's libcurl): what scripts send."""
    ranges = parse_accept(accept)
    return all(media == "*/*" for media, _ in ranges)


def negotiate(
    form: str, accept: str | None, fmt: str | None = None, script_default: str | None = None
) -> str:
    """The media type of the answer to a query of ``form`` ("select", "ask" or "graph").

    ``fmt`` (a ``?format=`` name) overrides ``accept``; ``script_default`` is answered, when
    ``form`` can take it, to a client that states no preference (``states_no_preference``).
    Raises UnknownFormat, NotAcceptable (saying what the answer can be had in).
    """
    available = ANSWER_MEDIA_TYPES[form]
    if fmt is not None:
        chosen = format_media_type(fmt, available)
        if chosen is None:
            names = [n for n in FORMAT_NAMES if format_media_type(n, available)]
            raise NotAcceptable(
                f"{_FORM_NAMES[form]} query has no {fmt} answer; format takes {', '.join(names)}",
                where="parameter 'format'",
            )
        return chosen
    chosen = _media_type(form, accept, script_default)
    if chosen is None:
        raise NotAcceptable(
            f"cannot answer this query in {accept!r}; available: {', '.join(available)}"
        )
    return chosen


# Clients send few distinct Accept headers; parsing one costs more than a lookup.
@lru_cache(maxsize=64)
def _media_type(form: str, accept: str | None, script_default: str | None) -> str | None:
    available = ANSWER_MEDIA_TYPES[form]
    if script_default in available and states_no_preference(accept):
        return script_default
    return choose_media_type(accept, available)
