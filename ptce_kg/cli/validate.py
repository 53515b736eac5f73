"""``ptce-kg validate``: check pole data against the law, State call eligibility, data quality."""

from __future__ import annotations

import os
import sys
from datetime import date, datetime
from pathlib import Path

import click

from ptce_kg.cli.options import StoreOptions, store_options
from ptce_kg.errors import EXIT_NONCONFORMANT, EXIT_OK, InputError, InternalError, PtceError
from ptce_kg.pages.hrefs import public_href
from ptce_kg.validation import FORMATS, RULE_SETS, Report, render, render_failure, validate_files
from ptce_kg.validation.shapes import rule_sets
from ptce_kg.validation.stored import read_poles, validate_read_poles


@click.command("validate")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--pole",
    "poles",
    multiple=True,
    metavar="SLUG",
    help="Validate this pole's data as the store holds it, instead of files (repeatable).",
)
@click.option(
    "--all-poles",
    is_flag=True,
    help="Validate every pole of the store, each on its own, in one report.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Processes validating the poles side by side [default: the number of CPUs].",
)
@store_options
@click.option(
    "--rules",
    default="all",
    show_default=True,
    help=f"all, or sets among {', '.join(RULE_SETS)}, comma-separated; <set>@<version> picks an "
    "earlier version of a set. legal: art. 9 and art. 1–2 of loi 2014-856, décret 2015-858; "
    "call: décret 2015-431 (State calls); esus: ESUS approval (Code du travail L3332-17-1); "
    "quality: data quality.",
)
@click.option(
    "--format", "fmt", type=click.Choice(list(FORMATS)), default="text", show_default=True
)
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Judge the date rules (ended strategy, expired approval…) on this day (YYYY-MM-DD); "
    "default: today.",
)
@click.option(
    "--input-format",
    default=None,
    help="RDF syntax of the inputs (turtle, trig, nt, nquads, json-ld, xml); "
    "default: from the extension.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the report to this file instead of standard output. When no report can be "
    "made (exit 2 or 3), the file is replaced by a report of the failure (json, html, text) "
    "or removed (turtle, csv), never left as it was.",
)
def validate(
    files: tuple[Path, ...],
    poles: tuple[str, ...],
    all_poles: bool,
    jobs: int | None,
    store_options: StoreOptions,
    rules: str,
    fmt: str,
    lang: str,
    as_of: datetime | None,
    input_format: str | None,
    output: Path | None,
) -> None:
    """Validate FILE… (RDF in any syntax, the spreadsheet template .xlsx, or a folder of CSV
    files), or with --pole/--all-poles the poles' data as the store holds it (--store or
    --endpoint; beside a running `ptce-kg serve`, the snapshot it made after its last write).

    Exit code 0 when there is no violation (warnings and infos are shown), 1 when there is at
    least one violation (in any pole), 2 when an input cannot be read or parsed or a pole has
    no data, 3 on an internal error. With --format json a JSON document is printed whatever
    the exit code: on 2 or 3 it has "conforms": null and the errors (table errors one entry
    per sheet, row and column).
    """
    stored = bool(poles) or all_poles
    if stored == bool(files):
        raise click.UsageError("give FILE… or --pole/--all-poles (not both)")
    if poles and all_poles:
        raise click.UsageError("give --pole or --all-poles, not both")
    if not stored and (store_options != StoreOptions() or jobs is not None):
        raise click.UsageError("--store, --endpoint and --jobs go with --pole or --all-poles")
    day = None if as_of is None else as_of.date()
    try:
        if stored:
            if input_format is not None:
                raise click.UsageError("--input-format goes with FILE…")
            workers = jobs or os.cpu_count() or 1
            report = _validate_stored(store_options, poles or None, rules, lang, day, workers)
        else:
            report = validate_files(
                list(files), rules=rules, lang=lang, input_format=input_format, as_of=day
            )
        text = render(report, fmt, lang, public_href)
    except Exception as exc:
        _report_failure(exc, fmt, lang, rules, output)
        raise  # main() prints the error and exits with its code
    _emit(text, output)
    # main() maps SystemExit to the exit status (a returned value would be lost).
    sys.exit(EXIT_OK if report.conforms else EXIT_NONCONFORMANT)


def _validate_stored(
    options: StoreOptions,
    poles: tuple[str, ...] | None,
    rules: str,
    lang: str,
    as_of: date | None,
    workers: int,
) -> Report:
    """The poles' data validated where it is stored (None: every pole); read-only, so it works
    beside a running server. The data is read first and the store closed before the poles are
    validated in ``workers`` forked processes."""
    with options.open(read_only=True) as store:
        data = read_poles(store, poles)
    return validate_read_poles(data, rules=rules, lang=lang, as_of=as_of, workers=workers)


def _report_failure(exc: Exception, fmt: str, lang: str, rules: str, output: Path | None) -> None:
    """Put a report of the failure where the report would have gone, so that no earlier report
    is mistaken for this one's: the -o file is replaced (or removed in turtle and csv); on standard
    output json and html documents are printed (text goes to standard error, from main())."""
    error = exc if isinstance(exc, PtceError) else InternalError(f"{type(exc).__name__}: {exc}")
    text = render_failure(error, fmt, lang, rule_sets(rules))
    if output is not None:
        if text is None:
            output.unlink(missing_ok=True)
        else:
            _emit(text, output)
    elif text is not None and fmt != "text":
        _emit(text, None)


def _emit(text: str, output: Path | None) -> None:
    """Print ``text``, or write it to ``output`` (InputError when it cannot be written)."""
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"cannot write the report: {exc.strerror or exc}", where=str(output)
        ) from exc
