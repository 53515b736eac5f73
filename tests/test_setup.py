"""The project skeleton: one packaging source, the two set-up commands, the CI script.

The Makefile and ``.ci/run`` are run for real, with stand-ins for the programs a fresh machine
may lack (an old Python, no ``venv`` module, no ``make``, ``apt-get``), so each decision they
take is observed without installing anything.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.helpers.files import REPO

needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="`make` is not installed")


@pytest.fixture(scope="module")
def pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))


def test_pyproject_is_the_one_packaging_source(pyproject: dict) -> None:
    project = pyproject["project"]
    assert project["name"] == "ptce-kg"
    assert project["requires-python"] == ">=3.11"
    assert project["scripts"] == {"ptce-kg": "ptce_kg.cli:main"}
    core = {re.split(r"[<>=!~;\[ ]", dep, maxsplit=1)[0].lower() for dep in project["dependencies"]}
    assert {"rdflib", "pyshacl", "owlready2", "pyoxigraph", "fastapi", "uvicorn"} <= core
    assert "pytest" in " ".join(project["optional-dependencies"]["test"])
    tools = {
        re.split(r"[<>=!~;\[ ]", dep, maxsplit=1)[0]
        for dep in project["optional-dependencies"]["test"]
    }
    assert {"ruff", "mypy"} <= tools  # `make lint` runs them from the same venv
    assert {"pytest", "ruff", "mypy"} <= set(pyproject["tool"])  # tool config lives here too
    others = [
        "setup.py",
        "setup.cfg",
        "requirements.txt",
        "pytest.ini",
        "tox.ini",
        ".flake8",
        "ruff.toml",
        ".ruff.toml",
        "mypy.ini",
        ".coveragerc",
    ]
    assert [name for name in others if (REPO / name).exists()] == []


def test_console_script_is_installed() -> None:
    scripts = importlib.metadata.entry_points(group="console_scripts", name="ptce-kg")
    assert [ep.value for ep in scripts] == ["ptce_kg.cli:main"]


def _readme_commands() -> list[str]:
    """The commands of the README's first code block (comments dropped)."""
    text = (REPO / "README.md").read_text("utf-8")
    block = re.search(r"```(?:sh|bash|console)?\n(.*?)```", text, re.S)
    assert block, "README.md has no code block"
    return [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_readme_opens_with_the_two_set_up_commands() -> None:
    assert _readme_commands() == ["make serve", "make test"]
    ci = (REPO / ".ci" / "run").read_text("utf-8").strip().splitlines()
    assert ci[-1] == "make test", "the CI runs exactly the README's test command"


@needs_make
@pytest.mark.parametrize(
    ("target", "runs"),
    [
        ("test", "/bin/python -m pytest"),
        ("serve", "/bin/ptce-kg serve"),
        ("lint", "/bin/ruff check"),
        ("lint", "/bin/ruff format --check"),
        ("lint", "/bin/mypy ptce_kg"),
    ],
)
def test_make_targets_build_the_venv_from_pyproject(target: str, runs: str, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    plan = subprocess.run(
        ["make", "-n", target, f"VENV={venv}"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    steps = [f"-m venv {venv}", f"{venv}/bin/python -m pip install --quiet -e '.[test]'", runs]
    positions = [plan.find(step) for step in steps]
    assert -1 not in positions and positions == sorted(positions), plan


def _stand_in(folder: Path, name: str, script: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)
    return path


def _make_venv(tmp_path: Path, python: Path) -> subprocess.CompletedProcess[str]:
    """``make venv`` into ``tmp_path/venv`` with ``python``."""
    return subprocess.run(
        ["make", "venv", f"VENV={tmp_path / 'venv'}", f"PYTHON={python}"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )


@needs_make
def test_make_refuses_an_old_python_with_a_clear_message(tmp_path: Path) -> None:
    old = _stand_in(tmp_path, "python-old", '[ "$1" = -V ] && echo "Python 3.10.12"\nexit 1\n')
    done = _make_venv(tmp_path, old)
    assert done.returncode != 0
    assert "needs Python 3.11 or newer" in done.stderr and "3.10.12" in done.stderr
    assert not (tmp_path / "venv").exists()


@needs_make
def test_make_says_to_install_python3_venv_when_ensurepip_is_missing(tmp_path: Path) -> None:
    no_venv = _stand_in(tmp_path, "python-no-venv", 'case "$*" in *ensurepip*) exit 1;; esac\n')
    done = _make_venv(tmp_path, no_venv)
    assert done.returncode != 0 and "apt-get install python3-venv" in done.stderr
    assert not (tmp_path / "venv").exists()


def _fresh_machine(tmp_path: Path, apt_works: bool) -> tuple[Path, dict[str, str]]:
    """A PATH with only what a fresh Debian has, plus stand-ins that log what they are asked.

    The apt-get stand-in "installs" make and python3-venv by creating stand-ins for them.
    """
    bin_dir, log = tmp_path / "bin", tmp_path / "calls.log"
    bin_dir.mkdir()
    for tool in ("dirname", "cat"):
        os.symlink(shutil.which(tool), bin_dir / tool)
    venv_flag = tmp_path / "venv-installed"
    _stand_in(
        bin_dir,
        "python3",
        f'case "$*" in *ensurepip*) [ -e {venv_flag} ] || exit 1;; esac\nexit 0\n',
    )
    install = (
        f'echo "apt-get $*" >> {log}\n'
        + ('[ "$1" = update ] && exit 0\n' if apt_works else "exit 100\n")
        + 'for p in "$@"; do case $p in\n'
        + f"  make) printf '#!/bin/sh\\necho \"make $*\" >> {log}\\n' > {bin_dir}/make;"
        + f" {shutil.which('chmod')} +x {bin_dir}/make;;\n"
        + f"  python3-venv) : > {venv_flag};;\n"
        + "esac; done\n"
    )
    _stand_in(bin_dir, "apt-get", install)
    return log, {"PATH": str(bin_dir), "HOME": str(tmp_path)}


def _ci(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    bash = shutil.which("bash")
    assert bash
    return subprocess.run(
        [bash, str(REPO / ".ci" / "run")], env=env, capture_output=True, text=True, timeout=60
    )


def test_ci_installs_what_a_fresh_machine_lacks_then_runs_make_lint_and_test(
    tmp_path: Path,
) -> None:
    log, env = _fresh_machine(tmp_path, apt_works=True)
    done = _ci(env)
    assert done.returncode == 0, done.stderr
    calls = log.read_text().splitlines()
    installs = " ".join(c for c in calls if c.startswith("apt-get install"))
    for package in ("make", "python3-venv", "default-jre-headless", "npm"):
        assert package in installs.split(), (package, calls)
    assert calls.count("apt-get update -qq") == 1
    assert calls[-2:] == ["make lint", "make test"]


def test_ci_stops_when_a_required_tool_cannot_be_installed(tmp_path: Path) -> None:
    log, env = _fresh_machine(tmp_path, apt_works=False)
    done = _ci(env)
    assert done.returncode == 1
    assert "could not install make python3-venv" in done.stderr
    assert not any(line.startswith("make") for line in log.read_text().splitlines())
