"""A pole's validation verdict as its sheet shows it (``validation.verdict.pole_verdict``: legal
conformity, State-call eligibility), with the address of the full report; kept while the graphs
do not change, so a sheet does not validate the pole again at each visit."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any
from urllib.parse import urlencode

from ptce_kg.errors import NotFound
from ptce_kg.pages.provenance import Described, version
from ptce_kg.store.base import Store
from ptce_kg.validation.verdict import VERDICT_RULES, pole_verdict

# (pole, language, day, what the metadata graph records of every graph) -> its verdict
_verdicts: dict[tuple[str, str, str, str], dict[str, Any] | None] = {}
_MAX_VERDICTS = 256
_verdicts_lock = threading.Lock()  # one validation at a time: each holds the GIL anyway


def sheet_verdict(
    store: Store, slug: str, lang: str, described: Described
) -> dict[str, Any] | None:
    """The pole's verdict for its sheet (None when the store holds no data for it): legal
    conformity, State-call eligibility, counts per rule set, and the report's address. Kept
    while no graph changes (their digests in the metadata graph) on the same day (date rules)."""
    key = (slug, lang, date.today().isoformat(), version(described, tuple(sorted(described))))
    with _verdicts_lock:
        return _verdicts[key] if key in _verdicts else _remember(key, _judge(store, slug, lang))


def _remember(key: tuple[str, str, str, str], verdict: dict[str, Any] | None) -> Any:
    _verdicts[key] = verdict
    while len(_verdicts) > _MAX_VERDICTS:
        del _verdicts[next(iter(_verdicts))]
    return verdict


def _judge(store: Store, slug: str, lang: str) -> dict[str, Any] | None:
    """The verdict as the sheet shows it, with the address of the full report."""
    try:
        found = pole_verdict(store, slug, lang)
    except NotFound:  # no data for this pole (a pole named only by others' statements)
        return None
    query = {"rules": ",".join(VERDICT_RULES), "lang": lang, "format": "html"}
    return {
        "legal": found.legal_conformity,
        "call": found.call_eligibility,
        "counts": found.counts,
        "report": f"/poles/{slug}/report?{urlencode(query)}",
    }
