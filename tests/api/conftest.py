"""Live servers for the API tests: ``ptce-kg serve`` started as a child process on a free
127.0.0.1 port, over an on-disk store in a temporary folder loaded with the conformance graphs."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pyoxigraph import NamedNode, RdfFormat

from ptce_kg.store import OxigraphStore

CONFORMANCE = Path(__file__).parent / "conformance"
DATA_GRAPH = "http://kasei.us/2009/09/sparql/data/data{}.rdf"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_store(folder: Path) -> Path:
    """An on-disk store holding data1–3.nt as the named graphs the suite addresses."""
    store = OxigraphStore(folder)
    for i in (1, 2, 3):
        store.raw.load(
            path=str(CONFORMANCE / f"data{i}.nt"),
            format=RdfFormat.N_TRIPLES,
            to_graph=NamedNode(DATA_GRAPH.format(i)),
        )
    store.close()
    del store  # releases the RocksDB lock for the server process
    return folder


class LiveServer:
    def __init__(self, url: str, process: subprocess.Popen[bytes], log: Path) -> None:
        self.url = url
        self.process = process
        self.log = log

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, **kwargs)


def start_server(store: Path | None, log: Path, *args: str, **env: str) -> LiveServer:
    """``ptce-kg serve`` on ``store`` (None: the store options are in ``args``)."""
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PTCE_")}
    environ.update(env)
    command = [sys.executable, "-m", "ptce_kg", "serve", "--port", str(port)]
    command += ["--store", str(store)] if store is not None else []
    handle = log.open("wb")
    process = subprocess.Popen(
        [*command, *args], stdout=handle, stderr=subprocess.STDOUT, env=environ
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180  # a start on a loaded machine takes seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited: {log.read_text(errors='replace')}")
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return LiveServer(url, process, log)
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"the server did not start: {log.read_text(errors='replace')}")


def stop_server(server: LiveServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@pytest.fixture(scope="module")
def live_server_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """Start servers for a test module; all are stopped at its end."""
    servers: list[LiveServer] = []

    def start(*args: str, **env: str) -> LiveServer:
        folder = tmp_path_factory.mktemp("server")
        server = start_server(make_store(folder / "store"), folder / "server.log", *args, **env)
        servers.append(server)
        return server

    yield start
    for server in servers:
        stop_server(server)
