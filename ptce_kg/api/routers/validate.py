"""``POST /validate``: validate uploaded files together (any RDF syntax or the spreadsheet template:
a workbook, or the CSV files of its sheets) and answer the report as JSON (default), Turtle (the
SHACL report), HTML or CSV by content negotiation.

Nothing is stored. The headers ``X-Validation-Conforms`` and ``X-Validation-Violations`` carry
the verdict whatever the format, so the web page can summarise an HTML report (CORS exposes
them). The request body (so the file) is capped by the app (``PTCE_MAX_BODY_BYTES`` → 413);
reading and validating run in a worker process under ``PTCE_VALIDATION_TIMEOUT`` (→ 503); more
than ``PTCE_MAX_UPLOAD_FILES`` files is a 413.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Header, HTTPException, UploadFile
from fastapi.responses import Response

from ptce_kg.api.dependencies import get_settings, get_upload_checker
from ptce_kg.errors import InputError, InputTooLarge
from ptce_kg.pages.hrefs import page_href
from ptce_kg.runtime.upload_workers import UploadChecker
from ptce_kg.settings import Settings
from ptce_kg.sparql.negotiation import choose_media_type
from ptce_kg.validation import Report, render
from ptce_kg.validation.engine import LANGS
from ptce_kg.validation.shapes import rule_sets

# media type → renderer format; the first is the default
REPORT_FORMATS = {
    "application/json": "json",
    "text/turtle": "turtle",
    "text/html": "html",
    "text/csv": "csv",
}
# ?format= names (the renderer's, and ttl) → media type, for links that cannot set Accept
FORMAT_PARAMETER = {
    "json": "application/json",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "html": "text/html",
    "csv": "text/csv",
}
CONFORMS_HEADER, VIOLATIONS_HEADER = "X-Validation-Conforms", "X-Validation-Violations"
# The verdict's headers, which a page on another origin may read (CORS, in ptce_kg.api.app).
EXPOSED_HEADERS = (CONFORMS_HEADER, VIOLATIONS_HEADER)

FORMATS = tuple(FORMAT_PARAMETER)
RULES_HELP = (
    "all, legal, call, esus or quality (comma-separated; <set>@<version> for an earlier "
    "version of a set)"
)
LANG_HELP = "language of the messages: fr or en"
# What a route answering a report documents: its formats and their 406.
REPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {media: {} for media in REPORT_FORMATS},
        "description": "The validation report (conforming or not)",
    },
    406: {"description": "No acceptable report format"},
}
UploadField = Annotated[
    UploadFile, File(description="RDF in any syntax, or the .xlsx/.csv spreadsheet template")
]
UploadsField = Annotated[
    list[UploadFile],
    File(
        description="one or more files validated together: RDF in any syntax, the spreadsheet "
        "template (.xlsx, .ods), or the CSV files of its sheets (one pole's)"
    ),
]
LangField = Annotated[str, Form(description=LANG_HELP)]
FormatField = Annotated[
    str | None, Form(description="RDF syntax (turtle, nt, json-ld…) when the file name has none")
]
AcceptHeader = Annotated[str | None, Header()]

router = APIRouter(tags=["validation"])


def report_response(
    report: Report, accept: str | None, lang: str, status: int = 200, format: str | None = None
) -> Response:
    """The report in ``format`` (a key of FORMAT_PARAMETER, 422 for another) or else the
    negotiated one, with the verdict in headers (406 if unacceptable); in HTML the focus nodes
    link to their pages here."""
    if format is not None:
        media_type: str | None = FORMAT_PARAMETER[check_choice("format", format, FORMATS)]
    else:
        media_type = choose_media_type(accept, list(REPORT_FORMATS))
    if media_type is None:
        raise HTTPException(406, f"the report is available as {', '.join(REPORT_FORMATS)}")
    body = render(report, REPORT_FORMATS[media_type], lang, page_href)
    return Response(
        body.encode("utf-8"),
        status_code=status,
        media_type=f"{media_type}; charset=utf-8",
        headers={
            "Vary": "Accept",
            CONFORMS_HEADER: "true" if report.conforms else "false",
            VIOLATIONS_HEADER: str(report.counts.get("Violation", 0)),
        },
    )


def check_rules(rules: str) -> str:
    """``rules`` if it names rule sets (versions included), else 422 saying why."""
    try:
        rule_sets(rules)
    except InputError as exc:
        raise HTTPException(422, f"rules: {exc.message}") from exc
    return rules


def check_choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    """``value`` if allowed, else 422 naming the field and the choices."""
    if value not in allowed:
        raise HTTPException(422, f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


@router.post(
    "/validate",
    summary="Validate files together (RDF or the spreadsheet template) against the PTCE rules",
    responses={
        **REPORT_RESPONSES,
        400: {
            "description": "A file cannot be read or parsed (the message says which and where), "
            "or two CSV files are the same sheet"
        },
        413: {"description": "The request is larger than the configured limit, or has more files"},
        422: {"description": "A bad rules or lang value, or no file"},
        503: {"description": "Reading and validating ran past the time limit and were stopped"},
    },
)
def validate_files(
    file: UploadsField,
    checker: Annotated[UploadChecker, Depends(get_upload_checker)],
    settings: Annotated[Settings, Depends(get_settings)],
    rules: Annotated[str, Form(description=RULES_HELP)] = "all",
    lang: LangField = "fr",
    input_format: FormatField = None,
    accept: AcceptHeader = None,
) -> Response:
    check_rules(rules)
    check_choice("lang", lang, LANGS)
    if len(file) > settings.max_upload_files:
        raise InputTooLarge(
            f"too many files: {len(file)}, at most {settings.max_upload_files} in one request "
            "(PTCE_MAX_UPLOAD_FILES); validate a bigger set with `ptce-kg validate`",
            where="file",
        )
    checked = checker.check(
        [(each.filename or "upload", each.file.read()) for each in file],
        rules=rules,
        lang=lang,
        input_format=input_format,
    )
    return report_response(checked.report, accept, lang)
