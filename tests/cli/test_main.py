"""The CLI entry point keeps the documented exit codes, whatever way a command ends."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from ptce_kg import cli as cli_module
from ptce_kg.errors import EXIT_INPUT as EXIT_USAGE
from ptce_kg.errors import EXIT_INTERNAL, InputError


@pytest.fixture
def probe_group(monkeypatch: pytest.MonkeyPatch) -> click.Group:
    """A throw-away command group swapped in for the real one, so each ending can be provoked."""
    group = click.Group("probe")

    @group.command("ctx-exit")
    @click.argument("code", type=int)
    @click.pass_context
    def ctx_exit(ctx: click.Context, code: int) -> None:
        ctx.exit(code)

    @group.command("sys-exit")
    @click.argument("code", type=int)
    def sys_exit(code: int) -> None:
        sys.exit(code)

    @group.command("input-error")
    def input_error() -> None:
        raise InputError("data.ttl, line 3: bad token")

    @group.command("crash")
    def crash() -> None:
        raise RuntimeError("boom")

    @group.command("ok")
    def ok() -> None:
        click.echo("fine")

    monkeypatch.setattr(cli_module, "cli", group)
    return group


@pytest.mark.parametrize("how", ["ctx-exit", "sys-exit"])
@pytest.mark.parametrize("code", [0, 1, 2, 3])
def test_exit_codes_pass_through(probe_group: click.Group, how: str, code: int) -> None:
    assert cli_module.main([how, str(code)]) == code


def test_input_error_is_exit_2_with_message(
    probe_group: click.Group, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_module.main(["input-error"]) == EXIT_USAGE
    assert "data.ttl, line 3" in capsys.readouterr().err


def test_unexpected_exception_is_exit_3_without_traceback(
    probe_group: click.Group, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_module.main(["crash"]) == EXIT_INTERNAL
    err = capsys.readouterr().err
    assert "RuntimeError: boom" in err
    assert "Traceback" not in err


def test_usage_error_is_exit_2(probe_group: click.Group) -> None:
    assert cli_module.main(["ok", "--no-such-option"]) == EXIT_USAGE
    assert cli_module.main(["no-such-command"]) == EXIT_USAGE


def test_success_is_exit_0(probe_group: click.Group, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_module.main(["ok"]) == 0
    assert capsys.readouterr().out == "fine\n"


# The commands the issues ask for (issue 2 §1, issue 4, the validation and API issues).
COMMANDS = [
    "init", "load", "graphs", "query", "import", "link", "validate", "convert", "reason", "docs",
    "serve",
]  # fmt: skip


def test_help_lists_every_command_and_exit_codes() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "ptce_kg", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for name in COMMANDS:
        assert f"  {name} " in out or f"  {name}\n" in out, name
    assert "Exit codes: 0 ok; 1 the data does not conform" in out


def _every_command(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in sorted(group.commands.items()):
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found += _every_command(command, (*prefix, name))
    return found


@pytest.mark.parametrize("path", _every_command(cli_module.cli), ids=" ".join)
def test_every_command_and_subcommand_has_help(
    path: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_module.main([*path, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Usage: ptce-kg {' '.join(path)} ") and "Options:" in out
