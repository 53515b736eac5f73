"""The HTML of the pages, from Jinja templates (``templates/``, one base template, escaping on)
and the words of ``words.yaml`` in French or English."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
import yaml
from markupsafe import Markup

from ptce_kg.pages.chart import jobs_chart
from ptce_kg.pages.hrefs import page_href
from ptce_kg.pages.labels import Labels, with_terms
from ptce_kg.pages.pole_sheet import PART_KINDS, PoleSheet
from ptce_kg.pages.rdf_forms import SYNTAXES
from ptce_kg.pages.view import ResourceView, short_name
from ptce_kg.sparql.negotiation import DOCUMENT_FORMATS

LANGUAGES = ("fr", "en")
# ?format= name -> media type of the RDF forms every page links to
FORMAT_MEDIA_TYPES = {
    short: media for media, short in DOCUMENT_FORMATS.items() if media in SYNTAXES
}
_HERE = Path(__file__).resolve().parent


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(_HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def _words_file() -> dict[str, dict[str, Any]]:
    return yaml.safe_load((_HERE / "words.yaml").read_text(encoding="utf-8"))


def words(lang: str) -> dict[str, str]:
    """The page words in ``lang`` (French for a language it does not have)."""
    return _words_file()[lang if lang in LANGUAGES else "fr"]


def term_labels(labels: Labels) -> Labels:
    """``labels`` plus the words' names of W3C terms the ontology graph does not label."""
    table = _words_file()
    return with_terms(labels, {lang: table[f"{lang}_terms"] for lang in LANGUAGES})


def href(iri: str) -> str:
    """Where a link to ``iri`` goes: its local page, else the IRI itself."""
    return page_href(iri) or iri


def _page(
    template: str, lang: str, path: str, query: dict[str, str], *, formats: bool, **context: Any
) -> str:
    """Render ``template``; ``path`` and ``query`` address the page itself (its other
    languages and formats are links to the same address)."""
    lang = lang if lang in LANGUAGES else "fr"
    other = "en" if lang == "fr" else "fr"

    def here(**params: str) -> str:
        merged = {**query, **({"lang": lang} if lang != "fr" else {}), **params}
        if merged.get("lang") == "fr":
            del merged["lang"]
        return path + ("?" + urlencode(merged) if merged else "")

    return (
        _environment()
        .get_template(template)
        .render(
            lang=lang,
            other_lang=other,
            w=words(lang),
            here=here,
            href=href,
            formats=tuple(FORMAT_MEDIA_TYPES) if formats else (),
            media_types=FORMAT_MEDIA_TYPES,
            **context,
        )
    )


def resource_page(view: ResourceView, lang: str, path: str, query: dict[str, str]) -> str:
    """The page of one resource at ``path`` (with ``query``: ``/resource?iri=…``)."""
    return _page("resource.html", lang, path, query, formats=True, view=view)


def pole_page(
    view: ResourceView,
    sheet: PoleSheet,
    labels: Labels,
    lang: str,
    path: str,
    verdict: dict[str, Any] | None = None,
) -> str:
    """The pole's public sheet, then every statement about it (``verdict``: its validation
    verdict when one is known, as ``pages.verdicts.sheet_verdict`` gives it)."""

    def name(iri: str | None) -> str:
        return (labels.best(iri, lang) or short_name(iri)) if iri else ""

    series: dict[str, list[tuple[str, float]]] = {}
    for job in sheet.jobs:
        series.setdefault(name(job.unit) or "?", []).append((job.date, job.count))
    chart = jobs_chart(series, words(lang)["jobs"])
    return _page(
        "pole.html",
        lang,
        path,
        {},
        formats=True,
        view=view,
        sheet=sheet,
        name=name,
        kinds=PART_KINDS,
        chart=Markup(chart),  # noqa: S704 - built by jobs_chart, which escapes every text
        verdict=verdict,
        map_query=urlencode({"pole": sheet.iri.rsplit("/", 1)[-1], "embed": "1", "lang": lang}),
    )


def not_found_page(iri: str, lang: str, path: str, query: dict[str, str]) -> str:
    """The helpful page for an IRI the graph does not name."""
    return _page("not_found.html", lang, path, query, formats=False, iri=iri)
