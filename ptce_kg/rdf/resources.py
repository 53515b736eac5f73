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


def ontology_files(*, alignments: bool = True) -> list[Path]:
    """The ontology's files: ``ptce.ttl``, the pinned declarations of ``imports/`` and, unless
    ``alignments`` is False, the alignments of ``alignments/`` (all three are the ontology
    graph; the reasoner leaves the alignments out, docs/ontology.md)."""
    folder = ontology_dir()
    return [
        folder / "ptce.ttl",
        *sorted((folder / "imports").glob("*.ttl")),
        *(sorted((folder / "alignments").glob("*.ttl")) if alignments else ()),
    ]


def vocab_files() -> list[Path]:
    """The SKOS scheme files of ``ontology/vocab/``, by name (the scheme is the file's stem)."""
    return sorted((ontology_dir() / "vocab").glob("*.ttl"))


def shapes_dir() -> Path:
    return resource_dir("shapes")


def sparql_dir() -> Path:
    return resource_dir("sparql")


def mappings_dir() -> Path:
    return resource_dir("mappings")


def data_dir() -> Path:
    return resource_dir("data")


def node_package(name: str) -> Path | None:
    """The folder of npm package ``name`` installed by ``npm ci`` (in the repository's or the
    current folder's ``node_modules``), or None when it is not installed."""
    candidates = [Path.cwd() / "node_modules"]
    try:
        candidates.insert(0, resource_dir("node_modules"))
    except FileNotFoundError:
        pass
    for node_modules in candidates:
        folder = node_modules / name
        if (folder / "package.json").is_file():
            return folder
    return None
