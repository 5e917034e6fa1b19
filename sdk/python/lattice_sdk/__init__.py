"""lattice_sdk — the Python client of the Lattice API (Python 3.11+, standard library only).

    from lattice_sdk import LatticeClient

    client = LatticeClient("http://localhost:3000", api_key="lat_…")
    result = client.executions.run({"type": "DEFINITION", "definitionId": "01J…", "input": {"message": "Hi"}})
"""

from .client import (
    TERMINAL_EVENT_TYPES,
    ExecutionEvent,
    ExecutionResult,
    LatticeClient,
    RetryInfo,
    RetryPolicy,
    RunStream,
)
from .cancel import CancelToken
from .errors import FieldIssue, LatticeError, RequestCancelled, RequestTimeout, parse_retry_after
from .sse import SseMessage, parse_sse

__version__ = "0.1.0"

__all__ = [
    "LatticeClient",
    "LatticeError",
    "RequestCancelled",
    "RequestTimeout",
    "CancelToken",
    "FieldIssue",
    "RunStream",
    "RetryPolicy",
    "RetryInfo",
    "ExecutionEvent",
    "ExecutionResult",
    "TERMINAL_EVENT_TYPES",
    "SseMessage",
    "parse_sse",
    "parse_retry_after",
]
