"""The ``ptce-kg`` command line: a thin face over the services.

Exit codes, kept by every command:
  0  ok
  1  the data does not conform / the check failed
  2  usage or input error (a file that cannot be read or parsed, a bad option)
  3  internal error
Each command lives in its own module of this package and is registered below.
"""

from __future__ import annotations

import sys

import click

from ptce_kg import __version__
from ptce_kg.cli import (
    convert,
    docs,
    graphs,
    import_,
    init,
    link,
    load,
    query,
    reason,
    reconcile,
    serve,
    validate,
)
from ptce_kg.errors import EXIT_INTERNAL, PtceError

EPILOG = (
    "Exit codes: 0 ok; 1 the data does not conform or the check failed; "
    "2 usage or input error; 3 internal error."
)


@click.group(epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ptce-kg")
def cli() -> None:
    """Knowledge graph and vocabulary for the Pôles Territoriaux de Coopération Économique."""


for _command in (
    init.init,
    load.load,
    graphs.graphs,
    query.query,
    import_.import_,
    link.link,
    validate.validate,
    convert.convert,
    reason.reason,
    docs.docs,
    serve.serve,
    reconcile.reconcile,
):
    cli.add_command(_command)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and turn errors into the documented exit codes (never a stack trace)."""
    try:
        # In non-standalone mode click *returns* the code of a ``ctx.exit(n)`` (and a
        # command's return value) instead of raising, so the value must be kept.
        rv = cli.main(args=argv, prog_name="ptce-kg", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:  # usage errors: exit 2
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return EXIT_INTERNAL
    except PtceError as exc:
        click.echo(f"error: {exc}", err=True)
        return exc.exit_code
    except SystemExit as exc:
        return int(exc.code or 0)
    except Exception as exc:  # noqa: BLE001 - last resort: a clear line, exit 3
        click.echo(f"internal error: {type(exc).__name__}: {exc}", err=True)
        return EXIT_INTERNAL
    return rv if isinstance(rv, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
