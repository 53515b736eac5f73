"""The jobs chart: one point per dated count and one line per unit, texts escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ptce_kg.pages.chart import jobs_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_one_point_per_count_and_one_line_per_unit():
    series = {
        "Effectif": [("2023-12-31", 42.0), ("2024-12-31", 47.0), ("2025-12-31", 53.0)],
        "ETP": [("2025-12-31", 38.5)],
    }
    svg = ET.fromstring(jobs_chart(series, "Emplois"))
    assert len(svg.findall(f"{SVG}circle")) == 4
    assert len(svg.findall(f"{SVG}polyline")) == 2
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "53" in texts and "38.5" in texts and "2024-12-31" in texts


def test_names_are_escaped_and_no_counts_make_no_chart():
    svg = jobs_chart({"<script>": [("2024-01-01", 1.0)]}, 'a"b')
    assert "<script>" not in svg
    ET.fromstring(svg)  # well-formed
    assert jobs_chart({}, "Emplois") == ""
