"""Settings read from the environment (``PTCE_…``) and passed explicitly to services and the API."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_store_path() -> Path:
    """A per-user data folder, following XDG on Linux."""
    import os

    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "ptce-kg" / "store"


class Settings(BaseSettings):
    """Runtime configuration; every field can be set as ``PTCE_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="PTCE_", extra="ignore")

    store: Path = Field(default_factory=default_store_path)
    endpoint: str | None = None  # remote SPARQL endpoint instead of the embedded store
    update_endpoint: str | None = None
    gsp_endpoint: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    allow_update: bool = False
    admin_token: str | None = None
    query_timeout: float = 10.0
    max_result_rows: int = 100_000
    max_result_bytes: int = 50_000_000
    max_body_bytes: int = 20_000_000
    max_upload_files: int = 100  # files in one POST /validate
    query_workers: int = 2
    validation_timeout: float = 60.0  # uploads to /validate and /poles/{id}/data
    validation_workers: int = 2
    service_allowlist: list[str] = Field(default_factory=list)
    cors_origins: list[str] = Field(default_factory=list)
    pole_tokens: dict[str, str] = Field(default_factory=dict)  # pole id -> bearer token
