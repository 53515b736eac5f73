"""A live ptce-kg service for the web tests: ``ptce-kg serve`` on a free loopback port, over a
fresh on-disk store (serve runs ``init`` first, so the demo graph is there), with a token for
two demo poles and the pole of the spreadsheet template's example."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from ptce_kg.rdf.resources import data_dir

STARTUP_SECONDS = 180  # init of a fresh store (reference data, demo, linking) comes first
POLES = ("sarthe-exemple", "drome-non-conforme-exemple", "laval-exemple")
MAX_BODY_BYTES = 5_000_000


@dataclass(frozen=True)
class LiveServer:
    url: str
    store: Path
    tokens: dict[str, str]
    max_body_bytes: int

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=120)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def demo_file(slug: str) -> Path:
    return data_dir() / "demo" / f"{slug}.ttl"


def template_file(name: str) -> Path:
    """A spreadsheet template shipped in ``templates/`` (``ptce-modele-exemple.xlsx``…)."""
    return data_dir().parent / "templates" / name


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    root = tmp_path_factory.mktemp("web-live")
    store = root / "store"
    tokens = {pole: secrets.token_urlsafe(24) for pole in POLES}
    port = free_port()
    env = {
        **os.environ,
        "PTCE_POLE_TOKENS": json.dumps(tokens),
        "PTCE_QUERY_TIMEOUT": "60",
        "PTCE_MAX_BODY_BYTES": str(MAX_BODY_BYTES),
    }
    log_path = root / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ptce_kg",
                "serve",
                "--store",
                str(store),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"ptce-kg serve exited with {process.returncode}:\n"
                    f"{log_path.read_text(errors='replace')[-4000:]}"
                )
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"ptce-kg serve did not answer /health within {STARTUP_SECONDS} s:\n"
                    f"{log_path.read_text(errors='replace')[-4000:]}"
                )
            time.sleep(0.3)
        yield LiveServer(url, store, tokens, MAX_BODY_BYTES)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
