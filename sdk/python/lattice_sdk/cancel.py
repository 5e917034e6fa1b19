"""Per-call cancellation and deadlines, standard library only.

Every SDK call takes ``cancel=`` (a :class:`CancelToken`) and ``timeout=`` (seconds for the whole call). A
cancel or an expired deadline shuts down the call's socket, so a thread blocked reading the answer (a run
waited for, a stream between events) wakes at once, and a wait before a retry ends at once too. The call
then raises :class:`~lattice_sdk.RequestCancelled` or :class:`~lattice_sdk.RequestTimeout`.
"""

from __future__ import annotations

import http.client
import socket
import threading
import urllib.request
import weakref
from typing import Any, Callable

from .errors import LatticeError, RequestCancelled, RequestTimeout


def _shutdown(sock: socket.socket) -> None:
    # shutdown (not close) wakes a thread blocked in recv on this socket; the owner closes it afterwards.
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class CancelToken:
    """Cancels calls from any thread.

    >>> token = CancelToken()
    >>> threading.Timer(5, token.cancel).start()       # or a UI's stop button, a signal handler…
    >>> for event in client.executions.stream(request, cancel=token):
    ...     ...                                        # raises RequestCancelled once cancelled

    One token may be passed to many calls (all stop together); a cancelled token stays cancelled, and a call
    given one sends nothing. Cancelling stops the client, not the server's work: ``executions.cancel`` stops
    a run.
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        self._listeners: dict[int, Callable[[], None]] = {}
        self._next_listener = 0
        #: Why the token fired: "cancelled" (``cancel()``), or internally "timeout" / "closed"; None before.
        self.reason: str | None = None

    @property
    def cancelled(self) -> bool:
        """Whether the token has fired."""
        return self._event.is_set()

    def cancel(self) -> None:
        """Stops every call using this token: open connections are shut down, waits end. Idempotent."""
        self._fire("cancelled")

    def wait(self, seconds: float | None = None) -> bool:
        """Blocks until the token fires (True) or ``seconds`` pass (False)."""
        return self._event.wait(seconds)

    def _fire(self, reason: str) -> None:
        with self._lock:
            if self._event.is_set():
                return
            self.reason = reason
            self._event.set()
            sockets = list(self._sockets)
            listeners = list(self._listeners.values())
        for sock in sockets:
            _shutdown(sock)
        for listener in listeners:
            listener()

    def _attach(self, sock: socket.socket) -> None:
        """Shuts ``sock`` down when the token fires (at once if it already has)."""
        with self._lock:
            if not self._event.is_set():
                self._sockets.add(sock)
                return
        _shutdown(sock)

    def _listen(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Calls ``listener`` when the token fires (at once if it already has); returns the unsubscribe."""
        with self._lock:
            if not self._event.is_set():
                key = self._next_listener
                self._next_listener += 1
                self._listeners[key] = listener
                return lambda: self._unlisten(key)
        listener()
        return lambda: None

    def _unlisten(self, key: int) -> None:
        with self._lock:
            self._listeners.pop(key, None)


class CallScope:
    """One call's own token: fired by the caller's token, by the deadline, or (streams) by ``close()``."""

    def __init__(self, cancel: CancelToken | None = None, timeout: float | None = None) -> None:
        if timeout is not None and timeout <= 0:
            raise ValueError("timeout must be a positive number of seconds")
        self.token = CancelToken()
        self.timeout = timeout
        self._unlisten = cancel._listen(self.token.cancel) if cancel is not None else None
        self._timer: threading.Timer | None = None
        if timeout is not None:
            self._timer = threading.Timer(timeout, self.token._fire, args=("timeout",))
            self._timer.daemon = True
            self._timer.start()

    @property
    def fired(self) -> bool:
        return self.token.cancelled

    def error(self) -> LatticeError:
        if self.token.reason == "timeout":
            return RequestTimeout(
                code="timeout:request", message=f"The call did not finish within {self.timeout:g} s.", status=0
            )
        return RequestCancelled(code="cancelled:request", message="The call was cancelled.", status=0)

    def check(self) -> None:
        """Raises RequestCancelled / RequestTimeout once the scope has fired."""
        if self.token.cancelled:
            raise self.error()

    def sleep(self, seconds: float) -> None:
        """Waits ``seconds``, or raises as soon as the scope fires."""
        if self.token.wait(max(0.0, seconds)):
            raise self.error()

    def end(self) -> None:
        """The call is over: stops the deadline's timer and stops listening to the caller's token."""
        if self._timer is not None:
            self._timer.cancel()
        if self._unlisten is not None:
            self._unlisten()
            self._unlisten = None


class _RegistersSocket:
    """Mixed into a connection: its socket, once connected, is shut down when the request's token fires."""

    token: CancelToken | None = None
    sock: socket.socket | None

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        if self.token is not None and self.sock is not None:
            self.token._attach(self.sock)


class _TokenConnection(_RegistersSocket, http.client.HTTPConnection):
    pass


class _TokenHTTPSConnection(_RegistersSocket, http.client.HTTPSConnection):
    pass


def _factory(cls: type[Any], request: urllib.request.Request) -> Callable[..., Any]:
    def make(host: str, **kwargs: Any) -> Any:
        connection = cls(host, **kwargs)
        connection.token = getattr(request, "lattice_token", None)
        return connection

    return make


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_factory(_TokenConnection, req), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_factory(_TokenHTTPSConnection, req), req, context=self._context)  # type: ignore[attr-defined]


def build_opener() -> urllib.request.OpenerDirector:
    """urllib's default opener whose connections register their sockets with the request's ``lattice_token``."""
    return urllib.request.build_opener(_HTTPHandler, _HTTPSHandler)
