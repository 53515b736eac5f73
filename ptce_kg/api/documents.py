"""Content negotiation of the documents the service publishes in RDF syntaxes and HTML (the
ontology, the vocabularies, the resource pages): the media type from ``?format=`` or else the
``Accept`` header (ptce_kg.sparql.negotiation), and the answer with its ``Vary``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, HTTPException, Query
from fastapi.responses import Response

from ptce_kg.sparql.negotiation import DOCUMENT_FORMATS, choose_media_type

_BY_SHORT_NAME = {short: media for media, short in DOCUMENT_FORMATS.items()}
*_FIRST_NAMES, _LAST_NAME = _BY_SHORT_NAME
#: The ``?format=`` parameter of a document route.
FormatParam = Annotated[
    str | None,
    Query(description=f"{', '.join(_FIRST_NAMES)} or {_LAST_NAME}; overrides Accept"),
]
AcceptHeader = Annotated[str | None, Header()]


def document_media_type(accept: str | None, fmt: str | None) -> str:
    """The answer's media type from ``?format=`` or else ``Accept`` (400 / 406 when none)."""
    if fmt is not None:
        if fmt not in _BY_SHORT_NAME:
            raise HTTPException(400, f"unknown format {fmt!r}; use one of {sorted(_BY_SHORT_NAME)}")
        return _BY_SHORT_NAME[fmt]
    media_type = choose_media_type(accept, list(DOCUMENT_FORMATS))
    if media_type is None:
        raise HTTPException(
            406, f"cannot answer in {accept!r}; available: {', '.join(DOCUMENT_FORMATS)}"
        )
    return media_type


def document_response(body: bytes, media_type: str, status_code: int = 200) -> Response:
    """``body`` as ``media_type`` (UTF-8 for text), varying on ``Accept``."""
    charset = "; charset=utf-8" if media_type.startswith("text/") else ""
    return Response(
        body, status_code=status_code, media_type=media_type + charset, headers={"Vary": "Accept"}
    )
