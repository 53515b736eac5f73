"""Lambert conformal conic coordinates to WGS84 longitude and latitude (exact formulas).

The inverse projection of IGN's note NT/G 71 (algorithms ALG0004 and ALG0002), with the
constants of RGF93 / Lambert-93 (EPSG:2154) computed from its definition (GRS80 ellipsoid,
standard parallels 44° and 49°, origin 46.5° N 3° E, false origin 700 000 m, 6 600 000 m).
RGF93 and WGS84 agree to within a few centimetres, so no datum shift is applied. Measured against
pyproj in ``bench/coordinates.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# GRS80 (RGF93)
_A = 6_378_137.0
_F = 1 / 298.257222101
_E = math.sqrt(2 * _F - _F * _F)
_TOLERANCE = 1e-12  # radians: ALG0002 stops when the latitude moves less than this


def isometric_latitude(phi: float, e: float) -> float:
    """The isometric latitude of latitude ``phi`` (radians) on an ellipsoid of eccentricity e."""
    sin = e * math.sin(phi)
    return math.log(math.tan(math.pi / 4 + phi / 2) * ((1 - sin) / (1 + sin)) ** (e / 2))


def latitude_from_isometric(iso: float, e: float) -> float:
    """The latitude (radians) of an isometric latitude (ALG0002, fixed-point iteration)."""
    exp = math.exp(iso)
    phi = 2 * math.atan(exp) - math.pi / 2
    for _ in range(50):  # converges in about 6 steps at French latitudes
        sin = e * math.sin(phi)
        following = 2 * math.atan(((1 + sin) / (1 - sin)) ** (e / 2) * exp) - math.pi / 2
        if abs(following - phi) < _TOLERANCE:
            return following
        phi = following
    return phi


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

    def to_geographic(self, x: float, y: float) -> tuple[float, float]:
        """(longitude, latitude) in radians of the projected point (x, y) (ALG0004)."""
        dx, dy = x - self.xs, y - self.ys
        radius = math.hypot(dx, dy)
        gamma = math.atan2(dx, -dy)
        iso = -math.log(abs(radius / self.c)) / self.n
        return self.central_meridian + gamma / self.n, latitude_from_isometric(iso, self.e)


LAMBERT_93 = ConicConformal.secant(44.0, 49.0, 46.5, 3.0, 700_000.0, 6_600_000.0)

# EPSG:2154's area of use (metropolitan France and Corsica, with its sea), degrees.
_AREA = (-9.86, 41.15, 10.38, 51.56)


def lambert93_to_wgs84(x: float, y: float) -> tuple[float, float] | None:
    """(longitude, latitude) in degrees of Lambert-93 metres (x, y); None when the point falls
    outside the projection's area of use (metropolitan France), e.g. an overseas establishment
    whose coordinates SIRENE gives in a local UTM zone."""
    lon, lat = (math.degrees(v) for v in LAMBERT_93.to_geographic(x, y))
    west, south, east, north = _AREA
    if not (west <= lon <= east and south <= lat <= north):
        return None
    return lon, lat


def wkt_point(lon: float, lat: float) -> str:
    """A GeoSPARQL WKT point (CRS84 axis order: longitude first), to about 1 cm."""
    return f"POINT({lon:.7f} {lat:.7f})"
