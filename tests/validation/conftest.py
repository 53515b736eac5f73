"""Shared fixtures of the validation tests: a guard that fails a test attempting network access."""

from __future__ import annotations

import socket
import urllib.request
from collections.abc import Iterator

import pytest


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
