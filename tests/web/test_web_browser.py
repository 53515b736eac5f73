"""The web page in a real headless Chromium (the Debian package, driven by Playwright): load
``/``, run a catalogue query and see its rows, upload an invalid file and see the violations.

The expected rows and messages are computed from the API itself (same query over /sparql, same
file over /validate), never written down here. Requests leaving the live server are aborted
and reported: the page must work without the network.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ptce_kg.api.routers.web import yasgui_dir
from tests.helpers.browser import needs_chromium
from tests.helpers.files import demo_file, template_file
from tests.helpers.servers import LiveServer

MAX_ROWS = 10  # a query whose rows fit on YASR's first page

pytestmark = [pytest.mark.browser, pytest.mark.server, needs_chromium]


def small_catalogue_query(server: LiveServer) -> tuple[str, dict]:
    """The first catalogue query whose body (what the editor gets) gives 1..MAX_ROWS rows over
    /sparql, and its results."""
    with server.client() as client:
        catalogue = client.get("/queries", headers={"Accept": "application/json"}).json()
        entries = catalogue if isinstance(catalogue, list) else catalogue["queries"]
        for entry in entries:
            text = client.get(f"/queries/{entry['name']}/body").text
            answer = client.post(
                "/sparql",
                data={"query": text},
                headers={"Accept": "application/sparql-results+json"},
            )
            if answer.status_code != 200:
                continue
            results = answer.json()
            if "results" in results and 0 < len(results["results"]["bindings"]) <= MAX_ROWS:
                return entry["name"], results
    pytest.fail(f"no catalogue query gives between 1 and {MAX_ROWS} rows on the demo data")


def literal_values(results: dict) -> list[str]:
    return [
        b["value"]
        for row in results["results"]["bindings"]
        for b in row.values()
        if b["type"] in ("literal", "typed-literal") and 3 < len(b["value"]) <= 30
    ]


def test_page_runs_a_catalogue_query_in_yasgui(page, live_server: LiveServer):
    if yasgui_dir() is None:
        pytest.skip("YASGUI is not installed (npm ci); the fallback test covers the page")
    name, results = small_catalogue_query(live_server)
    page.goto(f"{live_server.url}/")
    page.wait_for_selector("body[data-editor='yasgui']")
    page.locator(f".catalogue-item[data-name='{name}']").click()
    page.wait_for_selector(f"#query-panel[data-loaded='{name}']")  # loaded and run: one click
    rows = page.locator(".yasr table.dataTable tbody tr")
    rows.first.wait_for()
    expected = len(results["results"]["bindings"])
    page.wait_for_function(
        "n => document.querySelectorAll('.yasr table.dataTable tbody tr').length === n",
        arg=expected,
    )
    table_text = page.locator(".yasr table.dataTable").inner_text()
    for value in literal_values(results)[:3]:
        assert value in table_text
    # YASR's download button gives the table as CSV
    with page.expect_download() as download_info:
        page.locator(".yasr .yasr_downloadIcon").click()
    assert download_info.value.suggested_filename.endswith(".csv")
    with open(download_info.value.path(), newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == results["head"]["vars"]
    assert len(rows) == expected + 1
    downloaded = {cell for row in rows[1:] for cell in row}
    assert set(literal_values(results)) <= downloaded
    assert page.outside == []


def editor_text(page) -> str:
    """What the editor holds: YASQE's CodeMirror, or the fallback's textarea."""
    return page.evaluate(
        """() => {
          const editor = document.querySelector('.yasqe .CodeMirror');
          const fallback = document.getElementById('query-text');
          return editor ? editor.CodeMirror.getValue() : fallback.value;
        }"""
    )


@pytest.mark.parametrize("yasgui", [True, False], ids=["yasgui", "fallback"])
def test_a_catalogue_query_loads_without_its_header(page, live_server: LiveServer, yasgui: bool):
    """The editor gets the query's body (no #+ header, the defaults bound); the whole file is a
    link away, and so is the answer as CSV."""
    if yasgui and yasgui_dir() is None:
        pytest.skip("YASGUI is not installed (npm ci)")
    if not yasgui:
        page.route("**/yasgui/**", lambda route: route.fulfill(status=404, body="not installed"))
    name = "jobs-by-pole"  # a header with three parameters, one with a default
    with live_server.client() as client:
        body = client.get(f"/queries/{name}/body").text
        whole = client.get(f"/queries/{name}/text").text
    page.goto(f"{live_server.url}/")
    page.wait_for_selector(f"body[data-editor='{'yasgui' if yasgui else 'fallback'}']")
    assert page.locator("#query-source").is_hidden()
    page.locator(f".catalogue-item[data-name='{name}']").click()
    page.wait_for_selector(f"#query-panel[data-loaded='{name}']")
    text = editor_text(page)
    assert text == body and "#+" not in text and text.lstrip().startswith("PREFIX")
    assert whole.startswith("#+ summary")
    header_link = page.locator("#query-header-link")
    assert header_link.is_visible()
    assert header_link.get_attribute("href") == f"/queries/{name}/text"
    shown = page.request.get(f"{live_server.url}{header_link.get_attribute('href')}").text()
    assert shown == whole
    assert page.locator("#query-csv-link").get_attribute("href") == f"/queries/{name}?format=csv"
    assert page.outside == []


def test_fallback_editor_without_yasgui(page, live_server: LiveServer):
    """With YASGUI absent (its files refused here), the plain editor shows a table and a CSV."""
    page.route("**/yasgui/**", lambda route: route.fulfill(status=404, body="not installed"))
    name, results = small_catalogue_query(live_server)
    page.goto(f"{live_server.url}/")
    page.wait_for_selector("body[data-editor='fallback']")
    assert "YASGUI" in page.locator("#editor-status").inner_text()
    page.locator(f".catalogue-item[data-name='{name}']").click()
    page.wait_for_selector(f"#query-panel[data-loaded='{name}']")
    expected = len(results["results"]["bindings"])
    page.wait_for_function(
        "n => document.querySelectorAll('#results tbody tr').length === n", arg=expected
    )
    headers = page.locator("#results thead th").all_inner_texts()
    assert headers == results["head"]["vars"]
    with page.expect_download() as download_info:
        page.locator("#download-csv").click()
    with open(download_info.value.path(), newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == results["head"]["vars"]
    assert len(rows) == expected + 1
    # the FR/EN switch translates the page and the notice
    notice_fr = page.locator("#editor-status").inner_text()
    page.locator("#lang-switch").click()
    title = page.locator("#query-title")
    assert title.inner_text() == title.get_attribute("data-en")
    assert page.locator("#editor-status").inner_text() not in ("", notice_fr)
    assert page.outside == []


def test_upload_of_an_invalid_file_shows_the_violations(page, live_server: LiveServer):
    invalid = demo_file("drome-non-conforme-exemple")
    with live_server.client() as client, invalid.open("rb") as handle:
        expected = client.post(
            "/validate",
            files={"file": (invalid.name, handle)},
            data={"rules": "all", "lang": "fr"},
            headers={"Accept": "application/json"},
        ).json()
    violations = [r for r in expected["results"] if r["severity"] == "Violation"]
    assert violations, "the non-conforming demo pole should have violations"
    page.goto(f"{live_server.url}/")
    page.wait_for_selector("body[data-editor]")
    page.set_input_files("#validate-file", str(invalid))
    page.locator("#validate-submit").click()
    page.wait_for_selector("#validate-status.bad")
    assert str(len(violations)) in page.locator("#validate-status").inner_text()
    report = page.frame_locator("#validate-report").locator("body")
    report.wait_for()
    report_text = report.inner_text()
    for violation in violations[:3]:
        assert violation["message"].split("\n")[0][:60] in report_text
    assert page.outside == []


def test_unreadable_upload_shows_where_it_breaks(page, live_server: LiveServer):
    """A file that cannot be parsed: the page shows the server's message (file and line) as an
    error, with no verdict colour left over from the previous file."""
    broken = Path(__file__).parents[1] / "api" / "data" / "truncated.ttl"  # the route's test file
    with live_server.client() as client:
        expected = client.post("/validate", files={"file": (broken.name, broken.read_bytes())})
    assert expected.status_code == 400
    page.goto(f"{live_server.url}/")
    page.wait_for_selector("body[data-editor]")
    page.set_input_files("#validate-file", str(demo_file("sarthe-exemple")))
    page.locator("#validate-submit").click()
    page.wait_for_selector("#validate-status.good, #validate-status.bad")
    page.set_input_files("#validate-file", str(broken))
    page.locator("#validate-submit").click()
    page.wait_for_selector("#validate-status.error")
    status = page.locator("#validate-status")
    assert "good" not in (status.get_attribute("class") or "")
    assert expected.json()["detail"] in status.inner_text()
    assert page.locator("#validate-report").is_hidden()
    assert page.outside == []


def test_several_files_and_a_folder_of_csv_files_are_validated_together(
    page, live_server: LiveServer
):
    """Two poles' files chosen at once, then the folder of the template's CSV sheets: each
    time one report, the one the API gives for the same files sent together."""
    poles = [demo_file("sarthe-exemple"), demo_file("drome-non-conforme-exemple")]
    folder = template_file("exemple")
    sheets = sorted(folder.glob("*.csv"))
    with live_server.client() as client:
        expected = {
            "files": client.post(
                "/validate",
                files=[("file", (p.name, p.read_bytes())) for p in poles],
                headers={"Accept": "application/json"},
            ).json(),
            "folder": client.post(
                "/validate",
                files=[("file", (p.name, p.read_bytes())) for p in sheets],
                headers={"Accept": "application/json"},
            ).json(),
        }
    page.goto(f"{live_server.url}/")
    page.wait_for_selector("body[data-editor]")
    page.set_input_files("#validate-file", [str(p) for p in poles])
    page.locator("#validate-submit").click()
    page.wait_for_selector("#validate-status.bad")
    violations = expected["files"]["counts"]["Violation"]
    assert str(violations) in page.locator("#validate-status").inner_text()
    report = page.frame_locator("#validate-report").locator("body")
    text = report.inner_text()
    assert {r["pole_label"] for r in expected["files"]["results"]} <= {
        line.strip() for line in text.splitlines()
    }
    for pole in poles:
        assert pole.name in text  # the report names every file sent

    page.set_input_files("#validate-file", [])
    page.set_input_files("#validate-folder", str(folder))
    page.locator("#validate-submit").click()
    page.wait_for_function(
        "document.getElementById('validate-report').srcdoc.includes('membres.csv')"
    )
    text = page.frame_locator("#validate-report").locator("body").inner_text()
    for sheet in sheets:
        assert sheet.name in text
    verdict = "good" if expected["folder"]["conforms"] else "bad"
    assert verdict in (page.locator("#validate-status").get_attribute("class") or "")
    assert page.outside == []
