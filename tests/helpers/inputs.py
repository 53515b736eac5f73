"""Inputs crafted from the project's real files: a pole file that speaks of what its pole does
not own, workbooks and CSV files the template refuses, a query that runs "forever"."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import openpyxl

from tests.helpers.files import demo_file, template_file

SARTHE, ESTUAIRE = "sarthe-exemple", "estuaire-exemple"
ID = "https://w3id.org/ptce/id/"
PREFIXES = """
@prefix ptce: <https://w3id.org/ptce/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
"""
# What a hostile or careless sarthe-exemple file adds to its real data, and the subject that
# must be named in the refusal. One case per category of docs/design.md §5.
HOSTILE = {
    "another pole's label": (
        f'<{ID}pole/{ESTUAIRE}> rdfs:label "Pôle repris par la Sarthe"@fr .',
        f"{ID}pole/{ESTUAIRE}",
    ),
    "another pole's resource": (
        f'<{ID}project/{ESTUAIRE}/1> rdfs:label "Projet repris"@fr .',
        f"{ID}project/{ESTUAIRE}/1",
    ),
    "membership in another pole": (
        f"<{ID}membership/{SARTHE}/99> a ptce:Membership ;\n"
        f"    org:organization <{ID}pole/{ESTUAIRE}> ;\n"
        f"    org:member <{ID}org/exemple-ressourcerie-du-maine> .",
        f"{ID}membership/{SARTHE}/99",
    ),
    "another pole's job count": (
        f"<{ID}pole/{SARTHE}> ptce:jobObservation <{ID}jobs/{ESTUAIRE}/2024-12-31> .",
        f"{ID}pole/{SARTHE}",
    ),
    "class definition": (
        f"<{ID}pole/{SARTHE}/skill/1> a owl:Class ; rdfs:subClassOf ptce:LocalSkill .",
        f"{ID}pole/{SARTHE}/skill/1",
    ),
    "reference-data IRI statement": (
        '<http://id.insee.fr/geo/commune/72181> rdfs:label "Le Mans (renommée)"@fr .',
        "http://id.insee.fr/geo/commune/72181",
    ),
    "legal-form statement": (
        "<https://w3id.org/ptce/vocab/legal-form/5499> ptce:essFamily "
        "<https://w3id.org/ptce/vocab/ess-family/cooperative> .",
        "https://w3id.org/ptce/vocab/legal-form/5499",
    ),
    "ontology term statement": (
        'ptce:Pole rdfs:label "Pôle (redéfini)"@fr .',
        "https://w3id.org/ptce/ontology#Pole",
    ),
    "organisation it does not name": (
        f'<{ID}org/exemple-garage-solidaire-estuaire> rdfs:label "Garage repris"@fr .',
        f"{ID}org/exemple-garage-solidaire-estuaire",
    ),
}


def hostile_file(case: str) -> bytes:
    """sarthe-exemple's real file with the statement of ``case`` added."""
    extra, _ = HOSTILE[case]
    return demo_file(SARTHE).read_bytes() + f"\n{PREFIXES}\n{extra}\n".encode()


def french_date_workbook() -> bytes:
    """The template's example workbook with one date typed the French way (01/09/2022)."""
    workbook = openpyxl.load_workbook(template_file("ptce-modele-exemple.xlsx"))
    sheet = workbook["membres"]
    column = [cell.value for cell in sheet[1]].index("date_entree") + 1
    sheet.cell(row=2, column=column, value="01/09/2022")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def example_folder(folder: Path) -> Path:
    """``folder``, created with a copy of the template example's CSV files (to edit them)."""
    shutil.copytree(template_file("exemple"), folder)
    return folder


def unknown_columns_csv() -> bytes:
    """The example's ``membres.csv`` with two columns the template does not have."""
    path = template_file("exemple") / "membres.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] += ",remarque,couleur"
    lines[1:] = [line + ",," for line in lines[1:]]
    return ("\n".join(lines) + "\n").encode()


# A query that runs "forever" on any store with a few triples (3 triples to the power 30 on the
# conformance data): far more work than any test's time limit allows; never timed.
CARTESIAN = (
    "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(30)) + " }"
)
