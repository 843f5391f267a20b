"""Distances on the Earth's surface: the one place where a kilometre is computed."""

from math import asin, cos, degrees, radians, sin, sqrt

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG), in kilometres."""

# Bounds are widened by this much so rounding never lets them cut a disc short.
BOUNDS_MARGIN_DEG = 1e-6


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the haversine distance in km between two points given in degrees."""
    phi1 = radians(lat1)
    phi2 = radians(lat2)
    sin_half_dphi = sin((phi2 - phi1) / 2)
    sin_half_dlambda = sin(radians(lon2 - lon1) / 2)
    h = sin_half_dphi * sin_half_dphi + cos(phi1) * cos(phi2) * sin_half_dlambda * sin_half_dlambda
    return 2 * EARTH_RADIUS_KM * asin(sqrt(min(1.0, h)))


def disc_bounds(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """Return (lat_min, lat_max, lon_min, lon_max) in degrees enclosing a disc on the sphere.

    The longitude bounds may run past ±180 (the caller wraps them); a disc that holds
    a pole, or is too wide for the formula, spans every longitude.
    """
    angle = radius_km / EARTH_RADIUS_KM
    spread = degrees(angle) + BOUNDS_MARGIN_DEG
    lat_min = max(-90.0, lat - spread)
    lat_max = min(90.0, lat + spread)
    if lat_min <= -90.0 or lat_max >= 90.0 or angle >= 1.5:
        return lat_min, lat_max, -180.0, 180.0
    # Widest longitude reach of a spherical cap, at the parallel where it is tangent.
    ratio = sin(angle) / cos(radians(lat))
    if ratio >= 1.0:
        return lat_min, lat_max, -180.0, 180.0
    lon_spread = degrees(asin(ratio)) + BOUNDS_MARGIN_DEG
    return lat_min, lat_max, lon - lon_spread, lon + lon_spread
