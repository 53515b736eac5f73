"""Lambert-93 → WGS84 against IGN's published figures (note NT/G 71: the test set of algorithm
ALG0004, and the constants of Lambert-93) and the projection's definition (its origin)."""

from __future__ import annotations

import re

import pytest

from ptce_kg.geo.lambert import LAMBERT_93, ConicConformal, lambert93_to_wgs84, wkt_point


def test_ign_alg0004_test_set() -> None:
    # NT/G 71, ALG0004 ("transformation de coordonnées Lambert en coordonnées géographiques"),
    # jeu d'essai: Lambert I constants, point (1029705.083, 272723.849).
    lambert_1 = ConicConformal(
        n=0.7604059656,
        c=11603796.98,
        xs=600000.0,
        ys=5657616.674,
        central_meridian=0.04079234433,
        e=0.08248325676,
    )
    lon, lat = lambert_1.to_geographic(1029705.083, 272723.849)
    assert lon == pytest.approx(0.145512099, abs=1e-9)
    assert lat == pytest.approx(0.872664626, abs=1e-9)


def test_lambert93_constants_are_ign_s() -> None:
    # IGN's published constants of RGF93 / Lambert-93 (computed here from its definition).
    assert LAMBERT_93.n == pytest.approx(0.7256077650, abs=1e-10)
    assert LAMBERT_93.c == pytest.approx(11754255.426, abs=1e-3)
    assert LAMBERT_93.ys == pytest.approx(12655612.050, abs=1e-3)
    assert LAMBERT_93.xs == 700000.0


def test_origin_and_a_point_north() -> None:
    lon, lat = lambert93_to_wgs84(700000.0, 6600000.0) or (None, None)
    assert lon == pytest.approx(3.0, abs=1e-9) and lat == pytest.approx(46.5, abs=1e-9)
    # On the central meridian, northing grows with latitude and longitude stays 3° E.
    north = lambert93_to_wgs84(700000.0, 7000000.0)
    assert north is not None and north[0] == pytest.approx(3.0) and north[1] > 46.5


@pytest.mark.parametrize(
    "x, y",
    [
        (340000.0, 7680000.0),  # a UTM-like pair of an overseas establishment
        (0.0, 0.0),
        (700000.0, 1e12),
        (float("nan"), 6600000.0),
        (700000.0, LAMBERT_93.ys),  # the cone's apex
        (float("inf"), 6600000.0),
    ],
)
def test_outside_metropolitan_france_is_none(x: float, y: float) -> None:
    assert lambert93_to_wgs84(x, y) is None


def test_wkt_point_is_longitude_first() -> None:
    text = wkt_point(-0.355363992, 43.27772121)
    assert text == "POINT(-0.3553640 43.2777212)"
    assert re.fullmatch(r"POINT\(-?\d+\.\d{7} -?\d+\.\d{7}\)", text)
