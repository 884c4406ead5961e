"""Slack's end of a Socket Mode WebSocket, on loopback, for tests (server side by `websockets`).

FakeSlack hands its URL out from apps.connections.open. Each connection is greeted with
`hello`; the test sends envelopes (slash_commands, interactive, events_api) or a `disconnect`
asking for a refresh, and reads back each envelope's acknowledgement and when it came.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve


@dataclass
class Ack:
    """One acknowledgement the app sent for an envelope."""

    envelope_id: str
    payload: dict[str, Any] | None
    after: float  # seconds from the envelope being sent
    connection: int


@dataclass
class FakeSocketMode:
    """A Socket Mode endpoint: greets, sends envelopes, records acknowledgements."""

    connections: list[ServerConnection] = field(default_factory=list)
    acks: list[Ack] = field(default_factory=list)
    sent_at: dict[str, float] = field(default_factory=dict)
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _server: Server | None = None

    def start(self) -> "FakeSocketMode":
        """Listen on a free loopback port in a background thread."""
        self._server = serve(self._session, "127.0.0.1", 0, ping_interval=None, compression=None,
                             logger=logging.getLogger("tests.fake_socket_mode"))
        threading.Thread(target=self._server.serve_forever, daemon=True, name="fake-socket-mode").start()
        return self

    def stop(self) -> None:
        """Close every connection and stop listening."""
        if self._server is not None:
            self._server.shutdown()

    @property
    def url(self) -> str:
        """The ws:// URL (FakeSlack adds a ticket per apps.connections.open)."""
        assert self._server is not None
        return f"ws://127.0.0.1:{self._server.socket.getsockname()[1]}/link/"

    def _session(self, ws: ServerConnection) -> None:
        """One connection: hello, then record every acknowledgement until it closes."""
        with self._cond:
            self.connections.append(ws)
            number = len(self.connections)
            self._cond.notify_all()
        ws.send(json.dumps({"type": "hello", "num_connections": 1,
                            "debug_info": {"host": "fake-socket-mode", "approximate_connection_time": 3600},
                            "connection_info": {"app_id": "A0LAWCRM"}}))
        try:
            for raw in ws:
                message = json.loads(raw)
                envelope_id = message.get("envelope_id")
                if envelope_id is None:
                    continue
                with self._cond:
                    after = time.monotonic() - self.sent_at.get(envelope_id, time.monotonic())
                    self.acks.append(Ack(envelope_id, message.get("payload"), after, number))
                    self._cond.notify_all()
        except ConnectionClosed:
            pass

    # -- the test's side ---------------------------------------------------------------------------
    def wait_connections(self, count: int, timeout: float = 30.0) -> None:
        """Wait until the app has opened `count` connections in all."""
        self._wait(lambda: len(self.connections) >= count, timeout,
                   lambda: f"{len(self.connections)} connections, wanted {count}")

    def send(self, kind: str, payload: Any, *, envelope_id: str | None = None, retry_attempt: int = 0,
             retry_reason: str = "") -> str:
        """Send an envelope on the newest connection; its envelope_id."""
        envelope_id = envelope_id or uuid.uuid4().hex
        envelope = {"envelope_id": envelope_id, "type": kind, "payload": payload,
                    "accepts_response_payload": kind != "events_api"}
        if kind == "events_api":
            envelope.update({"retry_attempt": retry_attempt, "retry_reason": retry_reason})
        with self._cond:
            self.sent_at[envelope_id] = time.monotonic()
            ws = self.connections[-1]
        ws.send(json.dumps(envelope))
        return envelope_id

    def refresh(self) -> None:
        """Ask the app to reconnect, as Slack does before it retires a connection."""
        with self._cond:
            ws = self.connections[-1]
        ws.send(json.dumps({"type": "disconnect", "reason": "refresh_requested",
                            "debug_info": {"host": "fake-socket-mode"}}))

    def wait_ack(self, envelope_id: str, timeout: float = 10.0) -> Ack:
        """The acknowledgement of an envelope (waits for it)."""
        self._wait(lambda: any(a.envelope_id == envelope_id for a in self.acks), timeout,
                   lambda: f"no ack for {envelope_id}")
        with self._cond:
            return next(a for a in self.acks if a.envelope_id == envelope_id)

    def _wait(self, done: Any, timeout: float, why: Any) -> None:
        """Wait on the condition until done() or the timeout (then fail saying why)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not done():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(why())
                self._cond.wait(left)
