"""Content negotiation of the documents the service publishes in RDF syntaxes and HTML (the
ontology, the vocabularies, the resource pages): the media type from ``?format=`` or else the
``Accept`` header (ptce_kg.sparql.negotiation), and the answer with its ``Vary``."""

from __future__ import annotations

from fastapi import HTTPException
from fastapi.responses import Response

from ptce_kg.sparql.negotiation import DOCUMENT_FORMATS, choose_media_type

_BY_SHORT_NAME = {short: media for media, short in DOCUMENT_FORMATS.items()}


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
    charset = "; charset=utf-8" if media_type.startswith("text/") else ""
    return Response(
        body, status_code=status_code, media_type=media_type + charset, headers={"Vary": "Accept"}
    )
