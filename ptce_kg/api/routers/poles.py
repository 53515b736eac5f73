"""``POST /poles/{pole_id}/data``: a pole sends its own data with its bearer token;
``GET /poles/{pole_id}/report``: the validation report of a pole's data as the store holds it.

The file is read and validated (law + data quality) in a worker under the time limit; with no
violation it replaces the pole's named graph
(provenance in the metadata graph) and the query workers are refreshed; with violations nothing
is stored and the report comes back with 422 (JSON, Turtle or HTML by ``Accept``). A file that
says anything the pole may not write (``ptce_kg.kg.ownership``) is refused as a whole: 422 with the
list of refused subjects.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ptce_kg.api.dependencies import (
    get_reconciler,
    get_settings,
    get_store,
    get_upload_checker,
)
from ptce_kg.api.routers.validate import (
    FORMATS,
    LANG_HELP,
    LANGS,
    REPORT_RESPONSES,
    RULES_HELP,
    AcceptHeader,
    FormatField,
    LangField,
    UploadField,
    check_choice,
    check_rules,
    report_response,
)
from ptce_kg.kg.ownership import OwnershipError
from ptce_kg.kg.submissions import submit_pole_data
from ptce_kg.reconciliation.service import Reconciler
from ptce_kg.runtime.upload_workers import UploadChecker
from ptce_kg.settings import Settings
from ptce_kg.store.base import Store
from ptce_kg.validation.stored import validate_pole

router = APIRouter(tags=["pole data"])
_bearer = HTTPBearer(auto_error=False, description="the pole's token (PTCE_POLE_TOKENS)")


def token_owner(tokens: dict[str, str], token: str) -> str | None:
    """The pole whose token this is (constant-time comparisons over all tokens), or None."""
    owner = None
    for pole_id, expected in tokens.items():
        if expected and hmac.compare_digest(expected.encode(), token.encode()):
            owner = pole_id
    return owner


def authorised_pole(
    pole_id: str,
    settings: Annotated[Settings, Depends(get_settings)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """The pole id the request may write: 401 without a known token, 403 for another pole's."""
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None:
        raise HTTPException(401, "send the pole's token: Authorization: Bearer <token>", challenge)
    owner = token_owner(settings.pole_tokens, credentials.credentials)
    if owner is None:
        raise HTTPException(401, "unknown token", challenge)
    if owner != pole_id:
        raise HTTPException(403, f"this token belongs to pole {owner!r}, not {pole_id!r}")
    return owner


@router.post(
    "/poles/{pole_id}/data",
    summary="Replace a pole's data (validated first; nothing stored when it has violations)",
    responses={
        200: {"description": "Stored: the graph, triple count, file sha256, who, when, report"},
        400: {"description": "The file cannot be read, or is not about this pole"},
        401: {"description": "No token, or an unknown token"},
        403: {"description": "The token is another pole's"},
        413: {"description": "The request is larger than the configured limit"},
        422: {
            "description": "The data has violations (the report), or says what the pole may "
            'not write (JSON: "refused", a list of {subject, reason}): nothing stored'
        },
        503: {"description": "Reading and validating ran past the time limit and were stopped"},
    },
)
def submit(
    pole_id: str,
    owner: Annotated[str, Depends(authorised_pole)],
    store: Annotated[Store, Depends(get_store)],
    checker: Annotated[UploadChecker, Depends(get_upload_checker)],
    reconciler: Annotated[Reconciler, Depends(get_reconciler)],
    file: UploadField,
    lang: LangField = "fr",
    input_format: FormatField = None,
    accept: AcceptHeader = None,
) -> Response:
    check_choice("lang", lang, LANGS)  # the pole id is checked by submit_pole_data
    try:
        submission = submit_pole_data(
            store,
            pole_id,
            file.file.read(),
            file.filename or "upload",
            submitted_by=owner,
            lang=lang,
            input_format=input_format,
            check=checker.check,
        )
    except OwnershipError as exc:  # the refused subjects stay a list, not one joined string
        return JSONResponse(exc.as_dict(), status_code=exc.http_status)
    if not submission.stored:
        return report_response(submission.report, accept, lang, status=422)
    reconciler.mark_stale()  # the pole's names and members, for reconciliation
    return JSONResponse(
        {
            "pole": pole_id,
            "graph": submission.graph,
            "stored": True,
            "triples": submission.triples,
            "sha256": submission.sha256,
            "submitted_by": submission.submitted_by,
            "submitted_at": submission.submitted_at.isoformat(),
            "report": submission.report.as_dict(),
        }
    )


@router.get(
    "/poles/{pole_id}/report",
    summary="Validate a pole's data as the store holds it (with the registry's facts about its "
    "members and the reference data)",
    responses={
        **REPORT_RESPONSES,
        404: {"description": "The store has no data for this pole"},
        422: {"description": "A bad rules, lang or format value"},
    },
)
def pole_report(
    pole_id: str,
    store: Annotated[Store, Depends(get_store)],
    rules: Annotated[str, Query(description=RULES_HELP)] = "all",
    lang: Annotated[str, Query(description=LANG_HELP)] = "fr",
    format: Annotated[
        str | None,
        Query(description=f"{', '.join(FORMATS)}: instead of the Accept header"),
    ] = None,
    accept: AcceptHeader = None,
) -> Response:
    check_rules(rules)
    check_choice("lang", lang, LANGS)
    if format is not None:
        check_choice("format", format, FORMATS)
    report = validate_pole(store, pole_id, rules=rules, lang=lang)
    return report_response(report, accept, lang, format=format)
