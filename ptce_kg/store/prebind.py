"""Pre-binding variables in query text, for endpoints that only take a query string.

The SPARQL protocol has no substitutions parameter, so the remote backend inserts a
``VALUES`` block at the start of the query's top-level WHERE group: the bound values then join
every pattern of the group, like Oxigraph's native substitutions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ptce_kg.errors import QueryError

# Strings, IRIs and comments are skipped whole so their braces and keywords are not counted.
_TOKENS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
    r"|\bWHERE\b|[{}]",
    re.IGNORECASE,
)


def where_group_offset(sparql: str) -> int:
    """The offset just after the ``{`` opening the top-level WHERE group."""
    depth = 0
    first_group: int | None = None
    after_where = False
    for match in _TOKENS.finditer(sparql):
        token = match.group(0)
        if token == "{":
            if depth == 0:
                if after_where:
                    return match.end()
                first_group = match.end() if first_group is None else first_group
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0 and token.upper() == "WHERE":
            after_where = True
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
