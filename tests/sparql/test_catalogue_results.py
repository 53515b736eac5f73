"""Each named query on the data ``ptce-kg init`` loads, against a result computed from the
source facts in Python (``sources.py``), never from the query's own output."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, RDFS, URIRef

from ptce_kg.sparql.catalogue import Catalogue
from tests.helpers.catalogue import GEO, ID, ORG, PTCE, VOCAB, Sources, key

SKOS_BROADER = URIRef("http://www.w3.org/2004/02/skos/core#broader")
AC = f"{VOCAB}actor-category/"
OTHER_CATEGORIES = {
    "local-authority",
    "local-authority-grouping",
    "research-centre",
    "higher-education-research",
    "training-body",
    "natural-person",
    "other-legal-person",
}


def test_catalogue_has_the_questions_of_the_issue(catalogue: Catalogue) -> None:
    assert len(catalogue) >= 15
    for query in catalogue:
        assert query.summary["fr"] and query.summary["en"], query.name
        assert query.description["fr"] and query.description["en"], query.name
        assert query.summary["fr"] != query.summary["en"], f"{query.name}: translate the summary"
        assert query.tags, f"{query.name} needs tags"
        assert "ORDER BY" in query.text, f"{query.name} must order its rows"
    params = [p for query in catalogue for p in query.params]
    assert any(p.default is not None for p in params)
    assert any(p.allowed for p in params)
    assert {p.type for p in params} >= {"iri", "string", "date", "boolean"}


def test_every_query_runs_with_every_parameter_bound(catalogue: Catalogue, run_query) -> None:
    """A bound parameter must be projected (Oxigraph refuses it otherwise) and well typed."""
    samples = {
        "iri": "https://w3id.org/ptce/id/pole/sarthe-exemple",
        "string": "123456789",
        "date": "2020-01-01",
        "boolean": "true",
    }
    for query in catalogue:
        params = {}
        for p in query.params:
            params[p.name] = p.allowed[0] if p.allowed else samples[p.type]
        assert isinstance(run_query(query.name, **params), list)


def test_pole_members_roles_and_categories(run_query, sources: Sources) -> None:
    for pole in sources.demo_poles():
        expected = {
            (str(sources.g.value(m, ORG.member)), str(role))
            for m in sources.memberships(pole)
            for role in sources.g.objects(m, ORG.role)
        }
        rows = run_query("pole-members", pole=str(pole))
        assert {(r["member"], r["role"]) for r in rows} == expected
        assert all(r["pole"] == str(pole) for r in rows)
    sarthe = URIRef(f"{ID}pole/sarthe-exemple")
    ess = {
        str(m)
        for m in sources.members(sarthe)
        if (m, PTCE.actorCategory, URIRef(AC + "ess-enterprise")) in sources.g
    }
    rows = run_query("pole-members", pole="sarthe-exemple", category="ess-enterprise")
    assert {r["member"] for r in rows} == ess and ess
    founders = {
        str(sources.g.value(m, ORG.member))
        for m in sources.memberships(sarthe)
        if (m, ORG.role, URIRef(f"{VOCAB}member-role/founder")) in sources.g
    }
    assert {
        r["member"] for r in run_query("pole-members", pole="sarthe-exemple", role="founder")
    } == founders


def test_ess_share_by_pole(run_query, sources: Sources) -> None:
    rows = {r["pole"]: r for r in run_query("ess-share-by-pole")}
    assert set(rows) == {str(p) for p in sources.demo_poles()}  # the known PTCE have no members
    for pole in sources.demo_poles():
        members = sources.members(pole)
        ess = [m for m in members if sources.ess_family(m)]
        declared = [
            m
            for m in members
            if (m, PTCE.actorCategory, URIRef(AC + "ess-enterprise")) in sources.g
        ]
        row = rows[str(pole)]
        assert int(row["members"]) == len(members)
        assert int(row["essMembers"]) == len(ess)
        assert int(row["declaredEss"]) == len(declared)
        assert Decimal(row["essShare"]) == pytest.approx(Decimal(len(ess)) / len(members))


def test_member_legal_forms(run_query, sources: Sources) -> None:
    for pole in sources.demo_poles():
        expected = Counter(
            (sources.legal_form(m), sources.ess_family(m)) for m in sources.members(pole)
        )
        got = Counter()
        for r in run_query("member-legal-forms", pole=str(pole)):
            form = key(r["legalForm"], f"{VOCAB}legal-form/") if "legalForm" in r else None
            family = key(r["essFamily"], f"{VOCAB}ess-family/") if "essFamily" in r else None
            got[(form, family)] += int(r["members"])
        assert got == expected


def test_naf_sections_by_pole(run_query, sources: Sources) -> None:
    for pole in sources.demo_poles():
        expected: Counter[str] = Counter()
        for member in sources.members(pole):
            codes = {str(c) for c in sources.g.objects(member, PTCE.activityCode)}
            codes |= {
                str(c)
                for s in sources.g.objects(member, PTCE.hasEstablishment)
                for c in sources.g.objects(s, PTCE.activityCode)
            }
            for section in {sources.naf_section[c] for c in codes if c in sources.naf_section}:
                expected[section] += 1
        rows = run_query("naf-sections-by-pole", pole=str(pole))
        assert (
            Counter(
                {
                    key(r["section"], "http://id.insee.fr/codes/nafr2/section/"): int(r["members"])
                    for r in rows
                }
            )
            == expected
        )
    assert {r["section"] for r in run_query("naf-sections-by-pole", section="Q")} <= {
        "http://id.insee.fr/codes/nafr2/section/Q"
    }


def test_cooperation_levels(run_query, sources: Sources) -> None:
    import rdflib

    from ptce_kg.rdf.resources import ontology_dir

    vocab = rdflib.Graph().parse(ontology_dir() / "vocab" / "cooperation-level.ttl")
    rank = {str(c): int(r) for c, r in vocab.subject_objects(PTCE.rank)}

    def top(level: URIRef) -> str:
        return str(level) if str(level) in rank else str(vocab.value(level, SKOS_BROADER))

    for pole in sources.demo_poles():
        expected = {
            (
                str(c),
                top(sources.g.value(c, PTCE.cooperationLevel)),
                len(set(sources.g.objects(c, PTCE.participant))),
            )
            for c in sources.g.subjects(PTCE.withinGrouping, pole)
        }
        rows = run_query("cooperation-levels", pole=str(pole))
        assert {(r["cooperation"], r["level"], int(r["participants"])) for r in rows} == expected
        ranks = [int(r["rank"]) for r in rows]
        assert ranks == sorted(ranks, reverse=True)
        assert all(int(r["rank"]) == rank[r["level"]] for r in rows)
    strategic = run_query("cooperation-levels", level="strategic")
    assert strategic and {r["level"] for r in strategic} == {f"{VOCAB}cooperation-level/strategic"}


def test_poles_sharing_members(
    run_query, run_shared, sources: Sources, shared_fixture: Path
) -> None:
    demo = sources.demo_poles()
    expected_demo = {
        (str(a), str(b))
        for a in demo
        for b in demo
        if a != b and sources.members(a) & sources.members(b)
    }
    assert {
        (r["pole"], r["otherPole"]) for r in run_query("poles-sharing-members")
    } == expected_demo
    # with the fixture pole: it shares one member with each of two example poles
    fixture = rdflib.Graph().parse(shared_fixture)
    extra = URIRef(f"{ID}pole/partage-exemple")
    extra_members = {
        fixture.value(m, ORG.member) for m in fixture.subjects(ORG.organization, extra)
    }
    expected = {}
    for pole in demo:
        shared = sources.members(pole) & extra_members
        if shared:
            expected[(str(extra), str(pole))] = shared
            expected[(str(pole), str(extra))] = shared
    rows = run_shared("poles-sharing-members")
    assert {
        (r["pole"], r["otherPole"]): {URIRef(m) for m in r["members"].split()} for r in rows
    } == expected
    assert len(expected) == 4
    assert {
        r["otherPole"] for r in run_shared("poles-sharing-members", pole="partage-exemple")
    } == {str(p) for p in demo if sources.members(p) & extra_members}


def test_members_outside_territory(run_query, sources: Sources) -> None:
    expected = set()
    for pole in sources.demo_poles():
        perimeter = sources.perimeter(pole)
        for member in sources.members(pole):
            communes = sources.site_communes(member)
            if communes and not any(sources.areas_of_commune(c) & perimeter for c in communes):
                expected.add((str(pole), str(member)))
    assert {(r["pole"], r["member"]) for r in run_query("members-outside-territory")} == expected
    assert expected  # the example data has such members on purpose


def test_jobs_by_pole(run_query, sources: Sources) -> None:
    for pole in sources.demo_poles():
        observations = {
            (
                str(sources.g.value(o, PTCE.jobUnit)),
                str(sources.g.value(o, PTCE.observationDate)),
                float(sources.g.value(o, PTCE.jobCount)),
            )
            for o in sources.g.objects(pole, PTCE.jobObservation)
        }
        rows = run_query("jobs-by-pole", pole=str(pole))
        assert {(r["jobUnit"], r["date"], float(r["jobs"])) for r in rows} == observations
        assert [(r["jobUnit"], r["date"]) for r in rows] == sorted(
            (r["jobUnit"], r["date"]) for r in rows
        )
        later = run_query("jobs-by-pole", pole=str(pole), since="2025-01-01", jobUnit="headcount")
        assert {(r["date"], float(r["jobs"])) for r in later} == {
            (d, n) for u, d, n in observations if d >= "2025-01-01" and u.endswith("/headcount")
        }


def test_poles_by_theme(run_query, sources: Sources) -> None:
    expected = set()
    for pole in sources.poles():
        themes = set(sources.g.objects(pole, PTCE.theme))
        themes |= {
            t
            for p in sources.g.objects(pole, PTCE.project)
            for t in sources.g.objects(p, PTCE.theme)
        }
        expected |= {(str(t), str(pole)) for t in themes}
    assert {(r["theme"], r["pole"]) for r in run_query("poles-by-theme")} == expected
    mobility = run_query("poles-by-theme", theme="mobility")
    assert {r["pole"] for r in mobility} == {p for t, p in expected if t.endswith("/mobility")}


def test_poles_by_innovation_type(run_query, sources: Sources) -> None:
    expected: Counter[tuple[str, str]] = Counter()
    for pole in sources.poles():
        for project in sources.g.objects(pole, PTCE.project):
            for kind in sources.g.objects(project, PTCE.innovationType):
                expected[(str(kind), str(pole))] += 1
    rows = run_query("poles-by-innovation-type")
    assert Counter({(r["innovationType"], r["pole"]): int(r["projects"]) for r in rows}) == expected


def test_poles_by_strategy_mode(run_query, sources: Sources) -> None:
    expected = {
        (str(mode), str(pole), len(set(sources.g.objects(strategy, PTCE.sharedBy))))
        for pole in sources.poles()
        for strategy in sources.g.objects(pole, PTCE.strategy)
        for mode in sources.g.objects(strategy, PTCE.strategyMode)
    }
    assert {
        (r["strategyMode"], r["pole"], int(r["sharedBy"]))
        for r in run_query("poles-by-strategy-mode")
    } == expected
    pooling = run_query("poles-by-strategy-mode", strategyMode="pooling")
    assert {r["pole"] for r in pooling} == {p for m, p, _ in expected if m.endswith("/pooling")}


def test_potential_members(run_query, sources: Sources) -> None:
    expected = set()
    for pole in sources.poles():
        perimeter = sources.perimeter(pole)
        for unit in sources.registry_units():
            family = sources.ess_family(unit)
            if not family or sources.ceased(unit) or unit in sources.members(pole):
                continue
            if any(sources.areas_of_commune(c) & perimeter for c in sources.site_communes(unit)):
                expected.add((str(pole), str(unit), family))
    rows = run_query("potential-members")
    assert {
        (r["pole"], r["unit"], key(r["essFamily"], f"{VOCAB}ess-family/")) for r in rows
    } == expected
    assert expected  # real sample units lie in real PTCE territories


def test_eligible_poles_state_call(run_query, sources: Sources) -> None:
    def counts(pole: URIRef) -> tuple[int, int, int, int]:
        members = [m for m in sources.members(pole) if not sources.ceased(m)]
        legal = [
            m
            for m in members
            if (f := sources.legal_form(m))
            and not (f == "1000" or f.startswith("2") or f == "9210")
        ]
        ess = [m for m in members if sources.ess_family(m)]
        non_ess = [
            m
            for m in members
            if not sources.ess_family(m)
            and (
                (m, PTCE.actorCategory, URIRef(AC + "enterprise")) in sources.g
                or (sources.legal_form(m) or "").startswith("5")
            )
        ]
        other = [
            m
            for m in members
            if any(key(c, AC) in OTHER_CATEGORIES for c in sources.g.objects(m, PTCE.actorCategory))
        ]
        return len(legal), len(ess), len(non_ess), len(other)

    rows = {r["pole"]: r for r in run_query("eligible-poles-state-call")}
    assert set(rows) == {str(p) for p in sources.demo_poles()}
    for pole in sources.demo_poles():
        legal, ess, non_ess, other = counts(pole)
        row = rows[str(pole)]
        got = tuple(
            int(row[k])
            for k in ("legalPersons", "essEnterprises", "nonEssEnterprises", "otherPersons")
        )
        assert got == (legal, ess, non_ess, other), pole
        assert (
            row["eligible"] == str(legal >= 3 and ess >= 1 and non_ess >= 1 and other >= 1).lower()
        )
    only = run_query("eligible-poles-state-call", onlyEligible="true")
    assert {r["pole"] for r in only} == {p for p, r in rows.items() if r["eligible"] == "true"}
    assert len(only) < len(rows)  # the non-conforming example is not eligible


@pytest.mark.parametrize(
    "area", [f"{GEO}region/11", f"{GEO}region/52", f"{GEO}departement/75", f"{GEO}commune/49007"]
)
def test_ess_population_by_family(run_query, sources: Sources, area: str) -> None:
    expected: Counter[str] = Counter()
    for unit in sources.registry_units():
        family = sources.ess_family(unit)
        if (
            family
            and not sources.ceased(unit)
            and any(area in sources.areas_of_commune(c) for c in sources.site_communes(unit))
        ):
            expected[family] += 1
    assert expected  # each of these areas holds at least one sample unit
    rows = run_query("ess-population-by-family", area=area)
    assert (
        Counter({key(r["essFamily"], f"{VOCAB}ess-family/"): int(r["units"]) for r in rows})
        == expected
    )


def test_known_ptce_without_members(run_query, sources: Sources) -> None:
    expected = {str(p) for p in sources.poles() if not sources.memberships(p)}
    rows = run_query("known-ptce-without-members")
    assert {r["pole"] for r in rows} == expected
    assert len(rows) == 39  # the 39 rows of data/known-ptce/ptce-connus.csv
    assert all(r["membersKnown"] == "false" for r in rows)


def test_organisation_by_siren(run_query, sources: Sources) -> None:
    for unit in sources.registry_units():
        siren = str(sources.g.value(unit, PTCE.siren))
        rows = run_query("organisation-by-siren", siren=siren)
        assert len(rows) == 1
        row = rows[0]
        assert row["organisation"] == str(unit)
        assert row["organisationLabel"] == str(sources.g.value(unit, RDFS.label))
        assert key(row["legalForm"], f"{VOCAB}legal-form/") == sources.legal_form(unit)
        poles = {
            str(m_pole)
            for m in sources.g.subjects(ORG.member, unit)
            for m_pole in sources.g.objects(m, ORG.organization)
        }
        assert set(row.get("poles", "").split()) == poles
    assert run_query("organisation-by-siren", siren="000000000") == []


@pytest.mark.parametrize("level", ["departement", "region"])
def test_poles_by_territory(run_query, sources: Sources, level: str) -> None:
    expected = {
        (area, str(pole)) for pole in sources.poles() for area in sources.pole_levels(pole, level)
    }
    assert expected
    rows = run_query(f"poles-by-{level}")
    assert {(r[level], r["pole"]) for r in rows} == expected
    # ordered by the area's IRI then the pole's (the query sorts on the area's INSEE code)
    assert [(r[level], r["pole"]) for r in rows] == sorted(expected)
    assert all(r[f"{level}Label"] for r in rows)
    code = {"departement": "72", "region": "52"}[level]
    assert {r["pole"] for r in run_query(f"poles-by-{level}", **{level: code})} == {
        p for a, p in expected if a == f"{GEO}{level}/{code}"
    }


def test_poles_search(run_query, sources: Sources) -> None:
    for text in ("estuaire", "PTCE", "exemple FICTIF"):
        expected = {
            str(p)
            for p in sources.poles()
            if any(text.lower() in str(label).lower() for label in sources.g.objects(p, RDFS.label))
        }
        assert {r["pole"] for r in run_query("poles-search", text=text)} == expected and expected
    assert len(run_query("poles-search")) == len(sources.poles())  # empty text: every pole
    assert all(
        sources.g.value(URIRef(r["pole"]), RDF.type) == PTCE.Pole for r in run_query("poles-search")
    )


@pytest.mark.parametrize("level", ["departement", "region", "intercommunalite"])
def test_ess_units_by_territory(run_query, sources: Sources, level: str) -> None:
    expected: Counter[tuple[str, str]] = Counter()
    for unit in sources.registry_units():
        family = sources.ess_family(unit)
        if family and not sources.ceased(unit):
            areas = {a for c in sources.site_communes(unit) for a in sources.areas_of_commune(c)}
            for area in areas:
                if f"/{level}/" in area:
                    expected[(area, family)] += 1
    assert expected
    kind = {
        "departement": "Departement",
        "region": "Region",
        "intercommunalite": "Intercommunalite",
    }
    rows = run_query("ess-units-by-territory", level=kind[level])
    got = {(r["area"], key(r["essFamily"], f"{VOCAB}ess-family/")): int(r["units"]) for r in rows}
    assert got == dict(expected)


def test_ess_share_by_territory(run_query, sources: Sources) -> None:
    counts: dict[str, list[int]] = {}
    for unit in sources.registry_units():
        for site in sources.open_sites(unit):
            for commune in sources.g.objects(site, PTCE.commune):
                row = sources.communes[key(commune, f"{GEO}commune/")]
                ess_total = counts.setdefault(f"{GEO}departement/{row['departement']}", [0, 0])
                ess_total[0] += 1 if sources.ess_family(unit) else 0
                ess_total[1] += 1
    assert counts
    rows = run_query("ess-share-by-territory", level="Departement")
    got = {r["area"]: [int(r["essEstablishments"]), int(r["establishments"])] for r in rows}
    assert got == counts
    for r in rows:
        assert Decimal(r["essShare"]) == pytest.approx(
            Decimal(r["essEstablishments"]) / Decimal(r["establishments"])
        )


def test_units_by_ess_family_and_flag(run_query, sources: Sources) -> None:
    # the shipped units have no SIRENE flag: every unit is "unknown" on the flag dimension
    expected = Counter(sources.ess_family(u) or "unknown" for u in sources.registry_units())
    rows = run_query("units-by-ess-family-and-flag")
    assert {key(r["flag"], f"{VOCAB}sirene-ess-flag/") for r in rows} == {"unknown"}
    got = {r["essCategory"].rsplit("/", 1)[1]: int(r["units"]) for r in rows}
    assert got == dict(expected)
