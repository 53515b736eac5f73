"""Linked-data pages: every resource the graph names described for people (HTML, with the
graph each statement comes from) and for machines (its statements in an RDF syntax)."""
