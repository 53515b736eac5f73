"""Read a whole write before it reaches a store: in memory when small, spilled to disk when large.

Staging first is what makes writes all-or-nothing towards bad input: the iterable (a parser,
a converter) raises before the store is touched.
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from pyoxigraph import NamedNode, Quad, RdfFormat, Triple, parse, serialize

# Above this many quads a write is spilled to an N-Quads file instead of a Python list
# (a list of pyoxigraph quads costs a few hundred bytes per quad).
MEMORY_LIMIT = 250_000


def retarget(item: Quad | Triple, graph: NamedNode) -> Quad:
    """The triple of ``item`` placed in ``graph``."""
    return Quad(item.subject, item.predicate, item.object, graph)


class Staged:
    """The quads of one write, fully read: ``quads()`` replays them, ``count`` says how many."""

    def __init__(self, graph: str, items: Iterable[Quad | Triple]) -> None:
        target = NamedNode(graph)
        self.count = 0
        self.memory: list[Quad] | None = []
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.path: Path | None = None
        source = iter(items)
        for item in source:
            self.memory.append(retarget(item, target))
            if len(self.memory) >= MEMORY_LIMIT:
                self._spill(itertools.chain(self.memory, (retarget(i, target) for i in source)))
                return
        self.count = len(self.memory)

    def _spill(self, quads: Iterator[Quad]) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="ptce-stage-")
        self.path = Path(self._tmp.name) / "staged.nq"
        self.memory = None

        def counted() -> Iterator[Quad]:
            for quad in quads:
                self.count += 1
                yield quad

        with open(self.path, "wb") as handle:
            serialize(counted(), handle, RdfFormat.N_QUADS)

    @property
    def large(self) -> bool:
        """True when the quads were spilled to disk."""
        return self.memory is None

    def quads(self) -> Iterator[Quad]:
        """Replay the staged quads (streamed from disk when spilled)."""
        if self.memory is not None:
            return iter(self.memory)
        assert self.path is not None
        return parse(path=self.path, format=RdfFormat.N_QUADS)

    def write_ntriples(self, handle: IO[bytes]) -> None:
        """Write the staged triples as N-Triples to a binary file object."""
        triples = (Triple(q.subject, q.predicate, q.object) for q in self.quads())
        serialize(triples, handle, RdfFormat.N_TRIPLES)

    def close(self) -> None:
        """Remove the spill file, if any."""
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> Staged:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
