"""Request, response and routing primitives shared by the emulated APIs."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from email.message import Message
from typing import Any


class BadJson(ValueError):
    """The request body is not valid JSON."""


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    # A plain mapping, or the server's case-insensitive http.client.HTTPMessage.
    headers: Mapping[str, str] | Message[str, str]
    body: bytes = b""
    params: dict[str, str] = field(default_factory=dict)
    # Set by the API while routing ("GET /v3/merchants/{mId}/items"): the request counters key.
    route: str = ""

    def header(self, name: str, default: str | None = None) -> str | None:
        # http.client.HTTPMessage is case-insensitive; plain dicts in tests are matched by hand.
        value = self.headers.get(name)
        if value is None:
            lowered = name.lower()
            for key, val in self.headers.items():
                if key.lower() == lowered:
                    return val
            return default
        return value

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def args(self, name: str) -> list[str]:
        return list(self.query.get(name, []))

    def json(self) -> Any:
        if not self.body.strip():
            raise BadJson("empty body")
        try:
            return json.loads(self.body, parse_float=Decimal)
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadJson(str(exc)) from exc

    @property
    def is_write(self) -> bool:
        return self.method in {"POST", "PUT", "PATCH", "DELETE"}


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        # Money leaves as a JSON number; int when whole so ids and counts stay ints.
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, default=_default, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, obj: Any, headers: dict[str, str] | None = None) -> Response:
        hdrs = {"Content-Type": "application/json"}
        hdrs.update(headers or {})
        return cls(status, dumps(obj), hdrs)

    @classmethod
    def empty(cls, status: int = 204, headers: dict[str, str] | None = None) -> Response:
        return cls(status, b"", dict(headers or {}))


Handler = Callable[[Request], Response]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: str
    regex: re.Pattern[str]
    handler: Handler


class Router:
    """Maps `METHOD /path/{param}` patterns to handlers; tells 404 from 405."""

    def __init__(self) -> None:
        self._routes: list[Route] = []

    def add(self, method: str, pattern: str, handler: Handler) -> None:
        regex = re.compile(
            "^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern.rstrip("/") or "/") + "$"
        )
        self._routes.append(Route(method.upper(), pattern, regex, handler))

    def route(self, method: str, pattern: str) -> Callable[[Handler], Handler]:
        def decorate(handler: Handler) -> Handler:
            self.add(method, pattern, handler)
            return handler

        return decorate

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | str | None:
        """The route and its params; "405" when only other verbs match; None when unknown."""
        path_known = False
        for route in self._routes:
            found = route.regex.match(path)
            if found is None:
                continue
            if route.method == method.upper():
                return route, found.groupdict()
            path_known = True
        return "405" if path_known else None

    def allowed(self, path: str) -> str:
        """The `Allow` header of a 405: the verbs this path does serve (RFC 9110 15.5.6)."""
        verbs = dict.fromkeys(r.method for r in self._routes if r.regex.match(path))
        return ", ".join(verbs)
