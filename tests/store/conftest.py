"""Fixtures of the store tests: real Oxigraph stores (memory, disk), a live ``oxigraph serve``."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ptce_kg.cli import main
from ptce_kg.store import OxigraphStore, Store

DATA = Path(__file__).parent / "data"
OXIGRAPH = Path(sys.executable).parent / "oxigraph"


def dump(store: Store) -> list[str]:
    """Every quad of the store as sorted N-Quads lines (to compare two states)."""
    return sorted(str(q) for q in store.quads())


def dump_dir(folder: Path) -> list[str]:
    """The dump of an on-disk store (opened and closed again, so the CLI can use it)."""
    store = OxigraphStore(folder)
    try:
        return dump(store)
    finally:
        store.close()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``ptce-kg ARGS`` in process: (exit code, stdout, stderr)."""
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def memory_store() -> Iterator[OxigraphStore]:
    store = OxigraphStore()
    yield store
    store.close()


@pytest.fixture
def disk_store(tmp_path: Path) -> Iterator[OxigraphStore]:
    store = OxigraphStore(tmp_path / "db")
    yield store
    store.close()


@pytest.fixture(scope="session")
def initialised_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store filled by ``ptce-kg init`` (shared: tests must not change it)."""
    folder = tmp_path_factory.mktemp("initialised") / "db"
    assert main(["init", "--store", str(folder)]) == 0
    return folder


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a real ``oxigraph serve`` on loopback, on an empty store."""
    if not OXIGRAPH.exists():
        pytest.skip("the oxigraph server binary (PyPI package oxigraph) is not installed")
    port = _free_port()
    location = tmp_path_factory.mktemp("oxigraph-server")
    process = subprocess.Popen(
        [str(OXIGRAPH), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{base}/query", params={"query": "ASK {}"}, timeout=2).is_success:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"oxigraph serve did not start: {process.stderr.read().decode()}")
        time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=10)
