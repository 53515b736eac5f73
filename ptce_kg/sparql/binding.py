"""Pre-binding variables in query text, for endpoints that only take a query string.

The SPARQL protocol has no substitutions parameter, so the remote backend inserts a
``VALUES`` block at the start of the query's top-level WHERE group: the bound values then join
every pattern of the group, like Oxigraph's native substitutions.
"""

from __future__ import annotations

from collections.abc import Mapping

from ptce_kg.errors import QueryError
from ptce_kg.sparql.guard import tokens


def where_group_offset(sparql: str) -> int:
    """The offset just after the ``{`` opening the top-level WHERE group."""
    first_group: int | None = None
    after_where = False
    for token in tokens(sparql):
        if token.depth != 0:
            continue
        if token.kind == "word" and token.text.upper() == "WHERE":
            after_where = True
        elif token.kind == "other" and token.text == "{":
            if after_where:
                return token.start + 1
            if first_group is None:
                first_group = token.start + 1
    if first_group is None:
        raise QueryError("cannot find the WHERE clause of the query to bind parameters")
    return first_group  # SELECT * { … } / ASK { … } without the WHERE keyword


def prebind(sparql: str, substitutions: Mapping[str, object]) -> str:
    """``sparql`` with a VALUES block binding each variable to its (pyoxigraph) term."""
    if not substitutions:
        return sparql
    names = " ".join(f"?{k.lstrip('?$')}" for k in substitutions)
    values = " ".join(str(v) for v in substitutions.values())
    at = where_group_offset(sparql)
    return f"{sparql[:at]} VALUES ({names}) {{ ({values}) }} {sparql[at:]}"
