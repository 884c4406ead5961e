"""A local stand-in for the Slack Web API: a real HTTP server on a loopback port.

It records every method called with its parameters, answers like Slack does, keeps the
views it opened, and can be told to fail (429 with Retry-After, or an error). The console
and the tests point the app's WebClient at it through SLACK_API_URL.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


@dataclass
class Call:
    """One request the fake received."""

    method: str
    params: dict[str, Any]
    token: str | None
    at: float = field(default_factory=time.monotonic)
    answer: dict[str, Any] = field(default_factory=dict)


@dataclass
class Failure:
    """A canned failure for the next calls of a method."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str]
    times: int


def _decode(value: Any) -> Any:
    """Form fields that hold JSON (blocks, view) are decoded."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class FakeSlack:
    """The fake Web API server; `url` is the base URL to give the WebClient."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.views: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.failures: dict[str, list[Failure]] = {}
        self._cond = threading.Condition()
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        # A Socket Mode endpoint (ws://...) that apps.connections.open hands out, when one runs.
        self.socket_url: str | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> "FakeSlack":
        """Listen on a free loopback port in a background thread."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                fake._handle(self)

            def do_GET(self) -> None:  # noqa: N802
                fake._handle(self)

            def log_message(self, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.1,), daemon=True,
                                        name="fake-slack")
        self._thread.start()
        return self

    def stop(self) -> None:
        """Shut the server down."""
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def port(self) -> int:
        """The port it listens on."""
        assert self._server is not None
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        """Base URL of the Web API (ends with /api/)."""
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str = "") -> str:
        """A response_url that records what is posted to it as method `response_url`."""
        return f"http://127.0.0.1:{self.port}/response/{name or next(self._ids)}"

    def reset(self) -> None:
        """Forget calls, views and canned failures."""
        with self._cond:
            self.calls.clear()
            self.views.clear()
            self.failures.clear()
            self.channels.clear()
            self.users.clear()

    # -- test helpers ------------------------------------------------------------------------
    def fail(self, method: str, *, status: int = 200, error: str = "internal_error",
             retry_after: int | None = None, times: int = 1) -> None:
        """Make the next `times` calls of `method` fail (429 sets Retry-After)."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        body = {"ok": False, "error": "ratelimited" if status == 429 else error}
        self.failures.setdefault(method, []).append(Failure(status, body, headers, times))

    def of(self, method: str) -> list[Call]:
        """The calls of one method, in order."""
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def calls_since(self, index: int) -> tuple[list[Call], int]:
        """The calls recorded after the first `index` ones, and the new count."""
        with self._cond:
            return list(self.calls[index:]), len(self.calls)

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Wait until `method` was called at least `count` times; return those calls."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [c for c in self.calls if c.method == method]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = sorted({c.method for c in self.calls})
                    raise AssertionError(f"{method} called {len(found)} times, wanted {count}; "
                                         f"methods seen: {seen}")
                self._cond.wait(left)

    def settle(self, quiet: float = 0.15, timeout: float = 5.0) -> None:
        """Wait until no call arrived for `quiet` seconds (the listener has finished)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._cond:
                last = self.calls[-1].at if self.calls else 0.0
            if time.monotonic() - last >= quiet:
                return
            time.sleep(quiet / 3)

    def messages_to(self, channel: str) -> list[dict[str, Any]]:
        """Parameters of every chat.postMessage to a channel or user."""
        return [c.params for c in self.of("chat.postMessage") if c.params.get("channel") == channel]

    # -- server side ---------------------------------------------------------------------------
    def _handle(self, req: BaseHTTPRequestHandler) -> None:
        """Record the call and answer it."""
        path = urlparse(req.path)
        length = int(req.headers.get("Content-Length") or 0)
        raw = req.rfile.read(length).decode("utf-8") if length else ""
        ctype = req.headers.get("Content-Type", "")
        params: dict[str, Any] = {}
        if raw and "json" in ctype:
            params = json.loads(raw)
        elif raw:
            params = {k: _decode(v[0]) for k, v in parse_qs(raw, keep_blank_values=True).items()}
        params.update({k: v[0] for k, v in parse_qs(path.query).items()})
        auth = req.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth else params.get("token")
        if path.path.startswith("/response/"):
            method = "response_url"
            params["_url"] = path.path
        else:
            method = path.path.removeprefix("/api/")
        status, body, headers = self._answer(method, params)
        with self._cond:
            self.calls.append(Call(method=method, params=params, token=token, answer=body))
            self._cond.notify_all()
        data = json.dumps(body).encode()
        req.send_response(status)
        req.send_header("Content-Type", "application/json; charset=utf-8")
        req.send_header("Content-Length", str(len(data)))
        for k, v in headers.items():
            req.send_header(k, v)
        req.end_headers()
        req.wfile.write(data)

    def _answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        """A canned failure if one is queued, else Slack's usual answer."""
        with self._cond:
            queue = self.failures.get(method)
            if queue:
                failure = queue[0]
                failure.times -= 1
                if failure.times <= 0:
                    queue.pop(0)
                return failure.status, failure.body, failure.headers
        return 200, self._ok(method, params), {}

    def _ok(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """Slack's success answers, close enough for the app."""
        ts = f"{1_700_000_000 + next(self._ts)}.000100"
        if method == "apps.connections.open" and self.socket_url:
            return {"ok": True, "url": f"{self.socket_url}?ticket={next(self._ids)}"}
        if method == "auth.test":
            return {"ok": True, "url": "https://firm.slack.com/", "team": "Firm", "user": "lawcrm",
                    "team_id": "T0FIRM", "user_id": "U0BOT", "bot_id": "B0BOT"}
        if method == "chat.postMessage":
            channel = str(params.get("channel", ""))
            if channel.startswith(("U", "W")):
                channel = "D" + channel[1:]
            return {"ok": True, "channel": channel, "ts": ts,
                    "message": {"text": params.get("text"), "ts": ts}}
        if method == "chat.update":
            return {"ok": True, "channel": params.get("channel"), "ts": params.get("ts")}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": ts}
        if method in ("views.open", "views.push", "views.update", "views.publish"):
            view = dict(_decode(params.get("view")) or {})
            view_id = str(params.get("view_id") or "") or f"V{next(self._ids):08d}"
            if method == "views.update" and params.get("external_id"):
                view_id = next((k for k, v in self.views.items()
                                if v.get("external_id") == params["external_id"]), view_id)
            view.update({"id": view_id, "hash": f"h{next(self._ids)}"})
            if method != "views.publish":
                with self._cond:
                    self.views[view_id] = view
            return {"ok": True, "view": view}
        if method == "conversations.info":
            cid = str(params.get("channel"))
            info = {"id": cid, "name": cid.lower(), "is_private": True, "is_ext_shared": False,
                    "is_shared": False}
            info.update(self.channels.get(cid, {}))
            return {"ok": True, "channel": info}
        if method == "conversations.open":
            users = str(params.get("users", ""))
            return {"ok": True, "channel": {"id": "D" + users[1:]}}
        if method == "users.info":
            uid = str(params.get("user"))
            user = {"id": uid, "name": uid.lower(), "real_name": uid, "tz": "Asia/Shanghai",
                    "locale": "en-US"}
            user.update(self.users.get(uid, {}))
            return {"ok": True, "user": user}
        return {"ok": True}
