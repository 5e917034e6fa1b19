"""The one error type the SDK raises for a refused or failed request."""

from __future__ import annotations

import email.utils
import json
import time
from dataclasses import dataclass, field
from typing import Any, Mapping


@dataclass(frozen=True)
class FieldIssue:
    """A field the server found at fault: a dotted path into the body or query, and what is wrong there."""

    path: str
    message: str
    code: str | None = None


@dataclass
class LatticeError(Exception):
    """A refused or failed request.

    ``code`` is the server's stable "type:surface" code (``validation:body``, ``not_found:execution``,
    ``rate_limit:runs``…), ``status`` the HTTP status (0 when the server could not be reached), ``issues``
    the fields at fault (422s), ``retry_after`` the seconds a 429/503 asked to wait.
    """

    code: str
    message: str
    status: int
    issues: list[FieldIssue] = field(default_factory=list)
    request_id: str | None = None
    retry_after: float | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        return f"{self.code} ({self.status}): {self.message}"

    @property
    def type(self) -> str:
        """The code's type, before the colon: ``validation``, ``not_found``, ``rate_limit``…"""
        return self.code.split(":", 1)[0]


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        at = email.utils.parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError):
        return None
    return max(0.0, at - (time.time() if now is None else now))


def _fallback_code(status: int) -> str:
    if status == 401:
        return "unauthorized:api"
    if status == 403:
        return "forbidden:api"
    if status == 404:
        return "not_found:api"
    if status == 429:
        return "rate_limit:api"
    if status in (502, 503, 504):
        return "unavailable:api"
    if 400 <= status < 500:
        return "bad_request:api"
    return "internal:api"


def error_from_body(status: int, body: bytes | str | Any, headers: Mapping[str, str] | None = None) -> LatticeError:
    """The LatticeError an error answer carries (``{"error": {"code", "message", "issues"?}}``), or one naming the status."""
    retry_after = parse_retry_after((headers or {}).get("retry-after") or (headers or {}).get("Retry-After"))
    data: Any = body
    if isinstance(body, (bytes, str)):
        try:
            data = json.loads(body or "null")
        except ValueError:
            data = None
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict) and isinstance(error.get("code"), str) and isinstance(error.get("message"), str):
        issues = [
            FieldIssue(path=str(i.get("path", "")), message=str(i.get("message", "")), code=i.get("code"))
            for i in error.get("issues") or []
            if isinstance(i, dict)
        ]
        return LatticeError(
            code=error["code"],
            message=error["message"],
            status=status,
            issues=issues,
            request_id=error.get("requestId"),
            retry_after=retry_after,
        )
    return LatticeError(
        code=_fallback_code(status), message=f"The request failed (HTTP {status}).", status=status, retry_after=retry_after
    )


def network_error(cause: BaseException) -> LatticeError:
    """The error for a server that could not be reached."""
    error = LatticeError(code="unavailable:network", message=f"Could not reach the Lattice server ({cause}).", status=0)
    error.__cause__ = cause
    return error


class RequestCancelled(LatticeError):
    """A call (or a stream) stopped by its :class:`~lattice_sdk.CancelToken`: code ``cancelled:request``, status 0.

    Cancelling stops the client only: a run that was started goes on (``client.executions.cancel`` stops it).
    """


class RequestTimeout(LatticeError):
    """A call (or a stream) that did not finish within its ``timeout``: code ``timeout:request``, status 0.

    As with a cancel, a run that was started goes on.
    """
