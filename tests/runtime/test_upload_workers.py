"""Uploads are read and validated in killable workers under a time limit: a file crafted to be
slow to validate gets a clear 503, its worker is really stopped, nothing is stored, and the
service keeps answering queries and other uploads meanwhile (completion is asserted, not speed).

Time limits hold on a loaded machine: the slow file needs minutes of work, far past the limits
that must stop it, and uploads that must succeed get generous limits.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from ptce_kg.errors import InputError
from ptce_kg.runtime.upload_workers import (
    UploadChecker,
    UploadJob,
    ValidationAborted,
    ValidationTimeout,
)
from tests.helpers.files import demo_file
from tests.helpers.servers import running

SLOW_POLE = "charge-exemple"
TOKEN = "upload-limits-token"
SMALL = demo_file("sarthe-exemple")
SHORT = 1.0  # seconds: a limit that must stop the slow file
GENEROUS = 120.0  # seconds: for uploads that must succeed (a fraction of a second of work)
SERVER_LIMIT = 10  # seconds, the live server's: both at once, with an order of magnitude each way


def slow_file(memberships: int = 100_000) -> bytes:
    """A fictitious pole with many memberships (8 MB of Turtle): minutes of parsing and SHACL."""
    lines = [
        "@prefix ptce: <https://w3id.org/ptce/ontology#> .",
        "@prefix org: <http://www.w3.org/ns/org#> .",
        "@prefix pole: <https://w3id.org/ptce/id/pole/> .",
        f"@prefix m: <https://w3id.org/ptce/id/membership/{SLOW_POLE}/> .",
        "@prefix o: <https://w3id.org/ptce/id/org/exemple-charge-> .",
        f"pole:{SLOW_POLE} a ptce:Pole .",
    ]
    lines += [
        f"m:{i} a ptce:Membership ; org:member o:{i} ; org:organization pole:{SLOW_POLE} ."
        for i in range(memberships)
    ]
    return "\n".join(lines).encode()


def test_timeout_stops_the_worker_and_the_pool_recovers() -> None:
    import multiprocessing

    checker = UploadChecker(timeout=GENEROUS, workers=1)
    try:
        assert checker.check([(SMALL.name, SMALL.read_bytes())]).report.results is not None
        workers = {
            p.pid for p in multiprocessing.active_children() if p.name == "ptce-validation-worker"
        }
        assert workers
        checker.timeout = SHORT
        with pytest.raises(ValidationTimeout, match=f"{SHORT:g} s limit"):
            checker.check([("charge.ttl", slow_file())])
        checker.timeout = GENEROUS
        deadline = time.monotonic() + GENEROUS
        while any(running(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(running(pid) for pid in workers), "the timed-out worker still runs"
        # a replacement worker takes the next upload; errors keep their place in the file
        assert checker.check([(SMALL.name, SMALL.read_bytes())]).report.conforms in (True, False)
        with pytest.raises(InputError, match=r"^broken\.ttl:1: "):
            checker.check([("broken.ttl", b"@prefix broken")])
    finally:
        checker.close()


def test_waiting_for_a_busy_worker_counts_against_the_limit() -> None:
    """With the only worker held by a slow file, the next upload gets its 503 at the limit
    instead of holding a server thread until the worker is free."""
    checker = UploadChecker(timeout=SHORT, workers=1)
    try:
        # the slow file holds the worker, with no limit of its own, until the pool stops
        pool = checker._started()
        held: list[BaseException] = []

        def hold() -> None:
            try:
                pool.run(UploadJob((("c.ttl", slow_file()),)), timeout=100 * GENEROUS)
            except BaseException as exc:  # noqa: BLE001 - asserted below
                held.append(exc)

        holder = threading.Thread(target=hold, daemon=True)
        holder.start()
        deadline = time.monotonic() + GENEROUS
        while not pool._busy and time.monotonic() < deadline:
            time.sleep(0.05)
        assert pool._busy
        with pytest.raises(ValidationTimeout, match="busy"):
            checker.check([(SMALL.name, SMALL.read_bytes())])
    finally:
        checker.close()
    # closing the pool stopped the worker holding the slow file too
    holder.join(GENEROUS)
    assert not holder.is_alive()
    assert len(held) == 1 and isinstance(held[0], ValidationAborted)


def test_a_worker_that_dies_gives_validation_aborted_and_is_replaced() -> None:
    """A worker stopped mid-check (as past its memory cap) is a 503 naming the cap; the next
    upload gets a replacement."""
    import multiprocessing
    import os
    import signal

    checker = UploadChecker(timeout=100 * GENEROUS, workers=1)
    try:
        checker._started()
        outcome: list[BaseException] = []

        def slow() -> None:
            try:
                checker.check([("charge.ttl", slow_file())])
            except BaseException as exc:  # noqa: BLE001 - asserted below
                outcome.append(exc)

        thread = threading.Thread(target=slow, daemon=True)
        thread.start()
        deadline = time.monotonic() + GENEROUS
        while not checker._started()._busy and time.monotonic() < deadline:
            time.sleep(0.05)
        for p in multiprocessing.active_children():
            if p.name == "ptce-validation-worker" and p.pid is not None:
                os.kill(p.pid, signal.SIGKILL)
        thread.join(GENEROUS)
        assert len(outcome) == 1 and isinstance(outcome[0], ValidationAborted)
        assert "MB of memory" in str(outcome[0])
        checker.timeout = GENEROUS
        assert checker.check([(SMALL.name, SMALL.read_bytes())]).report.conforms in (True, False)
    finally:
        checker.close()


@pytest.fixture(scope="module")
def server(live_server_factory):
    return live_server_factory(
        PTCE_VALIDATION_TIMEOUT=str(SERVER_LIMIT),
        PTCE_VALIDATION_WORKERS="2",
        PTCE_POLE_TOKENS=json.dumps({SLOW_POLE: TOKEN}),
    )


def _validate_small(client: httpx.Client) -> None:
    response = client.post("/validate", files={"file": (SMALL.name, SMALL.read_bytes())})
    assert response.status_code == 200, response.text
    assert response.headers["X-Validation-Conforms"] in ("true", "false")


def _while_running(work, server) -> tuple[httpx.Response, int]:
    """Run ``work(client)`` in a thread; meanwhile keep sending light requests. Returns the
    response of ``work`` and how many light rounds were answered."""
    outcome: dict[str, httpx.Response] = {}
    thread = threading.Thread(target=lambda: outcome.update(heavy=work(server.client())))
    thread.start()
    rounds = 0
    with server.client() as light:
        while thread.is_alive():
            ask = light.get("/sparql", params={"query": "ASK {}"})
            assert ask.status_code == 200 and ask.json()["boolean"] is True
            _validate_small(light)
            rounds += 1
    thread.join()
    return outcome["heavy"], rounds


def _assert_timeout(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    body = response.json()
    assert body["error"] == "ValidationTimeout" and f"{SERVER_LIMIT} s limit" in body["detail"]
    assert "Traceback" not in response.text


@pytest.mark.server
def test_slow_upload_to_validate_is_stopped_while_others_are_served(server) -> None:
    def heavy(client: httpx.Client) -> httpx.Response:
        with client:
            return client.post("/validate", files={"file": ("charge.ttl", slow_file())})

    response, rounds = _while_running(heavy, server)
    _assert_timeout(response)
    assert rounds >= 1
    with server.client() as client:
        _validate_small(client)  # the pool replaced the stopped worker


@pytest.mark.server
def test_slow_pole_submission_is_stopped_and_stores_nothing(server) -> None:
    def heavy(client: httpx.Client) -> httpx.Response:
        with client:
            return client.post(
                f"/poles/{SLOW_POLE}/data",
                files={"file": ("charge.ttl", slow_file())},
                headers={"Authorization": f"Bearer {TOKEN}"},
            )

    response, _ = _while_running(heavy, server)
    _assert_timeout(response)
    graph = f"https://w3id.org/ptce/graph/pole/{SLOW_POLE}"
    with server.client() as client:
        stored = client.get(
            "/sparql", params={"query": f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"}
        )
    assert stored.status_code == 200 and stored.json()["boolean"] is False


@pytest.fixture
def cors_client() -> Iterator:
    from fastapi.testclient import TestClient

    from ptce_kg.api.app import create_app
    from ptce_kg.settings import Settings
    from ptce_kg.store import OxigraphStore

    settings = Settings(cors_origins=["https://coordination.example"])
    with TestClient(create_app(settings, OxigraphStore(None))) as client:
        yield client


def test_cors_exposes_the_validation_verdict(cors_client) -> None:
    response = cors_client.post(
        "/validate",
        files={"file": (SMALL.name, SMALL.read_bytes())},
        headers={"origin": "https://coordination.example", "accept": "application/json"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["access-control-allow-origin"] == "https://coordination.example"
    exposed = {
        h.strip().lower() for h in response.headers["access-control-expose-headers"].split(",")
    }
    assert {"x-validation-conforms", "x-validation-violations"} <= exposed
    report = response.json()
    assert response.headers["X-Validation-Conforms"] == str(report["conforms"]).lower()
