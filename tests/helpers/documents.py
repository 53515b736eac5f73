"""What the document routes' tests send and read: a browser's ``Accept`` header, and the RDF
syntaxes with their ``?format=`` name and rdflib parser."""

from __future__ import annotations

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
RDF_SYNTAXES = [  # Accept, ?format=, rdflib parser
    ("text/turtle", "ttl", "turtle"),
    ("application/ld+json", "jsonld", "json-ld"),
    ("application/rdf+xml", "rdf", "xml"),
    ("application/n-triples", "nt", "nt"),
]
