"""The named-query catalogue: ``sparql/*.rq`` files with a grlc-style ``#+`` YAML header; and
:func:`statement`, the loader of the queries and updates ptce-kg runs itself (sub-folders of
``sparql/``: SPARQL lives in ``.rq`` files only).

A header gives the summary and description in French and English, tags and typed parameters::

    #+ summary: {fr: Pôles par région, en: Poles by région}
    #+ tags: [territoire]
    #+ params:
    #+   region: {type: iri, base: "http://id.insee.fr/geo/region/", description: …}

Parameter values are checked against their type and allowed values and bound as RDF terms
(pyoxigraph ``substitutions``, SEP-0007), never pasted into the query text, so a value cannot
change what the query does. A parameter left unset (optional, no default) leaves its variable
free: the query then answers for every value; when the query only tests it in FILTERs and
projects it, its column (empty in every row) is dropped from the projection
(``NamedQuery.prepare``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml
from pyoxigraph import Literal, NamedNode, RdfFormat, parse
from rdflib.namespace import SKOS
from rdflib.namespace import XSD as XSD_NS

from ptce_kg.errors import InputError, QueryError
from ptce_kg.rdf.namespaces import vocab
from ptce_kg.rdf.resources import ontology_dir, sparql_dir
from ptce_kg.sparql.binding import drop_projected, filter_only, prebind
from ptce_kg.sparql.negotiation import FORMAT_PARAMETER

XSD = str(XSD_NS)
_SKOS_IN_SCHEME = NamedNode(SKOS.inScheme)
_SCALAR_TYPES = ("iri", "string", "integer", "decimal", "date", "gYear", "boolean")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_PARAM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Absolute http(s) IRI without characters IRIs forbid (spaces, <>"{}|\^`).
_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
_KEY = re.compile(r"^[A-Za-z0-9._~-]+$")  # a slug, code or SIREN appended to a base
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_GYEAR = re.compile(r"^[0-9]{4}$")
_BOOLEANS = {"true": "true", "1": "true", "false": "false", "0": "false"}
MAX_STRING = 500  # a search string longer than this is a mistake, not a query


class ParameterError(QueryError):
    """A named-query parameter that is missing, unknown or has a bad value (HTTP 422)."""

    http_status = 422

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message, where=f"parameter {parameter!r}")
        self.parameter = parameter


@dataclass(frozen=True)
class Param:
    """A typed parameter of a named query; its name is the query variable it binds."""

    name: str
    type: str  # one of _SCALAR_TYPES or "concept:<scheme>"
    description: dict[str, str] = field(default_factory=dict)
    default: str | None = None
    required: bool = False
    allowed: tuple[str, ...] = ()
    base: str | None = None  # iri/concept: a value that is not an absolute IRI is appended to it
    pattern: str | None = None  # string: the value must match this regular expression

    def term(self, raw: str) -> NamedNode | Literal:
        """The RDF term for ``raw``; raises ``ParameterError`` saying why it is refused."""
        value = raw.strip()
        if self.type == "iri" or self.type.startswith("concept:"):
            return self._iri(value)
        if self.allowed and value not in self.allowed:
            raise ParameterError(self.name, f"{value!r} is not one of {', '.join(self.allowed)}")
        if self.type == "string":
            if len(raw) > MAX_STRING:
                raise ParameterError(self.name, f"longer than {MAX_STRING} characters")
            if self.pattern and not re.fullmatch(self.pattern, raw):
                raise ParameterError(self.name, f"{raw!r} does not match {self.pattern}")
            return Literal(raw)
        if self.type == "boolean":
            if value.lower() not in _BOOLEANS:
                raise ParameterError(self.name, f"{value!r} is not a boolean (true or false)")
            return Literal(_BOOLEANS[value.lower()], datatype=NamedNode(XSD + "boolean"))
        checks = {"integer": _INTEGER, "decimal": _DECIMAL, "date": _DATE, "gYear": _GYEAR}
        if not checks[self.type].match(value):
            raise ParameterError(self.name, f"{value!r} is not an xsd:{self.type}")
        if self.type == "date":
            try:
                date.fromisoformat(value)
            except ValueError as exc:
                raise ParameterError(
                    self.name, f"{value!r} is not a calendar date ({exc})"
                ) from exc
        return Literal(value, datatype=NamedNode(XSD + self.type))

    def _iri(self, value: str) -> NamedNode:
        if _IRI.match(value):
            iri = value
        elif self.base and _KEY.match(value):
            iri = self.base + value
        else:
            hint = f", nor a key to append to <{self.base}>" if self.base else ""
            raise ParameterError(self.name, f"{value!r} is not an absolute http(s) IRI{hint}")
        if self.allowed:
            key = iri[len(self.base) :] if self.base and iri.startswith(self.base) else iri
            if key not in self.allowed:
                raise ParameterError(
                    self.name, f"{value!r} is not one of {', '.join(self.allowed)}"
                )
        try:
            return NamedNode(iri)
        except ValueError as exc:
            raise ParameterError(self.name, f"{value!r} is not a valid IRI: {exc}") from exc

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view (for ``/queries``)."""
        return {
            "name": self.name,
            "type": self.type,
            "required": self.required,
            "default": self.default,
            "allowed": list(self.allowed) or None,
            "base": self.base,
            "pattern": self.pattern,
            "description": self.description,
        }


@dataclass(frozen=True)
class PreparedQuery:
    """A named query ready to run: its text and the terms bound to its variables."""

    text: str
    substitutions: dict[str, NamedNode | Literal]


@dataclass(frozen=True)
class NamedQuery:
    """One query of the catalogue."""

    name: str
    summary: dict[str, str]
    description: dict[str, str]
    tags: tuple[str, ...]
    params: tuple[Param, ...]
    text: str  # the whole file, header included
    path: Path | None = None
    # Optional parameters with no default that the query projects but only tests in FILTERs:
    # left unset, their column would be empty in every row (``prepare`` drops it).
    unset_columns: frozenset[str] = frozenset()

    @property
    def body(self) -> str:
        """The SPARQL text without its ``#+`` header."""
        return _without_header(self.text)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def bind(self, params: Mapping[str, str]) -> dict[str, NamedNode | Literal]:
        """Substitutions for ``params`` (plus defaults); raises ``ParameterError`` on bad input."""
        known = {p.name for p in self.params}
        for name in params:
            if name not in known:
                takes = ", ".join(sorted(known)) or "no parameter"
                raise ParameterError(name, f"unknown parameter; {self.name} takes {takes}")
        bindings: dict[str, NamedNode | Literal] = {}
        for p in self.params:
            raw = params.get(p.name)
            if raw is None or raw == "":
                raw = p.default
            if raw is None:
                if p.required:
                    raise ParameterError(p.name, "required and missing")
                continue  # left free: the query answers for every value
            bindings[p.name] = p.term(raw)
        return bindings

    def prepare(self, params: Mapping[str, str]) -> PreparedQuery:
        """The text and substitutions to run for ``params``: ``bind``, and the projection
        without the columns of parameters left unset that would be empty (``unset_columns``).
        Raises ``ParameterError``."""
        bindings = self.bind(params)
        unset = self.unset_columns - bindings.keys()
        text = drop_projected(self.text, unset) if unset else self.text
        return PreparedQuery(text, bindings)

    def standalone(self) -> str:
        """The query as it runs with no parameter given, as plain SPARQL for an editor or any
        endpoint: no header, the defaults in a ``VALUES`` block, no empty parameter column."""
        prepared = self.prepare({})
        return prebind(_without_header(prepared.text), prepared.substitutions)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view (for ``/queries``)."""
        return {
            "name": self.name,
            "summary": self.summary,
            "description": self.description,
            "tags": list(self.tags),
            "parameters": [p.as_dict() for p in self.params],
            "path": f"/queries/{self.name}",
        }


def _without_header(text: str) -> str:
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if not line.startswith("#+")), len(lines))
    return "".join(lines[start:])


class Catalogue:
    """The named queries, by name, in file-name order."""

    def __init__(self, queries: list[NamedQuery]) -> None:
        self._queries = {q.name: q for q in queries}

    def names(self) -> list[str]:
        return list(self._queries)

    def get(self, name: str) -> NamedQuery | None:
        return self._queries.get(name)

    def __iter__(self) -> Iterator[NamedQuery]:
        return iter(self._queries.values())

    def __len__(self) -> int:
        return len(self._queries)


def load_catalogue(directory: Path | None = None) -> Catalogue:
    """Read every ``*.rq`` of ``directory`` (default: the shipped ``sparql/``, not sub-folders)."""
    folder = directory or sparql_dir()
    return Catalogue([read_query(path) for path in sorted(folder.glob("*.rq"))])


@cache
def statement(name: str) -> str:
    """The text of the shipped ``sparql/<name>.rq`` (``metadata/fingerprint``,
    ``store/graph-sizes``…): the queries and updates ptce-kg runs itself, kept in sub-folders
    apart from the catalogue. Their variables are bound like a named query's parameters, by
    ``Store.query``'s substitutions."""
    return (sparql_dir() / f"{name}.rq").read_text(encoding="utf-8")


def read_query(path: Path) -> NamedQuery:
    """One catalogue file; raises ``InputError`` naming the file and the field that is wrong."""
    where = str(path)
    if not _NAME.match(path.stem):
        raise InputError("a query name uses lower-case letters, digits and dashes", where)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {exc}", where) from exc
    header = _header(text, where)
    summary = _localised(header, "summary", where, required=True)
    description = _localised(header, "description", where, required=False) or summary
    tags = header.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise InputError("tags must be a list of strings", f"{where}: tags")
    params = tuple(_param(name, spec, text, where) for name, spec in _param_specs(header, where))
    unset_columns = frozenset(
        p.name for p in params if not p.required and p.default is None and filter_only(text, p.name)
    )
    return NamedQuery(
        path.stem, summary, description, tuple(tags), params, text, path, unset_columns
    )


def _header(text: str, where: str) -> dict[str, Any]:
    lines = []
    for line in text.splitlines():
        if not line.startswith("#+"):
            break
        lines.append(line[3:] if line.startswith("#+ ") else line[2:])
    try:
        header = yaml.safe_load("\n".join(lines)) if lines else None
    except yaml.YAMLError as exc:
        raise InputError(f"the #+ header is not valid YAML: {exc}", where) from exc
    if not isinstance(header, dict):
        raise InputError("the file must start with a #+ YAML header (summary, params…)", where)
    return header


def _localised(header: dict[str, Any], key: str, where: str, *, required: bool) -> dict[str, str]:
    value = header.get(key)
    if value is None:
        value = {
            lang: header[f"{key}_{lang}"] for lang in ("fr", "en") if f"{key}_{lang}" in header
        }
    if isinstance(value, str):
        value = {"fr": value, "en": value}
    if not isinstance(value, dict) or any(not isinstance(v, str) for v in value.values()):
        raise InputError(f"{key} must be a text or a mapping fr/en", f"{where}: {key}")
    if required and not ({"fr", "en"} <= set(value)):
        raise InputError(f"{key} needs a French and an English text", f"{where}: {key}")
    return {str(k): v.strip() for k, v in value.items()}


def _param_specs(header: dict[str, Any], where: str) -> list[tuple[str, dict[str, Any]]]:
    params = header.get("params") or {}
    if isinstance(params, list):  # grlc also writes a list of one-key mappings
        params = {k: v for item in params if isinstance(item, dict) for k, v in item.items()}
    if not isinstance(params, dict):
        raise InputError("params must be a mapping name -> specification", f"{where}: params")
    return [(str(k), v if isinstance(v, dict) else {"type": v}) for k, v in params.items()]


def _param(name: str, spec: dict[str, Any], text: str, where: str) -> Param:
    at = f"{where}: params.{name}"
    if not _PARAM_NAME.match(name):
        raise InputError("a parameter name is a SPARQL variable name", at)
    if name == FORMAT_PARAMETER:
        raise InputError(f"{name!r} is reserved: it picks the format of the answer", at)
    if not re.search(rf"[?$]{name}\b", text):
        raise InputError(f"the query has no variable ?{name} to bind", at)
    if re.search(rf"BOUND\s*\(\s*[?$]{name}\s*\)", text, re.IGNORECASE):
        # A substituted variable is not BOUND in Oxigraph: such a filter would ignore the value.
        raise InputError(f"BOUND(?{name}) cannot test a parameter; use COALESCE", at)
    kind = str(spec.get("type", "string"))
    base = spec.get("base")
    allowed = tuple(str(v) for v in spec.get("allowed") or spec.get("enum") or ())
    if kind.startswith("concept:"):
        scheme = kind.split(":", 1)[1]
        notations = scheme_notations(scheme)
        if not notations:
            raise InputError(
                f"unknown concept scheme {scheme!r} (no ontology/vocab/{scheme}.ttl)", at
            )
        unknown = set(allowed) - set(notations)
        if unknown:
            raise InputError(f"allowed values not in scheme {scheme}: {sorted(unknown)}", at)
        allowed = allowed or notations
        base = str(vocab(scheme, ""))
    elif kind not in _SCALAR_TYPES:
        raise InputError(
            f"unknown type {kind!r} (one of {', '.join(_SCALAR_TYPES)}, concept:<scheme>)", at
        )
    description = spec.get("description") or {}
    if isinstance(description, str):
        description = {"fr": description, "en": description}
    default = spec.get("default")
    param = Param(
        name=name,
        type=kind,
        description={str(k): str(v) for k, v in description.items()},
        default=None
        if default is None
        else str(default).lower()
        if isinstance(default, bool)
        else str(default),
        required=bool(spec.get("required", False)),
        allowed=allowed,
        base=str(base) if base else None,
        pattern=str(spec["pattern"]) if spec.get("pattern") else None,
    )
    if param.default is not None:
        try:
            param.term(param.default)
        except ParameterError as exc:
            raise InputError(f"bad default: {exc.message}", at) from exc
    return param


@lru_cache(maxsize=32)
def scheme_notations(scheme: str) -> tuple[str, ...]:
    """The concept keys (last IRI segments) of the shipped SKOS scheme ``scheme``."""
    path = ontology_dir() / "vocab" / f"{scheme}.ttl"
    if not re.fullmatch(r"[a-z-]+", scheme) or not path.is_file():
        return ()
    prefix = str(vocab(scheme, ""))
    keys = {
        q.subject.value[len(prefix) :]
        for q in parse(path=path, format=RdfFormat.TURTLE)
        if q.predicate == _SKOS_IN_SCHEME
        and isinstance(q.subject, NamedNode)
        and q.subject.value.startswith(prefix)
    }
    return tuple(sorted(keys))
