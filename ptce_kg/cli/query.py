"""``ptce-kg query QUERY|FILE.rq|NAME``: run a SPARQL query and print the results."""

from __future__ import annotations

import re
from pathlib import Path

import click
from pyoxigraph import Literal, NamedNode

from ptce_kg.cli.options import StoreOptions, store_options
from ptce_kg.errors import InputError
from ptce_kg.sparql.catalogue import load_catalogue
from ptce_kg.sparql.guard import inspect_query
from ptce_kg.sparql.results import FORMATS, render

_NAME = re.compile(r"[A-Za-z0-9_.\-]+")


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise InputError(f"expected NAME=VALUE, got {pair!r}", where="--param")
        params[name] = value
    return params


def resolve(query: str, params: dict[str, str]) -> tuple[str, dict[str, NamedNode | Literal]]:
    """The query text and its substitutions, from a query text, a ``.rq`` file or a catalogue name.

    Parameters of a named query are bound by the catalogue (typed, checked); for a text or a
    file, ``<…>`` values are IRIs and anything else a plain string.
    """
    path = Path(query)
    if query.endswith(".rq") or (_NAME.fullmatch(query) and path.is_file()):
        try:
            return path.read_text(encoding="utf-8"), _plain_bindings(params)
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the query file: {exc}", where=query) from exc
    if _NAME.fullmatch(query):
        named = load_catalogue().get(query)
        if named is None:
            raise InputError("no query of that name in the catalogue", where=query)
        prepared = named.prepare(params)
        return prepared.text, prepared.substitutions
    return query, _plain_bindings(params)


def _plain_bindings(params: dict[str, str]) -> dict[str, NamedNode | Literal]:
    bindings: dict[str, NamedNode | Literal] = {}
    for name, value in params.items():
        try:
            is_iri = value.startswith("<") and value.endswith(">")
            bindings[name] = NamedNode(value[1:-1]) if is_iri else Literal(value)
        except ValueError as exc:
            raise InputError(f"not a valid IRI: {exc}", where=f"--param {name}") from exc
    return bindings


@click.command("query")
@click.argument("query")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="table, or the SPARQL results formats csv/tsv/json; turtle/ntriples for CONSTRUCT.",
)
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind a query variable (repeatable).",
)
@store_options
def query(query: str, fmt: str, params: tuple[str, ...], store_options: StoreOptions) -> None:
    """Run a SPARQL query given as text, as a FILE.rq, or as the NAME of a catalogue query."""
    text, substitutions = resolve(query, _parse_params(params))
    try:
        # The guard refuses SERVICE and LOAD: a query never reaches the network.
        inspection = inspect_query(text)
        with store_options.open(read_only=True) as store:
            # Every triple sits in a named graph: without FROM, the default graph is their union.
            result = store.query(
                text,
                substitutions=substitutions,
                use_default_graph_as_union=not inspection.has_dataset_clause,
            )
            output = render(result, fmt)
    except InputError as exc:
        if text != query and exc.where is None:
            exc.where = query  # the .rq file or catalogue name the "line:column" refers to
        raise
    click.echo(output, nl=False)
