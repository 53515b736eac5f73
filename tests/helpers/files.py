"""The project's shipped files the tests read (never copied into tests/)."""

from __future__ import annotations

from pathlib import Path

from ptce_kg.rdf.resources import data_dir, resource_dir

REPO = Path(__file__).resolve().parents[2]


def demo_file(slug: str) -> Path:
    """A fictitious example pole of ``data/demo/`` (``sarthe-exemple``…)."""
    return data_dir() / "demo" / f"{slug}.ttl"


def template_file(name: str) -> Path:
    """A spreadsheet template shipped in ``templates/`` (``ptce-modele-exemple.xlsx``…)."""
    return resource_dir("templates") / name
