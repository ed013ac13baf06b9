"""Emulated Clover Platform REST API v3 (being built: answers 404 to everything for now)."""

from __future__ import annotations

from typing import Any

from esync_desktop.sandbox.credentials import SandboxCredentials
from esync_desktop.sandbox.http import Request, Response
from esync_desktop.sandbox.store import Store


class CloverApi:
    name = "clover"

    def __init__(self, store: Store, credentials: SandboxCredentials) -> None:
        self.store = store
        self.credentials = credentials

    def owns(self, path: str) -> bool:
        return path.startswith("/v3/merchants/")

    def admit(self, request: Request) -> Response | None:
        return None

    def release(self, request: Request) -> None:
        return None

    def handle(self, request: Request) -> Response:
        return Response.json(404, {"message": "Not Found"})

    def server_error(self, status: int) -> Response:
        return Response.json(status, {"message": f"{status} Server Error"})

    def throttled(self) -> Response:
        return Response.json(429, {"message": "429 Too Many Requests"})

    def seed(self, seed: str, items: int) -> None:
        return None

    def configure(self, changes: dict[str, Any]) -> None:
        if changes:
            raise ValueError(f"unknown Clover settings: {', '.join(changes)}")

    def admin(self, request: Request) -> Response | None:
        return None
