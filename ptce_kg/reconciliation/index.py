"""The reconciliation index: an SQLite file beside the store, with an FTS5 table of names.

Built from the store by ``refresh``: each source graph is read with the SELECTs of
``sparql/reconcile/*.rq``, streamed in chunks (memory stays bounded whatever the graph's size),
and only graphs whose metadata (sha256, size, time of writing) changed since the last refresh
are read again; each graph is replaced in one SQLite transaction, so a reader (the server)
sees the old rows or the new ones. Why SQLite FTS5: docs/reconciliation.md.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode

from ptce_kg.errors import InputError, StoreError
from ptce_kg.rdf import graphs
from ptce_kg.rdf.namespaces import IGEO
from ptce_kg.rdf.resources import sparql_dir
from ptce_kg.reconciliation.normalise import (
    FORM_LABEL_WORDS,
    LEGAL_FORM_WORDS,
    STOP_WORDS,
    fold,
    naf_code,
    normalise,
)
from ptce_kg.reference.datasets import read_csv, reference_dir
from ptce_kg.store.base import Store

SCHEMA_VERSION = "2"
CHUNK = 5_000  # rows per executemany: bounded memory, few round trips
WRITE_CACHE_KIB = 128 * 1024  # SQLite page cache while a graph is written (``_replace``)
READ_CACHE_KIB = 2_000  # SQLite's default, given back after writing
SUFFIX = ".reconcile.sqlite"
NEAR_WORDS = 8  # at most this many spellings one edit away are sought for a token
_LETTERS = "abcdefghijklmnopqrstuvwxyz"

# Entity types (ids of the reconciliation API) -> their FTS table, ``names_<kind>``: one table
# per type, because a type filter inside one table (a column holding the type) made every query
# intersect with every unit of the type (16 ms a query at 100 000 units).
KINDS = {
    "legal-unit": "legalunit",
    "pole": "pole",
    "commune": "commune",
    "epci": "epci",
    "departement": "departement",
    "region": "region",
    "naf": "naf",
    "legal-form": "legalform",
}
TERRITORY_KINDS = ("commune", "epci", "departement", "region")
_AREA_KINDS = {
    str(IGEO.Commune): ("commune", "COM"),
    str(IGEO.CommuneDeleguee): ("commune", "COMD"),
    str(IGEO.CommuneAssociee): ("commune", "COMA"),
    str(IGEO.ArrondissementMunicipal): ("commune", "ARM"),
    str(IGEO.Intercommunalite): ("epci", ""),
    str(IGEO.Departement): ("departement", ""),
    str(IGEO.Region): ("region", ""),
}
_SKIPPED = frozenset({graphs.ONTOLOGY, graphs.VOCAB, graphs.METADATA})

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS source(graph TEXT PRIMARY KEY, state TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entity(
  id INTEGER PRIMARY KEY, iri TEXT NOT NULL, type TEXT NOT NULL, graph TEXT NOT NULL,
  name TEXT NOT NULL, names TEXT NOT NULL, norm TEXT NOT NULL, code TEXT, commune TEXT,
  departement TEXT, legal_form TEXT, naf TEXT, state TEXT, ess_flag TEXT, rna TEXT,
  siret TEXT, extra TEXT);
CREATE INDEX IF NOT EXISTS entity_iri ON entity(iri);
CREATE INDEX IF NOT EXISTS entity_graph_code ON entity(graph, code);
CREATE TABLE IF NOT EXISTS ident(value TEXT NOT NULL, entity INTEGER NOT NULL,
  graph TEXT NOT NULL, commune TEXT);
CREATE INDEX IF NOT EXISTS ident_value ON ident(value);
CREATE TABLE IF NOT EXISTS place(entity INTEGER NOT NULL, commune TEXT NOT NULL,
  graph TEXT NOT NULL, PRIMARY KEY(entity, commune)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS member(unit TEXT NOT NULL, pole TEXT NOT NULL, graph TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS member_unit ON member(unit);
CREATE TABLE IF NOT EXISTS family(unit TEXT NOT NULL, family TEXT NOT NULL, label TEXT,
  graph TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS family_unit ON family(unit);
CREATE TABLE IF NOT EXISTS postcode(code TEXT NOT NULL, commune TEXT NOT NULL, graph TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS postcode_code ON postcode(code);
"""
_SCHEMA += "".join(
    f"CREATE VIRTUAL TABLE IF NOT EXISTS names_{kind} USING fts5(norm, detail=column);\n"
    f"CREATE VIRTUAL TABLE IF NOT EXISTS words_{kind} USING fts5vocab(names_{kind}, 'row');\n"
    for kind in KINDS.values()
)
_ENTITY_COLUMNS = (
    "iri, type, graph, name, names, norm, code, commune, departement, legal_form, naf, state, "
    "ess_flag, rna, siret, extra"
)


@lru_cache(maxsize=16)
def _query(name: str) -> str:
    return (sparql_dir() / "reconcile" / f"{name}.rq").read_text(encoding="utf-8")


def index_path_for(store_path: Path) -> Path:
    """The index file of the store at ``store_path``: beside it, ``<store>.reconcile.sqlite``."""
    return store_path.parent / f"{store_path.name}{SUFFIX}"


def _edits(token: str) -> Iterator[str]:
    """Every string one edit (deletion, transposition, substitution, insertion) from
    ``token``, some more than once."""
    for i in range(len(token) + 1):
        head, tail = token[:i], token[i:]
        if tail:
            yield head + tail[1:]
            if len(tail) > 1:
                yield head + tail[1] + tail[0] + tail[2:]
        for letter in _LETTERS:
            yield head + letter + tail
            if tail:
                yield head + letter + tail[1:]


@dataclass
class Entity:
    """One row of the index: an entity of the graph and what scoring and extension need."""

    id: int
    iri: str
    type: str
    graph: str
    name: str
    names: tuple[str, ...]
    norm: tuple[str, ...]
    code: str | None
    commune: str | None
    departement: str | None
    legal_form: str | None
    naf: str | None
    state: str | None
    ess_flag: str | None
    rna: str | None
    siret: str | None
    extra: str | None
    places: frozenset[str] = frozenset()

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Entity:
        values = dict(row)
        values["names"] = tuple(values["names"].split("\n"))
        values["norm"] = tuple(values["norm"].split("\n"))
        return cls(**values)


@dataclass
class RefreshSummary:
    """What ``refresh`` did: the graphs read again, those dropped, the entity count, the time."""

    refreshed: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    entities: int = 0
    seconds: float = 0.0

    def text(self) -> str:
        if not self.refreshed and not self.dropped:
            return f"reconciliation index up to date ({self.entities} entities)"
        return (
            f"reconciliation index: {len(self.refreshed)} graph(s) read, "
            f"{len(self.dropped)} dropped, {self.entities} entities, {self.seconds:.1f} s"
        )


class ReconIndex:
    """The index at ``path`` (``None``: in memory, for a store in memory).

    One SQLite connection per thread (the API answers from a thread pool); the file is in WAL
    mode, so reading goes on while ``refresh`` writes. Raises ``StoreError`` when the file
    cannot be opened or is not an index.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._uri = (
            f"file:{path}" if path is not None else f"file:recon-{uuid.uuid4().hex}?mode=memory"
        )
        self._local = threading.local()
        self._lock = threading.Lock()
        self._generation = 0
        self._words: dict[str, frozenset[str]] = {}  # type -> words of its names, read once
        self._words_lock = threading.Lock()  # one reading for all the threads asking
        # An in-memory database lives while one connection to it is open: this one.
        self._keeper = self._connect()
        try:
            if self._schema() not in (None, SCHEMA_VERSION):  # written by another version
                self._keeper.close()
                for stale in path.parent.glob(f"{path.name}*") if path else ():
                    stale.unlink()
                self._keeper = self._connect()
            self._keeper.executescript(_SCHEMA)
            self._keeper.execute(
                "INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,)
            )
            self._keeper.commit()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the reconciliation index {path}: {exc}") from exc

    def _schema(self) -> str | None:
        try:
            row = self._keeper.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        except sqlite3.OperationalError:  # no meta table: a new file
            return None
        return None if row is None else str(row[0])

    def _connect(self) -> sqlite3.Connection:
        uri = self._uri + ("&" if "?" in self._uri else "?") + "cache=shared"
        if self.path is not None:
            uri = f"file:{self.path}"
        try:
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=60)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the reconciliation index {self.path}: {exc}") from exc
        conn.row_factory = sqlite3.Row
        if self.path is not None:
            conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    @property
    def db(self) -> sqlite3.Connection:
        """This thread's connection."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
        self._keeper.close()

    # -- building -------------------------------------------------------------------------

    def refresh(self, store: Store, only: Iterable[str] | None = None) -> RefreshSummary:
        """Bring the index in line with ``store``: graphs whose recorded state changed (or
        ``only`` these graphs) are read again, graphs gone are dropped."""
        started = time.perf_counter()
        summary = RefreshSummary()
        with self._lock:
            present = set(store.graph_names()) - _SKIPPED
            states = {g: s for g, s in self._states(store).items() if g in present}
            indexed = {
                r["graph"]: r["state"]
                for r in self._keeper.execute("SELECT graph, state FROM source")
            }
            forced = set(only or ())
            for graph in sorted(set(indexed) - present):
                self._replace(graph, None, store)
                summary.dropped.append(graph)
            for graph in sorted(present):
                state = states.get(graph, f"unrecorded {time.time()}")
                if graph in forced or indexed.get(graph) != state:
                    self._replace(graph, state, store)
                    summary.refreshed.append(graph)
            if summary.refreshed or summary.dropped:
                self._generation += 1
                self.__dict__.pop("lookups", None)
                self._words = {}
            summary.entities = self._keeper.execute("SELECT COUNT(*) FROM entity").fetchone()[0]
        summary.seconds = time.perf_counter() - started
        return summary

    def _states(self, store: Store) -> dict[str, str]:
        states = {}
        for row in store.query(_query("graph-states")):  # type: ignore[union-attr]
            values = [row[k].value if row[k] is not None else "" for k in ("sha256", "triples")]
            modified = row["modified"].value if row["modified"] is not None else ""
            states[row["g"].value] = " ".join([*values, modified])
        return states

    def _replace(self, graph: str, state: str | None, store: Store) -> None:
        """Drop ``graph``'s rows and, unless ``state`` is None, read them again; one transaction."""
        db = self._keeper
        # A registry graph inserts a million keys in random order into the indexes (IRIs,
        # identifiers): with SQLite's default cache of 2 MB nearly every insert evicts a page.
        # The larger cache grows only as pages are written, and is given back after.
        for schema in ("main", "temp"):
            db.execute(f"PRAGMA {schema}.cache_size = -{WRITE_CACHE_KIB}")
        try:
            db.execute("BEGIN")
            for kind, table in KINDS.items():
                db.execute(
                    f"DELETE FROM names_{table} WHERE rowid IN "  # noqa: S608
                    "(SELECT id FROM entity WHERE graph = ? AND type = ?)",
                    (graph, kind),
                )
            for table in ("entity", "ident", "place", "member", "family", "postcode"):
                db.execute(f"DELETE FROM {table} WHERE graph = ?", (graph,))  # noqa: S608
            db.execute("DELETE FROM source WHERE graph = ?", (graph,))
            if state is not None:
                _GraphLoader(db, store, graph).load()
                db.execute("INSERT INTO source VALUES (?, ?)", (graph, state))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        finally:
            for schema in ("main", "temp"):
                db.execute(f"PRAGMA {schema}.cache_size = -{READ_CACHE_KIB}")
            db.execute("PRAGMA shrink_memory")

    # -- reading --------------------------------------------------------------------------

    def size(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM entity").fetchone()[0])

    def search(
        self, words: Iterable[Iterable[str]], types: Iterable[str], *, every: bool, limit: int
    ) -> list[int]:
        """Ids of the entities of ``types`` whose names hold, for every group of ``words``
        (``every``) or for any, one of its spellings, best BM25 first. A spelling ending in
        ``*`` is a prefix; spellings are normalised tokens (letters and digits)."""
        groups = []
        for spellings in words:
            terms = [f'"{s[:-1]}"*' if s.endswith("*") else f'"{s}"' for s in spellings]
            if terms:
                groups.append(f"({' OR '.join(dict.fromkeys(terms))})")
        if not groups:
            return []
        # BM25 values of tables of different sizes do not compare: each type keeps its best.
        expression = (" AND " if every else " OR ").join(groups)
        return self._match(expression, types, limit, 0, per_type=True)

    def near_words(self, token: str, types: Iterable[str]) -> list[str]:
        """The words of the names of ``types`` one edit away from ``token`` (a letter dropped,
        added or changed, two letters swapped): what a typo of 4 letters or more hid."""
        if len(token) < 4 or not token.isalpha():
            return []
        found: set[str] = set()
        for kind in tuple(types) or tuple(KINDS):
            words = self._vocabulary(kind)
            found.update(edit for edit in _edits(token) if edit in words)
        found.discard(token)
        return sorted(found)[:NEAR_WORDS]

    def _vocabulary(self, kind: str) -> frozenset[str]:
        """The words (letters only) of the names of ``kind``, read once per index state."""
        with self._words_lock:
            words = self._words.get(kind)
            if words is None:
                rows = self.db.execute(f"SELECT term FROM words_{KINDS[kind]}")  # noqa: S608
                words = frozenset(r[0] for r in rows if r[0].isalpha())
                self._words[kind] = words
            return words

    def _match(
        self, match: str, types: Iterable[str], limit: int, offset: int, per_type: bool = False
    ) -> list[int]:
        """Ids matching the FTS5 expression in the tables of ``types`` (all when empty), best
        BM25 first: ``limit`` in all, or ``limit`` of each type with ``per_type``."""
        found: list[tuple[float, int]] = []
        for kind in tuple(types) or tuple(KINDS):
            rows = self.db.execute(
                f"SELECT rowid, bm25(names_{KINDS[kind]}) FROM names_{KINDS[kind]} "  # noqa: S608
                f"WHERE names_{KINDS[kind]} MATCH ? ORDER BY rank LIMIT ?",
                (match, limit + offset),
            )
            found += [(r[1], r[0]) for r in rows]
        if per_type:
            return [rowid for _, rowid in found]
        found.sort()
        return [rowid for _, rowid in found[offset : offset + limit]]

    def by_identifier(self, value: str, types: Iterable[str]) -> list[tuple[int, str | None]]:
        """(entity id, commune of the establishment for a SIRET) of the entities with this
        identifier (SIREN, SIRET, RNA, INSEE code, EPCI SIREN, NAF or legal-form code)."""
        wanted = tuple(types)
        rows = self.db.execute(
            "SELECT i.entity, i.commune, e.type FROM ident i JOIN entity e ON e.id = i.entity "
            "WHERE i.value = ?",
            (value,),
        )
        return [(r[0], r[1]) for r in rows if not wanted or r[2] in wanted]

    def entities(self, ids: Iterable[int]) -> list[Entity]:
        """The entities with these ids (with their places), in the order given."""
        ids = list(dict.fromkeys(ids))
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(
            f"SELECT id, {_ENTITY_COLUMNS} FROM entity WHERE id IN ({marks})",
            ids,  # noqa: S608
        )
        found = {r["id"]: Entity.from_row(r) for r in rows}
        places: dict[int, set[str]] = {}
        for r in self.db.execute(
            f"SELECT entity, commune FROM place WHERE entity IN ({marks})",
            ids,  # noqa: S608
        ):
            places.setdefault(r[0], set()).add(r[1])
        for key, entity in found.items():
            own = {entity.commune} if entity.commune else set()
            entity.places = frozenset(places.get(key, set()) | own)
        return [found[i] for i in ids if i in found]

    def by_iri(self, iri: str) -> list[Entity]:
        rows = self.db.execute("SELECT id FROM entity WHERE iri = ?", (iri,))
        return self.entities(r[0] for r in rows)

    def suggest(self, prefix: str, types: Iterable[str], limit: int, offset: int) -> list[Entity]:
        """Entities whose names start with the words of ``prefix`` (the last one a prefix)."""
        words = fold(prefix).split()[:8]
        last = words[-1:] if prefix[-1:].isalnum() else []  # the word being typed
        done = words[: len(words) - len(last)]
        words = [w for w in done if w not in STOP_WORDS and w not in LEGAL_FORM_WORDS] + last
        if not words:
            return []
        terms = [f'"{w}"' for w in words[: len(words) - len(last)]] + [f'"{w}"*' for w in last]
        return self.entities(self._match(" AND ".join(terms), types, limit, offset))

    def members_of(self, unit: str) -> list[str]:
        rows = self.db.execute("SELECT DISTINCT pole FROM member WHERE unit = ?", (unit,))
        return [r[0] for r in rows]

    def families_of(self, unit: str) -> list[tuple[str, str | None]]:
        rows = self.db.execute("SELECT DISTINCT family, label FROM family WHERE unit = ?", (unit,))
        return [(r[0], r[1]) for r in rows]

    @cached_property
    def lookups(self) -> Lookups:
        """Small maps (communes, départements, postcodes, forms) read once per index state."""
        return Lookups.read(self.db)


@dataclass
class Lookups:
    """What the scorer needs about places and forms, kept in memory (about 40 000 rows)."""

    commune_names: dict[str, set[str]]  # normalised name -> commune codes
    commune_departement: dict[str, str]  # commune code -> département code
    commune_label: dict[str, str]  # commune code -> name
    departement_names: dict[str, str]  # normalised name -> code
    departement_label: dict[str, str]
    postcodes: dict[str, set[str]]  # postcode -> commune codes
    form_label: dict[str, str]  # legal-form code -> label
    form_words: dict[str, set[str]]  # legal-form word (sarl, asso…) -> codes
    naf_label: dict[str, str]
    iri_by_code: dict[tuple[str, str], str]  # (type, code) -> IRI (a commune: the COM one)

    @classmethod
    def read(cls, db: sqlite3.Connection) -> Lookups:
        names: dict[str, set[str]] = {}
        dep_of: dict[str, str] = {}
        label: dict[str, str] = {}
        dep_names: dict[str, str] = {}
        dep_label: dict[str, str] = {}
        forms: dict[str, str] = {}
        nafs: dict[str, str] = {}
        iris: dict[tuple[str, str], str] = {}
        for row in db.execute(
            "SELECT type, code, name, departement, extra, iri FROM entity "
            "WHERE type IN ('commune', 'departement', 'legal-form', 'naf')"
        ):
            kind, code, name = row["type"], row["code"], row["name"]
            if kind != "commune" or row["extra"] in ("COM", "ARM"):
                iris[(kind, code)] = row["iri"]
            if kind == "commune":
                names.setdefault(fold(name), set()).add(code)
                if row["departement"]:
                    dep_of.setdefault(code, row["departement"])
                if row["extra"] in ("COM", "ARM") or code not in label:
                    label[code] = name
            elif kind == "departement":
                dep_names[fold(name)] = code
                dep_label[code] = name
            elif kind == "legal-form":
                forms[code] = name
            else:
                nafs[code] = name
        postcodes: dict[str, set[str]] = {}
        for row in db.execute("SELECT code, commune FROM postcode"):
            postcodes.setdefault(row[0], set()).add(row[1])
        form_words: dict[str, set[str]] = {}
        folded = {code: fold(text) for code, text in forms.items()}
        for word, label_words in FORM_LABEL_WORDS.items():
            form_words[word] = {c for c, text in folded.items() if label_words in text}
        return cls(
            names, dep_of, label, dep_names, dep_label, postcodes, forms, form_words, nafs, iris
        )


class _GraphLoader:
    """Reads one graph into the index (inside the caller's transaction)."""

    def __init__(self, db: sqlite3.Connection, store: Store, graph: str) -> None:
        self.db = db
        self.store = store
        self.graph = graph

    def rows(self, name: str) -> Iterator[dict[str, str | None]]:
        """The solutions of ``sparql/reconcile/<name>.rq`` over this graph, as plain strings."""
        try:
            solutions = self.store.query(_query(name), substitutions={"g": NamedNode(self.graph)})
        except InputError as exc:  # a shipped query that does not parse is our bug
            raise StoreError(f"reconciliation query {name}: {exc}") from exc
        variables = [v.value for v in solutions.variables]  # type: ignore[union-attr]
        for solution in solutions:  # type: ignore[union-attr]
            yield {v: (t.value if (t := solution[v]) is not None else None) for v in variables}

    def load(self) -> None:
        if self.graph in (graphs.SIRENE, graphs.RECHERCHE_ENTREPRISES):
            self.legal_units()
        elif self.graph == graphs.REFERENCE_COG:
            self.territories()
        elif self.graph in (graphs.REFERENCE_NAF, graphs.REFERENCE_LEGAL_FORMS):
            self.concepts()
        elif self.graph == graphs.DERIVED:
            self.insert_many(
                "INSERT INTO family VALUES (?, ?, ?, ?)",
                (
                    (r["unit"], r["family"], r["familyLabel"], self.graph)
                    for r in self.rows("ess-families")
                ),
            )
        else:  # known PTCE, pole graphs, any graph loaded by users: poles and memberships
            self.poles()
        for kind, table in KINDS.items():
            self.db.execute(
                f"INSERT INTO names_{table}(rowid, norm) SELECT id, norm FROM entity "  # noqa: S608
                "WHERE graph = ? AND type = ?",
                (self.graph, kind),
            )

    def insert_many(self, sql: str, rows: Iterable[tuple[Any, ...]]) -> None:
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= CHUNK:
                self.db.executemany(sql, batch)
                batch.clear()
        if batch:
            self.db.executemany(sql, batch)

    def insert_entities(self, entities: Iterable[dict[str, Any]]) -> None:
        columns = [c.strip() for c in _ENTITY_COLUMNS.split(",")]
        marks = ",".join("?" * len(columns))
        self.insert_many(
            f"INSERT INTO entity({_ENTITY_COLUMNS}) VALUES ({marks})",  # noqa: S608
            (tuple(e.get(c) for c in columns) for e in entities),
        )

    def _entity(self, iri: str, kind: str, names: list[str], **values: Any) -> dict[str, Any]:
        names = list(dict.fromkeys(n.strip() for n in names if n and n.strip())) or [iri]
        norms = list(dict.fromkeys(normalise(n).text for n in names))
        return {
            "iri": iri,
            "type": kind,
            "graph": self.graph,
            "name": names[0],
            "names": "\n".join(names),
            "norm": "\n".join(norms),
            **values,
        }

    def legal_units(self) -> None:
        def units() -> Iterator[dict[str, Any]]:
            current: dict[str, Any] | None = None
            names: list[str] = []
            for r in self.rows("legal-units"):
                if current is not None and current["unit"] != r["unit"]:
                    yield self._unit(current, names)
                    names = []
                current = r
                names += [r["name"] or "", r["legalName"] or ""]
            if current is not None:
                yield self._unit(current, names)

        self.insert_entities(units())
        g = self.graph
        self.db.execute(
            "INSERT INTO ident SELECT code, id, graph, NULL FROM entity WHERE graph = ?", (g,)
        )
        self.db.execute(
            "INSERT INTO ident SELECT rna, id, graph, NULL FROM entity "
            "WHERE graph = ? AND rna IS NOT NULL",
            (g,),
        )
        self.db.execute(
            "CREATE TEMP TABLE IF NOT EXISTS est(siren TEXT, siret TEXT, head TEXT, "
            "commune TEXT, code TEXT)"
        )
        self.db.execute("DELETE FROM est")
        self.insert_many(
            "INSERT INTO est VALUES (?, ?, ?, ?, ?)",
            (
                (r["siren"], r["siret"], r["headOffice"], r["commune"], r["communeCode"])
                for r in self.rows("establishments")
            ),
        )
        self.db.execute("CREATE INDEX IF NOT EXISTS temp.est_siren ON est(siren)")
        join = "FROM est e JOIN entity u ON u.graph = ? AND u.code = e.siren"
        self.db.execute(
            f"INSERT INTO ident SELECT e.siret, u.id, u.graph, COALESCE(e.code, e.commune) {join}",
            (g,),
        )
        for column in ("commune", "code"):
            self.db.execute(
                f"INSERT OR IGNORE INTO place SELECT u.id, e.{column}, u.graph {join} "  # noqa: S608
                f"WHERE e.{column} IS NOT NULL",
                (g,),
            )
        self.db.execute(
            "UPDATE entity SET siret = e.siret, commune = COALESCE(e.commune, e.code) "
            "FROM est e WHERE entity.graph = ? AND entity.code = e.siren AND e.head = 'true'",
            (g,),
        )
        self.db.execute("DELETE FROM est")

    def _unit(self, r: dict[str, Any], names: list[str]) -> dict[str, Any]:
        return self._entity(
            r["unit"],
            "legal-unit",
            names,
            code=r["siren"],
            legal_form=r["legalForm"] or None,
            naf=r["activity"],
            state=r["state"],
            ess_flag=r["essFlag"],
            rna=(r["rna"] or "").upper() or None,
        )

    def territories(self) -> None:
        def areas() -> Iterator[dict[str, Any]]:
            for r in self.rows("territories"):
                kind, typecom = _AREA_KINDS[r["kind"] or ""]
                code = r["code"] or ""
                yield self._entity(
                    r["area"] or "",
                    kind,
                    [r["name"] or ""],
                    code=code,
                    commune=(r["parent"] or code) if kind == "commune" else None,
                    departement=code if kind == "departement" else r["departement"],
                    extra=typecom or None,
                    siret=r["siren"],  # the SIREN of an EPCI (its identifier)
                )

        self.insert_entities(areas())
        self.db.execute(
            "INSERT INTO ident SELECT code, id, graph, NULL FROM entity WHERE graph = ? "
            "AND type != 'epci'",
            (self.graph,),
        )
        self.db.execute(
            "INSERT INTO ident SELECT siret, id, graph, NULL FROM entity WHERE graph = ? "
            "AND type = 'epci' AND siret IS NOT NULL",
            (self.graph,),
        )
        # Postcodes are not in the graph: they come with the same COG release it was built from.
        self.insert_many(
            "INSERT INTO postcode VALUES (?, ?, ?)",
            (
                (postcode, row["commune_parente"] if row["typecom"] == "ARM" else row["code"],
                 self.graph)
                for row in read_csv(reference_dir() / "communes.csv")
                if row["typecom"] in ("COM", "ARM")
                for postcode in row["codes_postaux"].split()
            ),
        )  # fmt: skip

    def concepts(self) -> None:
        naf = self.graph == graphs.REFERENCE_NAF

        def concepts() -> Iterator[dict[str, Any]]:
            for r in self.rows("concepts"):
                code = r["code"] or ""
                if naf and naf_code(code) != code:
                    continue  # sections, divisions, groups, classes: only sub-classes
                if not naf and not (len(code) == 4 and code.isdigit()):
                    continue  # levels I and II of the catégories juridiques
                yield self._entity(
                    r["concept"] or "",
                    "naf" if naf else "legal-form",
                    [r["name"] or ""],
                    code=code,
                    extra=r["essFamily"],
                )

        self.insert_entities(concepts())
        self.db.execute(
            "INSERT INTO ident SELECT code, id, graph, NULL FROM entity WHERE graph = ?",
            (self.graph,),
        )
        if naf:
            self.db.execute(
                "INSERT INTO ident SELECT REPLACE(code, '.', ''), id, graph, NULL FROM entity "
                "WHERE graph = ?",
                (self.graph,),
            )

    def poles(self) -> None:
        def poles() -> Iterator[dict[str, Any]]:
            current: dict[str, Any] | None = None
            names: list[str] = []
            for r in self.rows("poles"):
                if current is not None and current["pole"] != r["pole"]:
                    yield self._pole(current, names)
                    names = []
                current = r
                names.append(r["name"] or "")
            if current is not None:
                yield self._pole(current, names)

        self.insert_entities(poles())
        self.insert_many(
            "INSERT INTO member VALUES (?, ?, ?)",
            ((r["unit"], r["pole"], self.graph) for r in self.rows("memberships")),
        )

    def _pole(self, r: dict[str, Any], names: list[str]) -> dict[str, Any]:
        return self._entity(r["pole"], "pole", names, departement=r["departement"], extra=r["area"])
