"""The jobs of a pole over time as a small SVG line chart, drawn on the server (no script, no
library): one line per unit (headcount, FTE), one point per dated count."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

WIDTH, HEIGHT = 440, 230
_LEFT, _RIGHT, _TOP, _BOTTOM = 48, 44, 28, 44
_COLOURS = ("#1f5f8b", "#c2571a", "#3a7d44", "#7a4a9e")


def jobs_chart(series: Mapping[str, Sequence[tuple[str, float]]], title: str) -> str:
    """An inline ``<svg>``: ``series`` maps a unit's name to its (ISO date, count) points."""
    points = [p for values in series.values() for p in values]
    if not points:
        return ""
    dates = sorted({d for d, _ in points})
    top = max(c for _, c in points) or 1.0
    plot_w, plot_h = WIDTH - _LEFT - _RIGHT, HEIGHT - _TOP - _BOTTOM

    def x(date: str) -> float:
        if len(dates) == 1:
            return _LEFT + plot_w / 2
        return _LEFT + plot_w * dates.index(date) / (len(dates) - 1)

    def y(count: float) -> float:
        return _TOP + plot_h * (1 - count / top)

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}"'
        ' xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{_LEFT}" y1="{_TOP + plot_h}" x2="{WIDTH - _RIGHT}" y2="{_TOP + plot_h}"'
        ' class="axis"/>',
        f'<line x1="{_LEFT}" y1="{_TOP}" x2="{_LEFT}" y2="{_TOP + plot_h}" class="axis"/>',
        f'<text x="{_LEFT - 6}" y="{_TOP + 4}" text-anchor="end">{top:g}</text>',
        f'<text x="{_LEFT - 6}" y="{_TOP + plot_h}" text-anchor="end">0</text>',
    ]
    for date in dates:
        parts.append(
            f'<text x="{x(date):.1f}" y="{HEIGHT - _BOTTOM + 18}" text-anchor="middle">'
            f"{escape(date)}</text>"
        )
    for index, (name, values) in enumerate(series.items()):
        colour = _COLOURS[index % len(_COLOURS)]
        ordered = sorted(values)
        path = " ".join(f"{x(d):.1f},{y(c):.1f}" for d, c in ordered)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for d, c in ordered:
            parts.append(
                f'<circle cx="{x(d):.1f}" cy="{y(c):.1f}" r="4" fill="{colour}">'
                f"<title>{escape(name)} {escape(d)}: {c:g}</title></circle>"
                f'<text x="{x(d):.1f}" y="{y(c) - 8:.1f}" text-anchor="middle">{c:g}</text>'
            )
        parts.append(
            f'<text x="{_LEFT + 8 + 170 * index}" y="{HEIGHT - 4}" fill="{colour}">'
            f"■ {escape(name)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
