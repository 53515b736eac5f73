"""The web page at ``/`` and the map at ``/map``: our pages and assets, the YASGUI build from
``node_modules`` and the map's boundaries (``ptce_kg/geo/boundaries.py``).

The page loads catalogue queries through the catalogue router (``/queries``,
``/queries/{name}/text``).

Only files found at start-up in the two asset folders are served (a fixed allow-list by name),
so no request path can reach another file.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, Response

from ptce_kg.geo.boundaries import france_svg
from ptce_kg.rdf.resources import node_package

WEB_DIR = Path(__file__).resolve().parents[2] / "web"
YASGUI_PACKAGE = "@zazuko/yasgui"
_MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".map": "application/json",
}
SVG = "image/svg+xml"


def yasgui_dir() -> Path | None:
    """The YASGUI build folder installed by ``npm ci`` (repository root or current folder)."""
    package = node_package(YASGUI_PACKAGE)
    if package is None or not (package / "build" / "yasgui.min.js").is_file():
        return None
    return package / "build"


def _listing(folder: Path | None) -> dict[str, Path]:
    """Name → path of the servable files directly inside ``folder``."""
    if folder is None:
        return {}
    return {p.name: p for p in folder.iterdir() if p.is_file() and p.suffix in _MEDIA_TYPES}


def _serve(files: dict[str, Path], name: str) -> FileResponse:
    path = files.get(name)
    if path is None:
        raise HTTPException(status_code=404, detail=f"no asset named {name!r}")
    return FileResponse(path, media_type=_MEDIA_TYPES[path.suffix])


def _build_router() -> APIRouter:
    """Routes of the web page; asset folders are listed once, here."""
    router = APIRouter(tags=["web page"])
    assets = _listing(WEB_DIR)
    yasgui = _listing(yasgui_dir())

    @router.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return _serve(assets, "index.html")

    @router.get("/map", include_in_schema=False)
    def map_page() -> FileResponse:
        return _serve(assets, "map.html")

    @router.get("/map/france.svg", include_in_schema=False)
    def map_boundaries() -> Response:
        svg = france_svg()
        if svg is None:
            raise HTTPException(
                status_code=404, detail="the map's boundaries are not installed: run `npm ci`"
            )
        return Response(svg, media_type=SVG, headers={"Cache-Control": "public, max-age=3600"})

    @router.get("/assets/{name}", include_in_schema=False)
    def asset(name: str) -> FileResponse:
        return _serve(assets, name)

    @router.get("/yasgui/{name}", include_in_schema=False)
    def yasgui_asset(name: str) -> FileResponse:
        if not yasgui:
            raise HTTPException(status_code=404, detail="YASGUI is not installed: run `npm ci`")
        return _serve(yasgui, name)

    return router


router = _build_router()
