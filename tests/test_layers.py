"""The package's folders are its architecture: every module imports only from its own package
or from a layer below it (docs/design.md §module layout). Imports inside functions count too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "ptce_kg"

# Lowest first. A module may import from its own package and from any lower layer; packages
# that share a layer do not import each other (they are independent capabilities).
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"errors", "settings"}),
    frozenset({"rdf"}),
    frozenset({"sparql", "geo"}),
    frozenset({"store"}),
    frozenset({"reference", "spreadsheet", "ontology"}),
    frozenset({"validation", "reconciliation"}),
    frozenset({"kg"}),
    frozenset({"runtime"}),
    frozenset({"api"}),
    frozenset({"cli", "tools"}),  # `ptce-kg serve` starts the API
)
TOP_LEVEL = frozenset({"__init__", "__main__"})  # the package's version and `python -m ptce_kg`


def layer_of(part: str) -> int:
    for rank, parts in enumerate(LAYERS):
        if part in parts:
            return rank
    raise KeyError(part)


def part_of(module: str) -> str:
    """``ptce_kg.kg.loading`` -> ``kg``; ``ptce_kg.errors`` -> ``errors``."""
    return module.split(".")[1]


def module_name(path: Path, package: Path) -> str:
    relative = path.relative_to(package.parent).with_suffix("")
    parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
    return ".".join(parts)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """The ``ptce_kg`` modules a file imports, with their line numbers (``from ptce_kg import
    x`` names ``ptce_kg.x``)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("ptce_kg.")]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "ptce_kg":
                found += [(node.lineno, f"ptce_kg.{a.name}") for a in node.names]
            elif node.module.startswith("ptce_kg."):
                found.append((node.lineno, node.module))
    return found


def upward_imports(package: Path) -> list[str]:
    """Every import that points to a higher layer or to a sibling package, as readable lines."""
    wrong = []
    for path in sorted(package.rglob("*.py")):
        importer = module_name(path, package)
        if importer.count(".") == 0 or part_of(importer) in TOP_LEVEL:
            continue
        source = part_of(importer)
        for line, imported in imported_modules(path):
            target = part_of(imported)
            if target.startswith("__") or target == source:  # __version__, __main__
                continue
            if layer_of(target) >= layer_of(source):
                wrong.append(f"{path.relative_to(package.parent)}:{line} imports {imported}")
    return wrong


def test_every_package_has_a_layer() -> None:
    parts = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir()}
    parts = {p for p in parts if not p.startswith(("_", ".")) or p in TOP_LEVEL}
    modules = {p for p in parts if (PACKAGE / p).is_dir() or (PACKAGE / f"{p}.py").is_file()}
    unknown = modules - TOP_LEVEL - {"web"} - set().union(*LAYERS)
    assert not unknown, f"put these in a layer of LAYERS (and docs/design.md): {sorted(unknown)}"


def test_imports_only_go_down() -> None:
    assert upward_imports(PACKAGE) == []


@pytest.mark.parametrize(
    ("importer", "statement"),
    [
        ("store/extra.py", "from ptce_kg.kg import metadata\n"),
        ("rdf/extra.py", "import ptce_kg.sparql.guard\n"),
        ("kg/extra.py", "def f():\n    from ptce_kg.runtime import query_service\n"),
        ("reference/extra.py", "from ptce_kg import spreadsheet\n"),
    ],
)
def test_an_upward_or_sideways_import_is_found(
    tmp_path: Path, importer: str, statement: str
) -> None:
    package = tmp_path / "ptce_kg"
    module = package / importer
    module.parent.mkdir(parents=True)
    module.write_text(statement)
    assert len(upward_imports(package)) == 1


def run_time_imports(package: Path) -> list[str]:
    """Modules imported by name at run time (``importlib.import_module``, ``__import__``) and
    imports made optional (``except ImportError``/``ModuleNotFoundError``), as readable lines."""
    found = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{path.relative_to(package.parent)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call):
                func = node.func
                name = getattr(func, "attr", None) or getattr(func, "id", None)
                if name in ("import_module", "__import__"):
                    found.append(f"{where} imports a module by name")
            elif isinstance(node, ast.ExceptHandler) and node.type is not None:
                caught = {getattr(n, "id", None) for n in ast.walk(node.type)}
                if caught & {"ImportError", "ModuleNotFoundError"}:
                    found.append(f"{where} makes an import optional")
    return found


def test_modules_are_imported_statically() -> None:
    """Routers, commands and areas are imported by name in the code: a missing or broken module
    stops the program at once instead of being skipped with a warning."""
    assert run_time_imports(PACKAGE) == []
