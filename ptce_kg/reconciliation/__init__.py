"""Reconciliation: match the names and identifiers of people's spreadsheets (organisations,
poles, places, activities, legal forms) to the entities of the graph (docs/reconciliation.md).

``index`` keeps an SQLite FTS5 index beside the store, ``matching`` scores candidates,
``protocol`` speaks the W3C Reconciliation API (0.2 and 1.0-draft), ``table`` reconciles a
CSV or XLSX file for ``ptce-kg reconcile``.
"""
