"""The browser of the web tests (tests/helpers/browser.py) and its pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE, local_page
from tests.helpers.servers import LiveServer


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    playwright_api = pytest.importorskip("playwright.sync_api", reason="Python playwright missing")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser, live_server: LiveServer, tmp_path: Path, request: pytest.FixtureRequest):
    """A desktop-sized page that may only talk to the live server."""
    with local_page(browser, live_server, DESKTOP, tmp_path / f"{request.node.name}.png") as p:
        yield p


@pytest.fixture()
def phone_page(browser, live_server: LiveServer, tmp_path: Path, request: pytest.FixtureRequest):
    """A phone-sized page (375×812) that may only talk to the live server."""
    with local_page(browser, live_server, PHONE, tmp_path / f"{request.node.name}.png") as p:
        yield p
