"""The graph pySHACL validates: the data, the reference data it refers to, the ontology's class
hierarchy and computed helper triples in the ptcesh: namespace (check digits; the actor
classification and members located in the territory, by the queries of shapes/prepare/).

Nothing here touches the network: the reference subset comes from the shipped reference data.
"""

from __future__ import annotations

from functools import lru_cache

import rdflib
from rdflib.namespace import RDFS, XSD
from rdflib.plugins.sparql import prepareQuery

from ptce_kg.namespaces import PTCE
from ptce_kg.paths import ontology_dir, shapes_dir
from ptce_kg.reference import reference_subset
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
def _prepare_queries() -> tuple[object, ...]:
    """The CONSTRUCT queries of shapes/prepare/, parsed once, in file-name order."""
    return tuple(
        prepareQuery(path.read_text(encoding="utf-8"))
        for path in sorted((shapes_dir() / "prepare").glob("*.rq"))
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
    for query in _prepare_queries():  # each step sees the flags of the steps before it
        for triple in list(graph.query(query)):
            graph.add(triple)
    return graph


def _add_checksums(graph: rdflib.Graph) -> None:
    for predicate, helper, check in (
        (PTCE.siren, PTCESH.sirenChecksumValid, siren_valid),
        (PTCE.siret, PTCESH.siretChecksumValid, siret_valid),
    ):
        for subject, value in list(graph.subject_objects(predicate)):
            valid = check(str(value))
            if valid is not None:
                graph.add((subject, helper, rdflib.Literal(valid, datatype=XSD.boolean)))
