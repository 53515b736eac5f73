"""The map of France that ``/map`` draws: one SVG, départements and overseas insets.

Built once per process from the npm packages named in ``mappings/map.yaml`` (installed by
``npm ci``, read from ``node_modules``, never fetched): the metropolitan départements as they
are, the five overseas départements as insets in a row below. Every area is a ``path`` whose
``id`` is ``dep-<INSEE code>``, with its région code, official names (COG, ``data/reference``)
and a ``title``; the root element carries the Mercator constants that place a WGS84 point on
the metropolitan map.
"""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache
from xml.sax.saxutils import escape, quoteattr

import yaml

from ptce_kg.rdf.resources import data_dir, mappings_dir, node_package

_SVG = "{http://www.w3.org/2000/svg}"
_NUMBER = re.compile(r"[MmLlHhVvZz]|-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_INSET_MARGIN = 6.0
_LABEL_HEIGHT = 16.0


@dataclass(frozen=True)
class Area:
    """A département as the map draws it."""

    code: str
    name: str
    region: str
    region_name: str
    path: str  # SVG path data
    transform: str = ""


def map_settings() -> dict:
    """The declarative description of the map (``mappings/map.yaml``)."""
    with open(mappings_dir() / "map.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _svg(package: str, file: str) -> ET.Element | None:
    """The root of an installed package's SVG file, or None if the package is not installed."""
    folder = node_package(package)
    if folder is None or not (folder / file).is_file():
        return None
    return ET.parse(folder / file).getroot()


def _paths(root: ET.Element) -> dict[str, str]:
    """Path data by element id."""
    return {
        element.attrib["id"]: element.attrib["d"]
        for element in root.iter(f"{_SVG}path")
        if "id" in element.attrib and "d" in element.attrib
    }


def bounding_box(path: str) -> tuple[float, float, float, float]:
    """(min x, min y, max x, max y) of path data made of move, line and close commands.

    Raises ValueError on another command (curves are not used by the map packages).
    """
    xs: list[float] = []
    ys: list[float] = []
    x = y = start_x = start_y = 0.0
    command = ""
    tokens = _NUMBER.findall(path)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.isalpha():
            command, i = token, i + 1
            if command in "Zz":
                x, y = start_x, start_y
            continue
        if command in "MmLl":
            dx, dy = float(tokens[i]), float(tokens[i + 1])
            i += 2
            x, y = (x + dx, y + dy) if command.islower() else (dx, dy)
            if command in "Mm":
                start_x, start_y = x, y
                command = "l" if command == "m" else "L"  # later pairs are line-tos
        elif command in "HhVv":
            value = float(tokens[i])
            i += 1
            if command in "Hh":
                x = x + value if command == "h" else value
            else:
                y = y + value if command == "v" else value
        else:
            raise ValueError(f"unsupported SVG path command {command!r}")
        xs.append(x)
        ys.append(y)
    return min(xs), min(ys), max(xs), max(ys)


def _names() -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """Département code → (name, région code); région code → name (COG, data/reference)."""
    reference = data_dir() / "reference"
    with open(reference / "departements.csv", encoding="utf-8", newline="") as handle:
        departements = {row["code"]: (row["nom"], row["region"]) for row in csv.DictReader(handle)}
    with open(reference / "regions.csv", encoding="utf-8", newline="") as handle:
        regions = {row["code"]: row["nom"] for row in csv.DictReader(handle)}
    return departements, regions


def _inset_transform(
    box: tuple[float, float, float, float], slot: tuple[float, float, float, float]
) -> str:
    """The transform fitting a path's bounding box into a slot (x, y, width, height)."""
    min_x, min_y, max_x, max_y = box
    x, y, width, height = slot
    scale = min(width / (max_x - min_x), height / (max_y - min_y))
    left = x + (width - (max_x - min_x) * scale) / 2 - min_x * scale
    top = y + (height - (max_y - min_y) * scale) / 2 - min_y * scale
    return f"translate({left:.3f} {top:.3f}) scale({scale:.4f})"


@cache
def france_svg() -> str | None:
    """The map as SVG text, or None when the boundary packages are not installed."""
    settings = map_settings()
    metro, overseas = settings["departements"], settings["overseas"]
    metro_svg = _svg(metro["package"], metro["file"])
    world_svg = _svg(overseas["package"], overseas["file"])
    if metro_svg is None or world_svg is None:
        return None
    metro_paths, world_paths = _paths(metro_svg), _paths(world_svg)
    _, _, width, height = (float(v) for v in metro_svg.attrib["viewBox"].split())
    departements, regions = _names()

    def area(code: str, path: str, transform: str = "") -> Area:
        name, region = departements[code]
        return Area(code, name, region, regions[region], path, transform)

    areas = [area(code, path) for code, path in metro_paths.items()]
    insets = overseas["insets"]
    row = float(overseas["row_height"])
    slot_width = width / len(insets)
    for index, (code, world_id) in enumerate(insets.items()):
        slot = (
            index * slot_width + _INSET_MARGIN,
            height + _INSET_MARGIN,
            slot_width - 2 * _INSET_MARGIN,
            row - 2 * _INSET_MARGIN - _LABEL_HEIGHT,
        )
        path = world_paths[world_id]
        areas.append(area(code, path, _inset_transform(bounding_box(path), slot)))
    return _render(areas, width, height, row, slot_width, settings)


def _render(
    areas: list[Area], width: float, height: float, row: float, slot_width: float, settings: dict
) -> str:
    projection = settings["projection"]
    mercator = " ".join(str(projection[k]) for k in ("a", "b", "c", "d"))
    credit = f"{settings['departements']['credit']} ; {settings['overseas']['credit']}"
    lines = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height + row:g}" '
        f'role="group" data-mercator="{mercator}" data-metropolitan-height="{height:g}" '
        f"data-credit={quoteattr(credit)}>",
        '<g class="inset-frames">',
    ]
    # Frames first, under the areas: a click between small islands lands on the frame, which
    # stands for its département.
    for index, a in enumerate(x for x in areas if x.transform):
        left = index * slot_width
        lines.append(
            f'<rect x="{left + 2:g}" y="{height + 2:g}" width="{slot_width - 4:g}" '
            f'height="{row - 4:g}" rx="4" data-departement="{a.code}"/>'
            f'<text x="{left + slot_width / 2:g}" y="{height + row - 8:g}" '
            f'text-anchor="middle">{escape(a.name)}</text>'
        )
    lines.append("</g>")
    lines.append('<g class="areas">')
    for a in areas:
        title = f"{a.name} ({a.code})"
        transform = f' transform="{a.transform}"' if a.transform else ""
        lines.append(
            f'<path id="dep-{a.code}" class="area" data-departement="{a.code}" '
            f'data-region="{a.region}" data-name={quoteattr(a.name)} '
            f"data-region-name={quoteattr(a.region_name)}{transform} "
            f'd="{a.path}"><title>{escape(title)}</title></path>'
        )
    lines.append("</g>")
    lines.append('<g class="points"></g>')
    lines.append("</svg>")
    return "\n".join(lines)
