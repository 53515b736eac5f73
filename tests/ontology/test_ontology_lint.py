"""Ontology lint: each rule comes from a defect seen in a published vocabulary (anchors.md §1.3)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from ptce_kg.rdf.namespaces import PTCE, QB, VANN, VOCAB, vocab
from tests.helpers.files import REPO

ONTOLOGY = REPO / "ontology"
PTCE_NS = "https://w3id.org/ptce/ontology#"
LANGS = {"fr", "en"}

# Fixtures broken on purpose (to test error reporting) say so in their file name.
BROKEN_ON_PURPOSE = ("malformed", "truncated", "broken", "invalid-syntax")
NOT_OURS = {".venv", "node_modules", ".git", ".pytest_cache"}
ALL_TTL = sorted(
    p
    for p in REPO.rglob("*.ttl")
    if not NOT_OURS & set(p.relative_to(REPO).parts)
    and not any(word in p.name for word in BROKEN_ON_PURPOSE)
)
ONTOLOGY_TTL = sorted(ONTOLOGY.rglob("*.ttl"))
PTCE_AND_VOCAB = [ONTOLOGY / "ptce.ttl", *sorted((ONTOLOGY / "vocab").glob("*.ttl"))]


def _parse(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


@pytest.fixture(scope="module")
def ptce() -> Graph:
    return _parse(ONTOLOGY / "ptce.ttl")


def _rel(path: Path) -> str:
    return str(path.relative_to(REPO))


@pytest.mark.parametrize("path", ALL_TTL, ids=_rel)
def test_every_turtle_file_parses(path: Path) -> None:
    assert len(_parse(path)) > 0, f"{_rel(path)} is empty"


def test_every_turtle_folder_is_covered() -> None:
    # the package's own Turtle (API service description) and the shipped data are among them
    covered = {p.relative_to(REPO).parts[0] for p in ALL_TTL}
    assert {"ontology", "shapes", "data", "tests", "ptce_kg"} <= covered, covered


@pytest.mark.parametrize("path", ONTOLOGY_TTL, ids=_rel)
def test_one_ontology_header_per_file(path: Path) -> None:
    g = _parse(path)
    onts = list(g.subjects(RDF.type, OWL.Ontology))
    assert len(onts) == 1, f"{_rel(path)}: {len(onts)} owl:Ontology nodes"
    ont = onts[0]
    assert g.value(ont, OWL.versionIRI) is not None, "owl:versionIRI missing"
    assert g.value(ont, DCTERMS.license) is not None, "dcterms:license missing"
    assert {t.language for t in g.objects(ont, DCTERMS.title)} == LANGS, "dcterms:title fr+en"


@pytest.mark.parametrize("path", PTCE_AND_VOCAB, ids=_rel)
def test_full_header_on_ontology_and_schemes(path: Path) -> None:
    g = _parse(path)
    ont = g.value(None, RDF.type, OWL.Ontology)
    for prop in (
        OWL.versionInfo,
        DCTERMS.creator,
        DCTERMS.created,
        DCTERMS.modified,
        VANN.preferredNamespacePrefix,
        VANN.preferredNamespaceUri,
    ):
        assert g.value(ont, prop) is not None, f"{_rel(path)}: {prop} missing"
    for prop in (DCTERMS.created, DCTERMS.modified):
        assert g.value(ont, prop).datatype == XSD.date
    assert {t.language for t in g.objects(ont, DCTERMS.description)} == LANGS


def test_ontology_header_values(ptce: Graph) -> None:
    ont = URIRef("https://w3id.org/ptce/ontology")
    assert ptce.value(ont, OWL.versionIRI) == URIRef("https://w3id.org/ptce/ontology/0.1.0")
    assert ptce.value(ont, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert str(ptce.value(ont, VANN.preferredNamespaceUri)) == PTCE_NS
    assert str(ptce.value(ont, VANN.preferredNamespacePrefix)) == "ptce"
    assert "ERNX1315311L" in str(ptce.value(ont, DCTERMS.source))


def _ptce_terms(g: Graph) -> set[URIRef]:
    return {
        s
        for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
        for s in g.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and str(s).startswith(PTCE_NS)
    }


def test_every_term_labelled_and_defined_once_per_language(ptce: Graph) -> None:
    problems = []
    for term in sorted(_ptce_terms(ptce)):
        for prop in (RDFS.label, SKOS.definition):
            langs = [o.language for o in ptce.objects(term, prop)]
            if sorted(langs) != ["en", "fr"]:
                problems.append(f"{term} {prop}: {langs}")
        if ptce.value(term, RDFS.isDefinedBy) != URIRef("https://w3id.org/ptce/ontology"):
            problems.append(f"{term}: rdfs:isDefinedBy")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", ONTOLOGY_TTL, ids=_rel)
def test_no_empty_literal_and_only_fr_en_tags(path: Path) -> None:
    bad = [
        (s, p, o)
        for s, p, o in _parse(path)
        if isinstance(o, Literal)
        and (not str(o).strip() or (o.language is not None and o.language not in LANGS))
    ]
    assert not bad, bad


def test_every_ptce_iri_is_declared_in_the_namespace(ptce: Graph) -> None:
    used = {
        n for t in ptce for n in t if isinstance(n, URIRef) and "w3id.org/ptce/ontology" in str(n)
    }
    stray = {n for n in used if not str(n).startswith(PTCE_NS)} - {
        URIRef("https://w3id.org/ptce/ontology"),
        URIRef("https://w3id.org/ptce/ontology/0.1.0"),
    }
    assert not stray, f"IRIs outside {PTCE_NS}: {stray}"
    assert {n for n in used if str(n).startswith(PTCE_NS)} == _ptce_terms(ptce), (
        "undeclared ptce: term"
    )


def test_local_names_are_english_camel_case(ptce: Graph) -> None:
    # W3C ORG style: classes UpperCamelCase, properties lowerCamelCase, ASCII letters and digits
    bad = []
    for term in _ptce_terms(ptce):
        name = str(term)[len(PTCE_NS) :]
        is_class = (term, RDF.type, OWL.Class) in ptce
        pattern = r"[A-Z][A-Za-z0-9]*" if is_class else r"[a-z][A-Za-z0-9]*"
        if not re.fullmatch(pattern, name):
            bad.append(name)
    assert not bad, bad


def test_every_property_has_a_range(ptce: Graph) -> None:
    missing = [
        str(p)
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty)
        for p in ptce.subjects(RDF.type, kind)
        if ptce.value(p, RDFS.range) is None
    ]
    assert not missing, missing


def test_property_kind_agrees_with_range(ptce: Graph) -> None:
    for prop in ptce.subjects(RDF.type, OWL.DatatypeProperty):
        for rng in ptce.objects(prop, RDFS.range):
            assert str(rng).startswith(str(XSD)) or rng == RDFS.Literal, f"{prop} range {rng}"
    datatypes = set(ptce.subjects(RDF.type, RDFS.Datatype))
    for prop in ptce.subjects(RDF.type, OWL.ObjectProperty):
        for rng in ptce.objects(prop, RDFS.range):
            assert not str(rng).startswith(str(XSD)) and rng != RDFS.Literal, f"{prop} range {rng}"
            assert rng not in datatypes


@pytest.mark.parametrize("path", ONTOLOGY_TTL, ids=_rel)
def test_no_cardinality_on_transitive_property(path: Path) -> None:
    g = _parse(path)
    transitive = set(g.subjects(RDF.type, OWL.TransitiveProperty))
    cards = (
        OWL.cardinality,
        OWL.minCardinality,
        OWL.maxCardinality,
        OWL.qualifiedCardinality,
        OWL.minQualifiedCardinality,
        OWL.maxQualifiedCardinality,
    )
    for restriction in g.subjects(RDF.type, OWL.Restriction):
        if any(g.value(restriction, c) is not None for c in cards):
            assert g.value(restriction, OWL.onProperty) not in transitive, restriction
    for restriction in g.subjects(OWL.allValuesFrom, None):
        target = g.value(restriction, OWL.allValuesFrom)
        assert g.value(target, RDF.first) is None, f"{restriction}: a list under allValuesFrom"


def test_no_sameas_and_alignment_only_through_subclass_and_subproperty(ptce: Graph) -> None:
    assert not list(ptce.triples((None, OWL.sameAs, None)))
    assert not list(ptce.triples((None, OWL.equivalentClass, None)))
    allowed = (
        "http://www.w3.org/ns/org#",
        "http://www.w3.org/ns/regorg#",
        "http://www.w3.org/ns/prov#",
        "http://purl.org/dc/terms/",
        "http://www.opengis.net/ont/geosparql#",
        "http://rdf.insee.fr/def/geo#",
        PTCE_NS,
    )
    for prop in (RDFS.subClassOf, RDFS.subPropertyOf):
        for sup in ptce.objects(None, prop):
            assert isinstance(sup, URIRef) and str(sup).startswith(allowed), sup


@pytest.mark.parametrize("path", ONTOLOGY_TTL, ids=_rel)
def test_no_owl_imports_anywhere_in_the_ontology_folder(path: Path) -> None:
    # nothing is fetched: a reasoner gets the pinned copies of ontology/imports/ instead
    assert not list(_parse(path).objects(None, OWL.imports)), _rel(path)


def test_pole_cluster_and_competitiveness_cluster_are_told_apart(ptce: Graph) -> None:
    # three named siblings under TerritorialGrouping: the rdf:type of a grouping says which one
    kinds = (PTCE.Pole, PTCE.Cluster, PTCE.CompetitivenessCluster)
    for kind in kinds:
        assert ptce.value(kind, RDFS.subClassOf) == PTCE.TerritorialGrouping, kind
        others = set(kinds) - {kind}
        assert not others & set(ptce.transitive_objects(kind, RDFS.subClassOf)), kind
    # lead structure: optional (no OWL cardinality), an organisation
    assert ptce.value(PTCE.leadStructure, RDFS.range) == PTCE.Organization
    assert not list(ptce.subjects(OWL.onProperty, PTCE.leadStructure))


def test_pole_is_not_an_organizational_collaboration(ptce: Graph) -> None:
    collab = URIRef("http://www.w3.org/ns/org#OrganizationalCollaboration")
    for cls in (PTCE.Pole, PTCE.TerritorialGrouping):
        assert collab not in set(ptce.transitive_objects(cls, RDFS.subClassOf))
    assert (PTCE.NaturalPerson, OWL.disjointWith, PTCE.Organization) in ptce


@pytest.mark.parametrize("path", ONTOLOGY_TTL, ids=_rel)
def test_no_instance_data_in_ontology_folder(path: Path) -> None:
    g = _parse(path)
    allowed = {
        OWL.Ontology,
        OWL.Class,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.AnnotationProperty,
        OWL.TransitiveProperty,
        OWL.Restriction,
        RDFS.Datatype,
        SKOS.Concept,
        SKOS.ConceptScheme,
        SKOS.Collection,
        SKOS.OrderedCollection,
        # the statistics cube's structure (ontology/cube/): schema in RDF Data Cube's terms
        QB.DataStructureDefinition,
        QB.DimensionProperty,
        QB.MeasureProperty,
        QB.CodedProperty,
    }
    bad = {(s, t) for s, t in g.subject_objects(RDF.type) if t not in allowed}
    assert not bad, f"instance data in {_rel(path)}: {bad}"
    assert not any(str(t).startswith(PTCE_NS) for t in g.objects(None, RDF.type))


def test_law_terms_cite_the_article(ptce: Graph) -> None:
    eli = "https://www.legifrance.gouv.fr/eli/loi/2014/7/31/ERNX1315311L/jo/article_"
    # the terms whose words come from art. 9 ("même territoire", "stratégie commune et
    # continue de mutualisation, de coopération ou de partenariat", "projets économiques et
    # sociaux innovants, socialement ou technologiquement", "développement local durable")
    # and from art. 1–2 (statutes, social utility, the SIRENE ESS flag of an ESS enterprise)
    from_the_law = (
        PTCE.Pole,
        PTCE.Actor,
        PTCE.NaturalPerson,
        PTCE.PartnerLink,
        PTCE.Territory,
        PTCE.territory,
        PTCE.Cooperation,
        PTCE.CommonStrategy,
        PTCE.strategyMode,
        PTCE.ongoing,
        PTCE.Project,
        PTCE.projectDimension,
        PTCE.innovationType,
        PTCE.localDevelopmentContribution,
        PTCE.actorCategory,
        PTCE.Statutes,
        PTCE.FinancialYear,
        PTCE.ReserveIncorporation,
        PTCE.essFamily,
        PTCE.socialUtilityObjective,
    )
    for term in from_the_law:
        assert str(ptce.value(term, DCTERMS.source)).startswith(eli), term
    for term in _ptce_terms(ptce):
        for src in ptce.objects(term, DCTERMS.source):
            assert re.fullmatch(re.escape(eli) + r"[129]", str(src)), (term, src)


def test_four_words_define_the_matching_terms(ptce: Graph) -> None:
    words = {
        PTCE.TerritorialGrouping: ("Pôle", "Pole"),
        PTCE.Territory: ("Territorial", "Territorial"),
        PTCE.Cooperation: ("Coopération", "Cooperation"),
        PTCE.EconomicActivity: ("Économique", "Economic"),
    }
    for term, (fr, en) in words.items():
        defs = {d.language: str(d) for d in ptce.objects(term, SKOS.definition)}
        assert defs["fr"].startswith(fr + " :") and defs["en"].startswith(en + ":"), term


SCHEMES = sorted((ONTOLOGY / "vocab").glob("*.ttl"))


@pytest.mark.parametrize("path", SCHEMES, ids=lambda p: p.stem)
def test_skos_scheme_concepts(path: Path) -> None:
    g = _parse(path)
    scheme = URIRef(f"https://w3id.org/ptce/vocab/{path.stem}")
    assert (scheme, RDF.type, SKOS.ConceptScheme) in g
    concepts = set(g.subjects(RDF.type, SKOS.Concept))
    assert concepts
    for c in concepts:
        assert str(c).startswith(f"{scheme}/"), c
        assert str(g.value(c, SKOS.notation)) == str(c).rsplit("/", 1)[1]
        for prop in (SKOS.prefLabel, SKOS.definition):
            assert sorted(o.language for o in g.objects(c, prop)) == ["en", "fr"], (c, prop)
        assert (c, SKOS.inScheme, scheme) in g
        assert (c, SKOS.topConceptOf, scheme) in g or g.value(c, SKOS.broader) in concepts, c


def test_cooperation_levels_are_ordered() -> None:
    g = _parse(ONTOLOGY / "vocab" / "cooperation-level.ttl")
    base = "https://w3id.org/ptce/vocab/cooperation-level/"
    tops = sorted(g.subjects(SKOS.topConceptOf, None), key=lambda c: int(g.value(c, PTCE.rank)))
    assert [int(g.value(c, PTCE.rank)) for c in tops] == [1, 2, 3]
    collection = g.value(None, RDF.type, SKOS.OrderedCollection)
    members = list(g.items(g.value(collection, SKOS.memberList)))
    assert members == tops
    assert [str(c)[len(base) :] for c in members] == ["informal", "operational", "strategic"]


def _scan_terms(text: str) -> set[str]:
    """Local names of ptce: terms written as prefixed names or full IRIs in a text file."""
    prefixed = re.findall(r"(?<![\w/#])ptce:([A-Za-z_]\w*)", text)
    full = re.findall(re.escape(PTCE_NS) + r"([A-Za-z_]\w*)", text)
    return set(prefixed) | set(full)


USERS = sorted(
    [
        *(REPO / "shapes").rglob("*.ttl"),
        *(REPO / "sparql").rglob("*.rq"),
        *(REPO / "data").rglob("*.ttl"),
    ]
)


@pytest.mark.parametrize("path", USERS, ids=_rel)
def test_terms_used_in_shapes_queries_and_data_exist(path: Path, ptce: Graph) -> None:
    declared = {str(t)[len(PTCE_NS) :] for t in _ptce_terms(ptce)}
    unknown = _scan_terms(path.read_text("utf-8")) - declared
    assert not unknown, f"{_rel(path)} uses undeclared ptce: terms {sorted(unknown)}"


def test_namespace_module_equals_the_ttl(ptce: Graph) -> None:
    declared = {str(t)[len(PTCE_NS) :] for t in _ptce_terms(ptce)}
    in_python = set(PTCE.__annotations__)
    assert in_python == declared
    with pytest.raises(AttributeError):
        PTCE.NotATerm  # noqa: B018 - _fail = True must refuse unknown terms
    level = vocab("cooperation-level", "strategic")
    assert (level, SKOS.inScheme, URIRef(VOCAB + "cooperation-level")) in _parse(
        ONTOLOGY / "vocab" / "cooperation-level.ttl"
    )


def test_namespace_generator_is_up_to_date(ptce: Graph) -> None:
    from ptce_kg.tools.gen_namespace import NAMESPACES_PY, regenerate

    text = NAMESPACES_PY.read_text("utf-8")
    assert regenerate(text, ptce) == text, "run python -m ptce_kg.tools.gen_namespace"


def test_blank_nodes_only_as_class_expressions(ptce: Graph) -> None:
    for bnode in {s for s in ptce.subjects() if isinstance(s, BNode)}:
        types = set(ptce.objects(bnode, RDF.type))
        assert types <= {OWL.Class, OWL.Restriction} or ptce.value(bnode, RDF.first) is not None


ALIGNMENTS = sorted((ONTOLOGY / "alignments").glob("*.ttl"))


@pytest.mark.parametrize("path", ALIGNMENTS, ids=lambda p: p.stem)
def test_alignments_use_only_sub_axioms_and_skos_matches(path: Path, ptce: Graph) -> None:
    g = _parse(path)
    vocab = Graph()
    for scheme in SCHEMES:
        vocab += _parse(scheme)
    ours = _ptce_terms(ptce) | set(vocab.subjects(RDF.type, SKOS.Concept))
    matches = {
        SKOS.closeMatch,
        SKOS.exactMatch,
        SKOS.broadMatch,
        SKOS.narrowMatch,
        SKOS.relatedMatch,
    }
    ont = g.value(None, RDF.type, OWL.Ontology)
    for s, p, o in g:
        if s == ont or p == RDF.type:
            continue
        assert p in {RDFS.subClassOf, RDFS.subPropertyOf} | matches, (s, p, o)
        assert s in ours or o in ours, f"{s} {p} {o}: neither side is a ptce term or concept"
        if p in matches:
            assert s in vocab.subjects(RDF.type, SKOS.Concept), f"{s} is not one of our concepts"


VOCAB_IRI = re.compile(r"https://w3id\.org/ptce/vocab/([a-z][a-z-]*)/([A-Za-z0-9][\w.-]*)")


@pytest.fixture(scope="module")
def concepts() -> set[str]:
    g = Graph()
    for scheme in SCHEMES:
        g += _parse(scheme)
    return {str(c) for c in g.subjects(RDF.type, SKOS.Concept)}


def _vocab_iris(path: Path) -> set[str]:
    """Concept IRIs a file names: full IRIs in any text, plus prefixed names in Turtle."""
    found = {m.group(0) for m in VOCAB_IRI.finditer(path.read_text("utf-8"))}
    if path.suffix == ".ttl" and not any(word in path.name for word in BROKEN_ON_PURPOSE):
        found |= {str(n) for t in _parse(path) for n in t if VOCAB_IRI.fullmatch(str(n))}
    # legal forms are reference data built at init, not a file of ontology/vocab/
    return {iri for iri in found if "/vocab/legal-form/" not in iri}


# Shipped files only: test fixtures may name a wrong concept on purpose (validation tests).
CONCEPT_USERS = sorted(
    p
    for folder in ("sparql", "shapes", "mappings", "data")
    for p in (REPO / folder).rglob("*")
    if p.suffix in {".rq", ".ttl", ".csv", ".yaml", ".json"} and p.is_file()
)


@pytest.mark.parametrize("path", CONCEPT_USERS, ids=_rel)
def test_concepts_named_in_queries_shapes_mappings_and_data_exist(
    path: Path, concepts: set[str]
) -> None:
    unknown = _vocab_iris(path) - concepts
    assert not unknown, f"{_rel(path)} names concepts absent from ontology/vocab: {sorted(unknown)}"


def test_ess_family_mapping_uses_the_scheme_notations(concepts: set[str]) -> None:
    import csv

    mapping = REPO / "mappings" / "ess-family-by-legal-form.csv"
    with mapping.open(encoding="utf-8", newline="") as f:
        families = {row["ess_family"] for row in csv.DictReader(f) if row["ess_family"]}
    assert families
    unknown = {f for f in families if f"https://w3id.org/ptce/vocab/ess-family/{f}" not in concepts}
    assert not unknown, unknown


DESIGN = REPO / "docs" / "design.md"


def _design_section(number: int) -> str:
    text = DESIGN.read_text("utf-8")
    return text[text.index(f"## {number}.") : text.index(f"## {number + 1}.")]


def test_ontology_terms_are_exactly_those_of_the_design_card(ptce: Graph) -> None:
    # docs/design.md §2 is the contract other modules code against: no term missing, none extra
    section = _design_section(2)
    named = set(re.findall(r"`ptce:(\w+)`", section))
    declared = {str(t)[len(PTCE_NS) :] for t in _ptce_terms(ptce)}
    assert named - declared == set(), "in design.md §2, absent from ptce.ttl"
    assert declared - named == set(), "in ptce.ttl, absent from design.md §2"


def _design_schemes() -> dict[str, tuple[set[str], bool]]:
    """Scheme -> (concept notations named in design.md §3, whether the list is a range "…")."""
    schemes = {}
    for line in _design_section(3).splitlines():
        if line.startswith("| `"):
            cells = line.split("|")
            scheme = re.findall(r"`([\w-]+)`", cells[1])[0]
            schemes[scheme] = (set(re.findall(r"`([\w-]+)`", cells[2])), "…" in cells[2])
    return schemes


def test_schemes_and_concepts_are_those_of_the_design_card() -> None:
    schemes = _design_schemes()
    assert set(schemes) == {p.stem for p in SCHEMES}
    for scheme, (named, is_range) in schemes.items():
        g = _parse(ONTOLOGY / "vocab" / f"{scheme}.ttl")
        notations = {str(g.value(c, SKOS.notation)) for c in g.subjects(RDF.type, SKOS.Concept)}
        assert named <= notations, (scheme, named - notations)
        assert is_range or notations == named, (scheme, notations - named)


def _cj_codes(text: str) -> set[str]:
    """INSEE catégorie juridique codes written in a text, ranges such as 5443-5460 expanded."""
    codes = set()
    for start, end in re.findall(r"\b(\d{4})(?:-(\d{4}))?\b", text):
        codes |= {str(c) for c in range(int(start), int(end or start) + 1)}
    return codes


def test_ess_family_definitions_list_the_legal_forms_of_the_mapping() -> None:
    import csv

    g = _parse(ONTOLOGY / "vocab" / "ess-family.ttl")
    with (REPO / "mappings" / "ess-family-by-legal-form.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows
    for row in rows:
        concept = URIRef(f"https://w3id.org/ptce/vocab/ess-family/{row['ess_family']}")
        # regular codes in the definition, borderline ones (docs/law.md A13) in the scope note
        prop = SKOS.scopeNote if row["borderline"] == "true" else SKOS.definition
        texts = " ".join(str(t) for t in g.objects(concept, prop) if t.language == "en")
        assert row["code"] in _cj_codes(texts), (row["code"], row["ess_family"], prop)
