"""The Python SDK against a running Lattice server (tests/sdk/run.ts starts it with the production build,
on PGlite and on PostgreSQL, allowing one run at a time per user). The same scenarios as the TypeScript
SDK's live tests: run, a stream cut mid-run and resumed, chat, cancel, resume a paused run, validation
errors, and a 429 retried after its Retry-After.
"""

from __future__ import annotations

import os
import socket
import threading
import unittest
from typing import Any

from lattice_sdk import CancelToken, LatticeClient, LatticeError, RequestCancelled, RequestTimeout, RetryInfo, RetryPolicy

BASE_URL = os.environ.get("LATTICE_SDK_TEST_URL")
API_KEY = os.environ.get("LATTICE_SDK_TEST_API_KEY")


def node(node_id: str, node_type: str, config: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"id": node_id, "type": node_type, "position": {"x": 0, "y": 0}, "data": {"config": config or {}}}


def edge(source: str, target: str, handle: str | None = None) -> dict[str, Any]:
    return {"id": f"{source}-{handle or 'out'}-{target}", "source": source, "target": target, **({"sourceHandle": handle} if handle else {})}


def model_graph(**config: Any) -> dict[str, Any]:
    """start → model → end with the local model (no network): ``echo`` at once, ``slow`` token by token."""
    return {
        "nodes": [node("start", "start"), node("model", "model", {"provider": "local", **config}), node("end", "end")],
        "edges": [edge("start", "model"), edge("model", "end")],
        "metadata": {},
    }


def custom(definition: dict[str, Any], message: str) -> dict[str, Any]:
    return {"type": "CUSTOM", "definition": definition, "input": {"message": message}}


APPROVAL = {
    "nodes": [
        node("start", "start"),
        node("review", "human", {"mode": "approval", "question": "Ship it?", "variable": "ok"}),
        node("yes", "end", {"outputTemplate": "shipped"}),
        node("no", "end", {"outputTemplate": "held back"}),
    ],
    "edges": [edge("start", "review"), edge("review", "yes", "approved"), edge("review", "no", "rejected")],
    "metadata": {},
}


def tokens(events: list[dict[str, Any]]) -> str:
    return "".join(e["data"]["text"] for e in events if e["type"] == "token")


class CuttingProxy:
    """A TCP proxy in front of the server whose connections the test can cut, as a network would."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.sockets: set[socket.socket] = set()
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.sockets.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, target):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def cut(self) -> None:
        with self.lock:
            sockets, self.sockets = self.sockets, set()
        for s in sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def close(self) -> None:
        self.cut()
        self.listener.close()


@unittest.skipUnless(BASE_URL and API_KEY, "run with `npx tsx tests/sdk/run.ts` (it starts the server)")
class LiveTests(unittest.TestCase):
    client: LatticeClient

    @classmethod
    def setUpClass(cls) -> None:
        cls.client = LatticeClient(BASE_URL or "", API_KEY)

    def test_run_get_list(self) -> None:
        result = self.client.executions.run(custom(model_graph(model="echo"), "hello from Python"))
        self.assertEqual(result["status"], "completed")
        self.assertIn("hello from Python", result["output"]["message"])
        self.assertEqual(self.client.executions.get(result["executionId"])["status"], "completed")
        ids = [e["id"] for e in self.client.executions.list(limit=5)["executions"]]
        self.assertIn(result["executionId"], ids)

    def test_stream_cut_mid_run_resumes_without_loss_or_duplicates(self) -> None:
        from urllib.parse import urlparse

        target = urlparse(BASE_URL)
        proxy = CuttingProxy(target.hostname or "127.0.0.1", target.port or 80)
        try:
            via_proxy = LatticeClient(proxy.url, API_KEY)
            stream = via_proxy.executions.stream(custom(model_graph(model="slow", latencyMs=8), "stream me"))
            events: list[dict[str, Any]] = []
            cut_at = None
            for event in stream:
                events.append(event)
                if cut_at is None and event["type"] == "token" and sum(e["type"] == "token" for e in events) == 5:
                    cut_at = event["seq"]
                    proxy.cut()
            self.assertIsNotNone(cut_at)
            self.assertGreaterEqual(stream.reconnects, 1)
            self.assertEqual([e["seq"] for e in events], list(range(1, len(events) + 1)))
            self.assertEqual(events[-1]["type"], "run_completed")
            result = stream.result()
            self.assertEqual(result["status"], "completed")
            self.assertEqual(tokens(events), result["output"]["message"])
            self.assertEqual(self.client.executions.get(result["executionId"])["events"]["lastSeq"], len(events))
        finally:
            proxy.close()

    def test_cancel(self) -> None:
        stream = self.client.executions.stream(custom(model_graph(model="slow", latencyMs=20), "cancel me"))
        types: list[str] = []
        cancelled = None
        for event in stream:
            types.append(event["type"])
            if event["type"] == "token" and cancelled is None:
                cancelled = self.client.executions.cancel(stream.execution_id or "")
        self.assertIsNotNone(cancelled)
        self.assertEqual(types[-1], "run_cancelled")
        self.assertEqual(stream.result()["status"], "cancelled")

    def test_cancel_token_and_timeout_stop_listening_not_the_run(self) -> None:
        token = CancelToken()
        stream = self.client.executions.stream(custom(model_graph(model="slow", latencyMs=20), "stop listening"), cancel=token)
        seen = 0
        with self.assertRaises(RequestCancelled):
            for event in stream:
                if event["type"] == "token":
                    seen += 1
                    if seen == 3:
                        token.cancel()
        self.assertEqual(seen, 3)
        execution_id = stream.execution_id or ""
        # The run goes on without a listener; a timeout on another follower ends that follower only.
        self.assertEqual(self.client.executions.get(execution_id)["status"], "running")
        with self.assertRaises(RequestTimeout):
            self.client.executions.events(execution_id, timeout=0.3).result()
        self.client.executions.cancel(execution_id)
        self.assertEqual(self.client.executions.events(execution_id).result()["status"], "cancelled")

        # A run waited for (no stream): the caller gives up at its deadline, the run does not.
        with self.assertRaises(RequestTimeout):
            self.client.executions.run(custom(model_graph(model="slow", latencyMs=20), "wait for me"), timeout=0.5)
        running = self.client.executions.list(status="running")["executions"]
        self.assertEqual(len(running), 1)
        self.client.executions.cancel(running[0]["id"])
        self.assertEqual(self.client.executions.events(running[0]["id"]).result()["status"], "cancelled")

    def test_resume_paused_run(self) -> None:
        paused = self.client.executions.run(custom(APPROVAL, "release 1.2"))
        self.assertEqual(paused["status"], "paused")
        self.assertEqual(paused["interrupt"]["nodeId"], "review")
        done = self.client.executions.resume(paused["executionId"], approved=True)
        self.assertEqual(done["status"], "completed")
        self.assertEqual(done["output"]["message"], "shipped")

        again = self.client.executions.run(custom(APPROVAL, "release 1.3"))
        before = self.client.executions.get(again["executionId"])["events"]["lastSeq"]
        with self.client.executions.resume_stream(again["executionId"], approved=False) as stream:
            seqs = [e["seq"] for e in stream]
            self.assertEqual(seqs, list(range(before + 1, before + 1 + len(seqs))))
            self.assertEqual(stream.result()["output"]["message"], "held back")
        with self.assertRaises(LatticeError) as caught:
            self.client.executions.resume(again["executionId"], approved=True)
        self.assertEqual(caught.exception.status, 409)

    def test_rerun(self) -> None:
        first = self.client.executions.run(custom(model_graph(model="echo"), "again please"))
        second = self.client.executions.rerun(first["executionId"])
        self.assertNotEqual(second["executionId"], first["executionId"])
        self.assertEqual(second["output"]["message"], first["output"]["message"])
        with self.client.executions.rerun_stream(first["executionId"]) as stream:
            events = list(stream)
        self.assertEqual([e["seq"] for e in events], list(range(1, len(events) + 1)))
        self.assertNotIn(stream.execution_id, (first["executionId"], second["executionId"]))
        self.assertEqual(stream.result()["output"]["message"], first["output"]["message"])

    def test_validation_errors_are_typed(self) -> None:
        broken = model_graph(model="echo")
        broken["edges"].append(edge("model", "nowhere"))
        with self.assertRaises(LatticeError) as caught:
            self.client.executions.run(custom(broken, "hi"))
        error = caught.exception
        self.assertEqual((error.status, error.type), (422, "validation"))
        self.assertTrue(any(issue.path.startswith("edges") for issue in error.issues))
        with self.assertRaises(LatticeError) as chat_error:
            self.client.chat.send("   ")
        self.assertEqual(chat_error.exception.status, 422)
        self.assertIn("message", [issue.path for issue in chat_error.exception.issues])
        with self.assertRaises(LatticeError) as missing:
            self.client.executions.get("01JB8Z3V4Q5R6S7T8V9W0X1Y2Z")
        self.assertEqual((missing.exception.status, missing.exception.code), (404, "not_found:execution"))

    def test_429_retried_after_retry_after(self) -> None:
        retries: list[RetryInfo] = []
        patient = LatticeClient(BASE_URL or "", API_KEY, on_retry=retries.append)
        busy = self.client.executions.start(custom(model_graph(model="slow", latencyMs=4), "hold the slot"))
        result = patient.executions.run(custom(model_graph(model="echo"), "let me in"))
        self.assertEqual(result["status"], "completed")
        self.assertGreaterEqual(len(retries), 1)
        self.assertEqual((retries[0].status, retries[0].method), (429, "POST"))
        self.assertGreaterEqual(retries[0].delay, 1)
        self.assertEqual(retries[0].delay, int(retries[0].delay))  # the server's whole seconds, not a guess
        self.assertEqual(self.client.executions.get(busy["executionId"])["status"], "completed")

        hold = self.client.executions.start(custom(model_graph(model="slow", latencyMs=4), "hold it again"))
        impatient = LatticeClient(BASE_URL or "", API_KEY, retry=RetryPolicy(max_retries=0))
        with self.assertRaises(LatticeError) as refused:
            impatient.executions.run(custom(model_graph(model="echo"), "now"))
        self.assertEqual((refused.exception.status, refused.exception.code), (429, "rate_limit:concurrent_runs"))
        self.assertIsNotNone(refused.exception.retry_after)
        self.client.executions.events(hold["executionId"]).result()

    def test_chat_streams_and_saves(self) -> None:
        stream = self.client.chat.send("What is Lattice?")
        events = list(stream)
        self.assertEqual([e["seq"] for e in events], list(range(1, len(events) + 1)))
        result = stream.result()
        self.assertEqual(tokens(events), result["output"]["message"])
        saved = stream.saved_message
        assert saved is not None
        self.assertEqual(saved["message"]["role"], "assistant")
        self.assertEqual(saved["message"]["content"], result["output"]["message"])
        self.client.chat.send("And then?", conversation_id=saved["conversationId"]).result()
        conversation = self.client.conversations.get(saved["conversationId"])
        self.assertEqual([m["role"] for m in conversation["messages"]], ["user", "assistant", "user", "assistant"])
        self.client.conversations.update(saved["conversationId"], title="Renamed by Python")
        listed = self.client.conversations.list()["conversations"]
        self.assertIn("Renamed by Python", [c["title"] for c in listed])
        self.client.conversations.delete(saved["conversationId"])
        with self.assertRaises(LatticeError) as gone:
            self.client.conversations.get(saved["conversationId"])
        self.assertEqual(gone.exception.status, 404)

    def test_resources(self) -> None:
        saved = self.client.workflows.create({"name": "Python workflow", **model_graph(model="echo")})
        workflow_id = saved["workflow"]["id"]
        run = self.client.executions.run({"type": "DEFINITION", "definitionId": workflow_id, "input": {"message": "by id"}})
        self.assertIn("by id", run["output"]["message"])
        workflow = self.client.workflows.get(workflow_id)
        self.client.workflows.update(
            workflow_id, {"name": "v2", "nodes": workflow["nodes"], "edges": workflow["edges"], "baseVersion": 1}
        )
        self.assertEqual(sorted(v["version"] for v in self.client.workflows.versions(workflow_id)["versions"]), [1, 2])
        self.assertEqual(self.client.workflows.version(workflow_id, 1)["version"]["name"], "Python workflow")
        self.assertEqual(self.client.workflows.restore(workflow_id, 1)["workflow"]["name"], "Python workflow")
        template = self.client.workflows.to_template(workflow_id, name="Python template")["template"]
        copy = self.client.templates.import_(self.client.templates.export(template["id"]))["template"]
        self.assertEqual(copy["name"], "Python template")
        self.assertNotEqual(copy["id"], template["id"])
        for t in (copy, template):
            self.client.templates.delete(t["id"])
        imported = self.client.workflows.import_(self.client.workflows.export(workflow_id))
        self.assertNotEqual(imported["workflow"]["id"], workflow_id)
        self.assertFalse(self.client.workflows.validate({"nodes": [], "edges": []})["isValid"])
        self.client.workflows.delete(workflow_id)
        with self.assertRaises(LatticeError) as gone:
            self.client.workflows.get(workflow_id)
        self.assertEqual(gone.exception.status, 404)

        templates = self.client.templates.list()["templates"]
        self.assertGreater(len(templates), 0)
        template = self.client.templates.get(templates[0]["id"])
        made = self.client.templates.instantiate(template["id"], name="From a template")
        self.assertEqual(made["workflow"]["name"], "From a template")
        self.client.workflows.delete(made["workflow"]["id"])
        base = self.client.knowledge_bases.create("Python base")["knowledgeBase"]
        self.client.knowledge_bases.add_text(base["id"], "Lattice", "Lattice runs LLM workflows on PGlite or PostgreSQL.")
        found = self.client.knowledge_bases.search(base["id"], "PostgreSQL")
        self.assertIn("PostgreSQL", found["results"][0]["text"])
        self.client.knowledge_bases.upload(base["id"], b"# Pricing\n\nThe Pro plan costs 42 credits.", "pricing.md")
        found = self.client.knowledge_bases.search(base["id"], "Pro plan credits")
        self.assertTrue(any("42 credits" in r["text"] for r in found["results"]))
        self.client.knowledge_bases.delete(base["id"])
        self.assertIsInstance(self.client.analytics.summary(), dict)
        key = self.client.api_keys.create("python temp")
        self.assertIn(key["key"]["id"], [k["id"] for k in self.client.api_keys.list()["keys"]])
        keyed = LatticeClient(BASE_URL or "", key["secret"])
        self.assertEqual(keyed.health()["status"], "ok")
        self.client.api_keys.revoke(key["key"]["id"])
        with self.assertRaises(LatticeError) as revoked:
            keyed.workflows.list()
        self.assertEqual(revoked.exception.status, 401)


if __name__ == "__main__":
    unittest.main()
