"""Geography: projected coordinates to WGS84 points, and the boundaries the map draws."""
