"""HTML documentation generated from the TTL by pyLODE."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from ptce_kg.cli import main
from ptce_kg.ontology.docs import render_html
from ptce_kg.rdf.resources import ontology_dir


def test_ontology_page_names_terms() -> None:
    html = render_html(ontology_dir() / "ptce.ttl")
    for label in (
        "Territorial pole of economic cooperation (PTCE)",
        "Natural person",
        "perimeter area",
    ):
        assert label in html


def test_docs_command_writes_index_and_one_page_per_scheme(tmp_path: Path) -> None:
    assert main(["docs", str(tmp_path)]) == 0
    schemes = sorted(p.stem for p in (ontology_dir() / "vocab").glob("*.ttl"))
    assert sorted(p.stem for p in (tmp_path / "vocab").glob("*.html")) == schemes
    theme = (tmp_path / "vocab" / "theme.html").read_text("utf-8")
    assert "Circular economy" in theme and "<html" in theme
    assert "Pole membership" in (tmp_path / "index.html").read_text("utf-8")


def test_rendering_leaves_the_process_logging_alone() -> None:
    # A fresh interpreter, so pyLODE is imported here for the first time.
    code = (
        "import logging; from ptce_kg.ontology.docs import render_html; from ptce_kg.rdf.resources import "
        "ontology_dir; render_html(ontology_dir() / 'vocab' / 'job-unit.ttl'); "
        "print(logging.getLogger().level)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [str(logging.WARNING)]
    assert "DEBUG" not in out.stderr and "INFO" not in out.stderr
