"""The filled example and the blank template convert; CSV folder and workbook agree.

Expectations are read from the example's CSV files, not written here.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import SKOS, XSD

from ptce_kg.rdf.namespaces import ORG, PTCE
from ptce_kg.rdf.resources import ontology_dir
from ptce_kg.spreadsheet import is_spreadsheet, to_rdf, to_rdf_located_bytes
from ptce_kg.spreadsheet.export import serialize
from tests.helpers.inputs import example_folder

ID = "https://w3id.org/ptce/id/"
VOCAB = "https://w3id.org/ptce/vocab/"


def rows(folder: Path, sheet: str) -> list[dict[str, str]]:
    with (folder / f"{sheet}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def items(cell: str) -> list[str]:
    return [item.strip() for item in cell.split(";") if item.strip()]


@pytest.fixture(scope="module")
def example(templates: Path) -> Path:
    return templates / "exemple"


@pytest.fixture(scope="module")
def graph(example: Path) -> rdflib.Graph:
    return to_rdf(example)


@pytest.fixture(scope="module")
def pole(example: Path) -> dict[str, str]:
    (row,) = rows(example, "pole")
    return row


def member_iri(row: dict[str, str], slug: str) -> URIRef:
    if row["siren"]:
        return URIRef(f"{ID}org/{row['siren']}")
    if row["personne_physique"] == "oui":
        return URIRef(f"{ID}person/{slug}-{row['identifiant']}")
    return URIRef(f"{ID}org/{slug}-{row['identifiant']}")


def test_pole_and_territory(graph: rdflib.Graph, pole: dict[str, str]) -> None:
    iri = URIRef(f"{ID}pole/{pole['identifiant']}")
    assert (iri, RDF.type, PTCE.Pole) in graph
    assert (iri, RDFS.label, Literal(pole["nom"], lang="fr")) in graph
    territory = graph.value(iri, PTCE.territory)
    assert territory == URIRef(f"{ID}territory/{pole['identifiant']}")
    areas = set(graph.objects(territory, PTCE.perimeterArea))
    expected = {
        URIRef(f"http://id.insee.fr/geo/intercommunalite/{code}")
        for code in items(pole["territoire_epci"])
    }
    expected |= {
        URIRef(f"http://id.insee.fr/geo/commune/{code}")
        for code in items(pole["territoire_communes"])
    }
    assert areas == expected and areas
    assert (territory, PTCE.cogVintage, Literal(pole["millesime_cog"], datatype=XSD.gYear)) in graph
    assert set(graph.objects(iri, PTCE.theme)) == {
        URIRef(f"{VOCAB}theme/{theme}") for theme in items(pole["themes"])
    }
    assert (iri, PTCE.website, Literal(pole["site_web"], datatype=XSD.anyURI)) in graph


def test_members_and_memberships(graph: rdflib.Graph, example: Path, pole: dict[str, str]) -> None:
    slug = pole["identifiant"]
    members = rows(example, "membres")
    assert len(set(graph.subjects(RDF.type, PTCE.Membership))) == len(members)
    for row in members:
        member = member_iri(row, slug)
        membership = URIRef(f"{ID}membership/{slug}/{row['identifiant']}")
        assert (membership, ORG.member, member) in graph
        assert (membership, ORG.organization, URIRef(f"{ID}pole/{slug}")) in graph
        assert set(graph.objects(membership, ORG.role)) == {
            URIRef(f"{VOCAB}member-role/{role}") for role in items(row["roles"])
        }
        assert (
            member,
            PTCE.actorCategory,
            URIRef(f"{VOCAB}actor-category/{row['categorie']}"),
        ) in graph
        assert (member, RDFS.label, Literal(row["nom"], lang="fr")) in graph
        if row["siren"]:
            assert (member, RDF.type, PTCE.LegalUnit) in graph
            assert (member, PTCE.siren, Literal(row["siren"])) in graph
        elif row["personne_physique"] == "oui":
            assert (member, RDF.type, PTCE.NaturalPerson) in graph
        else:
            assert (member, RDF.type, PTCE.Organization) in graph
        if row["forme_juridique"]:
            assert (
                member,
                PTCE.legalForm,
                URIRef(f"{VOCAB}legal-form/{row['forme_juridique']}"),
            ) in graph
        if row["date_entree"]:
            start = Literal(row["date_entree"], datatype=XSD.date)
            assert (membership, PTCE.startDate, start) in graph
        if row["commune"]:
            (site,) = graph.objects(member, PTCE.hasEstablishment)
            commune = URIRef(f"http://id.insee.fr/geo/commune/{row['commune']}")
            assert (site, PTCE.commune, commune) in graph
            if row["siret"]:
                assert site == URIRef(f"{ID}establishment/{row['siret']}")
                assert (site, PTCE.siret, Literal(row["siret"])) in graph
    lead = next(row for row in members if row["identifiant"] == pole["structure_porteuse_membre"])
    assert (URIRef(f"{ID}pole/{slug}"), PTCE.leadStructure, member_iri(lead, slug)) in graph


def test_cooperations_strategy_projects_jobs_partners(
    graph: rdflib.Graph, example: Path, pole: dict[str, str]
) -> None:
    slug = pole["identifiant"]
    pole_iri = URIRef(f"{ID}pole/{slug}")
    members = {row["identifiant"]: member_iri(row, slug) for row in rows(example, "membres")}
    for row in rows(example, "cooperations"):
        node = URIRef(f"{ID}cooperation/{slug}/{row['numero']}")
        assert set(graph.objects(node, PTCE.participant)) == {
            members[key] for key in items(row["participants"])
        }
        assert (
            node,
            PTCE.cooperationLevel,
            URIRef(f"{VOCAB}cooperation-level/{row['niveau']}"),
        ) in graph
        assert (node, PTCE.withinGrouping, pole_iri) in graph
        if row["projet"]:
            project = URIRef(f"{ID}project/{slug}/{row['projet']}")
            assert (node, PTCE.concernsProject, project) in graph
    for row in rows(example, "strategie"):
        node = URIRef(f"{ID}strategy/{slug}/{row['numero']}")
        assert (pole_iri, PTCE.strategy, node) in graph
        assert set(graph.objects(node, PTCE.strategyMode)) == {
            URIRef(f"{VOCAB}strategy-mode/{mode}") for mode in items(row["modes"])
        }
        assert set(graph.objects(node, PTCE.sharedBy)) == {
            members[key] for key in items(row["partagee_par"])
        }
    for row in rows(example, "projets"):
        node = URIRef(f"{ID}project/{slug}/{row['numero']}")
        assert (pole_iri, PTCE.project, node) in graph
        assert set(graph.objects(node, PTCE.projectDimension)) == {
            URIRef(f"{VOCAB}project-dimension/{d}") for d in items(row["dimensions"])
        }
        assert set(graph.objects(node, PTCE.innovationType)) == {
            URIRef(f"{VOCAB}innovation-type/{i}") for i in items(row["innovations"])
        }
    jobs = rows(example, "emplois")
    assert len(set(graph.subjects(RDF.type, PTCE.JobObservation))) == len(jobs)
    for row in jobs:
        subject = members[row["membre"]] if row["membre"] else pole_iri
        counts = {
            (graph.value(obs, PTCE.jobCount).toPython(), str(graph.value(obs, PTCE.jobUnit)))
            for obs in graph.objects(subject, PTCE.jobObservation)
            if str(graph.value(obs, PTCE.observationDate)) == row["date"]
        }
        assert (float(row["nombre"]), f"{VOCAB}job-unit/{row['unite']}") in {
            (float(count), unit) for count, unit in counts
        }
    for row in rows(example, "partenaires"):
        link = URIRef(f"{ID}link/{slug}/{row['numero']}")
        partner = graph.value(link, PTCE.partner)
        assert (link, PTCE.linkedGrouping, pole_iri) in graph
        assert (pole_iri, PTCE.linkedPartner, partner) in graph
        assert (partner, RDFS.label, Literal(row["nom"], lang="fr")) in graph


def test_fictitious_flag_spares_real_registry_units(graph: rdflib.Graph) -> None:
    """Every invented node is flagged; the real SIRENE unit and its SIRET are not."""
    flagged = set(graph.subjects(PTCE.fictitiousExample, Literal(True)))
    registry = set(graph.subjects(PTCE.siren, None)) | set(graph.subjects(PTCE.siret, None))
    assert registry, "the example uses a real SIRENE sample unit"
    assert not flagged & registry
    typed = set(graph.subjects(RDF.type, None))
    assert typed - registry == flagged
    # its membership, however, is invented: it is flagged
    for unit in registry & set(graph.objects(None, ORG.member)):
        for membership in graph.subjects(ORG.member, unit):
            assert membership in flagged


def test_terms_are_declared_and_concepts_exist(graph: rdflib.Graph) -> None:
    ontology = rdflib.Graph().parse(ontology_dir() / "ptce.ttl")
    declared = set(ontology.subjects())
    used = {
        term
        for triple in graph
        for term in triple
        if isinstance(term, URIRef) and str(term).startswith(str(PTCE._NS))
    }
    assert used and used <= declared
    vocab = rdflib.Graph()
    for path in (ontology_dir() / "vocab").glob("*.ttl"):
        vocab.parse(path)
    concepts = set(vocab.subjects(RDF.type, SKOS.Concept))
    used_concepts = {
        o
        for o in graph.objects()
        if isinstance(o, URIRef) and str(o).startswith(VOCAB) and "/legal-form/" not in str(o)
    }
    assert used_concepts and used_concepts <= concepts


def test_workbook_and_csv_folder_give_the_same_graph(
    graph: rdflib.Graph, templates: Path, example: Path
) -> None:
    from_workbook = to_rdf(templates / "ptce-modele-exemple.xlsx")
    assert isomorphic(graph, from_workbook)
    one_file = to_rdf(example / "membres.csv")  # a CSV file of the set reads the set
    assert isomorphic(graph, one_file)


def test_an_uploaded_workbook_is_read_from_memory_like_the_file(
    graph: rdflib.Graph, templates: Path
) -> None:
    workbook = (templates / "ptce-modele-exemple.xlsx").read_bytes()
    assert isomorphic(graph, to_rdf_located_bytes(workbook, "pole.xlsx")[0])


def test_excel_french_csv_export_reads_the_same(
    graph: rdflib.Graph, example: Path, tmp_path: Path
) -> None:
    """Excel (fr) saves CSV with ';' in Windows-1252: same graph."""
    for path in example.glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            records = list(csv.reader(handle))
        with (tmp_path / path.name).open("w", encoding="cp1252", newline="") as handle:
            csv.writer(handle, delimiter=";").writerows(records)
    assert isomorphic(graph, to_rdf(tmp_path))


def test_blank_templates_give_an_empty_graph(templates: Path, cli) -> None:
    assert len(to_rdf(templates / "vierge")) == 0
    assert len(to_rdf(templates / "ptce-modele-vierge.xlsx")) == 0
    result = cli("convert", str(templates / "ptce-modele-vierge.xlsx"), "--format", "nt")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


@pytest.mark.parametrize(
    ("fmt", "parser"), [("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")]
)
def test_each_format_round_trips(fmt: str, parser: str, graph: rdflib.Graph) -> None:
    data = serialize(graph, fmt)
    assert isomorphic(graph, rdflib.Graph().parse(data=data, format=parser))


def test_cli_writes_the_format_of_the_output_suffix(
    graph: rdflib.Graph, templates: Path, tmp_path: Path, cli
) -> None:
    target = tmp_path / "pole.jsonld"
    result = cli("convert", str(templates / "ptce-modele-exemple.xlsx"), "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert isomorphic(graph, rdflib.Graph().parse(target, format="json-ld"))


def test_is_spreadsheet(templates: Path) -> None:
    assert is_spreadsheet(Path("pole.xlsx")) and is_spreadsheet(Path("MEMBRES.CSV"))
    assert is_spreadsheet(templates / "exemple")
    assert not is_spreadsheet(Path("pole.ttl"))


def test_plm_arrondissement_gets_its_commune(templates: Path, tmp_path: Path) -> None:
    """A Paris arrondissement code (as SIRENE gives it) maps to the commune of Paris, with the
    arrondissement kept, from the table of mappings/sirene-columns.yaml."""
    import yaml

    from ptce_kg.rdf.resources import mappings_dir

    plm = yaml.safe_load((mappings_dir() / "sirene-columns.yaml").read_text(encoding="utf-8"))
    commune, (first, _last) = next(iter(plm["plm_arrondissements"].items()))
    folder = example_folder(tmp_path / "pole")
    members = rows(folder, "membres")
    members[0]["commune"] = first
    with (folder / "membres.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(members[0]))
        writer.writeheader()
        writer.writerows(members)
    graph = to_rdf(folder)
    (slug,) = (row["identifiant"] for row in rows(folder, "pole"))
    (site,) = graph.objects(member_iri(members[0], slug), PTCE.hasEstablishment)
    assert (site, PTCE.commune, URIRef(f"http://id.insee.fr/geo/commune/{commune}")) in graph
    assert (
        site,
        PTCE.municipalArrondissement,
        URIRef(f"http://id.insee.fr/geo/arrondissementMunicipal/{first}"),
    ) in graph
    assert (site, PTCE.communeCode, Literal(first)) in graph
    assert len(set(graph.objects(None, PTCE.municipalArrondissement))) == 1


def reference_column(name: str, column: str, **where: str) -> set[str]:
    from ptce_kg.rdf.resources import data_dir

    with (data_dir() / "reference" / name).open(encoding="utf-8", newline="") as handle:
        return {
            row[column]
            for row in csv.DictReader(handle)
            if all(row[k] == v for k, v in where.items())
        }


def test_example_codes_exist_in_the_reference_data(example: Path, pole: dict[str, str]) -> None:
    """SHACL-free data-quality check of the example: every code exists in the shipped reference
    data, and every member but the real SIRENE unit is located in the pole's territory."""
    legal_forms = reference_column("categories-juridiques.csv", "code")
    naf = reference_column("naf-rev2-codes.csv", "code", niveau="sous-classe")
    epcis = reference_column("epci.csv", "code")
    communes = reference_column("communes.csv", "code")
    territory = set()
    for epci in items(pole["territoire_epci"]):
        assert epci in epcis
        territory |= reference_column("communes.csv", "code", epci=epci)
    territory |= set(items(pole["territoire_communes"]))
    assert territory
    for sheet in ("membres", "partenaires"):
        for row in rows(example, sheet):
            if row["forme_juridique"]:
                assert row["forme_juridique"] in legal_forms, row["identifiant"]
    outside = set()
    for row in rows(example, "membres"):
        if row["naf"]:
            assert row["naf"] in naf, row["identifiant"]
        if row["commune"]:
            assert row["commune"] in communes, row["identifiant"]
            if row["commune"] not in territory:
                outside.add(row["identifiant"])
    # documented in templates/README.md: only the real unit is established elsewhere
    assert {row["identifiant"] for row in rows(example, "membres") if row["siren"]} == outside


def test_optional_columns_and_sheets_may_be_left_out(
    graph: rdflib.Graph, templates: Path, tmp_path: Path
) -> None:
    """Dropping an optional column or a whole optional sheet loses only what it held."""
    folder = example_folder(tmp_path / "pole")
    members = rows(folder, "membres")
    kept = [name for name in members[0] if name != "site_web"]
    with (folder / "membres.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, kept, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(members)
    (folder / "emplois.csv").unlink()
    smaller = to_rdf(folder)
    lost = graph - smaller
    assert len(lost) and not smaller - graph
    jobs = set(graph.subjects(RDF.type, PTCE.JobObservation))
    for s, p, o in lost:
        assert s in jobs or o in jobs or p == PTCE.website, (s, p, o)


def test_activities_skills_and_state_support(
    graph: rdflib.Graph, example: Path, pole: dict[str, str], tmp_path: Path
) -> None:
    import shutil

    slug = pole["identifiant"]
    pole_iri = URIRef(f"{ID}pole/{slug}")
    members = {row["identifiant"]: member_iri(row, slug) for row in rows(example, "membres")}
    for sheet, kind, link in (
        ("activites", "activity", PTCE.economicActivity),
        ("competences", "skill", PTCE.localSkill),
    ):
        for row in rows(example, sheet):
            node = URIRef(f"{ID}pole/{slug}/{kind}/{row['numero']}")
            holder = members[row["membre"]] if row["membre"] else pole_iri
            assert (holder, link, node) in graph
            assert (node, RDFS.label, Literal(row["intitule"], lang="fr")) in graph
    # the example pole was never funded by a State call: add one award to a copy
    assert not rows(example, "soutiens")
    folder = tmp_path / "pole"
    shutil.copytree(example, folder)
    with (folder / "soutiens.csv").open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(["1", "Appel à projets PTCE (exemple fictif)", "2015"])
    support = URIRef(f"{ID}support/{slug}/1")
    funded = to_rdf(folder)
    assert (pole_iri, PTCE.stateSupport, support) in funded
    assert (support, PTCE.awardYear, Literal("2015", datatype=XSD.gYear)) in funded
    assert (support, PTCE.programme, Literal("Appel à projets PTCE (exemple fictif)")) in funded
