"""``ptce-kg graphs``: the named graphs with their metadata and triple counts."""

from __future__ import annotations

import json

import click

from ptce_kg.cli.options import StoreOptions, store_options
from ptce_kg.kg.metadata import descriptions


@click.command("graphs")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@store_options
def graphs(fmt: str, store_options: StoreOptions) -> None:
    """List the named graphs: triple count, title, source, licence, sha256, date.

    ``--format json`` gives every metadata field, including the recorded triple count
    (``recorded_triples``) and, for the derived graph, its input graphs (``derived_from``).
    """
    with store_options.open(read_only=True) as store:
        described = descriptions(store)
        rows = [
            {
                "graph": info.iri,
                "triples": info.triples,
                # the count the metadata recorded, next to the store's own count
                **{
                    ("recorded_triples" if k == "triples" else k): v
                    for k, v in described.get(info.iri, {}).items()
                },
            }
            for info in store.graphs()
        ]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("The store holds no graph: run `ptce-kg init`.")
        return
    width = max(len(r["graph"]) for r in rows)
    click.echo(
        f"{'graph':<{width}}  {'triples':>8}  {'modified':<25}  {'sha256':<12}  title / licence"
    )
    for r in rows:
        click.echo(
            f"{r['graph']:<{width}}  {r['triples']:>8}  {r.get('modified', ''):<25}  "
            f"{str(r.get('sha256', ''))[:12]:<12}  {r.get('title', '')}"
            + (f" [{r['license']}]" if r.get("license") else "")
        )
