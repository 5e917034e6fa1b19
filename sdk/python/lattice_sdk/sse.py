"""Server-Sent Events parsing (the HTML spec's line rules: LF, CR or CRLF line ends, ``:`` comments)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator


@dataclass(frozen=True)
class SseMessage:
    event: str
    data: str
    id: str | None = None


def parse_sse(lines: Iterable[bytes]) -> Iterator[SseMessage]:
    """Messages from the raw lines of an event stream, as they arrive.

    An event cut off by the end of the stream (no closing blank line) is dropped, as the spec says.
    Whatever reading raises (a dropped connection) propagates.
    """
    data: list[str] = []
    event = ""
    last_id: str | None = None
    for raw in lines:
        for line in raw.decode("utf-8").splitlines() or [""]:
            if line == "":
                if data:
                    yield SseMessage(event=event or "message", data="\n".join(data), id=last_id)
                data = []
                event = ""
                continue
            if line.startswith(":"):
                continue
            name, _, value = line.partition(":")
            if value.startswith(" "):
                value = value[1:]
            if name == "data":
                data.append(value)
            elif name == "event":
                event = value
            elif name == "id" and "\0" not in value:
                last_id = value
