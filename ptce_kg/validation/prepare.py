"""The graph pySHACL validates: the data, the reference data it refers to, the ontology's class
hierarchy and computed helper triples in the ptcesh: namespace (check digits; the actor
classification and members located in the territory, by the queries of shapes/prepare/).

Nothing here touches the network: the reference subset comes from the shipped reference data.
"""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph
import rdflib
from rdflib.namespace import RDFS, XSD

from ptce_kg.namespaces import PTCE
from ptce_kg.paths import ontology_dir, shapes_dir
from ptce_kg.reference import reference_subset
from ptce_kg.store.terms import triples_from_rdflib
from ptce_kg.validation.checksums import siren_valid, siret_valid
from ptce_kg.validation.shapes import PTCESH

_AREA_PROPERTIES = (PTCE.commune, PTCE.municipalArrondissement, PTCE.perimeterArea)
_NAF_PROPERTIES = (PTCE.activity, PTCE.sector)


@lru_cache(maxsize=1)
def class_hierarchy() -> tuple[tuple[rdflib.term.Node, ...], ...]:
    """The ontology's rdfs:subClassOf triples (sh:targetClass and sh:class follow them)."""
    ontology = rdflib.Graph().parse(ontology_dir() / "ptce.ttl", format="turtle")
    return tuple(ontology.triples((None, RDFS.subClassOf, None)))


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


def validation_graph(data: rdflib.Graph) -> rdflib.Graph:
    """A new graph: ``data`` plus reference subset, class hierarchy and helper triples."""
    graph = rdflib.Graph()
    for triple in data:
        graph.add(triple)
    reference = reference_subset(
        commune_codes=sorted(_iris(data, _AREA_PROPERTIES)),
        legal_form_codes=sorted(_iris(data, (PTCE.legalForm,))),
        naf_codes=sorted(_iris(data, _NAF_PROPERTIES)),
    )
    for triple in reference:
        graph.add(triple)
    for triple in class_hierarchy():
        graph.add(triple)
    _add_checksums(graph)
    for triple in _run_prepare_steps(graph):
        graph.add(triple)
    return graph


def _run_prepare_steps(graph: rdflib.Graph) -> list[tuple[rdflib.term.Node, ...]]:
    """The triples the shapes/prepare/ steps construct, each step seeing the ones before it.

    Run on pyoxigraph: rdflib's SPARQL engine took about 40 % of a pole's validation time.
    """
    store = pyoxigraph.Store()
    store.extend(
        pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in triples_from_rdflib(graph)
    )
    constructed: list[tuple[rdflib.term.Node, ...]] = []
    for query in _prepare_queries():
        new = list(store.query(query))
        store.extend(pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in new)
        constructed.extend(
            (_rdflib(t.subject), _rdflib(t.predicate), _rdflib(t.object)) for t in new
        )
    return constructed


def _rdflib(term: object) -> rdflib.term.Node:
    """A pyoxigraph term as an rdflib term (plain strings get no datatype, as rdflib reads them)."""
    if isinstance(term, pyoxigraph.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == str(XSD.string):
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def _add_checksums(graph: rdflib.Graph) -> None:
    for predicate, helper, check in (
        (PTCE.siren, PTCESH.sirenChecksumValid, siren_valid),
        (PTCE.siret, PTCESH.siretChecksumValid, siret_valid),
    ):
        for subject, value in list(graph.subject_objects(predicate)):
            valid = check(str(value))
            if valid is not None:
                graph.add((subject, helper, rdflib.Literal(valid, datatype=XSD.boolean)))
