"""Hostile requests against a live server: runaway queries, SERVICE/FROM/LOAD to a loopback port,
updates on the query operation, huge and malformed bodies, oversized results.

Throughout, ``ASK {}`` from another client must keep being answered (completion is asserted,
not latency: speed belongs to ``bench/``).
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator

import httpx
import pytest

from tests.helpers.inputs import CARTESIAN

# The time limit: it must stop the runaway queries (which run for ever) and must not stop the
# light ones meanwhile (milliseconds, or a worker start: at most a fraction of a second even on
# a loaded machine), so it is an order of magnitude above the latter.
QUERY_TIMEOUT = "10"

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def server(live_server_factory):
    return live_server_factory(
        "--query-timeout",
        QUERY_TIMEOUT,
        PTCE_MAX_BODY_BYTES="100000",
        PTCE_MAX_RESULT_ROWS="1000",
        PTCE_MAX_RESULT_BYTES="60000",
    )


@pytest.fixture(scope="module")
def client(server) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c


class Listener:
    """A loopback TCP port that records whether anything connected to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.3)
        self.port = self.sock.getsockname()[1]

    def connected(self) -> bool:
        try:
            conn, _ = self.sock.accept()
        except TimeoutError:
            return False
        conn.close()
        return True

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    port = Listener()
    yield port
    port.close()


def ask_ok(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "ASK {}"})
    assert response.status_code == 200
    assert json.loads(response.content)["boolean"] is True


def assert_clean_error(response: httpx.Response, status: int) -> str:
    """The error has the status, a message, and no stack trace; returns the message."""
    assert response.status_code == status, response.text
    assert "Traceback" not in response.text and 'File "' not in response.text
    media = response.headers["content-type"].split(";")[0]
    assert media in ("application/json", "text/plain")
    message = response.json()["detail"] if media == "application/json" else response.text
    assert message
    return message


def test_runaway_query_is_stopped_while_light_queries_are_answered(server) -> None:
    outcome: dict[str, httpx.Response] = {}

    def heavy() -> None:
        with server.client() as other:
            outcome["heavy"] = other.get("/sparql", params={"query": CARTESIAN})

    thread = threading.Thread(target=heavy)
    thread.start()
    with server.client() as light:
        answered = 0
        while thread.is_alive():
            ask_ok(light)
            answered += 1
        thread.join()
        ask_ok(light)
    assert answered >= 1
    message = assert_clean_error(outcome["heavy"], 503)
    assert "limit" in message


def test_two_runaway_queries_at_once_do_not_block_the_service(server) -> None:
    results: list[int] = []

    def heavy() -> None:
        with server.client() as other:
            results.append(other.get("/sparql", params={"query": CARTESIAN}).status_code)

    threads = [threading.Thread(target=heavy) for _ in range(2)]
    for thread in threads:
        thread.start()
    with server.client() as light:
        while any(t.is_alive() for t in threads):
            ask_ok(light)
    for thread in threads:
        thread.join()
    assert results == [503, 503]


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "select * where {{ service silent <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "PREFIX e: <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE e:sparql {{ ?s ?p ?o }} }}",
        "BASE <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ BIND(<http://127.0.0.1:{port}/> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        "ASK {{ # a comment }}\n SERVICE <http://127.0.0.1:{port}/> {{ }} }}",
    ],
)
def test_service_to_loopback_is_refused(client, listener: Listener, template: str) -> None:
    query = template.format(port=listener.port)
    message = assert_clean_error(client.get("/sparql", params={"query": query}), 400)
    assert "SERVICE" in message
    assert not listener.connected()
    ask_ok(client)


def test_from_and_from_named_never_fetch(client, listener: Listener) -> None:
    query = (
        f"SELECT * FROM <http://127.0.0.1:{listener.port}/g> "
        f"FROM NAMED <http://127.0.0.1:{listener.port}/n> WHERE {{ ?s ?p ?o }}"
    )
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200
    assert response.json()["results"]["bindings"] == []  # not a store graph: empty
    dataset = client.get(
        "/sparql",
        params={
            "query": "ASK { ?s ?p ?o }",
            "default-graph-uri": f"http://127.0.0.1:{listener.port}/",
        },
    )
    assert dataset.status_code == 200 and dataset.json()["boolean"] is False
    assert not listener.connected()


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }",
        "DELETE WHERE { ?s ?p ?o }",
        "DROP ALL",
        "CLEAR DEFAULT",
        "PREFIX e: <http://e/> WITH e:g DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
)
def test_update_forms_on_the_query_operation_are_refused(client, text: str) -> None:
    for response in (
        client.get("/sparql", params={"query": text}),
        client.post(
            "/sparql", content=text.encode(), headers={"content-type": "application/sparql-query"}
        ),
        client.post("/sparql", data={"query": text}),
    ):
        assert_clean_error(response, 400)
    # the update operation itself is disabled on this server
    assert_clean_error(client.post("/sparql", data={"update": text}), 403)
    graphs = client.get("/sparql", params={"query": "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }"})
    assert len(graphs.json()["results"]["bindings"]) == 3  # the data is untouched


def test_load_is_refused_everywhere(client, listener: Listener) -> None:
    load = f"LOAD <http://127.0.0.1:{listener.port}/data.ttl>"
    assert "LOAD" in assert_clean_error(client.get("/sparql", params={"query": load}), 400)
    assert_clean_error(client.post("/sparql", data={"update": load}), 403)
    assert not listener.connected()


def test_huge_bodies_are_refused(client) -> None:
    big = b"ASK {} #" + b"x" * 200_000
    response = client.post(
        "/sparql", content=big, headers={"content-type": "application/sparql-query"}
    )
    assert "larger" in assert_clean_error(response, 413)

    def chunks() -> Iterator[bytes]:  # no Content-Length: the streamed size is counted
        yield b"ASK {} #"
        for _ in range(50):
            yield b"y" * 10_000

    streamed = client.post(
        "/sparql", content=chunks(), headers={"content-type": "application/sparql-query"}
    )
    assert_clean_error(streamed, 413)
    ask_ok(client)


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'ASK { FILTER("\xff\xfe" = "") }', "application/sparql-query"),
        (b"query=ASK%20%7B%7D%FF", "application/x-www-form-urlencoded"),
        ("ASK {}".encode("utf-16"), "application/sparql-query; charset=UTF-16"),
        (b"\xc3\x28", "application/sparql-update"),
    ],
)
def test_malformed_utf8_is_refused(client, content: bytes, content_type: str) -> None:
    response = client.post("/sparql", content=content, headers={"content-type": content_type})
    assert "UTF-8" in assert_clean_error(response, 400)
    ask_ok(client)


def test_malformed_utf8_in_the_url_is_refused(client) -> None:
    assert_clean_error(client.get("/sparql?query=ASK%20%7B%7D%C3%28"), 400)


def test_too_many_rows_is_an_error_not_a_truncation(client) -> None:
    digits = "VALUES ?{} {{ 0 1 2 3 4 5 6 7 8 9 }}"
    query = (
        "SELECT ?a WHERE { " + " ".join(digits.format(v) for v in "abcd") + " }"
    )  # 10^4 short rows
    tsv = {"accept": "text/tab-separated-values"}
    message = assert_clean_error(client.get("/sparql", params={"query": query}, headers=tsv), 413)
    assert "rows" in message
    limited = client.get("/sparql", params={"query": query + " LIMIT 1000"}, headers=tsv)
    assert limited.status_code == 200
    assert len(limited.text.splitlines()) == 1001  # header and every row: nothing cut


def test_too_many_bytes_is_an_error(client) -> None:
    six = (
        "SELECT * WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(6)) + " }"
    )  # 729 rows
    assert "bytes" in assert_clean_error(client.get("/sparql", params={"query": six}), 413)


def test_syntax_errors_say_where(client) -> None:
    message = assert_clean_error(
        client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"}), 400
    )
    assert "1:" in message


def test_errors_can_be_plain_text(client) -> None:
    accept = "text/plain, application/sparql-results+json;q=0.5"
    response = client.get("/sparql", params={"query": "ASK {"}, headers={"accept": accept})
    assert_clean_error(response, 400)
    assert response.text.startswith("QueryError:")


def test_not_acceptable(client) -> None:
    response = client.get("/sparql", params={"query": "ASK {}"}, headers={"accept": "image/png"})
    assert "available" in assert_clean_error(response, 406)


def test_health_on_the_live_server(client) -> None:
    """The probe: on-disk store, queries in killable workers, the store's real triple count."""
    count = client.get(
        "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"}
    ).json()["results"]["bindings"][0]["n"]["value"]
    health = client.get("/health")
    assert health.status_code == 200
    body = health.json()
    assert body["status"] == "ok" and body["store"] == "embedded"
    assert body["isolated_query_workers"] is True
    assert body["triples"] == int(count) > 0
