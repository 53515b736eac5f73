"""The remote backend: SPARQL 1.1 Protocol (query, update) and Graph Store Protocol (loads).

Works with any SPARQL 1.1 server; the defaults follow ``oxigraph serve``
(``<base>/query``, ``<base>/update``, ``<base>/store``).
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from pyoxigraph import NamedNode, Quad, Triple

from ptce_kg.errors import QueryError, QueryTimeout, StoreError
from ptce_kg.sparql.binding import prebind
from ptce_kg.sparql.catalogue import statement
from ptce_kg.sparql.guard import query_form
from ptce_kg.sparql.results import solutions
from ptce_kg.store.answers import read_answer
from ptce_kg.store.base import GraphInfo, QueryResult
from ptce_kg.store.staging import Staged
from ptce_kg.store.updates import drop

# What to accept by query form: an engine answers a CONSTRUCT as a table of ?s ?p ?o when
# results formats come first (Virtuoso).
_ACCEPT = {
    "graph": "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8",
    "select": "application/sparql-results+json, application/sparql-results+xml;q=0.9",
    "ask": "application/sparql-results+json, application/sparql-results+xml;q=0.9",
}
_ACCEPT_ANY = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"


class RemoteStore:
    """The ``Store`` protocol over a SPARQL endpoint (``httpx``; nothing kept locally)."""

    def __init__(
        self,
        query_endpoint: str,
        update_endpoint: str | None = None,
        gsp_endpoint: str | None = None,
        *,
        timeout: float = 60.0,
    ) -> None:
        self.query_endpoint, base = endpoints_base(query_endpoint)
        self.update_endpoint = update_endpoint or f"{base}/update"
        self.gsp_endpoint = gsp_endpoint or f"{base}/store"
        # Loads may take long: only the connection and each read/write step are bounded.
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=10.0), follow_redirects=False
        )

    def _post(self, url: str | httpx.URL, **kwargs: Any) -> httpx.Response:  # post's keywords
        try:
            response = self._client.post(url, **kwargs)
        except httpx.HTTPError as exc:
            raise StoreError(f"cannot reach the SPARQL endpoint {url}: {exc}") from exc
        _check(response, url)
        return response

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, object] | None = None,
        default_graph: Iterable[str] | None = None,
        named_graphs: Iterable[str] | None = None,
        use_default_graph_as_union: bool = False,
    ) -> QueryResult:
        """Run a SPARQL query on the endpoint (see ``Store.query``).

        ``use_default_graph_as_union`` is sent as Oxigraph's ``union-default-graph`` parameter.
        """
        params: list[tuple[str, str]] = [("default-graph-uri", g) for g in default_graph or ()]
        params += [("named-graph-uri", g) for g in named_graphs or ()]
        if use_default_graph_as_union:
            params.append(("union-default-graph", "true"))
        text = prebind(sparql, substitutions or {})
        response = self._post(
            _with_params(self.query_endpoint, params),
            data={"query": text},
            headers={"Accept": _ACCEPT.get(query_form(text) or "", _ACCEPT_ANY)},
        )
        media = response.headers.get("content-type", "").split(";")[0].strip()
        return read_answer(response.content, media)

    def update(self, sparql: str) -> None:
        """Run a SPARQL update on the update endpoint."""
        self._post(self.update_endpoint, data={"update": sparql})

    def _send_graph(self, method: str, graph: str, items: Iterable[Quad | Triple]) -> int:
        with Staged(graph, items) as staged, tempfile.TemporaryFile() as body:
            staged.write_ntriples(body)
            size = body.tell()
            body.seek(0)
            try:
                # A stated length, not chunked transfer: Virtuoso leaves a chunked body's end
                # on the connection, and answers the next request on it with HTTP 501.
                response = self._client.request(
                    method,
                    _with_params(self.gsp_endpoint, [("graph", graph)]),
                    content=_chunks(body),
                    headers={"Content-Type": "application/n-triples", "Content-Length": str(size)},
                )
            except httpx.HTTPError as exc:
                raise StoreError(
                    f"cannot reach the graph store {self.gsp_endpoint}: {exc}"
                ) from exc
            _check(response, self.gsp_endpoint)
            return staged.count

    def replace_graph(self, graph: str, quads_or_triples: Iterable[Quad | Triple]) -> int:
        """HTTP PUT of the whole graph (staged first; the server swaps it in one request)."""
        return self._send_graph("PUT", graph, quads_or_triples)

    def add_to_graph(self, graph: str, quads_or_triples: Iterable[Quad | Triple]) -> int:
        """HTTP POST of the triples to the graph."""
        return self._send_graph("POST", graph, quads_or_triples)

    def add_constructed(self, graph: str, construct: str) -> None:
        """Fetch the CONSTRUCT result, then POST it to the graph (nothing posted when empty,
        so an empty result creates no graph, as a SPARQL INSERT would not). Raises
        ``QueryError`` for another query form, before anything is sent."""
        if query_form(construct) != "graph":
            raise QueryError("a CONSTRUCT query was expected", where=graph)
        triples = self.query(construct)
        if not isinstance(triples, list):
            raise QueryError("a CONSTRUCT query was expected", where=graph)
        if triples:
            self.add_to_graph(graph, triples)

    def drop_graph(self, graph: str) -> None:
        """``DROP SILENT GRAPH`` on the update endpoint."""
        self.update(drop(NamedNode(graph)))

    def graphs(self) -> list[GraphInfo]:
        """The non-empty named graphs with their triple counts."""
        rows = solutions(self.query(statement("store/graph-sizes")))
        return sorted(
            (GraphInfo(r["g"].value, int(r["n"].value)) for r in rows), key=lambda g: g.iri
        )

    def graph_names(self) -> list[str]:
        """The named graphs' IRIs, sorted. ``GRAPH ?g {}`` lists them without reading them;
        where it leaves ``?g`` unbound (Virtuoso), the graphs of the triples are listed."""
        names = [r["g"] for r in solutions(self.query(statement("store/graph-names")))]
        if None in names:
            names = [
                r["g"] for r in solutions(self.query(statement("store/graph-names-of-triples")))
            ]
        return sorted(name.value for name in names)

    def quads(self, graph: str | None = None) -> Iterator[Quad]:
        """The quads of ``graph``, or of every named graph."""
        if graph:
            node = NamedNode(graph)
            rows = solutions(
                self.query(statement("store/graph-triples"), substitutions={"graph": node})
            )
            return iter([Quad(r["s"], r["p"], r["o"], node) for r in rows])
        rows = solutions(self.query(statement("store/quads")))
        return iter([Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows])

    def unit_of_work(self) -> AbstractContextManager[None]:
        """Nothing to do here: each write is written at once (see ``Store.unit_of_work``)."""
        return nullcontext()

    @property
    def folder(self) -> Path | None:
        """None: the data is on the endpoint's side."""
        return None

    def snapshot(self, path: Path) -> None:
        """Refused: a remote endpoint cannot be copied to a local folder (StoreError)."""
        raise StoreError("a remote SPARQL endpoint cannot be snapshotted")

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def endpoints_base(url: str) -> tuple[str, str]:
    """(query endpoint, base of the default update/GSP endpoints) for a user-given URL.

    A server root (``http://host:7878``) means ``oxigraph serve``: queries go to ``/query``.
    Any other URL is the query endpoint itself; the base drops a final ``/query`` or ``/sparql``.
    """
    url = url.rstrip("/")
    if urlsplit(url).path in ("", "/"):
        return f"{url}/query", url
    for suffix in ("/query", "/sparql"):
        if url.endswith(suffix):
            return url, url[: -len(suffix)]
    return url, url


def _with_params(url: str, params: Iterable[tuple[str, str]]) -> httpx.URL:
    """``url`` with ``params`` added to its own: httpx's ``params=`` replaces the query string
    a user's endpoint URL may carry (``?timeout=…``, an access key), and dropped it before."""
    return httpx.URL(url).copy_merge_params(tuple(params))


def _chunks(handle: io.BufferedIOBase, size: int = 1 << 20) -> Iterator[bytes]:
    while chunk := handle.read(size):
        yield chunk


def _check(response: httpx.Response, url: str | httpx.URL) -> None:
    """Map HTTP failures: 400 is the caller's query (exit 2), anything else the server's.

    Raises ``QueryError``, ``StoreError``, or ``QueryTimeout`` for Virtuoso's "anytime" answer:
    a 200 with the rows found before its time limit, marked only by a header (taking it for
    the answer would be counting wrong in silence).
    """
    if response.headers.get("x-sql-state") == "S1TAT":
        raise QueryTimeout(
            "the endpoint stopped the query at its time limit and sent incomplete results "
            "(Virtuoso's X-SQL-State S1TAT): narrow the query, or ask the endpoint's "
            "administrator for a longer MaxQueryExecutionTime"
        )
    if response.is_success:
        return
    detail = response.text.strip()[:500]
    if response.status_code == 400:
        raise QueryError(f"the endpoint refused the request: {detail}")
    raise StoreError(f"{url} answered HTTP {response.status_code}: {detail}")
