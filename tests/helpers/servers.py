"""Servers the tests start on loopback, on free ports: ``ptce-kg serve`` as a child process, and
the SPARQL engines the remote backend is tested on: ``oxigraph serve`` (the binary of the PyPI
package ``oxigraph``, in the test extra) and Virtuoso Open Source 7 (``virtuoso-t``, Debian's
``virtuoso-opensource-7-bin``)."""

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

from ptce_kg.store import RemoteStore

# the oxigraph server of the test extra, next to this Python (or on PATH)
OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which(
    "oxigraph"
)
VIRTUOSO = shutil.which("virtuoso-t")
VIRTUOSO_ISQL = shutil.which("isql-vt")
VIRTUOSO_INI = Path(__file__).with_name("virtuoso.ini")


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
    with tempfile.TemporaryDirectory() as logs:
        log = Path(logs) / "oxigraph.log"
        with log.open("wb") as handle:
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=handle)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_for(f"{base}/query", process, log, "oxigraph serve")
            yield base
        finally:
            _stop(process)


# Seconds a request to a test engine may take: generous, for a loaded 2-core machine (one step
# of `init` on Virtuoso ran past 60 s in CI at load 11).
REMOTE_TIMEOUT = 600.0


@dataclass
class Endpoint:
    """A running SPARQL engine as the remote backend sees it: its endpoints, the ``ptce-kg``
    options that name them, and the graphs the engine holds of its own."""

    engine: str
    query: str
    update: str
    gsp: str
    own_graphs: frozenset[str] = frozenset()

    @property
    def options(self) -> list[str]:
        """``--endpoint``, and the update and GSP endpoints where the engine's differ from the
        defaults ptce-kg derives (``oxigraph serve``'s: those defaults are tested too)."""
        defaults = RemoteStore(self.query)
        defaults.close()
        options = ["--endpoint", self.query]
        if self.update != defaults.update_endpoint:
            options += ["--update-endpoint", self.update]
        if self.gsp != defaults.gsp_endpoint:
            options += ["--gsp-endpoint", self.gsp]
        return options

    def store(self, timeout: float = REMOTE_TIMEOUT) -> RemoteStore:
        return RemoteStore(self.query, self.update, self.gsp, timeout=timeout)

    def clear(self) -> None:
        """Drop every graph but the engine's own: the engine is as it started."""
        with self.store() as store:
            for graph in set(store.graph_names()) - self.own_graphs:
                store.drop_graph(graph)


def _wait_for(url: str, process: subprocess.Popen[bytes], log: Path, what: str) -> None:
    """Wait until ``url`` answers ``ASK {}`` (up to 120 s: a loaded machine starts slowly)."""
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(url, params={"query": "ASK {}"}, timeout=5).is_success:
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start: {log.read_text(errors='replace')[-4000:]}")
        time.sleep(0.2)


def _stop(process: subprocess.Popen[bytes], grace: float = 10) -> None:
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def oxigraph_endpoint(location: Path | None = None) -> Iterator[Endpoint]:
    """``oxigraph_serve`` as an ``Endpoint`` (its default endpoint names)."""
    with oxigraph_serve(location) as base:
        yield Endpoint("oxigraph-server", f"{base}/query", f"{base}/update", f"{base}/store")


@contextmanager
def virtuoso_serve(folder: Path) -> Iterator[Endpoint]:
    """A real Virtuoso Open Source 7 (``virtuoso-t +foreground``) on a new database in
    ``folder``, both ports on loopback, with SPARQL update and the Graph Store Protocol open to
    the anonymous endpoint user ``SPARQL`` (granted ``SPARQL_UPDATE`` through ``isql-vt``)."""
    assert VIRTUOSO and VIRTUOSO_ISQL, (
        "virtuoso-t and isql-vt (virtuoso-opensource-7-bin) are missing"
    )
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.read_text(encoding="utf-8").format(
            folder=folder, sql_port=sql_port, http_port=http_port
        ),
        encoding="utf-8",
    )
    log = folder / "virtuoso.out"
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [VIRTUOSO, "+foreground", "+configfile", str(ini)],
            cwd=folder,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{http_port}"
    try:
        _wait_for(f"{base}/sparql", process, log, "virtuoso-t")
        # The default credentials of a new database, on a loopback port of a throwaway server.
        grant = 'grant SPARQL_UPDATE to "SPARQL";'
        subprocess.run(
            [VIRTUOSO_ISQL, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={grant}"],
            check=True,
            capture_output=True,
            timeout=60,
        )
        endpoint = Endpoint(
            "virtuoso", f"{base}/sparql", f"{base}/sparql", f"{base}/sparql-graph-crud"
        )
        with endpoint.store() as store:
            endpoint.own_graphs = frozenset(store.graph_names())
        yield endpoint
    finally:
        _stop(process, grace=60)
