"""The store layer: embedded Oxigraph or a remote SPARQL endpoint behind one ``Store`` protocol."""

from __future__ import annotations

from ptce_kg.settings import Settings
from ptce_kg.store.base import GraphInfo, QueryResult, Store
from ptce_kg.store.oxigraph import OxigraphStore
from ptce_kg.store.remote import RemoteStore


def open_store(settings: Settings, *, create: bool) -> Store:
    """The store the settings name: the remote endpoint when set, else the on-disk store.

    Only writers may ``create`` an on-disk store; readers get ``StoreNotFound`` instead.
    """
    if settings.endpoint:
        return RemoteStore(
            settings.endpoint,
            settings.update_endpoint,
            settings.gsp_endpoint,
            timeout=max(settings.query_timeout, 60.0),
        )
    return OxigraphStore(settings.store, create=create)


__all__ = ["GraphInfo", "OxigraphStore", "QueryResult", "RemoteStore", "Store", "open_store"]
