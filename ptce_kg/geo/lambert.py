"""Lambert conformal conic coordinates to WGS84 longitude and latitude (exact formulas).

The inverse projection of IGN's note NT/G 71 (algorithm ALG0004; the latitude from the
isometric latitude by its series rather than ALG0002's iteration), with the
constants of RGF93 / Lambert-93 (EPSG:2154) computed from its definition (GRS80 ellipsoid,
standard parallels 44° and 49°, origin 46.5° N 3° E, false origin 700 000 m, 6 600 000 m).
RGF93 and WGS84 agree to within a few centimetres, so no datum shift is applied. Measured against
pyproj in ``bench/coordinates.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

# GRS80 (RGF93)
_A = 6_378_137.0
_F = 1 / 298.257222101
_E = math.sqrt(2 * _F - _F * _F)


def isometric_latitude(phi: float, e: float) -> float:
    """The isometric latitude of latitude ``phi`` (radians) on an ellipsoid of eccentricity e."""
    sin = e * math.sin(phi)
    return math.log(math.tan(math.pi / 4 + phi / 2) * ((1 - sin) / (1 + sin)) ** (e / 2))


def _latitude_series(e: float) -> tuple[float, float, float, float]:
    """Coefficients of sin 2χ…sin 8χ giving the latitude from the conformal latitude χ
    (Snyder 1987, eq. 3-5): 1e-12 rad from IGN's iteration ALG0002, three times faster."""
    e2 = e * e
    e4, e6, e8 = e2 * e2, e2 * e2 * e2, e2 * e2 * e2 * e2
    return (
        e2 / 2 + 5 * e4 / 24 + e6 / 12 + 13 * e8 / 360,
        7 * e4 / 48 + 29 * e6 / 240 + 811 * e8 / 11520,
        7 * e6 / 120 + 81 * e8 / 1120,
        4279 * e8 / 161280,
    )


@dataclass(frozen=True)
class ConicConformal:
    """A Lambert conformal conic projection by IGN's constants: exponent n, constant c,
    pole coordinates (xs, ys), central meridian (radians from Greenwich), eccentricity e."""

    n: float
    c: float
    xs: float
    ys: float
    central_meridian: float
    e: float

    @classmethod
    def secant(
        cls, lat1: float, lat2: float, lat0: float, lon0: float, x0: float, y0: float
    ) -> ConicConformal:
        """The projection with two standard parallels on GRS80 (degrees, metres)."""
        phi1, phi2, phi0 = (math.radians(v) for v in (lat1, lat2, lat0))

        def normal(phi: float) -> float:
            return _A / math.sqrt(1 - (_E * math.sin(phi)) ** 2)

        n = math.log(normal(phi2) * math.cos(phi2) / (normal(phi1) * math.cos(phi1))) / (
            isometric_latitude(phi1, _E) - isometric_latitude(phi2, _E)
        )
        c = normal(phi1) * math.cos(phi1) / n * math.exp(n * isometric_latitude(phi1, _E))
        ys = y0 + c * math.exp(-n * isometric_latitude(phi0, _E))
        return cls(n, c, x0, ys, math.radians(lon0), _E)

    @cached_property
    def _series(self) -> tuple[float, float, float, float]:
        return _latitude_series(self.e)

    def to_geographic(self, x: float, y: float) -> tuple[float, float]:
        """(longitude, latitude) in radians of the projected point (x, y) (ALG0004).

        Raises ValueError at the cone's apex (xs, ys), OverflowError far beyond it."""
        dx, dy = x - self.xs, y - self.ys
        iso = -math.log(abs(math.hypot(dx, dy) / self.c)) / self.n
        chi = 2 * math.atan(math.exp(iso)) - math.pi / 2  # conformal latitude
        a2, a4, a6, a8 = self._series
        sin = math.sin
        lat = chi + a2 * sin(2 * chi) + a4 * sin(4 * chi) + a6 * sin(6 * chi) + a8 * sin(8 * chi)
        return self.central_meridian + math.atan2(dx, -dy) / self.n, lat


LAMBERT_93 = ConicConformal.secant(44.0, 49.0, 46.5, 3.0, 700_000.0, 6_600_000.0)

# EPSG:2154's area of use (metropolitan France and Corsica, with its sea), degrees.
_WEST, _SOUTH, _EAST, _NORTH = (-9.86, 41.15, 10.38, 51.56)


def lambert93_to_wgs84(x: float, y: float) -> tuple[float, float] | None:
    """(longitude, latitude) in degrees of Lambert-93 metres (x, y); None when the point falls
    outside the projection's area of use (metropolitan France), e.g. an overseas establishment
    whose coordinates SIRENE gives in a local UTM zone."""
    try:
        lon, lat = LAMBERT_93.to_geographic(x, y)
    except (ValueError, OverflowError):  # the apex or beyond: nowhere near France
        return None
    lon, lat = math.degrees(lon), math.degrees(lat)
    if not (_WEST <= lon <= _EAST and _SOUTH <= lat <= _NORTH):
        return None
    return lon, lat


def wkt_point(lon: float, lat: float) -> str:
    """A GeoSPARQL WKT point (CRS84 axis order: longitude first), to about 1 cm."""
    return f"POINT({lon:.7f} {lat:.7f})"
