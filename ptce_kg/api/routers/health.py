"""``/health``: a probe for load balancers and containers.

Says whether the store answers, how many triples it holds, and the version.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from ptce_kg import __version__
from ptce_kg.api.dependencies import get_query_service
from ptce_kg.errors import PtceError
from ptce_kg.runtime.query_service import QueryService

router = APIRouter(tags=["service"])


@router.get("/health", summary="Service health: store reachable, triple count, version")
def health(service: Annotated[QueryService, Depends(get_query_service)]) -> JSONResponse:
    info: dict[str, object] = {
        "version": __version__,
        "store": "remote" if service.settings.endpoint else "embedded",
        "isolated_query_workers": service.isolated,
    }
    try:
        service.answers()
        info["triples"] = service.triple_count()
    except PtceError as exc:
        return JSONResponse({"status": "unavailable", "detail": str(exc), **info}, status_code=503)
    return JSONResponse({"status": "ok", **info})
