"""Fixtures shared by the test areas (plain helpers: tests/helpers/). Each area's own conftest.py
holds only what that area alone uses."""

from __future__ import annotations

import dataclasses
import json
import secrets
import socket
import subprocess
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ptce_kg.cli import main
from ptce_kg.kg.initialise import initialise
from ptce_kg.runtime.query_service import QueryService
from ptce_kg.settings import Settings
from ptce_kg.sparql.catalogue import Catalogue, load_catalogue
from ptce_kg.store import OxigraphStore
from tests.helpers.catalogue import Runner, catalogue_runner
from tests.helpers.servers import (
    OXIGRAPH,
    REMOTE_TIMEOUT,
    VIRTUOSO,
    VIRTUOSO_ISQL,
    Endpoint,
    LiveServer,
    oxigraph_endpoint,
    start_server,
    stop_server,
    virtuoso_serve,
)
from tests.helpers.stores import conformance_store, run_process

# The live service of the web and API tests: the token holders are two demo poles and the pole
# of the spreadsheet template's example.
POLES = ("sarthe-exemple", "drome-non-conforme-exemple", "laval-exemple")
MAX_BODY_BYTES = 5_000_000
STARTUP_SECONDS = 180  # init of a fresh store (reference data, demo, linking) comes first


@pytest.fixture
def store() -> Iterator[OxigraphStore]:
    """The embedded store, in memory."""
    s = OxigraphStore()
    yield s
    s.close()


@pytest.fixture
def disk_store(tmp_path: Path) -> Iterator[OxigraphStore]:
    """The embedded store, on disk in a temporary folder."""
    s = OxigraphStore(tmp_path / "db")
    yield s
    s.close()


@pytest.fixture(scope="session")
def initialised_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store filled by ``ptce-kg init`` (shared: tests must not change it)."""
    folder = tmp_path_factory.mktemp("initialised") / "db"
    assert main(["init", "--store", str(folder)]) == 0
    return folder


@pytest.fixture(scope="session")
def demo_store() -> Iterator[OxigraphStore]:
    """An in-memory store holding exactly what ``ptce-kg init`` loads (shared: tests must not
    change it)."""
    s = OxigraphStore()
    initialise(s)
    yield s
    s.close()


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="session")
def run_query(demo_store: OxigraphStore, catalogue: Catalogue) -> Iterator[Runner]:
    """``run_query(name, **params)``: the rows of a named query on ``demo_store``."""
    service = QueryService(Settings(), demo_store)
    yield catalogue_runner(service, catalogue)
    service.close()


@pytest.fixture(scope="session")
def cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the real ``ptce-kg`` command in a child process (bounded in time)."""
    return run_process


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Record (and block) every attempt to open a connection or resolve a name.

    The attempt is also refused with an OSError, so that a parser swallowing the error still
    cannot fetch anything; the test then asserts the record is empty.
    """
    attempts: list[str] = []

    def refuse(what: str):
        def _refuse(*args, **kwargs):
            attempts.append(f"{what}{args[1:] if what == 'connect' else args}")
            raise OSError(f"network access attempted in a test: {what}")

        return _refuse

    monkeypatch.setattr(socket.socket, "connect", refuse("connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.setattr(urllib.request, "urlopen", refuse("urlopen"))
    yield attempts
    assert attempts == [], f"network access attempted: {attempts}"


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """``ptce-kg serve`` over a fresh on-disk store (serve runs ``init`` first, so the demo
    graph is there), with a token for each pole of POLES and a MAX_BODY_BYTES body limit."""
    root = tmp_path_factory.mktemp("web-live")
    tokens = {pole: secrets.token_urlsafe(24) for pole in POLES}
    server = start_server(
        root / "store",
        root / "server.log",
        "--host",
        "127.0.0.1",
        startup=STARTUP_SECONDS,
        PTCE_POLE_TOKENS=json.dumps(tokens),
        PTCE_QUERY_TIMEOUT="60",
        PTCE_MAX_BODY_BYTES=str(MAX_BODY_BYTES),
    )
    try:
        yield dataclasses.replace(server, tokens=tokens, max_body_bytes=MAX_BODY_BYTES, timeout=120)
    finally:
        stop_server(server)


@pytest.fixture(scope="module")
def live_server_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """Start ``ptce-kg serve`` on stores holding the W3C conformance graphs (``start(*args,
    **env)``: serve's options and ``PTCE_*`` settings); all are stopped at the module's end."""
    servers: list[LiveServer] = []

    def start(*args: str, **env: str) -> LiveServer:
        folder = tmp_path_factory.mktemp("server")
        store = conformance_store(folder / "store")
        server = start_server(store, folder / "server.log", *args, **env)
        servers.append(server)
        return server

    yield start
    for server in servers:
        stop_server(server)


# The SPARQL engines the remote backend is tested on (tests/helpers/servers.py).
ENGINES = ("oxigraph-server", "virtuoso")


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    """One Virtuoso for the whole session (it takes seconds to start); the fixtures below
    empty it for each module or test that asks for an empty endpoint."""
    if VIRTUOSO is None or VIRTUOSO_ISQL is None:
        pytest.skip(
            "Virtuoso is not installed (virtuoso-t and isql-vt: Debian package "
            "virtuoso-opensource-7-bin)"
        )
    with virtuoso_serve(tmp_path_factory.mktemp("virtuoso")) as endpoint:
        yield endpoint


@contextmanager
def _empty_endpoint(request: pytest.FixtureRequest, folder: Path) -> Iterator[Endpoint]:
    """An empty endpoint of the engine ``request.param``: a new ``oxigraph serve`` on disk in
    ``folder``, or the session's Virtuoso with every graph but its own dropped.

    The CLI's requests to it get the tests' generous REMOTE_TIMEOUT, not the default 60 s."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PTCE_QUERY_TIMEOUT", str(REMOTE_TIMEOUT))
        yield from _engine(request, folder)


def _engine(request: pytest.FixtureRequest, folder: Path) -> Iterator[Endpoint]:
    if request.param == "virtuoso":
        endpoint: Endpoint = request.getfixturevalue("virtuoso")
        endpoint.clear()
        yield endpoint
        return
    if OXIGRAPH is None:
        pytest.skip("the oxigraph server binary (PyPI package oxigraph) is not installed")
    with oxigraph_endpoint(folder) as endpoint:
        yield endpoint


@pytest.fixture(scope="module", params=ENGINES)
def remote_endpoint(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Endpoint]:
    """A real SPARQL engine on loopback, empty at the start of the test module (the module's
    tests share it); each test runs once per engine of ENGINES."""
    with _empty_endpoint(request, tmp_path_factory.mktemp("endpoint") / "store") as endpoint:
        yield endpoint


@pytest.fixture(params=ENGINES)
def fresh_remote_endpoint(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Endpoint]:
    """A real SPARQL engine on loopback, empty for one test; each test runs once per engine."""
    with _empty_endpoint(request, tmp_path / "store") as endpoint:
        yield endpoint
