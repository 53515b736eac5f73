"""Uploaded files: read them (any RDF syntax or the spreadsheet template) and, for a pole's own
submission, validate then replace the pole's named graph with its provenance.

The submission is all-or-nothing: the file is parsed and validated completely first; with any
statement the pole may not write (``ownership``) or any SHACL violation nothing is written.
The graph replace is one store transaction; the provenance (who, when, sha256 of the file) is
written to the metadata graph right after, then the derived graph is rebuilt by the linking
rules.

Reading and validating (``check_upload``) touch neither the store nor the network, so the web
service runs them in killable worker processes under a time limit (``upload_workers``); the
store is written only here, in the calling process.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePath

from pyoxigraph import Triple
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from ptce_kg.errors import InputError
from ptce_kg.kg.linking import rebuild_derived
from ptce_kg.kg.loading import stated_license
from ptce_kg.kg.metadata import LICENSE_NOT_STATED, GraphDescription, record
from ptce_kg.kg.ownership import check_pole_graph, check_pole_id, known_poles
from ptce_kg.rdf.iris import pole_graph, pole_iri
from ptce_kg.rdf.namespaces import PTCE
from ptce_kg.rdf.terms import triples_from_rdflib
from ptce_kg.store import Store
from ptce_kg.validation import InputBytes, Report, read_inputs_bytes, validate
from ptce_kg.validation.engine import input_file
from ptce_kg.validation.report import InputLocations

# One submission writes at a time (validation still runs in parallel): the derived graph is
# rebuilt from every pole's data, rule by rule, and two interleaved rebuilds could keep facts
# derived from a graph that the other submission replaced meanwhile.
_WRITES = threading.Lock()
# A pole's data must satisfy the law and the data-quality rules; the State call's criteria are
# a separate verdict that does not block storing.
POLE_RULES = ("legal", "quality")


@dataclass(frozen=True)
class Submission:
    """What happened to a pole's submitted file."""

    pole_id: str
    graph: str
    report: Report
    stored: bool
    triples: int
    sha256: str
    submitted_by: str
    submitted_at: datetime


def client_file_name(filename: str) -> str:
    """The client's file name without its folders (which say nothing of the data and may
    reveal the client's own paths); a name to record, never a path to open."""
    return PurePath(filename.replace("\\", "/")).name or "upload"


def safe_name(filename: str) -> str:
    """The client's file name without folders, in safe characters (for messages, temp files)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", client_file_name(filename)).lstrip(".") or "upload"


def _check_own_pole(graph: Graph, pole_id: str) -> None:
    """A pole's token submits its own pole's data: the file describes that pole (what else it
    may say is checked by ``ownership``, in the calling process)."""
    own = URIRef(pole_iri(pole_id))
    if (own, RDF.type, PTCE.Pole) not in graph:
        raise InputError(f"the file must describe the pole <{own}> (typed ptce:Pole)")


@dataclass(frozen=True)
class CheckedUpload:
    """An uploaded file once read and validated (picklable: it comes back from a worker)."""

    report: Report
    triples: tuple[Triple, ...] = ()  # the data, kept for a pole's submission only


def check_upload(
    files: Sequence[tuple[str, bytes]],
    *,
    rules: str | tuple[str, ...] = "all",
    lang: str = "fr",
    input_format: str | None = None,
    pole_id: str | None = None,
) -> CheckedUpload:
    """Read uploaded files, given as (client's file name, content), and validate them together
    (the CSV files among them are the sheets of one template); with ``pole_id``, they must
    describe that pole, and their triples come back for the ownership check and the write.

    The files are read from memory by the same reader as ``ptce-kg validate``
    (``validation.inputs``): nothing is written to disk, so no error names a server path;
    errors name a file by the client's file name reduced to safe characters (a lone template
    CSV is named after its sheet). Raises InputError for an unreadable file (or files that do
    not describe the pole).
    """
    locations = InputLocations()
    graph = read_inputs_bytes(
        [InputBytes(safe_name(name), data, client_file_name(name)) for name, data in files],
        input_format,
        locations=locations,
    )
    if pole_id is not None:
        _check_own_pole(graph, pole_id)
    report = validate(
        graph,
        rules=rules,
        lang=lang,
        inputs=tuple(input_file(client_file_name(name), data) for name, data in files),
        locations=locations,
    )
    return CheckedUpload(report, tuple(triples_from_rdflib(graph)) if pole_id is not None else ())


# ``check_upload`` itself, or the same check run in a worker under a time limit.
UploadCheck = Callable[..., CheckedUpload]


def submit_pole_data(
    store: Store,
    pole_id: str,
    data: bytes,
    filename: str,
    *,
    submitted_by: str,
    lang: str = "fr",
    input_format: str | None = None,
    now: datetime | None = None,
    check: UploadCheck = check_upload,
) -> Submission:
    """Validate a pole's file and, with no violation, replace its named graph (with provenance).

    Raises InputError for an unreadable file or one that is not about this pole, OwnershipError
    (422) for one that says anything the pole may not write (``ownership``); a file with
    violations is not an error: the returned Submission has ``stored=False`` and the report.
    """
    check_pole_id(pole_id)
    checked = check(
        ((filename, data),),
        rules=POLE_RULES,
        lang=lang,
        input_format=input_format,
        pole_id=pole_id,
    )
    check_pole_graph(
        checked.triples,
        pole_id,
        known_poles(store.graph_names()),
        where=client_file_name(filename),
    )
    report = checked.report
    graph = pole_graph(pole_id)
    digest = hashlib.sha256(data).hexdigest()
    when = (now or datetime.now(UTC)).replace(microsecond=0)
    if not report.conforms:
        return Submission(pole_id, graph, report, False, 0, digest, submitted_by, when)
    with _WRITES, store.unit_of_work():  # one change: the query workers refresh once
        triples = store.replace_graph(graph, checked.triples)
        submission = Submission(pole_id, graph, report, True, triples, digest, submitted_by, when)
        record_provenance(store, submission, client_file_name(filename), checked.triples)
        rebuild_derived(store)
    return submission


def record_provenance(
    store: Store, submission: Submission, filename: str, triples: Iterable[Triple]
) -> None:
    """Describe the new pole graph in the metadata graph as ``ptce-kg load`` describes a loaded
    file (source, sha256, triple count, licence the data states, date), plus who submitted it
    (``prov:wasAttributedTo`` the pole); then refresh the metadata graph's own description.
    The source is the client's file name, as a literal."""
    description = GraphDescription(
        graph=submission.graph,
        title=f"Pole data: {submission.pole_id}",
        sources=(),
        source_names=(filename,),
        sha256=submission.sha256,
        triples=submission.triples,
        license=stated_license(list(triples)) or LICENSE_NOT_STATED,
        description=f"Submitted by pole {submission.submitted_by} through "
        f"POST /poles/{submission.pole_id}/data (file {filename!r})",
        attributed_to=(pole_iri(submission.submitted_by),),
        modified=submission.submitted_at,
    )
    record(store, description)
