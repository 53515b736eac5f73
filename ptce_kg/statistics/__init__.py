"""The ESS statistics cube (W3C RDF Data Cube) of the registry units: the facts it is computed
from (``facts``), their aggregation (``aggregate``, Polars), the observations as RDF (``cube``).
Where and when it is written is ``ptce_kg.kg.statistics``'s job (docs/statistics.md)."""
