"""Servers the tests start on loopback, on free ports: ``ptce-kg serve`` as a child process and
``oxigraph serve`` (the binary of the PyPI package ``oxigraph``, in the test extra)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

# the oxigraph server of the test extra, next to this Python (or on PATH)
OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which(
    "oxigraph"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def running(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@dataclass
class LiveServer:
    """A running ``ptce-kg serve``: its base URL, process and log, and what it was started with
    that tests need (store folder, pole tokens, body limit)."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path
    store: Path | None = None
    tokens: dict[str, str] = field(default_factory=dict)
    max_body_bytes: int | None = None
    timeout: float = 30  # of its clients

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=self.timeout, **kwargs)


def start_server(
    store: Path | None, log: Path, *args: str, startup: float = 180, **env: str
) -> LiveServer:
    """``ptce-kg serve`` on ``store`` (None: the store options are in ``args``), answering
    ``/health`` within ``startup`` seconds; ``env`` replaces the caller's ``PTCE_*`` variables."""
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PTCE_")}
    environ.update(env)
    command = [sys.executable, "-m", "ptce_kg", "serve", "--port", str(port)]
    command += ["--store", str(store)] if store is not None else []
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [*command, *args], stdout=handle, stderr=subprocess.STDOUT, env=environ
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + startup
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited: {log.read_text(errors='replace')[-4000:]}")
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return LiveServer(url, process, log, store)
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    process.wait()
    raise RuntimeError(f"the server did not start: {log.read_text(errors='replace')[-4000:]}")


def stop_server(server: LiveServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@contextmanager
def oxigraph_serve(location: Path | None = None) -> Iterator[str]:
    """A real ``oxigraph serve`` on loopback, on an empty store (in memory, or on disk at
    ``location``): its base URL (``/query``, ``/update``, ``/store`` under it)."""
    assert OXIGRAPH is not None, "the oxigraph server binary (PyPI package oxigraph) is missing"
    port = free_port()
    command = [OXIGRAPH, "serve", "--bind", f"127.0.0.1:{port}"]
    command += ["--location", str(location)] if location is not None else []
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        try:
            while True:
                try:
                    if httpx.get(f"{base}/query", params={"query": "ASK {}"}, timeout=2).is_success:
                        break
                except httpx.HTTPError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    errors.seek(0)
                    raise RuntimeError(f"oxigraph serve did not start: {errors.read().decode()}")
                time.sleep(0.1)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
