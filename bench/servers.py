"""The servers a benchmark starts: a free port, a process started and waited for until a probe
URL answers, and stopped (SIGTERM, then kill). Shared by bench/api.py, latency.py, reconcile.py."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    url: str  # where the benchmark sends its requests
    probe: str  # answers (< 500) once the server is ready

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start(
    name: str,
    command: list[str],
    url: str,
    probe: str,
    log: Path | None = None,
    timeout: float = 120,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> Server:
    """Start ``command`` and wait until ``probe`` answers; RuntimeError (with the end of the log)
    when it exits or does not answer within ``timeout`` seconds."""
    started = time.monotonic()
    out = log.open("wb") if log else subprocess.DEVNULL
    process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd)
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log else ""
            raise RuntimeError(f"{name} exited: {tail}")
        try:
            if httpx.get(probe, timeout=5).status_code < 500:
                print(f"{name}: ready in {time.monotonic() - started:.1f} s", flush=True)
                return Server(name, process, url, probe)
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    process.kill()
    raise RuntimeError(f"{name} did not start within {timeout} s")


def service_env(**settings: str) -> dict[str, str]:
    """This process's environment without any PTCE_ setting, plus ``settings``: a benchmark
    measures the service's defaults unless it says otherwise."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PTCE_")}
    return {**env, **settings}
