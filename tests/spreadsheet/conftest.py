"""Shared fixtures of the spreadsheet tests: the shipped template folders and a workbook builder."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from ptce_kg.rdf.resources import resource_dir

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def templates() -> Path:
    return resource_dir("templates")


@pytest.fixture(scope="session")
def build_module(templates: Path) -> ModuleType:
    """templates/build.py, the script that writes the workbooks from CSV files."""
    spec = importlib.util.spec_from_file_location("ptce_templates_build", templates / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def workbook_from(build_module: ModuleType, tmp_path: Path) -> Callable[[Path], Path]:
    """Build an .xlsx from a folder of CSV files, the way the shipped workbooks are built."""

    def build(folder: Path) -> Path:
        target = tmp_path / f"{folder.name}.xlsx"
        build_module.build(folder, target)
        return target

    return build


@pytest.fixture(scope="session")
def cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the real ``ptce-kg`` command in a subprocess (bounded in time)."""

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ptce_kg", *args], capture_output=True, text=True, timeout=120
        )

    return run
