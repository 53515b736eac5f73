"""Inspect a SPARQL query or update before it runs.

pyoxigraph cannot switch ``SERVICE`` off nor be told to refuse ``LOAD``, so the text is checked
first with a small tokenizer that skips strings, comments and IRIs (a keyword inside a literal
or an IRI never counts):

- ``SERVICE`` is refused unless its IRI, written absolute, is in the allow-list (a variable
  or relative IRI is refused);
- ``LOAD`` is refused everywhere (it would fetch from the network or read local files);
- an update sent to the query operation is refused, and a query sent as an update;
- the query form (select, ask, construct, describe) is reported so results can be negotiated.

``FROM`` / ``FROM NAMED`` need no check: Oxigraph reads them as names of graphs already in the
store and never dereferences them (tested in ``tests/api``).

The tokenizer does not validate the grammar; Oxigraph's parser does that when the query runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ptce_kg.errors import QueryError

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
QUERY_FORMS = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "graph", "DESCRIBE": "graph"}
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)

# The token rules follow the SPARQL 1.1 grammar (§19.8) where text could otherwise hide: an IRI
# may hold \u/\U escapes, and the local part of a prefixed name may hold %XX and \-escapes such
# as \# or \' (which then start neither a comment nor a string). Oxigraph reads them the same way.
#
# Every rule must also fail or succeed in time linear in the text, since the guard runs in the
# server process on untrusted input of up to max_body_bytes:
# - a string that is not closed runs to the end of its line (short) or of the text (long): the
#   parser rejects such a query anyway, and no quote inside it starts another scan;
# - the prefix of a prefixed name is at most _MAX_PREFIX characters, so the attempts at each
#   letter of a long "a.a.a…" run stay bounded. A longer prefix is seen as a word plus ":local",
#   which can only make the guard stricter (its PREFIX is unknown, a keyword inside is seen).
_MAX_PREFIX = 160
# Inspections of texts up to this size are cached (the catalogue's queries and a client's
# repeated queries come back with the same text; only bound parameters change). Longer texts are
# rare and one-off, and caching them would let a client fill the cache's memory.
_CACHED_TEXT = 64 * 1024
_CACHED_INSPECTIONS = 256
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_CHARS = r"[\w\-\u00B7\u00C0-\uFFFF]"
_PN_PREFIX = rf"[^\W\d_](?:(?:{_PN_CHARS}|\.){{0,{_MAX_PREFIX}}}{_PN_CHARS})?"
_PN_LOCAL = rf"(?:{_PN_CHARS}|:|{_PLX})(?:(?:{_PN_CHARS}|[.:]|{_PLX})*(?:{_PN_CHARS}|:|{_PLX}))?"
_STRING = (
    r"'''(?:[^'\\]|\\.|'(?!''))*+(?:'''|\Z)"
    r'|"""(?:[^"\\]|\\.|"(?!""))*+(?:"""|\Z)'
    r"|'(?:[^'\\\n\r]|\\.)*+(?:'|(?=[\n\r])|\Z)"
    r'|"(?:[^"\\\n\r]|\\.)*+(?:"|(?=[\n\r])|\Z)'
)
_IRI = rf"<(?:[^<>\"{{}}|^`\\\x00-\x20]|{_UCHAR})*>"

# One alternative per token kind; order matters (long strings before short ones).
_TOKEN = re.compile(
    rf"(?P<ws>\s+)"
    rf"|(?P<comment>#[^\n\r]*)"
    rf"|(?P<string>{_STRING})"
    rf"|(?P<iri>{_IRI})"
    rf"|(?P<var>[?$][\w\u00B7\u00C0-\uFFFF]+)"
    rf"|(?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)"
    rf"|(?P<word>[A-Za-z_][A-Za-z0-9_]*)"
    rf"|(?P<other>.)",
    re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str  # iri, var, pname, word, string, other
    text: str
    start: int
    depth: int  # nesting of { } at the token (0 = top level)


@dataclass(frozen=True)
class Inspection:
    """What the guard learnt about a query."""

    form: str  # "select" | "ask" | "graph"
    has_dataset_clause: bool  # FROM / FROM NAMED present


def tokens(text: str) -> Iterator[Token]:
    """Significant tokens of a SPARQL text (whitespace and comments dropped)."""
    depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        value = match.group()
        if value == "}":
            depth = max(depth - 1, 0)
        yield Token(kind, value, match.start(), depth)
        if value == "{":
            depth += 1


def _absolute(tok: Token, prefixes: dict[str, str]) -> str | None:
    """The IRI a token spells out in full, or None (a variable, or a relative IRI: resolving it
    here and in Oxigraph could differ, so a SERVICE endpoint must be written absolute)."""
    iri: str | None
    if tok.kind == "iri":
        iri = tok.text[1:-1]
    elif tok.kind == "pname":
        prefix, _, local = tok.text.partition(":")
        namespace = prefixes.get(prefix)
        iri = None if namespace is None else namespace + local
    else:
        iri = None
    return iri if iri is not None and _SCHEME.match(iri) else None


def _check_services_and_load(toks: Sequence[Token], allowlist: Iterable[str]) -> None:
    allowed = set(allowlist)
    prefixes: dict[str, str] = {}
    for i, tok in enumerate(toks):
        if tok.kind != "word":
            continue
        word = tok.text.upper()
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if word == "PREFIX" and nxt is not None and i + 2 < len(toks):
            if toks[i + 2].kind == "iri":
                prefixes[nxt.text.rstrip(":")] = toks[i + 2].text[1:-1]
        elif word == "LOAD":
            raise QueryError(
                "LOAD is not allowed: this service never fetches data", f"character {tok.start + 1}"
            )
        elif word == "SERVICE":
            target = nxt
            if target is not None and target.kind == "word" and target.text.upper() == "SILENT":
                target = toks[i + 2] if i + 2 < len(toks) else None
            iri = _absolute(target, prefixes) if target is not None else None
            if iri is None or iri not in allowed:
                shown = iri or (target.text if target is not None else "")
                raise QueryError(
                    f"SERVICE {shown} is not allowed: federated queries may only call the "
                    "endpoints of the configured allow-list (PTCE_SERVICE_ALLOWLIST)",
                    f"character {tok.start + 1}",
                )


def _first_keyword(toks: Sequence[Token]) -> Token | None:
    """The first keyword after the prologue (BASE / PREFIX declarations)."""
    i = 0
    while i < len(toks):
        tok = toks[i]
        upper = tok.text.upper()
        if tok.kind == "word" and upper == "BASE":
            i += 2
        elif tok.kind == "word" and upper == "PREFIX":
            i += 3
        else:
            return tok
    return None


def query_form(query: str) -> str | None:
    """The form of a query ("select", "ask" or "graph"), None when it starts with none of
    them; checks nothing else (no error raised)."""
    first = _first_keyword(list(tokens(query)))
    return QUERY_FORMS.get(first.text.upper()) if first is not None else None


def inspect_query(query: str, allowlist: Iterable[str] = ()) -> Inspection:
    """Check a query for the query operation; raise ``QueryError`` when it is refused.

    Accepted texts are remembered (a refusal is not: it raises again, checked afresh).
    """
    allowed = frozenset(allowlist)
    if len(query) <= _CACHED_TEXT:
        return _inspect_query_cached(query, allowed)
    return _inspect_query(query, allowed)


@lru_cache(maxsize=_CACHED_INSPECTIONS)
def _inspect_query_cached(query: str, allowlist: frozenset[str]) -> Inspection:
    return _inspect_query(query, allowlist)


def _inspect_query(query: str, allowlist: frozenset[str]) -> Inspection:
    toks = list(tokens(query))
    _check_services_and_load(toks, allowlist)
    first = _first_keyword(toks)
    if first is None:
        raise QueryError("the query is empty", "query")
    keyword = first.text.upper()
    if keyword in UPDATE_KEYWORDS:
        raise QueryError(
            f"{keyword} is an update: updates are not accepted on the query operation "
            "(send them as POST update=… to an endpoint started with --allow-update)",
            "query",
        )
    form = QUERY_FORMS.get(keyword)
    if form is None:
        raise QueryError(
            f"the query must start with SELECT, ASK, CONSTRUCT or DESCRIBE, not {first.text!r}",
            f"query, character {first.start + 1}",
        )
    has_dataset = any(t.kind == "word" and t.text.upper() == "FROM" and t.depth == 0 for t in toks)
    return Inspection(form=form, has_dataset_clause=has_dataset)


def inspect_update(update: str, allowlist: Iterable[str] = ()) -> None:
    """Check an update; raise ``QueryError`` when it is refused (LOAD, SERVICE, a query)."""
    toks = list(tokens(update))
    _check_services_and_load(toks, allowlist)
    first = _first_keyword(toks)
    if first is not None and first.text.upper() in QUERY_FORMS:
        raise QueryError(
            f"{first.text.upper()} is a query: send it to the query operation", "update"
        )


_IRI_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^<>\"{}|^`\\\x00-\x20]*")


def check_iri(value: str, what: str) -> str:
    """``value`` if it can be written between < > as an absolute IRI, else ``QueryError``.

    Every IRI this service writes into SPARQL text itself (BASE, USING) goes through here, so a
    request parameter or header cannot close the IRI and add SPARQL the guard never read.
    """
    if not _IRI_TEXT.fullmatch(value):
        raise QueryError(f"{value!r} is not an absolute IRI", what)
    return value


def add_using_clauses(update: str, using: Sequence[str], using_named: Sequence[str]) -> str:
    """Apply the protocol's ``using-graph-uri`` / ``using-named-graph-uri`` to an update.

    Each is written as a ``USING`` / ``USING NAMED`` clause before the ``WHERE`` of every
    DELETE/INSERT operation. The protocol forbids mixing them with ``USING`` or ``WITH`` in the
    text, so that is refused, as is ``DELETE WHERE`` (which takes no dataset).
    """
    if not using and not using_named:
        return update
    toks = list(tokens(update))
    top_words = [t for t in toks if t.kind == "word" and t.depth == 0]
    for tok in top_words:
        if tok.text.upper() in ("USING", "WITH"):
            raise QueryError(
                f"the update has a {tok.text.upper()} clause and the request gives "
                "using-graph-uri / using-named-graph-uri: use one or the other",
                "update",
            )
    clause = "".join(f"USING <{check_iri(iri, 'using-graph-uri')}> " for iri in using) + "".join(
        f"USING NAMED <{check_iri(iri, 'using-named-graph-uri')}> " for iri in using_named
    )
    pieces: list[str] = []
    last = 0
    for i, tok in enumerate(top_words):
        if tok.text.upper() != "WHERE":
            continue
        if (
            i > 0
            and top_words[i - 1].text.upper() == "DELETE"
            and _adjacent(toks, top_words[i - 1], tok)
        ):
            raise QueryError(
                "DELETE WHERE cannot take using-graph-uri / using-named-graph-uri", "update"
            )
        pieces.append(update[last : tok.start])
        pieces.append(clause)
        last = tok.start
    pieces.append(update[last:])
    return "".join(pieces)


def _adjacent(toks: Sequence[Token], first: Token, second: Token) -> bool:
    """True when ``second`` is the token right after ``first``."""
    index = next(i for i, t in enumerate(toks) if t.start == first.start)
    return index + 1 < len(toks) and toks[index + 1].start == second.start
