"""A real headless Chromium (the Debian package, driven by Playwright) for the web tests: pages
that may only talk to the live server, and a screenshot of each test's final page."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.helpers.servers import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1400, "height": 1000}
PHONE = {"width": 375, "height": 812}  # an iPhone X-sized screen

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs the system Chromium "
    "(/usr/bin/chromium; apt-get install chromium chromium-driver)",
)


@contextmanager
def local_page(
    browser: object, server: LiveServer, viewport: dict[str, int], shot: Path
) -> Iterator[object]:
    """A page that may only talk to ``server`` (``page.outside`` lists refused requests); its
    final state is saved as the full-page screenshot ``shot``. PTCE_WEB_SCREENSHOTS=DIR puts
    the screenshots in DIR instead, to look at them."""
    context = browser.new_context(locale="fr-FR", viewport=viewport, accept_downloads=True)
    page = context.new_page()
    page.outside = []
    local = (server.url, "data:", "blob:", "about:")

    def only_local(route):
        if route.request.url.startswith(local):
            route.continue_()
        else:
            page.outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    try:
        yield page
    finally:
        folder = Path(os.environ.get("PTCE_WEB_SCREENSHOTS") or shot.parent)
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / shot.name), full_page=True)
        context.close()
