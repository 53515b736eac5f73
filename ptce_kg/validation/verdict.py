"""A pole's verdict, for its page: is it a PTCE in the sense of the law, and is it eligible for
a State call for projects, judged on its data as the store holds it (``validation.stored``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ptce_kg.store.base import Store
from ptce_kg.validation.report import SEVERITIES, Report
from ptce_kg.validation.shapes import rule_index
from ptce_kg.validation.stored import validate_pole

# The two verdicts a pole's page shows: the definition (art. 9, art. 1–2, décret 2015-858) and
# the State call's own criteria (décret 2015-431), never mixed.
VERDICT_RULES = ("legal", "call")


@dataclass(frozen=True)
class PoleVerdict:
    """``legal_conformity``: no violation of the ``legal`` rule set; ``call_eligibility``: no
    violation of the ``call`` rule set. ``counts`` gives, per rule set, the results of each
    severity; ``report`` holds the results themselves (its date and rule-set versions too)."""

    pole: str
    graph: str
    legal_conformity: bool
    call_eligibility: bool
    counts: dict[str, dict[str, int]]
    report: Report


def pole_verdict(
    store: Store, pole: str, lang: str = "fr", as_of: date | None = None
) -> PoleVerdict:
    """The verdict on the pole whose slug is ``pole`` (``sarthe-exemple``), from its data in
    ``store`` with the reference data it needs; messages in ``lang``, date rules judged on
    ``as_of`` (default today). Raises NotFound when the store has no data for the pole,
    InputError for an unknown language."""
    report = validate_pole(store, pole, VERDICT_RULES, lang, as_of)
    set_of = {rule.rule: rule.rule_set for rule in rule_index().values()}
    counts = {
        name: {
            s: sum(1 for r in report.results if r.severity == s and set_of.get(r.rule) == name)
            for s in SEVERITIES
        }
        for name in VERDICT_RULES
    }
    return PoleVerdict(
        pole=pole,
        graph=report.inputs[0].file,
        legal_conformity=counts["legal"]["Violation"] == 0,
        call_eligibility=counts["call"]["Violation"] == 0,
        counts=counts,
        report=report,
    )
