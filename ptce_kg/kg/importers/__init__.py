"""National open-data importers: SIRENE stock CSV files and API Recherche d'entreprises JSON."""
