"""Safe parsing of untrusted RDF: no network, no local file reads, no entity bombs, no imports.

Every syntax is first read by pyoxigraph (fast, and its errors carry line and column), then
by rdflib into a Dataset. Before any parser sees the bytes:

- the input must be UTF-8 text without NUL characters (random bytes become an InputError);
- RDF/XML with a DOCTYPE or ENTITY declaration is refused (a ~800-byte entity bomb would
  otherwise expand for minutes; external entities would read files or the network);
- JSON-LD may only use inline ``@context`` objects: a context given by IRI (remote or
  ``file:``) or an ``@import`` is refused, so nothing is ever fetched.

``owl:imports`` are never followed by these parsers; :func:`refuse_imports` lets a caller
(validation) refuse data that declares them rather than validate it without what it imports.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import pyoxigraph
import rdflib
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as defused_fromstring
from rdflib.namespace import OWL

from ptce_kg.errors import InputError, InputTooLarge, UnsafeInputError

MAX_INPUT_BYTES = 512 * 1024 * 1024

_BY_SUFFIX = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".trig": "trig",
    ".nt": "nt",
    ".nq": "nquads",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}
# Names users may give with --input-format -> rdflib's plugin name.
_ALIASES = {
    "turtle": "turtle", "ttl": "turtle",
    "trig": "trig",
    "nt": "nt", "ntriples": "nt", "n-triples": "nt",
    "nq": "nquads", "nquads": "nquads", "n-quads": "nquads",
    "json-ld": "json-ld", "jsonld": "json-ld",
    "xml": "xml", "rdf/xml": "xml", "rdfxml": "xml", "rdf": "xml", "owl": "xml",
}  # fmt: skip
_OXIGRAPH = {
    "turtle": pyoxigraph.RdfFormat.TURTLE,
    "trig": pyoxigraph.RdfFormat.TRIG,
    "nt": pyoxigraph.RdfFormat.N_TRIPLES,
    "nquads": pyoxigraph.RdfFormat.N_QUADS,
    "xml": pyoxigraph.RdfFormat.RDF_XML,
}
_XML_DECLARATIONS = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_XML_ENCODING = re.compile(r"<\?xml[^>]*encoding\s*=\s*[\"']([^\"']+)", re.IGNORECASE)
# pyoxigraph's line-based parsers hold one token (a literal, an IRI) in a bounded buffer and
# raise MemoryError("Reached the buffer maximal size of N") past it: a limit of the input.
_BUFFER_LIMIT = re.compile(r"buffer maximal size of (\d+)")


def guess_format(path: Path) -> str:
    """The rdflib format name for ``path``'s extension; InputError for an unknown one."""
    fmt = _BY_SUFFIX.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(_BY_SUFFIX))
        raise InputError(
            f"unknown RDF file extension {path.suffix or '(none)'!r} (known: {known}); "
            "give the syntax with --input-format",
            where=str(path),
        )
    return fmt


def normalise_format(fmt: str) -> str:
    """The rdflib plugin name for a user-given syntax name (``ttl``, ``rdf/xml``, ``jsonld``…)."""
    name = _ALIASES.get(fmt.strip().lower())
    if name is None:
        raise InputError(f"unknown RDF syntax {fmt!r} (known: {', '.join(sorted(_ALIASES))})")
    return name


def parse_file(
    path: Path, format: str | None = None, max_bytes: int = MAX_INPUT_BYTES
) -> rdflib.Dataset:
    """Parse the RDF file ``path`` safely (see the module docstring) into a Dataset."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputTooLarge(
                f"file too large ({size} bytes; the limit is {max_bytes})", where=str(path)
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", where=str(path)) from exc
    return _parse(data, format or guess_format(path), str(path), path.resolve().as_uri(), max_bytes)


def parse_bytes(
    data: bytes, format: str, name: str, max_bytes: int = MAX_INPUT_BYTES
) -> rdflib.Dataset:
    """Parse ``data`` (named ``name`` in messages) safely into a Dataset."""
    return _parse(data, format, name, "file:///" + quote(Path(name).name or "upload"), max_bytes)


def refuse_imports(graph: rdflib.Graph, where: str) -> None:
    """Raise UnsafeInputError when ``graph`` declares ``owl:imports`` (they are never followed)."""
    imported = sorted({str(o) for o in graph.objects(None, OWL.imports)})
    if imported:
        raise UnsafeInputError(
            f"owl:imports is not followed ({', '.join(imported[:3])}); remove it and put the "
            "triples you need in the file itself",
            where=where,
        )


def _parse(data: bytes, format: str, name: str, base: str, max_bytes: int) -> rdflib.Dataset:
    fmt = normalise_format(format)
    if len(data) > max_bytes:
        raise InputTooLarge(
            f"input too large ({len(data)} bytes; the limit is {max_bytes})", where=name
        )
    text = _decode(data, name)
    if fmt == "xml":
        _check_xml(text, name)
    if fmt == "json-ld":
        _check_json_ld(text, name)
    else:
        _syntax_check(data, fmt, name, base)
    dataset = rdflib.Dataset()
    try:
        dataset.parse(data=text, format=fmt, publicID=base)
    except Exception as exc:  # noqa: BLE001 - any parser failure is bad input, never a crash
        raise InputError(f"cannot parse as {fmt}: {_short(exc)}", where=name) from exc
    return dataset


def _decode(data: bytes, name: str) -> str:
    """UTF-8 text, or an InputError saying where the first bad byte is."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"not UTF-8 text (invalid byte at offset {exc.start}); is this an RDF file?",
            where=f"{name}:{line}",
        ) from exc
    nul = text.find("\x00")
    if nul >= 0:
        raise InputError(
            "binary data (NUL character); is this an RDF file?",
            where=f"{name}:{text.count(chr(10), 0, nul) + 1}",
        )
    return text.removeprefix("\ufeff")


def _check_xml(text: str, name: str) -> None:
    match = _XML_DECLARATIONS.search(text)
    if match:
        raise UnsafeInputError(
            f"RDF/XML with a {match.group(1).upper()} declaration is refused "
            "(entities can expand without limit or read files); remove the declaration",
            where=f"{name}:{text.count(chr(10), 0, match.start()) + 1}",
        )
    encoding = _XML_ENCODING.search(text[:500])
    if encoding and encoding.group(1).lower().replace("_", "-") not in (
        "utf-8",
        "utf8",
        "us-ascii",
        "ascii",
    ):
        raise InputError(
            f"XML declared as {encoding.group(1)!r}: only UTF-8 is accepted", where=f"{name}:1"
        )


def _check_json_ld(text: str, name: str) -> None:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not JSON: {exc.msg} (column {exc.colno})", where=f"{name}:{exc.lineno}"
        ) from exc
    except RecursionError as exc:
        raise InputError("JSON nested too deeply", where=name) from exc
    todo = [document]
    while todo:
        node = todo.pop()
        if isinstance(node, list):
            todo.extend(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key == "@import" or (key == "@context" and _names_a_document(value)):
                    raise UnsafeInputError(
                        f"JSON-LD {key} referring to another document is refused (nothing is "
                        f"fetched: {_first_iri(value)}); put the context inline",
                        where=name,
                    )
                todo.append(value)


def _names_a_document(context: object) -> bool:
    """True when a ``@context`` value is (or lists) an IRI instead of an inline object."""
    items = context if isinstance(context, list) else [context]
    return any(isinstance(item, str) for item in items)


def _first_iri(value: object) -> str:
    items = value if isinstance(value, list) else [value]
    return next((item for item in items if isinstance(item, str)), "?")


def _syntax_check(data: bytes, fmt: str, name: str, base: str) -> None:
    """Read the whole input with pyoxigraph: its errors say the line (rdflib's often do not).

    Raises InputError for a syntax error, InputTooLarge for a term past the parser's buffer.
    """
    try:
        for _ in pyoxigraph.parse(data, format=_OXIGRAPH[fmt], base_iri=base):
            pass
    except SyntaxError as exc:
        line = exc.lineno or (_xml_error_line(data) if fmt == "xml" else None)
        where = f"{name}:{line}" if line else name
        raise InputError(f"syntax error ({fmt}): {exc.msg}", where=where) from exc
    except MemoryError as exc:
        limit = _BUFFER_LIMIT.search(str(exc))
        if limit is None:  # really out of memory: not an input error
            raise
        size = int(limit.group(1))
        raise InputTooLarge(
            f"one term (a literal, an IRI…) is longer than the parser's limit of "
            f"{size // 2**20} MiB ({size} bytes); split the text or link to it instead",
            where=name,
        ) from exc


def _xml_error_line(data: bytes) -> int | None:
    """The line of the first XML well-formedness error (pyoxigraph's RDF/XML errors carry no
    position). defusedxml, and only after the DOCTYPE/ENTITY refusal: nothing is expanded."""
    try:
        defused_fromstring(data)
    except ParseError as exc:
        return exc.position[0]
    except DefusedXmlException:
        return None
    return None


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:300] or type(exc).__name__
