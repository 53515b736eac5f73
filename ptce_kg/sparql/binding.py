"""Binding parameters in query text: pre-binding variables for endpoints that only take a
query string, and dropping the columns of parameters left unset.

The SPARQL protocol has no substitutions parameter, so the remote backend inserts a
``VALUES`` block at the start of the query's top-level WHERE group: the bound values then join
every pattern of the group, like Oxigraph's native substitutions.

A parameter that a query only tests (``FILTER(COALESCE(STR(?category), "") IN …)``) is unbound
in every row when it is left unset; when the query also projects it, that column would be
empty, so the catalogue drops it from the projection (``filter_only``, ``drop_projected``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

from ptce_kg.errors import QueryError
from ptce_kg.sparql.guard import Token, tokens


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


def _projection(toks: Sequence[Token]) -> tuple[int, int] | None:
    """Token indices [start, end) of the top-level SELECT's projection, or None (no SELECT)."""
    start = next(
        (
            i + 1
            for i, t in enumerate(toks)
            if t.depth == 0 and t.kind == "word" and t.text.upper() == "SELECT"
        ),
        None,
    )
    if start is None:
        return None
    for end in range(start, len(toks)):
        tok = toks[end]
        if (tok.kind == "word" and tok.text.upper() in ("WHERE", "FROM")) or tok.text == "{":
            return start, end
    return start, len(toks)


def _plain_projected(toks: Sequence[Token], span: tuple[int, int], name: str) -> list[int]:
    """Indices of ``?name`` projected as a plain variable (not inside ``(… AS ?x)``)."""
    found, parens = [], 0
    for i in range(*span):
        tok = toks[i]
        parens += (tok.text == "(") - (tok.text == ")")
        if parens == 0 and tok.kind == "var" and tok.text[1:] == name:
            found.append(i)
    return found


def _closing(toks: Sequence[Token], opening: int) -> int:
    """Index of the bracket closing the ``(`` or ``{`` at ``opening`` (the last token if none)."""
    open_text = toks[opening].text
    close_text = ")" if open_text == "(" else "}"
    level = 0
    for i in range(opening, len(toks)):
        level += (toks[i].text == open_text) - (toks[i].text == close_text)
        if level == 0:
            return i
    return len(toks) - 1


def _filter_spans(toks: Sequence[Token], start: int) -> set[int]:
    """Indices of the tokens inside FILTER constraints (``FILTER(…)``, ``FILTER fn(…)``,
    ``FILTER [NOT] EXISTS {…}``) from ``start`` on: none of them binds a variable."""
    inside: set[int] = set()
    i = start
    while i < len(toks):
        if toks[i].kind == "word" and toks[i].text.upper() == "FILTER":
            opening = next(
                (j for j in range(i + 1, len(toks)) if toks[j].text in ("(", "{")), len(toks)
            )
            end = _closing(toks, opening) if opening < len(toks) else len(toks) - 1
            inside.update(range(i, end + 1))
            i = end
        i += 1
    return inside


@lru_cache(maxsize=256)
def filter_only(sparql: str, name: str) -> bool:
    """True when the top-level SELECT projects ``?name`` as a plain variable and the query
    uses it nowhere else but inside FILTER constraints (and solution modifiers): left unbound,
    it is unbound in every row. A query with a trailing VALUES block is never such a query."""
    toks = list(tokens(sparql))
    span = _projection(toks)
    if span is None or not _plain_projected(toks, span, name):
        return False
    if any(t.depth == 0 and t.kind == "word" and t.text.upper() == "VALUES" for t in toks):
        return False
    in_filters = _filter_spans(toks, span[1])
    return all(
        i in in_filters or tok.depth == 0
        for i, tok in enumerate(toks[span[1] :], start=span[1])
        if tok.kind == "var" and tok.text[1:] == name
    )


@lru_cache(maxsize=256)
def _drop_projected(sparql: str, names: tuple[str, ...]) -> str:
    toks = list(tokens(sparql))
    span = _projection(toks)
    if span is None:
        return sparql
    dropped = sorted(
        (toks[i] for name in names for i in _plain_projected(toks, span, name)),
        key=lambda t: t.start,
        reverse=True,
    )
    for tok in dropped:
        sparql = sparql[: tok.start] + sparql[tok.start + len(tok.text) :]
    return sparql


def drop_projected(sparql: str, names: Iterable[str]) -> str:
    """``sparql`` without the plain variables ``names`` in its top-level SELECT projection."""
    return _drop_projected(sparql, tuple(sorted(names)))
