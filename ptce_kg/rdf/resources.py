"""Where the data files that ship with ptce-kg live (ontology, shapes, queries, mappings, data).

In a source checkout they sit at the repository root; in a built wheel they are copied to
``ptce_kg/_data``. Nothing is ever fetched from the network.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # ptce_kg/


def resource_dir(name: str) -> Path:
    """Return the folder of shipped data called ``name`` (``ontology``, ``shapes``, ``sparql``…)."""
    for base in (_PACKAGE / "_data", _PACKAGE.parent):
        candidate = base / name
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"ptce-kg resource folder {name!r} is missing from the installation")


def ontology_dir() -> Path:
    return resource_dir("ontology")


def shapes_dir() -> Path:
    return resource_dir("shapes")


def sparql_dir() -> Path:
    return resource_dir("sparql")


def mappings_dir() -> Path:
    return resource_dir("mappings")


def data_dir() -> Path:
    return resource_dir("data")
