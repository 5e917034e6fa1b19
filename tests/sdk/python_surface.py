"""Prints, as JSON, what the Python SDK calls and declares, for tests/sdk/surface.test.ts to hold against the
OpenAPI document: every public method of every resource (and the client's own) is called with stand-in
arguments, its HTTP requests recorded instead of sent; a method returning a stream is iterated once to
record the connection it opens. Also the event types and run statuses its TypedDicts name.
"""

from __future__ import annotations

import inspect
import json
import sys
import typing
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "sdk" / "python"))

import lattice_sdk  # noqa: E402
from lattice_sdk import client as client_module  # noqa: E402

calls: list[list[str]] = []


class Recorded(Exception):
    pass


class Anything(dict):  # type: ignore[type-arg]
    """A stand-in answer: an id for a key that names one, 0 for a sequence number, else another stand-in."""

    def __getitem__(self, key: Any) -> Any:
        if key == "id" or str(key).endswith("Id"):
            return "01ID"
        if key == "lastSeq":
            return 0
        return Anything()

    def get(self, key: Any, default: Any = None) -> Any:
        return None


def fake_json(self: Any, method: str, path: str, **kwargs: Any) -> Any:
    calls.append([method, path.split("?")[0]])
    return Anything()


def fake_open(self: Any, method: str, path: str, **kwargs: Any) -> Any:
    calls.append([method, path.split("?")[0]])
    raise Recorded()


client_module._Transport.json = fake_json  # type: ignore[method-assign]
client_module._Transport.open = fake_open  # type: ignore[method-assign]

STAND_INS = {"str": "01ID", "int": 1, "bytes": b"x", "JSON": {}, "dict": {}}


def stand_in_args(fn: Any) -> list[Any]:
    args = []
    for param in inspect.signature(fn).parameters.values():
        if param.kind is not param.POSITIONAL_OR_KEYWORD or param.default is not param.empty:
            continue
        annotation = str(param.annotation).split("|")[0].strip()
        args.append(STAND_INS.get(annotation, "01ID"))
    return args


client = lattice_sdk.LatticeClient("http://lattice.test", "lat_key")
surface: dict[str, list[list[str]]] = {}
targets = [("", client)] + [
    (name + ".", value) for name, value in vars(client).items() if isinstance(value, client_module._Resource)
]
for prefix, target in targets:
    for name, fn in inspect.getmembers(target, inspect.ismethod):
        if name.startswith("_"):
            continue
        if prefix == "" and name == "request":
            continue  # any route, by design
        calls.clear()
        try:
            result = fn(*stand_in_args(fn))
            if isinstance(result, (client_module.RunStream, typing.Iterator)):
                next(iter(result), None)
        except Recorded:
            pass
        surface[prefix + name] = [list(c) for c in calls]

hints = typing.get_type_hints(client_module.ExecutionEvent)
result_hints = typing.get_type_hints(client_module.ExecutionResult)
print(
    json.dumps(
        {
            "methods": surface,
            "eventTypes": list(typing.get_args(hints["type"])),
            "terminalEventTypes": list(client_module.TERMINAL_EVENT_TYPES),
            "resultStatuses": list(typing.get_args(result_hints["status"])),
        }
    )
)
