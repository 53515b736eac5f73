"""Content negotiation: parse an ``Accept`` header and pick one of the media types we can produce.

No web framework here, so services and every router can share it.
"""

from __future__ import annotations

from collections.abc import Sequence

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
# Documents published in an RDF syntax or as HTML (the ontology, vocabularies, resource pages):
# media type -> its ``?format=`` name; the first answers a request that states no preference.
DOCUMENT_FORMATS = {
    "text/turtle": "ttl",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdf",
    "application/n-triples": "nt",
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
