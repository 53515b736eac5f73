"""Render a Report as text, JSON, CSV, Turtle (the standard SHACL report) or a self-contained
page that prints well (a coordinator attaches the printed PDF to a call application); and, when
no report could be made (an unreadable file), what stands in its place."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from html import escape
from itertools import groupby
from pathlib import Path
from string import Template

from ptce_kg.errors import InputError, PtceError
from ptce_kg.validation.report import SEVERITIES, Location, Report, Result

FORMATS = ("text", "json", "csv", "turtle", "html")
# One CSV row per result: the JSON result fields, then the report's context on every row so a
# row pasted elsewhere still says what was validated, when and with which rules.
CSV_COLUMNS = (
    "rule",
    "severity",
    "focus",
    "focus_label",
    "path",
    "value",
    "message",
    "source",
    "pole",
    "pole_label",
    "file",
    "sheet",
    "row",
    "column",
    "date",
    "rule_set_versions",
    "inputs",
)
_TEMPLATE = Path(__file__).resolve().parent / "templates" / "report.html"
#: Where the HTML report links a focus node to (its IRI -> an address, or None for no link).
Links = Callable[[str], str | None]

_WORDS = {
    "fr": {"Violation": "Violation", "Warning": "Avertissement", "Info": "Information",
           "conforms": "Conforme : aucune violation.",
           "fails": "Non conforme : au moins une violation.",
           "title": "Rapport de validation", "rules": "Règles", "no_pole": "Hors pôle",
           "value": "valeur", "path": "propriété", "source": "texte", "none": "Aucun résultat.",
           "failed": "Pas de rapport : les données n'ont pas pu être lues ou validées.",
           "date": "Date de la validation", "versions": "Versions des règles (date du texte)",
           "inputs": "Fichiers validés (SHA-256)", "location": "cellule",
           "sheet": "feuille", "row": "ligne", "column": "colonne",
           "poles": "Verdict par pôle", "pole": "Pôle", "verdict": "Verdict",
           "pole_ok": "conforme", "pole_ko": "non conforme"},
    "en": {"Violation": "Violation", "Warning": "Warning", "Info": "Info",
           "conforms": "Conforms: no violation.",
           "fails": "Does not conform: at least one violation.",
           "title": "Validation report", "rules": "Rules", "no_pole": "Not attached to a pole",
           "value": "value", "path": "property", "source": "text", "none": "No result.",
           "failed": "No report: the data could not be read or validated.",
           "date": "Validation date", "versions": "Rule-set versions (date of the text)",
           "inputs": "Files validated (SHA-256)", "location": "cell",
           "sheet": "sheet", "row": "row", "column": "column",
           "poles": "Verdict by pole", "pole": "Pole", "verdict": "Verdict",
           "pole_ok": "conforms", "pole_ko": "does not conform"},
}  # fmt: skip


def render(
    report: Report, format: str = "text", lang: str = "fr", links: Links | None = None
) -> str:
    """The report in ``format`` (text, json, csv, turtle, html), words in ``lang``; in html each
    focus node's heading links where ``links`` says (none without it).

    Raises InputError for an unknown format."""
    words = _words(format, lang)
    if format == "json":
        return json.dumps(report.as_dict(), ensure_ascii=False, indent=2)
    if format == "csv":
        return _csv(report)
    if format == "turtle":
        return report.report_graph.serialize(format="turtle")
    if format == "html":
        return _html(report, words, lang, links)
    return _text(report, words)


def render_failure(
    error: PtceError, format: str = "text", lang: str = "fr", rules: tuple[str, ...] = ()
) -> str | None:
    """What stands in for the report when ``error`` stopped the validation: in json
    ``{"conforms": null, "rules", "error", "detail", "errors": [...]}`` (``PtceError.as_dict``),
    in html a page listing the errors, in text the error; None in turtle and csv (a SHACL report
    or a table of results cannot say that the data was not read). Raises InputError for an
    unknown format."""
    words = _words(format, lang)
    if format == "json":
        document = {"conforms": None, "rules": list(rules), **error.as_dict()}
        return json.dumps(document, ensure_ascii=False, indent=2)
    if format in ("turtle", "csv"):
        return None
    if format == "html":
        items = "".join(
            f'<li class="violation"><p>{escape(_place(entry, words))}</p>'
            f"<p>{escape(str(entry['message']))}</p></li>"
            for entry in error.entries()
        )
        return _page(
            lang,
            words,
            False,
            words["failed"],
            "",
            rules,
            "",
            f'<section class="focus"><ul>{items}</ul></section>',
        )
    return f"{words['failed']}\n{error}\n"


def _words(format: str, lang: str) -> dict[str, str]:
    if format not in FORMATS:
        raise InputError(
            f"unknown report format {format!r} (choose from {', '.join(FORMATS)})", where="--format"
        )
    return _WORDS.get(lang, _WORDS["en"])


def _place(entry: dict[str, object], words: dict[str, str]) -> str:
    """Where an error entry is: its file, sheet, row and column, or its ``where``."""
    parts = [str(entry.get("where") or "")]
    parts += [f"{words[key]} {entry[key]}" for key in ("sheet", "row", "column") if entry.get(key)]
    return ", ".join(part for part in parts if part)


def _summary(report: Report, words: dict[str, str]) -> str:
    counts = _counts(report.counts, words)
    verdict = words["conforms"] if report.conforms else words["fails"]
    return f"{verdict} ({counts}; {words['rules']}: {', '.join(report.rules)})"


def _versions(report: Report) -> str:
    return ", ".join(
        f"{v.name} {v.version}" + (f" ({v.law_date})" if v.law_date else "")
        for v in report.rule_set_versions
    )


def _inputs(report: Report) -> str:
    return ", ".join(f"{i.file} ({i.sha256})" for i in report.inputs)


def _context(report: Report, words: dict[str, str]) -> list[tuple[str, str]]:
    """What was validated, when and with which rules: (label, text) pairs that are known."""
    pairs = [
        (words["date"], report.date),
        (words["versions"], _versions(report)),
        (words["inputs"], _inputs(report)),
    ]
    return [(label, text) for label, text in pairs if text]


def _counts(counts: dict[str, int], words: dict[str, str]) -> str:
    return ", ".join(f"{words[s]}: {counts.get(s, 0)}" for s in SEVERITIES)


def _pole_lines(report: Report, words: dict[str, str]) -> list[str]:
    """One line per pole validated on its own: its name, graph, verdict and counts."""
    return [
        f"  {section.pole_label} <{section.graph}>: "
        f"{words['pole_ok'] if section.conforms else words['pole_ko']} "
        f"({_counts(section.counts, words)})"
        for section in report.poles
    ]


def _pole_table(report: Report, words: dict[str, str]) -> str:
    """The table of each pole's verdict (empty when poles were not validated one by one)."""
    if not report.poles:
        return ""
    rows = "".join(
        f'<tr class="{"ok" if s.conforms else "ko"}"><td>{escape(s.pole_label)}</td>'
        f"<td>{escape(words['pole_ok'] if s.conforms else words['pole_ko'])}</td>"
        + "".join(f"<td>{s.counts.get(severity, 0)}</td>" for severity in SEVERITIES)
        + "</tr>"
        for s in report.poles
    )
    head = "".join(f"<th>{escape(words[key])}</th>" for key in ("pole", "verdict", *SEVERITIES))
    return (
        f'<table class="poles"><caption>{escape(words["poles"])}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    )


def _where(location: Location | None, words: dict[str, str]) -> str:
    """``file, sheet x, row n, column c`` for a result read from a spreadsheet, else empty."""
    if location is None:
        return ""
    parts = [location.file, f"{words['sheet']} {location.sheet}", f"{words['row']} {location.row}"]
    if location.column:
        parts.append(f"{words['column']} {location.column}")
    return ", ".join(parts)


def _csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    context = {
        "date": report.date,
        "rule_set_versions": _versions(report),
        "inputs": _inputs(report),
    }
    for result in report.results:
        row = {column: getattr(result, column, None) for column in CSV_COLUMNS[:10]}
        where = result.location
        row.update(
            file=where and where.file,
            sheet=where and where.sheet,
            row=where and where.row,
            column=where and where.column,
        )
        writer.writerow({**{k: "" if v is None else v for k, v in row.items()}, **context})
    return out.getvalue()


def _text(report: Report, words: dict[str, str]) -> str:
    lines = [_summary(report, words)]
    lines += [f"{label}: {text}" for label, text in _context(report, words)]
    if report.poles:
        lines += [f"{words['poles']}:", *_pole_lines(report, words)]
    for result in report.results:
        lines.append(f"[{words[result.severity]}] {result.rule} — {result.focus_label}")
        lines.append(f"    {result.message}")
        details = [
            f"{words['location']}: {_where(result.location, words)}" if result.location else "",
            f"{words['path']}: {result.path}" if result.path else "",
            f"{words['value']}: {result.value}" if result.value else "",
            f"{words['source']}: {result.source}" if result.source else "",
        ]
        if any(details):
            lines.append("    " + " ; ".join(d for d in details if d))
    return "\n".join(lines) + "\n"


def _html(report: Report, words: dict[str, str], lang: str, links: Links | None) -> str:
    sections = []
    by_pole = sorted(
        report.results,
        key=lambda r: (r.pole_label is None, r.pole_label or "", r.focus_label, r.focus),
    )
    for pole_label, pole_results in groupby(by_pole, key=lambda r: r.pole_label):
        organisations = []
        for (label, focus), focus_results in groupby(
            pole_results, key=lambda r: (r.focus_label, r.focus)
        ):
            items = "".join(_html_item(r, words) for r in focus_results)
            href = links(focus) if links else None
            heading = f'<a href="{escape(href)}">{escape(label)}</a>' if href else escape(label)
            organisations.append(
                f'<section class="focus"><h3>{heading}</h3><ul>{items}</ul></section>'
            )
        title = escape(pole_label) if pole_label else words["no_pole"]
        sections.append(f'<section class="pole"><h2>{title}</h2>{"".join(organisations)}</section>')
    counts = "".join(
        f'<li class="{s.lower()}">{words[s]} : {report.counts.get(s, 0)}</li>' for s in SEVERITIES
    )
    verdict = words["conforms"] if report.conforms else words["fails"]
    body = _pole_table(report, words) + ("".join(sections) or f"<p>{escape(words['none'])}</p>")
    context = "".join(
        f"<dt>{escape(label)}</dt><dd>{escape(text)}</dd>"
        for label, text in _context(report, words)
    )
    return _page(lang, words, report.conforms, verdict, counts, report.rules, context, body)


def _page(
    lang: str,
    words: dict[str, str],
    ok: bool,
    verdict: str,
    counts: str,
    rules: tuple[str, ...],
    context: str,
    body: str,
) -> str:
    """The self-contained page; ``counts``, ``context`` and ``body`` are HTML already escaped."""
    return Template(_TEMPLATE.read_text(encoding="utf-8")).substitute(
        lang=escape(lang),
        title=escape(words["title"]),
        verdict_class="ok" if ok else "ko",
        verdict=escape(verdict),
        counts=counts,
        rules=escape(", ".join(rules)),
        rules_word=escape(words["rules"]),
        context=context,
        body=body,
    )


def _html_item(result: Result, words: dict[str, str]) -> str:
    details = []
    if result.location:
        details.append(f"{escape(words['location'])} : {escape(_where(result.location, words))}")
    if result.path:
        details.append(f"{escape(words['path'])} : <code>{escape(result.path)}</code>")
    if result.value:
        details.append(f"{escape(words['value'])} : <code>{escape(result.value)}</code>")
    if result.source:
        details.append(f'<a href="{escape(result.source)}">{escape(words["source"])}</a>')
    return (
        f'<li class="{result.severity.lower()}">'
        f'<span class="sev">{escape(words[result.severity])}</span> '
        f'<span class="rule">{escape(result.rule)}</span><p>{escape(result.message)}</p>'
        f'<p class="details">{" · ".join(details)}</p></li>'
    )
