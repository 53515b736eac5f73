"""The HTTP face of ptce-kg: ``create_app(settings, store)`` in ``ptce_kg.api.app``.

Nothing is imported here so that ``ptce_kg.sparql.negotiation`` stays usable without FastAPI loaded.
"""
