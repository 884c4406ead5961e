"""A local stand-in for the Slack Web API: a real HTTP server on a loopback port.

It records every method called with its parameters, answers like Slack does, keeps the
views it opened, the Home views it published, the files uploaded (files.getUploadURLExternal,
the upload URL on this server, files.completeUploadExternal) and the messages posted (readable back through conversations.history and
conversations.replies, with their metadata), and can be told to fail (429 with Retry-After,
or an error). The console and the tests point the app's WebClient at it through SLACK_API_URL.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
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
    applied: bool = False


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
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.homes: dict[str, dict[str, Any]] = {}  # user id -> the Home view published for them
        self.uploads: dict[str, dict[str, Any]] = {}  # file id -> name, length, bytes, channel, title
        # Seconds since the epoch for new messages' ts (a test's clock); None: fixed 1700000000+n.
        self.clock: Callable[[], float] | None = None
        self._cond = threading.Condition()
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._idle_waiters: list[Callable[[float], bool]] = []
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
            self._idle_waiters.clear()
            self.messages.clear()
            self.homes.clear()
            self.uploads.clear()
            self.clock = None

    # -- test helpers ------------------------------------------------------------------------
    def fail(self, method: str, *, status: int = 200, error: str = "internal_error",
             retry_after: int | None = None, times: int = 1, applied: bool = False) -> None:
        """Make the next `times` calls of `method` fail (429 sets Retry-After).

        `applied`: the call takes effect (the message is posted) but the answer is the error,
        like a reply lost after Slack acted on the request.
        """
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        body = {"ok": False, "error": "ratelimited" if status == 429 else error}
        self.failures.setdefault(method, []).append(Failure(status, body, headers, times, applied))

    def watch(self, wait_idle: Callable[[float], bool]) -> None:
        """Let `settle` wait for a listener pool (its `wait_idle(timeout)`) until the next reset."""
        with self._cond:
            self._idle_waiters.append(wait_idle)

    def mark(self) -> int:
        """How many calls were recorded so far (for `wait_for_since`)."""
        with self._cond:
            return len(self.calls)

    def wait_for_since(self, method: str, mark: int, timeout: float = 5.0) -> Call:
        """The first call of `method` recorded after the first `mark` calls (waits for it)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = next((c for c in self.calls[mark:] if c.method == method), None)
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = sorted({c.method for c in self.calls[mark:]})
                    raise AssertionError(f"no {method} after call {mark}; methods seen since: {seen}")
                self._cond.wait(left)

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
        """Wait until every watched listener pool is idle and no call arrived for `quiet` seconds.

        A listener may work on the database for a while without calling Slack: the pools it
        runs in are asked first, so a slow listener is waited for, not taken as finished.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._cond:
                waiters = list(self._idle_waiters)
            for wait_idle in waiters:
                wait_idle(max(deadline - time.monotonic(), 0.0))
            with self._cond:
                last = self.calls[-1].at if self.calls else 0.0
            if time.monotonic() - last >= quiet and all(w(0.0) for w in waiters):
                return
            time.sleep(quiet / 3)

    def home_of(self, user: str) -> dict[str, Any]:
        """The Home view last published for a user (KeyError when none was)."""
        with self._cond:
            return self.homes[user]

    def view_by_id(self, view_id: str) -> dict[str, Any]:
        """An open modal or a published Home view, by id."""
        with self._cond:
            if view_id in self.views:
                return self.views[view_id]
            return next(v for v in self.homes.values() if v["id"] == view_id)

    def files_shared(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Files completed with files.completeUploadExternal (to `channel` when given), oldest first.

        Each has id, name, title, channel, length (as announced) and content (the bytes uploaded).
        """
        with self._cond:
            return [dict(f) for f in self.uploads.values()
                    if f.get("channel") and (channel is None or f["channel"] == channel)]

    def messages_to(self, channel: str) -> list[dict[str, Any]]:
        """Parameters of every chat.postMessage to a channel or user."""
        return [c.params for c in self.of("chat.postMessage") if c.params.get("channel") == channel]

    # -- server side ---------------------------------------------------------------------------
    def _handle(self, req: BaseHTTPRequestHandler) -> None:
        """Record the call and answer it."""
        path = urlparse(req.path)
        length = int(req.headers.get("Content-Length") or 0)
        data = req.rfile.read(length) if length else b""
        if path.path.startswith("/upload/"):
            self._upload(req, path.path.removeprefix("/upload/"), data)
            return
        raw = data.decode("utf-8")
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

    def _upload(self, req: BaseHTTPRequestHandler, file_id: str, data: bytes) -> None:
        """The upload URL of files.getUploadURLExternal: keep the bytes (recorded as method `upload`)."""
        with self._cond:
            known = file_id in self.uploads
            if known:
                self.uploads[file_id]["content"] = data
            self.calls.append(Call(method="upload", params={"file_id": file_id, "size": len(data)},
                                   token=None))
            self._cond.notify_all()
        answer = f"OK - {len(data)}".encode() if known else b"unknown upload"
        req.send_response(200 if known else 404)
        req.send_header("Content-Type", "text/plain")
        req.send_header("Content-Length", str(len(answer)))
        req.end_headers()
        req.wfile.write(answer)

    def _files(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """files.getUploadURLExternal (an upload URL on this server) and files.completeUploadExternal."""
        if method == "files.getUploadURLExternal":
            if not params.get("filename") or not str(params.get("length") or "").isdigit():
                return {"ok": False, "error": "invalid_arguments"}
            file_id = f"F{next(self._ids):08d}"
            with self._cond:
                self.uploads[file_id] = {"id": file_id, "name": params["filename"],
                                         "length": int(params["length"]), "content": None, "channel": None}
            return {"ok": True, "file_id": file_id,
                    "upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}"}
        files = _decode(params.get("files")) or []
        channel = params.get("channel_id") or (str(params.get("channels") or "").split(",")[0] or None)
        done = []
        with self._cond:
            for f in files:
                stored = self.uploads.get(str(f.get("id")))
                if stored is None or stored["content"] is None:
                    return {"ok": False, "error": "file_not_found"}
                if len(stored["content"]) != stored["length"]:
                    return {"ok": False, "error": "file_upload_size_mismatch"}
                stored.update(title=f.get("title") or stored["name"], channel=channel,
                              initial_comment=params.get("initial_comment"))
                done.append({"id": stored["id"], "name": stored["name"], "title": stored["title"]})
        return {"ok": True, "files": done}

    def _answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        """A canned failure if one is queued, else Slack's usual answer."""
        failure = None
        with self._cond:
            queue = self.failures.get(method)
            if queue:
                failure = queue[0]
                failure.times -= 1
                if failure.times <= 0:
                    queue.pop(0)
        if failure is None:
            return 200, self._ok(method, params), {}
        if failure.applied:
            self._ok(method, params)
        return failure.status, failure.body, failure.headers

    def _ok(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """Slack's success answers, close enough for the app."""
        n = next(self._ts)
        ts = f"{int(self.clock())}.{n % 1_000_000:06d}" if self.clock else f"{1_700_000_000 + n}.000100"
        if method == "apps.connections.open" and self.socket_url:
            return {"ok": True, "url": f"{self.socket_url}?ticket={next(self._ids)}"}
        if method == "auth.test":
            return {"ok": True, "url": "https://firm.slack.com/", "team": "Firm", "user": "lawcrm",
                    "team_id": "T0FIRM", "user_id": "U0BOT", "bot_id": "B0BOT"}
        if method == "chat.postMessage":
            channel = str(params.get("channel", ""))
            if channel.startswith(("U", "W")):
                channel = "D" + channel[1:]
            message = {"type": "message", "ts": ts, "text": params.get("text"),
                       "blocks": params.get("blocks"), "user": "U0BOT", "bot_id": "B0BOT",
                       "app_id": "A0LAWCRM"}
            for name in ("thread_ts", "reply_broadcast", "metadata"):
                if params.get(name):
                    message[name] = _decode(params[name])
            with self._cond:
                self.messages.setdefault(channel, []).append(message)
            return {"ok": True, "channel": channel, "ts": ts, "message": dict(message)}
        if method == "chat.update":
            with self._cond:  # text and blocks change; metadata stays unless new metadata is given
                for message in self.messages.get(str(params.get("channel")), []):
                    if message["ts"] == params.get("ts"):
                        message.update({k: _decode(params[k]) for k in ("text", "blocks", "metadata")
                                        if params.get(k) is not None})
            return {"ok": True, "channel": params.get("channel"), "ts": params.get("ts")}
        if method in ("conversations.history", "conversations.replies"):
            return self._history(method, params)
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": ts}
        if method in ("views.open", "views.push", "views.update", "views.publish"):
            view = dict(_decode(params.get("view")) or {})
            view_id = str(params.get("view_id") or "") or f"V{next(self._ids):08d}"
            if method == "views.update" and params.get("external_id"):
                view_id = next((k for k, v in self.views.items()
                                if v.get("external_id") == params["external_id"]), view_id)
            if method == "views.publish":  # one Home view per user, its id kept across publishes
                user = str(params.get("user_id"))
                with self._cond:
                    view_id = self.homes.get(user, {}).get("id") or f"V{next(self._ids):08d}"
                    view.update({"id": view_id, "hash": f"h{next(self._ids)}"})
                    self.homes[user] = view
                return {"ok": True, "view": view}
            view.update({"id": view_id, "hash": f"h{next(self._ids)}"})
            with self._cond:
                self.views[view_id] = view
            return {"ok": True, "view": view}
        if method in ("files.getUploadURLExternal", "files.completeUploadExternal"):
            return self._files(method, params)
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

    def _history(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """conversations.history (newest first, no thread replies) or .replies (one thread, oldest first)."""
        channel = str(params.get("channel", ""))
        if channel.startswith(("U", "W")):  # history wants a conversation id, not a user id
            return {"ok": False, "error": "channel_not_found"}
        inclusive = _truthy(params.get("inclusive"))
        oldest, latest = float(params.get("oldest") or 0), float(params.get("latest") or "inf")
        with self._cond:
            stored = [dict(m) for m in self.messages.get(channel, [])]
        if method == "conversations.replies":
            parent = str(params.get("ts"))
            found = [m for m in stored if m["ts"] == parent or m.get("thread_ts") == parent]
        else:
            found = [m for m in stored if not m.get("thread_ts") or m.get("reply_broadcast")][::-1]
        found = [m for m in found if (oldest <= float(m["ts"]) <= latest if inclusive
                                      else oldest < float(m["ts"]) < latest)]
        if not _truthy(params.get("include_all_metadata")):
            for m in found:
                m.pop("metadata", None)
        start, limit = int(params.get("cursor") or 0), int(params.get("limit") or 100)
        page, rest = found[start:start + limit], found[start + limit:]
        return {"ok": True, "messages": page, "has_more": bool(rest),
                "response_metadata": {"next_cursor": str(start + limit) if rest else ""}}


def _truthy(value: Any) -> bool:
    """A boolean Web API argument as sent in a form or query string."""
    return value is True or str(value).lower() in ("1", "true")
