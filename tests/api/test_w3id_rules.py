"""The w3id.org redirect rules (``w3id/.htaccess``, the ``ptce/`` folder of perma-id/w3id.org):
each rule parses, every kind of IRI of ours is redirected by one of them, and the address it
redirects to is a route of the service that answers for it, in HTML and in RDF."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ptce_kg.api.app import create_app
from ptce_kg.settings import Settings

HTACCESS = Path(__file__).resolve().parents[2] / "w3id" / ".htaccess"
NAMESPACE = "https://w3id.org/ptce/"
SERVICE = re.compile(r"^RewriteRule \^ - \[E=PTCE_SERVICE:(https://[^\]]+)\]$")
RULE = re.compile(r"^RewriteRule (\^\S*\$) (\S+) \[([A-Z0-9=,]+)\]$")
# One IRI of each kind the graph has (design.md §1), from the demo data.
IRIS = [
    "https://w3id.org/ptce/",
    "https://w3id.org/ptce/ontology",
    "https://w3id.org/ptce/ontology/0.1.0",
    "https://w3id.org/ptce/vocab",
    "https://w3id.org/ptce/vocab/theme",
    "https://w3id.org/ptce/vocab/theme/circular-economy",
    "https://w3id.org/ptce/vocab/legal-form/5458",
    "https://w3id.org/ptce/id/pole/sarthe-exemple",
    "https://w3id.org/ptce/id/org/338365059",
    "https://w3id.org/ptce/id/membership/sarthe-exemple/1",
    "https://w3id.org/ptce/id/jobs/sarthe-exemple/2025-12-31-fte",
    "https://w3id.org/ptce/graph/pole/sarthe-exemple",
    "https://w3id.org/ptce/graph/reference/cog",
]


def rules() -> tuple[str, list[tuple[re.Pattern[str], str, str]]]:
    """The service's address and the (pattern, target, flags) of each redirect."""
    service = None
    found = []
    for line in HTACCESS.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line.startswith("RewriteRule"):
            continue
        if match := SERVICE.match(line):
            service = match.group(1)
            continue
        match = RULE.match(line)
        assert match, f"a RewriteRule this test cannot read: {line}"
        pattern, target, flags = match.groups()
        assert "R=303" in flags.split(",") and "L" in flags.split(","), line
        found.append((re.compile(pattern), target, flags))
    assert service is not None
    return service, found


def redirect(iri: str) -> tuple[str, int]:
    """The address the rules send ``iri`` to (Apache's substitution), and which rule did."""
    service, found = rules()
    path = iri.removeprefix(NAMESPACE)
    for index, (pattern, target, _) in enumerate(found):
        match = pattern.match(path)
        if match:
            address = target.replace("%{ENV:PTCE_SERVICE}", service)
            for number, group in enumerate(match.groups(), start=1):
                address = address.replace(f"${number}", group or "")
            return address, index
    raise AssertionError(f"no rule redirects {iri}")


@pytest.fixture(scope="module")
def client(demo_store) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), demo_store)) as test_client:
        yield test_client


def test_every_rule_is_used_and_targets_the_service():
    service, found = rules()
    used = {redirect(iri)[1] for iri in IRIS}
    assert used == set(range(len(found)))
    for iri in IRIS:
        assert redirect(iri)[0].startswith(service + "/")


@pytest.mark.parametrize("iri", IRIS)
def test_each_redirect_target_is_a_route_that_answers(client: TestClient, iri: str):
    service, _ = rules()
    path = redirect(iri)[0].removeprefix(service)
    html = client.get(path, headers={"Accept": "text/html"})
    assert html.status_code == 200, (iri, path, html.text[:300])
    assert html.headers["content-type"].startswith("text/html") or path in ("/vocab",)
    if path not in ("/", "/vocab"):
        turtle = client.get(path, headers={"Accept": "text/turtle"})
        assert turtle.status_code == 200, (iri, path)
        assert turtle.headers["content-type"].startswith("text/turtle")


def test_an_iri_outside_our_patterns_is_not_redirected():
    for iri in ("https://w3id.org/ptce/id/", "https://w3id.org/ptce/other", NAMESPACE + "x/y"):
        with pytest.raises(AssertionError, match="no rule"):
            redirect(iri)
