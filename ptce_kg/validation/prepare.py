"""The graph pySHACL validates: the data, the reference data it refers to, the ontology's class
hierarchy and computed helper triples in the ptcesh: namespace (check digits; the actor
classification and members located in the territory, by the queries of shapes/prepare/).

Nothing here touches the network: the reference subset comes from the shipped reference data.
"""

from __future__ import annotations

from collections.abc import Container
from functools import lru_cache
from itertools import chain

import pyoxigraph
import rdflib
from rdflib.namespace import RDFS, XSD

from ptce_kg.rdf.namespaces import PTCE
from ptce_kg.rdf.resources import ontology_dir, shapes_dir
from ptce_kg.rdf.terms import to_oxigraph_statement, to_rdflib
from ptce_kg.reference.datasets import reference_triples
from ptce_kg.validation.checksums import siren_valid, siret_valid
from ptce_kg.validation.graphstore import OneGraphStore
from ptce_kg.validation.shapes import PTCESH

_AREA_PROPERTIES = (PTCE.commune, PTCE.municipalArrondissement, PTCE.perimeterArea)
_NAF_PROPERTIES = (PTCE.activity, PTCE.sector)


@lru_cache(maxsize=1)
def class_hierarchy() -> tuple[tuple[rdflib.term.Node, ...], ...]:
    """The ontology's rdfs:subClassOf triples (sh:targetClass and sh:class follow them)."""
    ontology = rdflib.Graph().parse(ontology_dir() / "ptce.ttl", format="turtle")
    return tuple(ontology.triples((None, RDFS.subClassOf, None)))


@lru_cache(maxsize=1)
def _class_hierarchy_quads() -> tuple[pyoxigraph.Quad, ...]:
    return tuple(pyoxigraph.Quad(*to_oxigraph_statement(s, p, o)) for s, p, o in class_hierarchy())


@lru_cache(maxsize=1)
def _prepare_queries() -> tuple[str, ...]:
    """The CONSTRUCT queries of shapes/prepare/, in file-name order."""
    return tuple(
        path.read_text(encoding="utf-8") for path in sorted((shapes_dir() / "prepare").glob("*.rq"))
    )


def _iris(data: rdflib.Graph, predicates: tuple[rdflib.URIRef, ...]) -> set[str]:
    return {
        str(o) for p in predicates for o in data.objects(None, p) if isinstance(o, rdflib.URIRef)
    }


def validation_graph(data: rdflib.Graph, read: Container[str] | None = None) -> rdflib.Graph:
    """A new graph: ``data`` plus reference subset, class hierarchy and helper triples; of the
    reference and helper triples, only those whose predicate IRI is in ``read`` when it is given
    (the prepare steps see them all)."""
    own = [*data, *_checksums(data)]
    reference = reference_triples(
        commune_codes=sorted(_iris(data, _AREA_PROPERTIES)),
        legal_form_codes=sorted(_iris(data, (PTCE.legalForm,))),
        naf_codes=sorted(_iris(data, _NAF_PROPERTIES)),
    )
    # The prepare steps run on pyoxigraph (rdflib's SPARQL engine took about 40 % of a pole's
    # validation time); each term is converted once: reference triples are pyoxigraph's already.
    store = pyoxigraph.Store()
    store.extend(pyoxigraph.Quad(*to_oxigraph_statement(s, p, o)) for s, p, o in own)
    store.extend(pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in reference)
    store.extend(_class_hierarchy_quads())
    graph = rdflib.Graph(store=OneGraphStore())
    for triple in chain(own, class_hierarchy()):
        graph.add(triple)
    # Every triple in the graph is converted, added and indexed, and pySHACL reads past it: the
    # reference and helper triples no shape reads (area names, the legal-form classes the
    # prepare steps count with…) stay out.
    for t in chain(reference, _run_prepare_steps(store)):
        if read is None or t.predicate.value in read:
            graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return graph


def _run_prepare_steps(store: pyoxigraph.Store) -> list[pyoxigraph.Triple]:
    """The triples the shapes/prepare/ steps construct, each step seeing the ones before it."""
    constructed: list[pyoxigraph.Triple] = []
    for query in _prepare_queries():
        result = store.query(query)
        if not isinstance(result, pyoxigraph.QueryTriples):
            raise TypeError(f"a shapes/prepare/ query is not a CONSTRUCT: {query[:80]!r}")
        new = list(result)
        store.extend(pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in new)
        constructed.extend(new)
    return constructed


def _checksums(data: rdflib.Graph) -> list[tuple[rdflib.term.Node, ...]]:
    """ptcesh: flags saying whether each SIREN's and SIRET's check digit is right."""
    flags: list[tuple[rdflib.term.Node, ...]] = []
    for predicate, helper, check in (
        (PTCE.siren, PTCESH.sirenChecksumValid, siren_valid),
        (PTCE.siret, PTCESH.siretChecksumValid, siret_valid),
    ):
        for subject, value in data.subject_objects(predicate):
            valid = check(str(value))
            if valid is not None:
                flags.append((subject, helper, rdflib.Literal(valid, datatype=XSD.boolean)))
    return flags
