"""The W3C Reconciliation API over the index: version 0.2 (what OpenRefine speaks) and
1.0-draft. Requests are parsed into ``matching.Query`` and answered as plain JSON-ready data;
the API layer only moves them over HTTP.

Every malformed request raises ``ReconciliationError`` (HTTP 400) saying which query or field
is wrong; a batch past ``BATCH_SIZE`` raises ``BatchTooLarge`` (HTTP 413).
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ptce_kg import __version__
from ptce_kg.errors import InputError
from ptce_kg.rdf.namespaces import ID, PTCE
from ptce_kg.reconciliation.index import TERRITORY_KINDS, Entity, ReconIndex
from ptce_kg.reconciliation.matching import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    QUERY_PROPERTIES,
    Candidate,
    Query,
    reconcile,
)

BATCH_SIZE = 50  # queries per batch (the manifest's batchSize); larger batches get 413
MAX_TEXT = 1_000  # characters of a name or value: longer is not a name
MAX_PROPERTIES = 20  # property values per query
MAX_EXTEND_IDS = 1_000
PREVIEW_WIDTH, PREVIEW_HEIGHT = 400, 200
SERVICE_NAME = "ptce-kg: organisations, pôles et territoires (SIRENE, PTCE, COG)"

TYPES: dict[str, tuple[str, str]] = {
    "legal-unit": ("Unité légale (SIRENE)", "Registry legal unit: SIREN, name, head office"),
    "pole": ("Pôle territorial de coopération économique (PTCE)", "Known PTCE and pole graphs"),
    "territory": ("Territoire", "Commune, EPCI, département or région (COG)"),
    "commune": (
        "Commune",
        "COG commune, commune déléguée or associée, municipal arrondissement",
    ),
    "epci": ("EPCI à fiscalité propre", "Intercommunality, identified by its SIREN"),
    "departement": ("Département", "COG département"),
    "region": ("Région", "COG région"),
    "naf": ("Sous-classe NAF rév. 2", "Activity (NAF sub-class, e.g. 94.99Z)"),
    "legal-form": ("Catégorie juridique", "INSEE legal form (level III, e.g. 9220)"),
}
DEFAULT_TYPES = ("legal-unit", "pole", "commune")

# Data extension properties: id -> (name, description, types that have it).
_UNIT = ("legal-unit",)
EXTEND_PROPERTIES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "siren": ("SIREN", "SIREN of the legal unit (9 digits)", _UNIT),
    "head-office-siret": ("SIRET du siège", "SIRET of the head office (14 digits)", _UNIT),
    "name": ("Nom", "Name", tuple(t for t in TYPES if t != "territory")),
    "code": ("Code", "INSEE, NAF or legal-form code", ("commune", "epci", "departement",
                                                     "region", "naf", "legal-form")),
    "legal-form": ("Catégorie juridique", "Legal form (INSEE catégorie juridique)", _UNIT),
    "ess-family": ("Famille ESS", "ESS family derived by the linking rules", _UNIT),
    "sirene-ess-flag": ("Indicateur ESS SIRENE", "SIRENE's ESS flag (O/N)", _UNIT),
    "administrative-state": ("État administratif", "A active, C ceased", _UNIT),
    "commune": ("Commune", "Commune of the head office", ("legal-unit", "commune")),
    "commune-code": ("Code commune", "INSEE code of the head office's commune", _UNIT),
    "departement": ("Département", "Département (of the head office for a unit)",
                    ("legal-unit", "pole", "commune", "epci")),
    "naf": ("Activité (NAF)", "Main activity, NAF rév. 2 sub-class", _UNIT),
    "poles": ("Pôles", "Poles it is a member of", _UNIT),
}  # fmt: skip


class ReconciliationError(InputError):
    """A reconciliation request that is malformed (HTTP 400)."""


class BatchTooLarge(InputError):
    """More queries (or ids) in one request than the service takes (HTTP 413)."""

    http_status = 413


# -- queries ------------------------------------------------------------------------------


def parse_json(text: str | bytes, what: str) -> Any:
    """JSON text from a request; raises ``ReconciliationError`` naming ``what`` and the spot."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ReconciliationError(f"not valid JSON: {exc}", where=what) from exc


def _check_types(value: Any, where: str) -> tuple[str, ...]:
    if value is None or value == "" or value == []:
        return ()
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ReconciliationError("a type is a type id or a list of type ids", where)
    unknown = [v for v in values if v not in TYPES]
    if unknown:
        raise ReconciliationError(
            f"unknown type {unknown[0]!r}; the types are {', '.join(TYPES)}", where
        )
    expanded = [k for v in values for k in (TERRITORY_KINDS if v == "territory" else (v,))]
    return tuple(dict.fromkeys(expanded))


def _check_limit(value: Any, where: str) -> int:
    if value is None:
        return DEFAULT_LIMIT
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 1:
        raise ReconciliationError("limit is a positive integer", where)
    return min(int(value), MAX_LIMIT)


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str | int | float):  # bool is an int: "true" / "false"
        raise ReconciliationError(
            "a value is a string, a number, a boolean or an entity {id, name}", where
        )
    text = str(value).lower() if isinstance(value, bool) else str(value)
    if len(text) > MAX_TEXT:
        raise ReconciliationError(f"longer than {MAX_TEXT} characters", where)
    return text


def _values(value: Any, where: str) -> list[str]:
    """Property values as text: an entity given as ``{id, name}`` counts by its id."""
    values = value if isinstance(value, list) else [value]
    if len(values) > MAX_PROPERTIES:
        raise ReconciliationError(f"more than {MAX_PROPERTIES} values", where)
    texts = []
    for item in values:
        if isinstance(item, dict):
            if not isinstance(item.get("id"), str):
                raise ReconciliationError("an entity value needs an id", where)
            texts.append(_text(item["id"], where))
        else:
            texts.append(_text(item, where))
    return texts


def _property_id(value: Any, where: str) -> str:
    if value not in QUERY_PROPERTIES:
        raise ReconciliationError(
            f"unknown property {value!r}; the properties are {', '.join(QUERY_PROPERTIES)}", where
        )
    return str(value)


def _finish(text: str, types: tuple[str, ...], limit: int, props: list[tuple[str, str]],
            where: str) -> Query:  # fmt: skip
    if not text.strip() and not any(v.strip() for _, v in props):
        raise ReconciliationError("empty query: give a name or a property value", where)
    if len(props) > MAX_PROPERTIES:
        raise ReconciliationError(f"more than {MAX_PROPERTIES} property values", where)
    return Query(text.strip(), types, limit, tuple(props))


def _check_batch_size(count: int) -> None:
    if count > BATCH_SIZE:
        raise BatchTooLarge(
            f"{count} queries in one batch; send at most {BATCH_SIZE} (the manifest's batchSize)"
        )
    if count == 0:
        raise ReconciliationError("the batch holds no query")


def parse_batch_v02(batch: Any) -> dict[str, Query]:
    """A 0.2 query batch ``{key: {query, type, limit, properties: [{pid, v}]}}``."""
    if not isinstance(batch, dict):
        raise ReconciliationError("a query batch is a JSON object {key: query}", "queries")
    _check_batch_size(len(batch))
    queries = {}
    for key, spec in batch.items():
        where = f"queries[{key!r}]"
        if isinstance(spec, str):  # the oldest clients send a bare name
            spec = {"query": spec}
        if not isinstance(spec, dict):
            raise ReconciliationError(
                "a query is an object {query, type, limit, properties}", where
            )
        unknown = set(spec) - {"query", "type", "limit", "properties", "type_strict"}
        if unknown:
            raise ReconciliationError(f"unknown field {sorted(unknown)[0]!r}", where)
        text = _text(spec.get("query", ""), f"{where}.query")
        props: list[tuple[str, str]] = []
        properties = spec.get("properties") or []
        if not isinstance(properties, list):
            raise ReconciliationError("properties is a list of {pid, v}", f"{where}.properties")
        for i, prop in enumerate(properties):
            at = f"{where}.properties[{i}]"
            if not isinstance(prop, dict) or "pid" not in prop or "v" not in prop:
                raise ReconciliationError("a property is an object {pid, v}", at)
            pid = _property_id(prop["pid"], f"{at}.pid")
            props += [(pid, v) for v in _values(prop["v"], f"{at}.v")]
        types = _check_types(spec.get("type"), f"{where}.type")
        limit = _check_limit(spec.get("limit"), f"{where}.limit")
        queries[str(key)] = _finish(text, types, limit, props, where)
    return queries


def parse_batch_v1(batch: Any) -> list[Query]:
    """A 1.0-draft query batch ``{"queries": [{type, limit, conditions: [...]}]}``."""
    if not isinstance(batch, dict) or not isinstance(batch.get("queries"), list):
        raise ReconciliationError('a query batch is an object {"queries": [...]}', "body")
    items = batch["queries"]
    _check_batch_size(len(items))
    queries = []
    for n, spec in enumerate(items):
        where = f"queries[{n}]"
        if not isinstance(spec, dict):
            raise ReconciliationError("a query is an object {type, limit, conditions}", where)
        unknown = set(spec) - {"type", "limit", "conditions", "lang", "dir"}
        if unknown:
            raise ReconciliationError(f"unknown field {sorted(unknown)[0]!r}", where)
        conditions = spec.get("conditions")
        if not isinstance(conditions, list) or not conditions:
            raise ReconciliationError("conditions is a non-empty list", f"{where}.conditions")
        names: list[str] = []
        props: list[tuple[str, str]] = []
        for i, cond in enumerate(conditions):
            at = f"{where}.conditions[{i}]"
            if not isinstance(cond, dict) or "propertyValue" not in cond:
                raise ReconciliationError("a condition is {matchType, propertyValue, …}", at)
            values = _values(cond["propertyValue"], f"{at}.propertyValue")
            kind = cond.get("matchType")
            if kind == "name":
                names += values
            elif kind == "id":
                props += [("code", v) for v in values]
            elif kind == "property":
                pid = _property_id(cond.get("propertyId"), f"{at}.propertyId")
                props += [(pid, v) for v in values]
            else:
                raise ReconciliationError("matchType is name, id or property", f"{at}.matchType")
        if spec.get("type") is not None and not isinstance(spec.get("type"), str):
            raise ReconciliationError("type is one type id", f"{where}.type")
        types = _check_types(spec.get("type"), f"{where}.type")
        limit = _check_limit(spec.get("limit"), f"{where}.limit")
        queries.append(_finish(" ".join(names), types, limit, props, where))
    return queries


# -- answers ------------------------------------------------------------------------------


def _type_ref(kind: str) -> dict[str, str]:
    return {"id": kind, "name": TYPES[kind][0]}


def describe(index: ReconIndex, entity: Entity) -> str:
    """A line telling namesakes apart: codes, form, place, state."""
    look = index.lookups
    parts: list[str] = []
    if entity.type == "legal-unit":
        parts.append(f"SIREN {entity.code}")
        if entity.legal_form:
            parts.append(look.form_label.get(entity.legal_form, entity.legal_form))
        if entity.commune:
            dep = look.commune_departement.get(entity.commune, "")
            parts.append(f"{look.commune_label.get(entity.commune, entity.commune)} ({dep})")
        if entity.state == "C":
            parts.append("cessée")
    elif entity.type in TERRITORY_KINDS:
        kinds = {"COMD": "commune déléguée", "COMA": "commune associée",
                 "ARM": "arrondissement municipal"}  # fmt: skip
        parts.append(f"{kinds.get(entity.extra or '', TYPES[entity.type][0])} {entity.code}")
        if entity.departement and entity.type != "departement":
            parts.append(look.departement_label.get(entity.departement, entity.departement))
    elif entity.type in ("naf", "legal-form"):
        parts.append(f"{TYPES[entity.type][0]} {entity.code}")
    elif entity.type == "pole" and entity.departement:
        parts.append(look.departement_label.get(entity.departement, entity.departement))
    return " · ".join(parts)


def candidate_v02(index: ReconIndex, candidate: Candidate) -> dict[str, Any]:
    entity = candidate.entity
    return {
        "id": entity.iri,
        "name": entity.name,
        "description": describe(index, entity),
        "score": candidate.score,
        "match": candidate.match,
        "type": [_type_ref(entity.type)],
        "features": [{"id": f.id, "value": f.value} for f in candidate.features],
    }


def candidate_v1(index: ReconIndex, candidate: Candidate) -> dict[str, Any]:
    answer = candidate_v02(index, candidate)
    answer["features"] = [
        {"id": f.id, "name": f.name, "value": f.value} for f in candidate.features
    ]
    return answer


def answer_v02(index: ReconIndex, queries: Mapping[str, Query]) -> dict[str, Any]:
    return {
        key: {"result": [candidate_v02(index, c) for c in reconcile(index, q)]}
        for key, q in queries.items()
    }


def answer_v1(index: ReconIndex, queries: Iterable[Query]) -> dict[str, Any]:
    return {
        "results": [
            {"candidates": [candidate_v1(index, c) for c in reconcile(index, q)]} for q in queries
        ]
    }


def manifest_v02(base: str) -> dict[str, Any]:
    """The 0.2 manifest; ``base`` is the service's root URL (``http://host:port``)."""
    service = {"service_url": base}
    return {
        "versions": ["0.1", "0.2"],
        "name": SERVICE_NAME,
        "identifierSpace": str(ID),
        "schemaSpace": str(PTCE),
        "documentation": f"{base}/docs",  # the service's OpenAPI page
        "serviceVersion": __version__,
        "defaultTypes": [_type_ref(t) for t in DEFAULT_TYPES],
        "view": {"url": "{{id}}"},
        "batchSize": BATCH_SIZE,
        "preview": {
            "url": f"{base}/reconcile/preview?id={{{{id}}}}",
            "width": PREVIEW_WIDTH,
            "height": PREVIEW_HEIGHT,
        },
        "suggest": {
            "entity": {
                **service,
                "service_path": "/reconcile/suggest/entity",
                "flyout_service_path": "/reconcile/flyout?id=${id}",
            },
            "property": {**service, "service_path": "/reconcile/suggest/property"},
            "type": {**service, "service_path": "/reconcile/suggest/type"},
        },
        "extend": {
            "propose_properties": {**service, "service_path": "/reconcile/extend/propose"},
            "property_settings": [],
        },
    }


def manifest_v1(base: str) -> dict[str, Any]:
    """The 1.0-draft manifest; ``base`` is the service's root URL."""
    return {
        "versions": ["1.0-draft"],
        "name": SERVICE_NAME,
        "documentation": f"{base}/docs",
        "serviceVersion": __version__,
        "defaultTypes": [_type_ref(t) for t in DEFAULT_TYPES],
        "view": {"url": "{+id}"},
        "batchSize": BATCH_SIZE,
        "standardizedScore": True,
        "preview": {"width": PREVIEW_WIDTH, "height": PREVIEW_HEIGHT},
        "suggest": {"entity": True, "property": True, "type": True},
        "extend": {"proposeProperties": True, "propertySettings": []},
    }


def suggest_entities(
    index: ReconIndex, prefix: str, type_: str | None, limit: int, offset: int
) -> dict[str, Any]:
    """Entities whose name starts with ``prefix`` (an identifier gives its entity first)."""
    prefix = _text(prefix, "prefix")
    types = _check_types(type_, "type")
    limit = _check_limit(limit, "limit")
    if offset < 0:
        raise ReconciliationError("offset (cursor) is zero or more", "offset")
    found = [c.entity for c in reconcile(index, Query(prefix, types, limit)) if c.by_identifier]
    found += index.suggest(prefix, types, limit, offset)
    seen: set[str] = set()
    result = []
    for entity in found:
        if entity.iri in seen:
            continue
        seen.add(entity.iri)
        result.append(
            {
                "id": entity.iri,
                "name": entity.name,
                "description": describe(index, entity),
                "notable": [_type_ref(entity.type)],
            }
        )
    return {"result": result[:limit]}


def _matches(prefix: str, *texts: str) -> bool:
    wanted = prefix.strip().lower()
    return not wanted or any(wanted in t.lower() for t in texts)


def suggest_types(prefix: str) -> dict[str, Any]:
    result = [
        {"id": k, "name": name, "description": text}
        for k, (name, text) in TYPES.items()
        if _matches(_text(prefix, "prefix"), k, name, text)
    ]
    return {"result": result}


def suggest_properties(prefix: str) -> dict[str, Any]:
    props = {k: (v[0], v[1]) for k, v in EXTEND_PROPERTIES.items()}
    props.update({k: (v, v) for k, v in QUERY_PROPERTIES.items() if k not in props})
    result = [
        {"id": k, "name": name, "description": text}
        for k, (name, text) in props.items()
        if _matches(_text(prefix, "prefix"), k, name, text)
    ]
    return {"result": result}


def propose_properties(type_: str, limit: int | None) -> dict[str, Any]:
    kinds = _check_types(type_, "type") or tuple(TYPES)
    props = [
        {"id": k, "name": name, "description": text}
        for k, (name, text, types) in EXTEND_PROPERTIES.items()
        if set(types) & set(kinds)
    ]
    answer: dict[str, Any] = {"type": type_, "properties": props}
    if limit is not None:
        answer["limit"] = _check_limit(limit, "limit")
        answer["properties"] = props[: answer["limit"]]
    return answer


def _entity_or_error(index: ReconIndex, iri: str) -> Entity:
    found = index.by_iri(_text(iri, "id"))
    if not found:
        raise ReconciliationError(f"no entity {iri!r} in the index", "id")
    return found[0]


def preview_html(index: ReconIndex, iri: str) -> str:
    """A small HTML page about one entity (every value escaped)."""
    entity = _entity_or_error(index, iri)
    name = html.escape(entity.name)
    lines = [describe(index, entity)] + [n for n in entity.names[1:] if n != entity.name]
    if entity.type == "legal-unit":
        lines += [index.lookups.naf_label.get(entity.naf or "", "")]
        lines += [f"Pôle : {_label(index, p)}" for p in index.members_of(entity.iri)]
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines if line)
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        f'<title>{name}</title></head><body style="font-family:sans-serif;font-size:small">'
        f'<h1 style="font-size:medium"><a href="{html.escape(entity.iri)}" target="_blank">'
        f"{name}</a></h1><p>{html.escape(TYPES[entity.type][0])}</p>{body}</body></html>"
    )


def flyout(index: ReconIndex, iri: str) -> dict[str, str]:
    """The 0.2 flyout: ``{id, html}``."""
    entity = _entity_or_error(index, iri)
    text = html.escape(describe(index, entity))
    return {"id": iri, "html": f"<p><strong>{html.escape(entity.name)}</strong></p><p>{text}</p>"}


# -- data extension -----------------------------------------------------------------------


@dataclass(frozen=True)
class Extension:
    ids: tuple[str, ...]
    properties: tuple[str, ...]


def parse_extension(query: Any) -> Extension:
    """A data extension query ``{ids: [...], properties: [{id}, …]}``."""
    if not isinstance(query, dict):
        raise ReconciliationError("an extension query is an object {ids, properties}", "extend")
    ids, props = query.get("ids"), query.get("properties")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise ReconciliationError("ids is a list of entity ids", "extend.ids")
    if len(ids) > MAX_EXTEND_IDS:
        raise BatchTooLarge(f"{len(ids)} ids in one extension; send at most {MAX_EXTEND_IDS}")
    if not isinstance(props, list) or not all(isinstance(p, dict) for p in props):
        raise ReconciliationError("properties is a list of {id}", "extend.properties")
    names = []
    for i, prop in enumerate(props):
        if prop.get("id") not in EXTEND_PROPERTIES:
            raise ReconciliationError(
                f"unknown property {prop.get('id')!r}; the properties are "
                f"{', '.join(EXTEND_PROPERTIES)}",
                f"extend.properties[{i}].id",
            )
        names.append(prop["id"])
    for i, iri in enumerate(ids):
        _text(iri, f"extend.ids[{i}]")
    return Extension(tuple(ids), tuple(names))


def _label(index: ReconIndex, iri: str) -> str:
    found = index.by_iri(iri)
    return found[0].name if found else iri


def _ref(index: ReconIndex, kind: str, code: str | None) -> list[dict[str, str]]:
    if not code:
        return []
    iri = index.lookups.iri_by_code.get((kind, code))
    if iri is None:
        return [{"str": code}]
    return [{"id": iri, "name": f"{code} {_label(index, iri)}".strip()}]


def property_values(index: ReconIndex, entity: Entity | None, prop: str) -> list[dict[str, Any]]:
    """The values of ``prop`` on ``entity`` (none when it does not have it)."""
    if entity is None:
        return []
    look = index.lookups
    text = lambda value: [{"str": value}] if value else []  # noqa: E731
    commune = entity.commune if entity.type == "legal-unit" else entity.code
    departement = entity.departement or look.commune_departement.get(entity.commune or "")
    if prop == "name":
        return text(entity.name)
    if prop == "code":
        return text(entity.code if entity.type != "epci" else entity.siret)
    if entity.type == "legal-unit":
        if prop == "siren":
            return text(entity.code)
        if prop == "head-office-siret":
            return text(entity.siret)
        if prop == "legal-form":
            return _ref(index, "legal-form", entity.legal_form)
        if prop == "ess-family":
            return [{"id": f, "name": label or f} for f, label in index.families_of(entity.iri)]
        if prop == "sirene-ess-flag":
            return text(entity.ess_flag)
        if prop == "administrative-state":
            return text(entity.state)
        if prop == "commune-code":
            return text(entity.commune)
        if prop == "naf":
            return _ref(index, "naf", entity.naf)
        if prop == "poles":
            return [{"id": p, "name": _label(index, p)} for p in index.members_of(entity.iri)]
    if prop == "commune" and entity.type in ("legal-unit", "commune"):
        return _ref(index, "commune", entity.commune or commune)
    if prop == "departement" and entity.type in ("legal-unit", "pole", "commune", "epci"):
        return _ref(index, "departement", departement)
    return []


def _extend(index: ReconIndex, ext: Extension) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    meta = []
    for prop in ext.properties:
        name = EXTEND_PROPERTIES[prop][0]
        entry: dict[str, Any] = {"id": prop, "name": name}
        if prop in ("legal-form", "commune", "departement", "naf", "poles"):
            kind = {"poles": "pole"}.get(prop, prop)
            entry["type"] = _type_ref(kind)
        meta.append(entry)
    rows = {}
    for iri in ext.ids:
        found = index.by_iri(iri)
        entity = found[0] if found else None
        rows[iri] = {p: property_values(index, entity, p) for p in ext.properties}
    return meta, rows


def extend_v02(index: ReconIndex, ext: Extension) -> dict[str, Any]:
    meta, rows = _extend(index, ext)
    return {"meta": meta, "rows": rows}


def extend_v1(index: ReconIndex, ext: Extension) -> dict[str, Any]:
    meta, rows = _extend(index, ext)
    return {
        "meta": meta,
        "rows": [
            {"id": iri, "properties": [{"id": p, "values": v} for p, v in values.items()]}
            for iri, values in rows.items()
        ],
    }
