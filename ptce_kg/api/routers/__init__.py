"""The web service's routes, one module per area, registered in ``ptce_kg.api.app``."""
