"""FastAPI dependencies giving routers what ``create_app`` put on ``app.state``."""

from __future__ import annotations

from fastapi import Request

from ptce_kg.reconciliation.service import Reconciler
from ptce_kg.runtime.query_service import QueryService
from ptce_kg.runtime.upload_workers import UploadChecker
from ptce_kg.settings import Settings
from ptce_kg.store.base import Store


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_store(request: Request) -> Store:
    return request.app.state.store


def get_query_service(request: Request) -> QueryService:
    return request.app.state.query_service


def get_upload_checker(request: Request) -> UploadChecker:
    return request.app.state.upload_checker


def get_reconciler(request: Request) -> Reconciler:
    return request.app.state.reconciler
