"""LatticeClient: the Lattice API by resource, over the standard library (urllib).

Runs and chat stream as :class:`RunStream` — an iterator of typed run events that resumes after a dropped
connection with ``Last-Event-ID``, so each event is delivered once, in order. Every failure is a
:class:`LatticeError`; 429 and 503 answers are retried after their ``Retry-After``; other 4xx never are.
"""

from __future__ import annotations

import http.client
import json
import random
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Literal, Mapping, TypedDict

from .errors import LatticeError, error_from_body, network_error, parse_retry_after
from .sse import parse_sse

JSON = dict[str, Any]

TERMINAL_EVENT_TYPES = ("run_completed", "run_failed", "run_cancelled")


class ExecutionEvent(TypedDict, total=False):
    """One event of a run: ``seq`` counts from 1 per run without gaps; the last one's ``data`` is the result."""

    seq: int
    type: Literal[
        "run_started",
        "node_started",
        "token",
        "tool_call",
        "node_completed",
        "node_failed",
        "interrupt",
        "run_completed",
        "run_failed",
        "run_cancelled",
    ]
    executionId: str
    nodeId: str
    at: str
    data: JSON


class ExecutionResult(TypedDict, total=False):
    """What a finished (or paused) run answers."""

    executionId: str
    status: Literal["completed", "failed", "cancelled", "paused"]
    output: JSON
    usage: JSON
    cost: float
    durationMs: float
    history: list[JSON]
    error: JSON
    interrupt: JSON
    conversationId: str
    messageId: str


@dataclass
class RetryPolicy:
    """Retries of 429/503 answers (and of network failures of GET requests).

    ``max_retries`` tries after the first; without a Retry-After the wait is ``base_delay`` doubled each time
    (jittered, at most ``max_delay``); a Retry-After longer than ``max_retry_after`` is not waited for.
    """

    max_retries: int = 3
    base_delay: float = 0.5
    max_delay: float = 10.0
    max_retry_after: float = 60.0

    def backoff(self, attempt: int) -> float:
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return ceiling / 2 + random.random() * ceiling / 2


@dataclass(frozen=True)
class RetryInfo:
    attempt: int
    status: int
    delay: float
    method: str
    url: str


_RETRYABLE = (429, 503)


class _Transport:
    def __init__(
        self,
        base_url: str,
        api_key: str | None,
        headers: Mapping[str, str] | None,
        retry: RetryPolicy,
        timeout: float | None,
        on_retry: Callable[[RetryInfo], None] | None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.headers = dict(headers or {})
        if api_key:
            self.headers.setdefault("Authorization", f"Bearer {api_key}")
        self.retry = retry
        self.timeout = timeout
        self.on_retry = on_retry

    def open(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        query: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> http.client.HTTPResponse:
        """Sends a request (retrying 429/503) and returns the successful response, unread; raises LatticeError otherwise."""
        url = self.base_url + path
        if query:
            pairs = [(k, v) for k, v in query.items() if v is not None]
            url += "?" + urllib.parse.urlencode(
                [(k, x) for k, v in pairs for x in (v if isinstance(v, (list, tuple)) else [v])]
            )
        data = None if body is None else json.dumps(body).encode("utf-8")
        all_headers = {"Accept": "application/json", **self.headers, **(headers or {})}
        if data is not None:
            all_headers["Content-Type"] = "application/json"
        attempt = 0
        while True:
            attempt += 1
            last = attempt > self.retry.max_retries
            request = urllib.request.Request(url, data=data, method=method, headers=all_headers)
            try:
                return urllib.request.urlopen(request, timeout=timeout or self.timeout)
            except urllib.error.HTTPError as answer:
                status = answer.code
                payload = answer.read()
                headers_map = {k.lower(): v for k, v in answer.headers.items()}
                answer.close()
                if status not in _RETRYABLE or last:
                    raise error_from_body(status, payload, headers_map) from None
                retry_after = parse_retry_after(headers_map.get("retry-after"))
                delay = retry_after if retry_after is not None else self.retry.backoff(attempt)
                if delay > self.retry.max_retry_after:
                    raise error_from_body(status, payload, headers_map) from None
                if self.on_retry:
                    self.on_retry(RetryInfo(attempt=attempt, status=status, delay=delay, method=method, url=url))
                time.sleep(delay)
            except (urllib.error.URLError, OSError, http.client.HTTPException) as cause:
                if method != "GET" or last:
                    raise network_error(cause) from cause
                time.sleep(self.retry.backoff(attempt))

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        with self.open(method, path, **kwargs) as response:
            payload = response.read()
        return json.loads(payload) if payload else None


class RunStream:
    """A run's events as an iterator that survives dropped connections.

    Iterate it for the events (dicts shaped as :class:`ExecutionEvent`); ``result()`` reads what is left and
    returns the run's result. After a drop it reconnects to ``GET /api/executions/{id}/events`` with
    ``Last-Event-ID`` = the last event delivered, and skips any replayed event: each event once, in order.
    ``close()`` (or leaving a ``with`` block) closes the connection; the run itself goes on.
    """

    def __init__(
        self,
        transport: _Transport,
        first: Callable[[], http.client.HTTPResponse] | None,
        *,
        execution_id: str | None = None,
        after_seq: int = 0,
        max_reconnects: int = 8,
        on_reconnect: Callable[[int, int], None] | None = None,
    ) -> None:
        self._transport = transport
        self._first = first
        self.execution_id = execution_id
        self.last_seq = after_seq
        self.reconnects = 0
        self.terminal: ExecutionEvent | None = None
        #: A chat's saved assistant message (``{"conversationId", "message"}``), sent after the run's last event.
        self.saved_message: JSON | None = None
        self._max_reconnects = max_reconnects
        self._on_reconnect = on_reconnect
        self._response: http.client.HTTPResponse | None = None
        self._iterator: Iterator[ExecutionEvent] | None = None
        self._closed = False

    def __enter__(self) -> "RunStream":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stops listening (the run goes on; cancel it with ``client.executions.cancel``)."""
        self._closed = True
        if self._response is not None:
            self._response.close()
            self._response = None

    def __iter__(self) -> Iterator[ExecutionEvent]:
        if self._iterator is None:
            self._iterator = self._events()
        return self._iterator

    def result(self) -> ExecutionResult:
        """Reads the rest of the stream and returns the run's result (the last event's data)."""
        for _ in self:
            pass
        if self.terminal is None:
            raise LatticeError(code="bad_request:stream", message="The stream was closed before its last event.", status=0)
        return self.terminal["data"]  # type: ignore[return-value]

    def _connect(self) -> http.client.HTTPResponse:
        if self._first is not None:
            first, self._first = self._first, None
            return first()
        assert self.execution_id is not None
        return self._transport.open(
            "GET",
            f"/api/executions/{urllib.parse.quote(self.execution_id)}/events",
            headers={"Accept": "text/event-stream", "Last-Event-ID": str(self.last_seq)},
        )

    def _events(self) -> Iterator[ExecutionEvent]:
        attempt = 0
        resumed = False
        stream_error: LatticeError | None = None
        while not self._closed:
            received = 0
            dropped = True
            cause: BaseException | None = None
            try:
                self._response = self._connect()
                for message in parse_sse(iter(self._response.readline, b"")):
                    if message.event == "message":
                        self.saved_message = json.loads(message.data)
                        continue
                    if message.event == "error":
                        stream_error = error_from_body(500, message.data)
                        continue
                    try:
                        event = json.loads(message.data)
                    except ValueError:
                        continue
                    if not isinstance(event, dict) or not isinstance(event.get("seq"), int):
                        continue
                    if self.execution_id and event.get("executionId") != self.execution_id:
                        continue
                    if event["seq"] <= self.last_seq:
                        continue  # already delivered: a replay after a reconnect
                    self.execution_id = self.execution_id or event["executionId"]
                    self.last_seq = event["seq"]
                    received += 1
                    if event.get("type") in TERMINAL_EVENT_TYPES:
                        self.terminal = event  # type: ignore[assignment]
                    yield event  # type: ignore[misc]
                dropped = False
            except LatticeError as error:
                # A refusal that will not change (a 4xx other than 408/429), or nothing to reconnect to.
                if not self.execution_id or (400 <= error.status < 500 and error.status not in (408, 429)):
                    raise
                cause = error
            except (OSError, http.client.HTTPException, ValueError) as error:
                if self._closed:
                    return
                cause = error
            finally:
                if self._response is not None:
                    self._response.close()
                    self._response = None
            if self.terminal is not None or self._closed:
                return
            if not self.execution_id:
                raise stream_error or LatticeError(
                    code="unavailable:network", message=f"The stream ended before the run started ({cause}).", status=0
                )
            if resumed and not dropped and received == 0:
                raise LatticeError(
                    code="unavailable:stream",
                    message="The run's stream ended without its last event (the server that ran it stopped); get the run for its status.",
                    status=0,
                )
            if received:
                attempt = 0
            attempt += 1
            if attempt > self._max_reconnects:
                raise stream_error or LatticeError(
                    code="unavailable:network", message="The connection to the run was lost.", status=0
                )
            self.reconnects += 1
            if self._on_reconnect:
                self._on_reconnect(attempt, self.last_seq)
            time.sleep(min(5.0, 0.25 * 2 ** (attempt - 1)) * (0.5 + random.random() / 2))
            resumed = True


class _Resource:
    def __init__(self, transport: _Transport) -> None:
        self._t = transport


def _quote(value: str | int) -> str:
    return urllib.parse.quote(str(value), safe="")


class Executions(_Resource):
    """Runs: start, follow, cancel, answer, re-run, list."""

    def run(self, request: JSON) -> ExecutionResult:
        """Runs a workflow and waits for its result (a failed, cancelled or paused run is a result too: see ``status``)."""
        return self._t.json("POST", "/api/executions", body=request)

    def start(self, request: JSON) -> JSON:
        """Starts a run and returns ``{"executionId", "status"}`` once it has started; follow it with :meth:`events`."""
        return self._t.json("POST", "/api/executions", body=request, headers={"Prefer": "respond-async"})

    def stream(self, request: JSON, **options: Any) -> RunStream:
        """Starts a run (detached: it goes on if the connection drops) and streams its events, resuming after drops."""
        started = self.start(request)
        return self.events(started["executionId"], **options)

    def events(self, execution_id: str, *, after_seq: int = 0, **options: Any) -> RunStream:
        """Follows a run's events after ``after_seq`` to its end."""
        return RunStream(self._t, None, execution_id=execution_id, after_seq=after_seq, **options)

    def get(self, execution_id: str) -> JSON:
        """A run's record: status, node history, the graph it used, a summary of its events."""
        return self._t.json("GET", f"/api/executions/{_quote(execution_id)}")["execution"]

    def list(self, **query: Any) -> JSON:
        """One page of your runs, newest first (``status``, ``type``, ``workflowId``, ``cursor``, ``limit``…)."""
        return self._t.json("GET", "/api/executions", query=query)

    def iterate(self, **query: Any) -> Iterator[JSON]:
        """Every run matching ``query``, page after page."""
        cursor = None
        while True:
            page = self.list(**query, **({"cursor": cursor} if cursor else {}))
            yield from page["executions"]
            cursor = page.get("nextCursor")
            if not cursor:
                return

    def cancel(self, execution_id: str) -> JSON:
        """Stops a run; it ends ``cancelled``."""
        return self._t.json("POST", f"/api/executions/{_quote(execution_id)}/cancel")

    def resume(self, execution_id: str, *, approved: bool | None = None, text: str | None = None) -> ExecutionResult:
        """Answers the human node a paused run waits at and waits for the run's result."""
        body = {k: v for k, v in {"approved": approved, "text": text}.items() if v is not None}
        return self._t.json("POST", f"/api/executions/{_quote(execution_id)}/resume", body=body)

    def resume_stream(
        self, execution_id: str, *, approved: bool | None = None, text: str | None = None, **options: Any
    ) -> RunStream:
        """Answers a paused run and streams the rest of it (its events continue the run's numbering)."""
        after = self.get(execution_id)["events"]["lastSeq"]
        body = {k: v for k, v in {"approved": approved, "text": text}.items() if v is not None}
        self._t.json(
            "POST", f"/api/executions/{_quote(execution_id)}/resume", body=body, headers={"Prefer": "respond-async"}
        )
        return self.events(execution_id, after_seq=after, **options)

    def rerun(self, execution_id: str, body: JSON | None = None) -> ExecutionResult:
        """Runs again (the same request, or with ``fromStep`` from one of its steps) and waits for the result."""
        return self._t.json("POST", f"/api/executions/{_quote(execution_id)}/rerun", body=body or {})


class Chat(_Resource):
    """Chat with a workflow, a template or the default assistant."""

    def send(
        self,
        message: str,
        *,
        conversation_id: str | None = None,
        workflow_id: str | None = None,
        template_id: str | None = None,
        **options: Any,
    ) -> RunStream:
        """Sends a message and streams the answer's events (resuming after a drop; the answer goes on meanwhile).

        No ``conversation_id``: a new conversation. After the last event, ``stream.saved_message`` is the
        assistant message as saved. A refused message (422, 429 after retries) raises here.
        """
        body = {
            k: v
            for k, v in {
                "message": message,
                "conversationId": conversation_id,
                "workflowId": workflow_id,
                "templateId": template_id,
            }.items()
            if v is not None
        }
        first = self._t.open("POST", "/api/chat", body=body, headers={"Accept": "text/event-stream"})
        return RunStream(self._t, lambda: first, **options)


class Conversations(_Resource):
    """Chat history."""

    def list(self, **query: Any) -> JSON:
        return self._t.json("GET", "/api/conversations", query=query)

    def get(self, conversation_id: str) -> JSON:
        """A conversation with its messages."""
        return self._t.json("GET", f"/api/conversations/{_quote(conversation_id)}")["conversation"]

    def update(self, conversation_id: str, **body: Any) -> JSON:
        return self._t.json("PATCH", f"/api/conversations/{_quote(conversation_id)}", body=body)

    def delete(self, conversation_id: str) -> None:
        self._t.json("DELETE", f"/api/conversations/{_quote(conversation_id)}")


class Workflows(_Resource):
    """Saved workflows, their versions, import/export and validation."""

    def list(self) -> JSON:
        return self._t.json("GET", "/api/workflows")

    def create(self, body: JSON) -> JSON:
        """Saves a new workflow (``name``, ``nodes``, ``edges``…) as version 1; returns ``{"workflow", "validation"}``."""
        return self._t.json("POST", "/api/workflows", body=body)

    def get(self, workflow_id: str) -> JSON:
        return self._t.json("GET", f"/api/workflows/{_quote(workflow_id)}")["workflow"]

    def update(self, workflow_id: str, body: JSON) -> JSON:
        """Saves a new version (``baseVersion`` refuses a save over a newer version with 409)."""
        return self._t.json("PUT", f"/api/workflows/{_quote(workflow_id)}", body=body)

    def delete(self, workflow_id: str) -> None:
        self._t.json("DELETE", f"/api/workflows/{_quote(workflow_id)}")

    def versions(self, workflow_id: str) -> JSON:
        return self._t.json("GET", f"/api/workflows/{_quote(workflow_id)}/versions")

    def version(self, workflow_id: str, version: int) -> JSON:
        return self._t.json("GET", f"/api/workflows/{_quote(workflow_id)}/versions/{_quote(version)}")

    def restore(self, workflow_id: str, version: int) -> JSON:
        return self._t.json("POST", f"/api/workflows/{_quote(workflow_id)}/restore/{_quote(version)}")

    def export(self, workflow_id: str, version: int | None = None) -> JSON:
        return self._t.json("GET", f"/api/workflows/{_quote(workflow_id)}/export", query={"version": version})

    def import_(self, export_file: JSON) -> JSON:
        """Imports an export file as a new workflow (``import`` is a Python keyword)."""
        return self._t.json("POST", "/api/workflows/import", body=export_file)

    def validate(self, definition: JSON, definition_id: str | None = None) -> JSON:
        """Validates a definition without saving it: ``{"isValid", "errors", "warnings"}``."""
        body: JSON = {"definition": definition, **({"definitionId": definition_id} if definition_id else {})}
        return self._t.json("POST", "/api/workflows/validate", body=body)["validation"]

    def to_template(self, workflow_id: str, **body: Any) -> JSON:
        return self._t.json("POST", f"/api/workflows/{_quote(workflow_id)}/to-template", body=body)


class Templates(_Resource):
    """Built-in and your own templates."""

    def list(self) -> JSON:
        return self._t.json("GET", "/api/templates")

    def create(self, body: JSON) -> JSON:
        return self._t.json("POST", "/api/templates", body=body)

    def get(self, template_id: str) -> JSON:
        return self._t.json("GET", f"/api/templates/{_quote(template_id)}")["template"]

    def update(self, template_id: str, body: JSON) -> JSON:
        return self._t.json("PUT", f"/api/templates/{_quote(template_id)}", body=body)

    def delete(self, template_id: str) -> None:
        self._t.json("DELETE", f"/api/templates/{_quote(template_id)}")

    def instantiate(self, template_id: str, **body: Any) -> JSON:
        """Creates a workflow of your own from a template."""
        return self._t.json("POST", f"/api/templates/{_quote(template_id)}/instantiate", body=body)

    def export(self, template_id: str) -> JSON:
        return self._t.json("GET", f"/api/templates/{_quote(template_id)}/export")

    def import_(self, export_file: JSON) -> JSON:
        return self._t.json("POST", "/api/templates/import", body=export_file)


class KnowledgeBases(_Resource):
    """Knowledge bases for retrieval: documents and search."""

    def list(self) -> JSON:
        return self._t.json("GET", "/api/knowledge-bases")

    def create(self, name: str, description: str | None = None) -> JSON:
        body = {"name": name, **({"description": description} if description is not None else {})}
        return self._t.json("POST", "/api/knowledge-bases", body=body)

    def get(self, base_id: str) -> JSON:
        return self._t.json("GET", f"/api/knowledge-bases/{_quote(base_id)}")

    def update(self, base_id: str, **body: Any) -> JSON:
        return self._t.json("PATCH", f"/api/knowledge-bases/{_quote(base_id)}", body=body)

    def delete(self, base_id: str) -> None:
        self._t.json("DELETE", f"/api/knowledge-bases/{_quote(base_id)}")

    def add_text(self, base_id: str, title: str, text: str) -> JSON:
        """Adds a text document (split into chunks and indexed)."""
        return self._t.json("POST", f"/api/knowledge-bases/{_quote(base_id)}/documents", body={"title": title, "text": text})

    def delete_document(self, base_id: str, document_id: str) -> None:
        self._t.json("DELETE", f"/api/knowledge-bases/{_quote(base_id)}/documents/{_quote(document_id)}")

    def search(self, base_id: str, query: str, top_k: int | None = None) -> JSON:
        """Searches a base as the retrieval node does: ``{"results", "mode", "tookMs"}``."""
        body: JSON = {"query": query, **({"topK": top_k} if top_k is not None else {})}
        return self._t.json("POST", f"/api/knowledge-bases/{_quote(base_id)}/search", body=body)

    def embeddings(self, base_id: str) -> JSON:
        return self._t.json("GET", f"/api/knowledge-bases/{_quote(base_id)}/embeddings")

    def reembed(self, base_id: str) -> JSON:
        return self._t.json("POST", f"/api/knowledge-bases/{_quote(base_id)}/embeddings")


class Analytics(_Resource):
    """Usage and outcomes (``from``/``to`` ISO times, ``bucket`` "hour"/"day")."""

    def summary(self, **query: Any) -> JSON:
        return self._t.json("GET", "/api/analytics/summary", query=query)

    def templates(self, **query: Any) -> JSON:
        return self._t.json("GET", "/api/analytics/templates", query=query)

    def workflows(self, **query: Any) -> JSON:
        return self._t.json("GET", "/api/analytics/workflows", query=query)


class ApiKeys(_Resource):
    """API keys of the calling account."""

    def list(self) -> JSON:
        return self._t.json("GET", "/api/keys")

    def create(self, name: str) -> JSON:
        """Creates a key: ``{"key", "secret"}`` — the secret is shown this once."""
        return self._t.json("POST", "/api/keys", body={"name": name})

    def revoke(self, key_id: str) -> None:
        self._t.json("DELETE", f"/api/keys/{_quote(key_id)}")


class LatticeClient:
    """The Lattice API.

    >>> client = LatticeClient("http://localhost:3000", api_key="lat_…")
    >>> for event in client.chat.send("Hello"):
    ...     if event["type"] == "token":
    ...         print(event["data"]["text"], end="")
    """

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        retry: RetryPolicy | None = None,
        timeout: float | None = 60.0,
        on_retry: Callable[[RetryInfo], None] | None = None,
    ) -> None:
        self._transport = _Transport(base_url, api_key, headers, retry or RetryPolicy(), timeout, on_retry)
        self.executions = Executions(self._transport)
        self.chat = Chat(self._transport)
        self.conversations = Conversations(self._transport)
        self.workflows = Workflows(self._transport)
        self.templates = Templates(self._transport)
        self.knowledge_bases = KnowledgeBases(self._transport)
        self.analytics = Analytics(self._transport)
        self.api_keys = ApiKeys(self._transport)

    def health(self) -> JSON:
        """The server's status; with credentials also its version, database and who is calling."""
        return self._transport.json("GET", "/api/health")

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """Any other route, as JSON (``body=``, ``query=``, ``headers=``), with the same errors and retries."""
        return self._transport.json(method, path, **kwargs)


__all__ = [
    "LatticeClient",
    "RunStream",
    "RetryPolicy",
    "RetryInfo",
    "ExecutionEvent",
    "ExecutionResult",
    "TERMINAL_EVENT_TYPES",
]
