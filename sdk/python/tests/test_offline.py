"""The Python SDK without a Lattice server: a scripted local HTTP server checks what the client retries
(429/503 after Retry-After) and never retries (other 4xx), the errors it raises, and a run stream that
resumes after a cut with Last-Event-ID and delivers each event once.
"""

from __future__ import annotations

import json
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

import time

from lattice_sdk import (
    CancelToken,
    LatticeClient,
    LatticeError,
    RequestCancelled,
    RequestTimeout,
    RetryPolicy,
    parse_retry_after,
    parse_sse,
)

EXECUTION_ID = "01JB8Z3V4Q5R6S7T8V9W0X1Y2Z"
Answer = Callable[[BaseHTTPRequestHandler, bytes], None]


def json_answer(status: int, body: Any, headers: dict[str, str] | None = None) -> Answer:
    def answer(handler: BaseHTTPRequestHandler, _body: bytes) -> None:
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("content-type", "application/json")
        handler.send_header("content-length", str(len(data)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)

    return answer


def sse_answer(seqs: list[int], terminal: bool) -> Answer:
    """Events with these numbers; the last is run_completed when `terminal`, else the connection just ends."""

    def answer(handler: BaseHTTPRequestHandler, _body: bytes) -> None:
        handler.send_response(200)
        handler.send_header("content-type", "text/event-stream")
        handler.send_header("connection", "close")
        handler.end_headers()
        for i, seq in enumerate(seqs):
            kind = "run_completed" if terminal and i == len(seqs) - 1 else "token"
            event = {"seq": seq, "type": kind, "executionId": EXECUTION_ID, "at": "", "data": {"text": f"t{seq}"}}
            handler.wfile.write(f": keep-alive\n\nid: {seq}\nevent: {kind}\ndata: {json.dumps(event)}\n\n".encode())
        handler.wfile.flush()
        handler.close_connection = True

    return answer


class Hold:
    """An answer that never finishes: optionally some events first, then it waits for the client to hang up
    (noting when it did) — at most ``limit`` seconds."""

    def __init__(self, events: list[int] | None = None, limit: float = 10.0) -> None:
        self.events = events
        self.limit = limit
        self.client_left = threading.Event()

    def __call__(self, handler: BaseHTTPRequestHandler, _body: bytes) -> None:
        if self.events is not None:
            handler.send_response(200)
            handler.send_header("content-type", "text/event-stream")
            handler.end_headers()
            for seq in self.events:
                event = {"seq": seq, "type": "token", "executionId": EXECUTION_ID, "at": "", "data": {"text": "t"}}
                handler.wfile.write(f"id: {seq}\nevent: token\ndata: {json.dumps(event)}\n\n".encode())
            handler.wfile.flush()
        handler.connection.settimeout(self.limit)
        try:
            if handler.connection.recv(1) == b"":  # the client shut its side: its cancel reached the socket
                self.client_left.set()
        except OSError:
            self.client_left.set()
        handler.close_connection = True


class ScriptedServer:
    def __init__(self, answers: list[Answer]) -> None:
        self.answers = answers
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        script = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                script.requests.append((self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                script.answers.pop(0)(self, body)

            do_GET = do_POST = do_DELETE = _serve

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class OfflineTests(unittest.TestCase):
    def serve(self, answers: list[Answer]) -> ScriptedServer:
        server = ScriptedServer(answers)
        self.addCleanup(server.close)
        return server

    def test_retries_429_after_retry_after_with_the_same_body(self) -> None:
        server = self.serve(
            [
                json_answer(429, {"error": {"code": "rate_limit:runs", "message": "Too many"}}, {"retry-after": "0"}),
                json_answer(200, {"executionId": EXECUTION_ID, "status": "completed"}),
            ]
        )
        retries = []
        client = LatticeClient(server.url, "lat_key", on_retry=retries.append)
        result = client.executions.run({"type": "CHAT", "input": {"message": "hi"}})
        self.assertEqual(result["status"], "completed")
        self.assertEqual([r.status for r in retries], [429])
        self.assertEqual(len(server.requests), 2)
        for method, path, headers, body in server.requests:
            self.assertEqual((method, path), ("POST", "/api/executions"))
            self.assertEqual(headers["authorization"], "Bearer lat_key")
            self.assertEqual(json.loads(body), {"type": "CHAT", "input": {"message": "hi"}})

    def test_never_retries_other_4xx(self) -> None:
        server = self.serve(
            [
                json_answer(
                    422,
                    {"error": {"code": "validation:body", "message": "Invalid", "issues": [{"path": "input.message", "message": "too long"}]}},
                )
            ]
        )
        with self.assertRaises(LatticeError) as caught:
            LatticeClient(server.url).executions.run({"type": "CHAT", "input": {}})
        error = caught.exception
        self.assertEqual((error.code, error.status, error.type), ("validation:body", 422, "validation"))
        self.assertEqual([(i.path, i.message) for i in error.issues], [("input.message", "too long")])
        self.assertEqual(len(server.requests), 1)

    def test_gives_up_after_max_retries(self) -> None:
        busy = json_answer(503, {"error": {"code": "unavailable:shutdown", "message": "Bye"}}, {"retry-after": "0"})
        server = self.serve([busy, busy, busy])
        with self.assertRaises(LatticeError) as caught:
            LatticeClient(server.url, retry=RetryPolicy(max_retries=2)).workflows.list()
        self.assertEqual((caught.exception.code, caught.exception.retry_after), ("unavailable:shutdown", 0))
        self.assertEqual(len(server.requests), 3)

    def test_does_not_wait_beyond_max_retry_after(self) -> None:
        server = self.serve([json_answer(429, {"error": {"code": "rate_limit:runs", "message": "Later"}}, {"retry-after": "120"})])
        with self.assertRaises(LatticeError) as caught:
            LatticeClient(server.url).workflows.list()
        self.assertEqual((caught.exception.status, caught.exception.retry_after), (429, 120))
        self.assertEqual(len(server.requests), 1)

    def test_unreachable_server_is_a_network_error(self) -> None:
        with self.assertRaises(LatticeError) as caught:
            LatticeClient("http://127.0.0.1:9", retry=RetryPolicy(max_retries=0)).api_keys.create("k")
        self.assertEqual((caught.exception.code, caught.exception.status), ("unavailable:network", 0))

    def test_stream_resumes_after_a_cut_skipping_replays(self) -> None:
        server = self.serve([sse_answer([1, 2, 3], terminal=False), sse_answer([3, 4, 5], terminal=True)])
        reconnects: list[int] = []
        stream = LatticeClient(server.url).executions.events(EXECUTION_ID, on_reconnect=lambda _a, seq: reconnects.append(seq))
        self.assertEqual([e["seq"] for e in stream], [1, 2, 3, 4, 5])
        self.assertEqual([h.get("last-event-id") for _m, _p, h, _b in server.requests], ["0", "3"])
        self.assertEqual(reconnects, [3])
        self.assertEqual(stream.terminal and stream.terminal["type"], "run_completed")

    # Cancellation and deadlines (CancelToken, timeout=): the socket is shut down, so a blocked read wakes.

    def test_cancel_stops_a_call_waiting_for_its_answer(self) -> None:
        hold = Hold()
        server = self.serve([hold])
        token = CancelToken()
        threading.Timer(0.3, token.cancel).start()
        started = time.monotonic()
        with self.assertRaises(RequestCancelled) as caught:
            LatticeClient(server.url).executions.run({"type": "CHAT", "input": {"message": "hi"}}, cancel=token)
        self.assertLess(time.monotonic() - started, 3)
        self.assertIsInstance(caught.exception, LatticeError)
        self.assertEqual((caught.exception.code, caught.exception.status), ("cancelled:request", 0))
        self.assertTrue(hold.client_left.wait(3), "the connection was not closed")
        self.assertEqual(len(server.requests), 1)  # a cancelled POST is never sent again

    def test_a_cancelled_token_sends_nothing(self) -> None:
        server = self.serve([json_answer(200, {"workflows": []})])
        token = CancelToken()
        token.cancel()
        with self.assertRaises(RequestCancelled):
            LatticeClient(server.url).workflows.list(cancel=token)
        self.assertEqual(server.requests, [])

    def test_timeout_is_a_deadline_for_the_whole_call(self) -> None:
        hold = Hold()
        server = self.serve([hold])
        started = time.monotonic()
        with self.assertRaises(RequestTimeout) as caught:
            LatticeClient(server.url).workflows.get("wf", timeout=0.4)
        self.assertLess(time.monotonic() - started, 3)
        self.assertEqual((caught.exception.code, caught.exception.status), ("timeout:request", 0))
        self.assertTrue(hold.client_left.wait(3))

        # A wait for Retry-After counts too, and ends at the deadline rather than after the wait.
        busy = json_answer(429, {"error": {"code": "rate_limit:runs", "message": "Later"}}, {"retry-after": "30"})
        server = self.serve([busy])
        started = time.monotonic()
        with self.assertRaises(RequestTimeout):
            LatticeClient(server.url).executions.run({"type": "CHAT", "input": {"message": "hi"}}, timeout=0.5)
        self.assertLess(time.monotonic() - started, 3)
        self.assertEqual(len(server.requests), 1)

    def test_cancel_while_streaming_closes_the_connection(self) -> None:
        hold = Hold(events=[1, 2])
        server = self.serve([hold])
        token = CancelToken()
        stream = LatticeClient(server.url).executions.events(EXECUTION_ID, cancel=token)
        seen: list[int] = []
        with self.assertRaises(RequestCancelled):
            for event in stream:
                seen.append(event["seq"])
                if event["seq"] == 2:
                    # From another thread, while this one blocks waiting for a third event.
                    threading.Timer(0.2, token.cancel).start()
        self.assertEqual(seen, [1, 2])
        self.assertEqual(stream.last_seq, 2)
        self.assertTrue(hold.client_left.wait(3), "the stream's connection was not closed")
        self.assertEqual(len(server.requests), 1)  # no reconnect after a cancel

    def test_nothing_is_delivered_after_a_cancel_not_even_what_had_arrived(self) -> None:
        server = self.serve([Hold(events=[1, 2, 3])])  # all three written at once: buffered together
        token = CancelToken()
        seen: list[int] = []
        with self.assertRaises(RequestCancelled):
            for event in LatticeClient(server.url).executions.events(EXECUTION_ID, cancel=token):
                seen.append(event["seq"])
                token.cancel()
        self.assertEqual(seen, [1])

    def test_stream_timeout_and_close_from_another_thread(self) -> None:
        hold = Hold(events=[1])
        server = self.serve([hold])
        started = time.monotonic()
        with self.assertRaises(RequestTimeout):
            for _event in LatticeClient(server.url).executions.events(EXECUTION_ID, timeout=0.5):
                pass
        self.assertLess(time.monotonic() - started, 3)
        self.assertTrue(hold.client_left.wait(3))

        hold = Hold(events=[1])
        server = self.serve([hold])
        stream = LatticeClient(server.url).executions.events(EXECUTION_ID)
        threading.Timer(0.3, stream.close).start()
        self.assertEqual([e["seq"] for e in stream], [1])  # close() ends the loop quietly
        self.assertIsNone(stream.terminal)
        self.assertTrue(hold.client_left.wait(3))

    def test_upload_sends_multipart_form_data(self) -> None:
        server = self.serve([json_answer(201, {"document": {"id": "d1"}})])
        LatticeClient(server.url).knowledge_bases.upload("kb1", b"Hello \x00 bytes", 'notes "v2".md')
        method, path, headers, body = server.requests[0]
        self.assertEqual((method, path), ("POST", "/api/knowledge-bases/kb1/documents"))
        self.assertTrue(headers["content-type"].startswith("multipart/form-data; boundary="))
        self.assertIn(b'name="file"; filename="notes %22v2%22.md"', body)
        self.assertIn(b"\r\n\r\nHello \x00 bytes\r\n--", body)

    def test_sse_parsing_and_retry_after(self) -> None:
        lines = [b": comment\n", b"id: 7\n", b"event: token\n", b"data: a\n", b"data: b\n", b"\n", b"data: cut off\n"]
        messages = list(parse_sse(lines))
        self.assertEqual([(m.id, m.event, m.data) for m in messages], [("7", "token", "a\nb")])
        self.assertEqual(parse_retry_after("3"), 3)
        self.assertEqual(parse_retry_after("Thu, 01 Jan 1970 00:00:10 GMT", now=4), 6)
        self.assertIsNone(parse_retry_after("soon"))


if __name__ == "__main__":
    unittest.main()
