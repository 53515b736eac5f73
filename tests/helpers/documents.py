"""What the tests of the document and query routes send and read: a browser's ``Accept``
header, the RDF syntaxes with their ``?format=`` name and rdflib parser, and the media types
queries are answered in with pyoxigraph's parser of each (the tests' own list, not the
service's)."""

from __future__ import annotations

from pyoxigraph import QueryResultsFormat, RdfFormat

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
RDF_SYNTAXES = [  # Accept, ?format=, rdflib parser
    ("text/turtle", "ttl", "turtle"),
    ("application/ld+json", "jsonld", "json-ld"),
    ("application/rdf+xml", "rdf", "xml"),
    ("application/n-triples", "nt", "nt"),
]
# SPARQL results (the boolean forms first) and graph syntaxes
RESULT_PARSERS = {
    media_type: QueryResultsFormat.from_media_type(media_type)
    for media_type in (
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    )
}
GRAPH_PARSERS = {
    media_type: RdfFormat.from_media_type(media_type)
    for media_type in (
        "text/turtle",
        "application/n-triples",
        "application/ld+json",
        "application/rdf+xml",
    )
}
