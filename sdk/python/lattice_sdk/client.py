"""LatticeClient: the Lattice API by resource, over the standard library (urllib).

Runs and chat stream as :class:`RunStream` — an iterator of typed run events that resumes after a dropped
connection with ``Last-Event-ID``, so each event is delivered once, in order. Every failure is a
:class:`LatticeError`; 429 and 503 answers are retried after their ``Retry-After``; other 4xx never are.
"""

from __future__ import annotations

import http.client
import json
import mimetypes
import random
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Literal, Mapping, TypedDict

from .cancel import CallScope, CancelToken, build_opener
from .errors import LatticeError, RequestTimeout, error_from_body, network_error, parse_retry_after
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
        self._opener = build_opener()

    def open(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        query: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        raw: tuple[bytes, str] | None = None,
        scope: CallScope,
    ) -> http.client.HTTPResponse:
        """Sends a request (retrying 429/503) and returns the successful response, unread; raises LatticeError otherwise.

        ``body`` is sent as JSON, ``raw`` = (bytes, content type) as is. ``scope`` ends it early: its socket is
        shut down and a wait before a retry ends (RequestCancelled / RequestTimeout).
        """
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
        if raw is not None:  # a body of another type: (bytes, its content type)
            data, all_headers["Content-Type"] = raw
        attempt = 0
        while True:
            attempt += 1
            scope.check()
            last = attempt > self.retry.max_retries
            request = urllib.request.Request(url, data=data, method=method, headers=all_headers)
            request.lattice_token = scope.token  # type: ignore[attr-defined]
            try:
                return self._opener.open(request, timeout=self.timeout)
            except urllib.error.HTTPError as answer:
                status = answer.code
                try:
                    payload = answer.read()
                except (OSError, http.client.HTTPException):
                    payload = b""
                headers_map = {k.lower(): v for k, v in answer.headers.items()}
                answer.close()
                scope.check()
                if status not in _RETRYABLE or last:
                    raise error_from_body(status, payload, headers_map) from None
                retry_after = parse_retry_after(headers_map.get("retry-after"))
                delay = retry_after if retry_after is not None else self.retry.backoff(attempt)
                if delay > self.retry.max_retry_after:
                    raise error_from_body(status, payload, headers_map) from None
                if self.on_retry:
                    self.on_retry(RetryInfo(attempt=attempt, status=status, delay=delay, method=method, url=url))
                scope.sleep(delay)
            except (urllib.error.URLError, OSError, http.client.HTTPException) as cause:
                scope.check()  # a socket shut down by a cancel or the deadline
                if method != "GET" or last:
                    raise network_error(cause) from cause
                scope.sleep(self.retry.backoff(attempt))

    def json(
        self,
        method: str,
        path: str,
        *,
        timeout: float | None = None,
        cancel: CancelToken | None = None,
        **kwargs: Any,
    ) -> Any:
        """One JSON call: ``timeout`` seconds for all of it (retries and waits included), ``cancel`` to stop it."""
        scope = CallScope(cancel, timeout)
        try:
            with self.open(method, path, scope=scope, **kwargs) as response:
                payload = response.read()
        except (OSError, http.client.HTTPException) as cause:  # the answer cut off while read
            scope.check()
            raise network_error(cause) from cause
        finally:
            scope.end()
        return json.loads(payload) if payload else None


class RunStream:
    """A run's events as an iterator that survives dropped connections.

    Iterate it for the events (dicts shaped as :class:`ExecutionEvent`); ``result()`` reads what is left and
    returns the run's result. After a drop it reconnects to ``GET /api/executions/{id}/events`` with
    ``Last-Event-ID`` = the last event delivered, and skips any replayed event: each event once, in order.

    Stopping early: ``close()`` (or leaving a ``with`` block) ends the iteration quietly, from any thread;
    the stream's ``cancel`` token makes it raise :class:`~lattice_sdk.RequestCancelled`, and its ``timeout``
    (seconds for the whole stream) :class:`~lattice_sdk.RequestTimeout`. Each shuts the connection down at
    once, even while a thread is blocked waiting for the next event. The run itself goes on: cancel it with
    ``client.executions.cancel``.
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
        timeout: float | None = None,
        cancel: CancelToken | None = None,
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
        self._scope = CallScope(cancel, timeout)
        self._response: http.client.HTTPResponse | None = None
        self._iterator: Iterator[ExecutionEvent] | None = None
        self._closed = False

    def __enter__(self) -> "RunStream":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stops listening, from any thread: the connection is shut down and iterating ends without an error.

        The run goes on (cancel it with ``client.executions.cancel``).
        """
        self._closed = True
        # Shutting the socket down wakes a thread blocked reading it; that thread then closes the response.
        self._scope.token._fire("closed")
        if self._iterator is not None:
            try:
                self._iterator.close()  # a loop left early (break): its connection is closed now
            except ValueError:
                pass  # iterating in another thread right now: it ends by itself
        elif self._first is not None:
            self._first().close()  # a chat's first connection, never read
            self._first = None
        self._scope.end()

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
            scope=self._scope,
        )

    def _stopped(self) -> bool:
        """True when ``close()`` ended the stream; raises when its token or deadline did."""
        if self._closed:
            return True
        self._scope.check()
        return False

    def _events(self) -> Iterator[ExecutionEvent]:
        try:
            yield from self._follow()
        finally:
            self._scope.end()

    def _follow(self) -> Iterator[ExecutionEvent]:
        attempt = 0
        resumed = False
        stream_error: LatticeError | None = None
        while not self._stopped():
            received = 0
            dropped = True
            cause: BaseException | None = None
            try:
                self._response = self._connect()
                for message in parse_sse(iter(self._response.readline, b"")):
                    if self._scope.fired:
                        break  # cancelled, timed out or closed: not even what had already arrived is delivered
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
                if self._closed:
                    return
                # A refusal that will not change (a 4xx other than 408/429), a cancel, or nothing to reconnect to.
                if not self.execution_id or (400 <= error.status < 500 and error.status not in (408, 429)):
                    raise
                if self._scope.fired:
                    raise
                cause = error
            except (OSError, http.client.HTTPException, ValueError) as error:
                cause = error
            finally:
                if self._response is not None:
                    self._response.close()
                    self._response = None
            if self.terminal is not None or self._stopped():
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
            try:
                self._scope.sleep(min(5.0, 0.25 * 2 ** (attempt - 1)) * (0.5 + random.random() / 2))
            except LatticeError:
                if self._closed:
                    return
                raise
            resumed = True


class _Resource:
    def __init__(self, transport: _Transport) -> None:
        self._t = transport


def _quote(value: str | int) -> str:
    return urllib.parse.quote(str(value), safe="")


def _remaining(timeout: float | None, started: float) -> float | None:
    """What is left of ``timeout`` seconds since ``started`` (monotonic); raises RequestTimeout when nothing is."""
    if timeout is None:
        return None
    left = timeout - (time.monotonic() - started)
    if left <= 0:
        raise RequestTimeout(code="timeout:request", message=f"The call did not finish within {timeout:g} s.", status=0)
    return left


# Every method below takes, keyword-only:
#   timeout — seconds for the whole call (retries and their waits included; a stream's: until its last event),
#             then RequestTimeout. The client's own ``timeout`` is how long a connection may stay silent.
#   cancel  — a CancelToken: ``token.cancel()`` from any thread stops the call at once (RequestCancelled).


class Executions(_Resource):
    """Runs: start, follow, cancel, answer, re-run, list."""

    def run(self, request: JSON, *, timeout: float | None = None, cancel: CancelToken | None = None) -> ExecutionResult:
        """Runs a workflow and waits for its result (a failed, cancelled or paused run is a result too: see ``status``).

        A timeout or cancel stops waiting, not the run: use :meth:`start` and :meth:`cancel` to stop runs.
        """
        return self._t.json("POST", "/api/executions", body=request, timeout=timeout, cancel=cancel)

    def start(self, request: JSON, *, timeout: float | None = None, cancel: CancelToken | None = None) -> JSON:
        """Starts a run and returns ``{"executionId", "status"}`` once it has started; follow it with :meth:`events`."""
        return self._t.json(
            "POST", "/api/executions", body=request, headers={"Prefer": "respond-async"}, timeout=timeout, cancel=cancel
        )

    def stream(
        self, request: JSON, *, timeout: float | None = None, cancel: CancelToken | None = None, **options: Any
    ) -> RunStream:
        """Starts a run (detached: it goes on if the connection drops) and streams its events, resuming after drops.

        ``options``: ``max_reconnects``, ``on_reconnect(attempt, last_seq)``.
        """
        started_at = time.monotonic()
        started = self.start(request, timeout=timeout, cancel=cancel)
        return self.events(
            started["executionId"], timeout=_remaining(timeout, started_at), cancel=cancel, **options
        )

    def events(
        self,
        execution_id: str,
        *,
        after_seq: int = 0,
        timeout: float | None = None,
        cancel: CancelToken | None = None,
        **options: Any,
    ) -> RunStream:
        """Follows a run's events after ``after_seq`` to its end."""
        return RunStream(
            self._t, None, execution_id=execution_id, after_seq=after_seq, timeout=timeout, cancel=cancel, **options
        )

    def get(self, execution_id: str, *, timeout: float | None = None, cancel: CancelToken | None = None) -> JSON:
        """A run's record: status, node history, the graph it used, a summary of its events."""
        path = f"/api/executions/{_quote(execution_id)}"
        return self._t.json("GET", path, timeout=timeout, cancel=cancel)["execution"]

    def list(self, *, timeout: float | None = None, cancel: CancelToken | None = None, **query: Any) -> JSON:
        """One page of your runs, newest first (``status``, ``type``, ``workflowId``, ``cursor``, ``limit``…)."""
        return self._t.json("GET", "/api/executions", query=query, timeout=timeout, cancel=cancel)

    def iterate(self, *, cancel: CancelToken | None = None, **query: Any) -> Iterator[JSON]:
        """Every run matching ``query``, page after page."""
        cursor = None
        while True:
            page = self.list(cancel=cancel, **query, **({"cursor": cursor} if cursor else {}))
            yield from page["executions"]
            cursor = page.get("nextCursor")
            if not cursor:
                return

    def cancel(
        self, execution_id: str, *, timeout: float | None = None, cancel: CancelToken | None = None
    ) -> JSON:
        """Stops a run; it ends ``cancelled``."""
        path = f"/api/executions/{_quote(execution_id)}/cancel"
        return self._t.json("POST", path, timeout=timeout, cancel=cancel)

    def resume(
        self,
        execution_id: str,
        *,
        approved: bool | None = None,
        text: str | None = None,
        timeout: float | None = None,
        cancel: CancelToken | None = None,
    ) -> ExecutionResult:
        """Answers the human node a paused run waits at and waits for the run's result."""
        body = {k: v for k, v in {"approved": approved, "text": text}.items() if v is not None}
        path = f"/api/executions/{_quote(execution_id)}/resume"
        return self._t.json("POST", path, body=body, timeout=timeout, cancel=cancel)

    def resume_stream(
        self,
        execution_id: str,
        *,
        approved: bool | None = None,
        text: str | None = None,
        timeout: float | None = None,
        cancel: CancelToken | None = None,
        **options: Any,
    ) -> RunStream:
        """Answers a paused run and streams the rest of it (its events continue the run's numbering)."""
        started_at = time.monotonic()
        after = self.get(execution_id, timeout=timeout, cancel=cancel)["events"]["lastSeq"]
        body = {k: v for k, v in {"approved": approved, "text": text}.items() if v is not None}
        path = f"/api/executions/{_quote(execution_id)}/resume"
        self._t.json(
            "POST",
            path,
            body=body,
            headers={"Prefer": "respond-async"},
            timeout=_remaining(timeout, started_at),
            cancel=cancel,
        )
        return self.events(
            execution_id, after_seq=after, timeout=_remaining(timeout, started_at), cancel=cancel, **options
        )

    def rerun(
        self,
        execution_id: str,
        body: JSON | None = None,
        *,
        timeout: float | None = None,
        cancel: CancelToken | None = None,
    ) -> ExecutionResult:
        """Runs again (the same request, or with ``fromStep`` from one of its steps) and waits for the result."""
        path = f"/api/executions/{_quote(execution_id)}/rerun"
        return self._t.json("POST", path, body=body or {}, timeout=timeout, cancel=cancel)

    def rerun_stream(
        self,
        execution_id: str,
        body: JSON | None = None,
        *,
        timeout: float | None = None,
        cancel: CancelToken | None = None,
        **options: Any,
    ) -> RunStream:
        """Runs again and streams the new run's events (started detached, as :meth:`stream`)."""
        started_at = time.monotonic()
        started = self._t.json(
            "POST",
            f"/api/executions/{_quote(execution_id)}/rerun",
            body=body or {},
            headers={"Prefer": "respond-async"},
            timeout=timeout,
            cancel=cancel,
        )
        return self.events(
            started["executionId"], timeout=_remaining(timeout, started_at), cancel=cancel, **options
        )


class Chat(_Resource):
    """Chat with a workflow, a template or the default assistant."""

    def send(
        self,
        message: str,
        *,
        conversation_id: str | None = None,
        workflow_id: str | None = None,
        template_id: str | None = None,
        timeout: float | None = None,
        cancel: CancelToken | None = None,
        **options: Any,
    ) -> RunStream:
        """Sends a message and streams the answer's events (resuming after a drop; the answer goes on meanwhile).

        No ``conversation_id``: a new conversation. After the last event, ``stream.saved_message`` is the
        assistant message as saved. A refused message (422, 429 after retries) raises here. ``timeout`` and
        ``cancel`` cover the whole stream.
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
        stream = RunStream(self._t, None, timeout=timeout, cancel=cancel, **options)
        try:
            first = self._t.open(
                "POST", "/api/chat", body=body, headers={"Accept": "text/event-stream"}, scope=stream._scope
            )
        except BaseException:
            stream._scope.end()
            raise
        stream._first = lambda: first
        return stream


class Conversations(_Resource):
    """Chat history."""

    def list(self, *, timeout: float | None = None, cancel: CancelToken | None = None, **query: Any) -> JSON:
        """Your conversations, newest first (``q`` searches titles and messages, ``cursor``, ``limit``)."""
        return self._t.json("GET", "/api/conversations", query=query, timeout=timeout, cancel=cancel)

    def get(self, conversation_id: str, *, timeout: float | None = None, cancel: CancelToken | None = None) -> JSON:
        """A conversation with its messages."""
        path = f"/api/conversations/{_quote(conversation_id)}"
        return self._t.json("GET", path, timeout=timeout, cancel=cancel)["conversation"]

    def update(
        self, conversation_id: str, *, timeout: float | None = None, cancel: CancelToken | None = None, **body: Any
    ) -> JSON:
        """Renames a conversation (``title=``)."""
        path = f"/api/conversations/{_quote(conversation_id)}"
        return self._t.json("PATCH", path, body=body, timeout=timeout, cancel=cancel)

    def delete(self, conversation_id: str, *, timeout: float | None = None, cancel: CancelToken | None = None) -> None:
        self._t.json("DELETE", f"/api/conversations/{_quote(conversation_id)}", timeout=timeout, cancel=cancel)


class Workflows(_Resource):
    """Saved workflows, their versions, import/export and validation."""

    def list(self, *, timeout: float | None = None, cancel: CancelToken | None = None) -> JSON:
        return self._t.json("GET", "/api/workflows", timeout=timeout, cancel=cancel)

    def create(self, body: JSON, *, timeout: float | None = None, cancel: CancelToken | None = None) -> JSON:
        """Saves a new workflow (``name``, ``nodes``, ``edges``…) as version 1; returns ``{"workflow", "validation"}``."""
        return self._t.json("POST", "/api/workflows", body=body, timeout=timeout, cancel=cancel)

    def get(self, workflow_id: str, *, timeout: float | None = None, cancel: CancelToken | None = None) -> JSON:
        path = f"/api/workflows/{_quote(workflow_id)}"
        return self._t.json("GET", path, timeout=timeout, cancel=cancel)["workflow"]

    def update(
        self, workflow_id: str, body: JSON, *, timeout: float | None = None, cancel: CancelToken | None = None
    ) -> JSON:
        """Saves a new version (``baseVersion`` refuses a save over a newer version with 409)."""
        path = f"/api/workflows/{_quote(workflow_id)}"
        return self._t.json("PUT", path, body=body, timeout=timeout, cancel=cancel)

    def delete(self, workflow_id: str, *, timeout: float | None = None, cancel: CancelToken | None = None) -> None:
        self._t.json("DELETE", f"/api/workflows/{_quote(workflow_id)}", timeout=timeout, cancel=cancel)

    def versions(self, workflow_id: str, *, timeout: float | None = None, cancel: CancelToken | None = None) -> JSON:
        path = f"/api/workflows/{_quote(workflow_id)}/versions"
        return self._t.json("GET", path, timeout=timeout, cancel=cancel)

    def version(
        self, workflow_id: str, version: int, *, timeout: float | None = None, cancel: CancelToken | None = None
    ) -> JSON:
        path = f"/api/workflows/{_quote(workflow_id)}/versions/{_quote(version)}"
        return self._t.json("GET", path, timeout=timeout, cancel=cancel)

    def restore(
        self, workflow_id: str, version: int, *, timeout: float | None = None, cancel: CancelToken | None = None
    ) -> JSON:
        """Makes an old version the newest (as a new version)."""
        path = f"/api/workflows/{_quote(workflow_id)}/restore/{_quote(version)}"
        return self._t.json("POST", path, timeout=timeout, cancel=cancel)

    def export(
        self,
        workflow_id: str,
        version: int | None = None,
        *,
        timeout: float | None = None,
        cancel: CancelToken | None = None,
    ) -> JSON:
        """The export file of a workflow (its latest version, or ``version``)."""
        path = f"/api/workflows/{_quote(workflow_id)}/export"
        return self._t.json("GET", path, query={"version": version}, timeout=timeout, cancel=cancel)

    def import_(self, export_file: JSON, *, timeout: float | None = None, cancel: CancelToken | None = None) -> JSON:
        """Imports an export file as a new workflow (``import`` is a Python keyword)."""
        return self._t.json("POST", "/api/workflows/import", body=export_file, timeout=timeout, cancel=cancel)

    def validate(
        self,
        definition: JSON,
        definition_id: str | None = None,
        *,
        timeout: float | None = None,
        cancel: CancelToken | None = None,
    ) -> JSON:
        """Validates a definition without saving it: ``{"isValid", "errors", "warnings"}``."""
        body: JSON = {"definition": definition, **({"definitionId": definition_id} if definition_id else {})}
        return self._t.json("POST", "/api/workflows/validate", body=body, timeout=timeout, cancel=cancel)["validation"]

    def to_template(
        self, workflow_id: str, *, timeout: float | None = None, cancel: CancelToken | None = None, **body: Any
    ) -> JSON:
        """Saves a workflow as a template of your own."""
        path = f"/api/workflows/{_quote(workflow_id)}/to-template"
        return self._t.json("POST", path, body=body, timeout=timeout, cancel=cancel)


class Templates(_Resource):
    """Built-in and your own templates."""

    def list(self, *, timeout: float | None = None, cancel: CancelToken | None = None) -> JSON:
        return self._t.json("GET", "/api/templates", timeout=timeout, cancel=cancel)

    def create(self, body: JSON, *, timeout: float | None = None, cancel: CancelToken | None = None) -> JSON:
        return self._t.json("POST", "/api/templates", body=body, timeout=timeout, cancel=cancel)

    def get(self, template_id: str, *, timeout: float | None = None, cancel: CancelToken | None = None) -> JSON:
        path = f"/api/templates/{_quote(template_id)}"
        return self._t.json("GET", path, timeout=timeout, cancel=cancel)["template"]

    def update(
        self, template_id: str, body: JSON, *, timeout: float | None = None, cancel: CancelToken | None = None
    ) -> JSON:
        path = f"/api/templates/{_quote(template_id)}"
        return self._t.json("PUT", path, body=body, timeout=timeout, cancel=cancel)

    def delete(self, template_id: str, *, timeout: float | None = None, cancel: CancelToken | None = None) -> None:
        self._t.json("DELETE", f"/api/templates/{_quote(template_id)}", timeout=timeout, cancel=cancel)

    def instantiate(
        self, template_id: str, *, timeout: float | None = None, cancel: CancelToken | None = None, **body: Any
    ) -> JSON:
        """Creates a workflow of your own from a template."""
        path = f"/api/templates/{_quote(template_id)}/instantiate"
        return self._t.json("POST", path, body=body, timeout=timeout, cancel=cancel)

    def export(self, template_id: str, *, timeout: float | None = None, cancel: CancelToken | None = None) -> JSON:
        path = f"/api/templates/{_quote(template_id)}/export"
        return self._t.json("GET", path, timeout=timeout, cancel=cancel)

    def import_(self, export_file: JSON, *, timeout: float | None = None, cancel: CancelToken | None = None) -> JSON:
        return self._t.json("POST", "/api/templates/import", body=export_file, timeout=timeout, cancel=cancel)


class KnowledgeBases(_Resource):
    """Knowledge bases for retrieval: documents and search."""

    def list(self, *, timeout: float | None = None, cancel: CancelToken | None = None) -> JSON:
        return self._t.json("GET", "/api/knowledge-bases", timeout=timeout, cancel=cancel)

    def create(
        self,
        name: str,
        description: str | None = None,
        *,
        timeout: float | None = None,
        cancel: CancelToken | None = None,
    ) -> JSON:
        body = {"name": name, **({"description": description} if description is not None else {})}
        return self._t.json("POST", "/api/knowledge-bases", body=body, timeout=timeout, cancel=cancel)

    def get(self, base_id: str, *, timeout: float | None = None, cancel: CancelToken | None = None) -> JSON:
        return self._t.json("GET", f"/api/knowledge-bases/{_quote(base_id)}", timeout=timeout, cancel=cancel)

    def update(
        self, base_id: str, *, timeout: float | None = None, cancel: CancelToken | None = None, **body: Any
    ) -> JSON:
        path = f"/api/knowledge-bases/{_quote(base_id)}"
        return self._t.json("PATCH", path, body=body, timeout=timeout, cancel=cancel)

    def delete(self, base_id: str, *, timeout: float | None = None, cancel: CancelToken | None = None) -> None:
        self._t.json("DELETE", f"/api/knowledge-bases/{_quote(base_id)}", timeout=timeout, cancel=cancel)

    def add_text(
        self, base_id: str, title: str, text: str, *, timeout: float | None = None, cancel: CancelToken | None = None
    ) -> JSON:
        """Adds a text document (split into chunks and indexed)."""
        path = f"/api/knowledge-bases/{_quote(base_id)}/documents"
        return self._t.json("POST", path, body={"title": title, "text": text}, timeout=timeout, cancel=cancel)

    def upload(
        self,
        base_id: str,
        data: bytes,
        filename: str,
        content_type: str | None = None,
        *,
        timeout: float | None = None,
        cancel: CancelToken | None = None,
    ) -> JSON:
        """Uploads a file (text, Markdown, PDF…) as a document: sent as multipart/form-data, as a browser would."""
        kind = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        boundary = f"lattice-{uuid.uuid4().hex}"
        # The HTML form encoding of a file name: quotes and line breaks percent-encoded.
        quoted = filename.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
        head = (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{quoted}"\r\n'
            f"Content-Type: {kind}\r\n\r\n"
        ).encode("utf-8")
        payload = head + data + f"\r\n--{boundary}--\r\n".encode("ascii")
        path = f"/api/knowledge-bases/{_quote(base_id)}/documents"
        return self._t.json(
            "POST", path, raw=(payload, f"multipart/form-data; boundary={boundary}"), timeout=timeout, cancel=cancel
        )

    def delete_document(
        self, base_id: str, document_id: str, *, timeout: float | None = None, cancel: CancelToken | None = None
    ) -> None:
        path = f"/api/knowledge-bases/{_quote(base_id)}/documents/{_quote(document_id)}"
        self._t.json("DELETE", path, timeout=timeout, cancel=cancel)

    def search(
        self,
        base_id: str,
        query: str,
        top_k: int | None = None,
        *,
        timeout: float | None = None,
        cancel: CancelToken | None = None,
    ) -> JSON:
        """Searches a base as the retrieval node does: ``{"results", "mode", "tookMs"}``."""
        body: JSON = {"query": query, **({"topK": top_k} if top_k is not None else {})}
        path = f"/api/knowledge-bases/{_quote(base_id)}/search"
        return self._t.json("POST", path, body=body, timeout=timeout, cancel=cancel)

    def embeddings(self, base_id: str, *, timeout: float | None = None, cancel: CancelToken | None = None) -> JSON:
        """Progress of the base's embeddings."""
        path = f"/api/knowledge-bases/{_quote(base_id)}/embeddings"
        return self._t.json("GET", path, timeout=timeout, cancel=cancel)

    def reembed(self, base_id: str, *, timeout: float | None = None, cancel: CancelToken | None = None) -> JSON:
        """Re-embeds the base's documents with its current model (in the background)."""
        path = f"/api/knowledge-bases/{_quote(base_id)}/embeddings"
        return self._t.json("POST", path, timeout=timeout, cancel=cancel)


class Analytics(_Resource):
    """Usage and outcomes (``from``/``to`` ISO times, ``bucket`` "hour"/"day")."""

    def summary(self, *, timeout: float | None = None, cancel: CancelToken | None = None, **query: Any) -> JSON:
        return self._t.json("GET", "/api/analytics/summary", query=query, timeout=timeout, cancel=cancel)

    def templates(self, *, timeout: float | None = None, cancel: CancelToken | None = None, **query: Any) -> JSON:
        return self._t.json("GET", "/api/analytics/templates", query=query, timeout=timeout, cancel=cancel)

    def workflows(self, *, timeout: float | None = None, cancel: CancelToken | None = None, **query: Any) -> JSON:
        return self._t.json("GET", "/api/analytics/workflows", query=query, timeout=timeout, cancel=cancel)


class ApiKeys(_Resource):
    """API keys of the calling account."""

    def list(self, *, timeout: float | None = None, cancel: CancelToken | None = None) -> JSON:
        return self._t.json("GET", "/api/keys", timeout=timeout, cancel=cancel)

    def create(self, name: str, *, timeout: float | None = None, cancel: CancelToken | None = None) -> JSON:
        """Creates a key: ``{"key", "secret"}`` — the secret is shown this once."""
        return self._t.json("POST", "/api/keys", body={"name": name}, timeout=timeout, cancel=cancel)

    def revoke(self, key_id: str, *, timeout: float | None = None, cancel: CancelToken | None = None) -> None:
        self._t.json("DELETE", f"/api/keys/{_quote(key_id)}", timeout=timeout, cancel=cancel)


class LatticeClient:
    """The Lattice API.

    >>> client = LatticeClient("http://localhost:3000", api_key="lat_…")
    >>> for event in client.chat.send("Hello"):
    ...     if event["type"] == "token":
    ...         print(event["data"]["text"], end="")

    ``timeout`` here is how long a connection may stay silent (the socket timeout; a stream's keep-alives
    reset it). Every call also takes its own ``timeout=`` (seconds for the whole call) and ``cancel=`` (a
    :class:`CancelToken`), which raise :class:`RequestTimeout` / :class:`RequestCancelled`.
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

    def health(self, *, timeout: float | None = None, cancel: CancelToken | None = None) -> JSON:
        """The server's status; with credentials also its version, database and who is calling."""
        return self._transport.json("GET", "/api/health", timeout=timeout, cancel=cancel)

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """Any other route, as JSON (``body=``, ``query=``, ``headers=``, ``timeout=``, ``cancel=``), with the
        same errors and retries."""
        return self._transport.json(method, path, **kwargs)


__all__ = [
    "LatticeClient",
    "RunStream",
    "CancelToken",
    "RetryPolicy",
    "RetryInfo",
    "ExecutionEvent",
    "ExecutionResult",
    "TERMINAL_EVENT_TYPES",
]
