"""How fast `lawcrm serve` acks a burst of signed slash commands, next to a bare Bolt app.

Usage: .venv/bin/python benchmarks/ack_load.py [--concurrency 20,200] [--seconds 10]
       [--max-requests 6000] [--server-url postgresql+psycopg://127.0.0.1:5432/postgres]

Everything runs on loopback: a fake Slack Web API (it also receives the replies posted to
response_url), `lawcrm serve` on a fresh PostgreSQL database made for the run (dropped after),
and, as the reference, a bare Bolt app that only acks, on the same waitress settings, in its
own process. For each concurrency level, that many threads send signed `/lawcrm whoami`
commands (a new connection each, as a webhook delivery) for at most --seconds or
--max-requests per server, in --rounds alternating slices (lawcrm, bare, lawcrm, bare...) so
that both see the same background load. Printed: progress each second, then per
server p50/p95/p99/max ack latency, share over Slack's 3 s, throughput, and for lawcrm how
many replies the post-ack work delivered (each command must be answered exactly once).
"""

from __future__ import annotations

import argparse
import http.client
import logging
import os
import queue
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
USER = "U0BENCH01"


def free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- the bare reference app ---------------------------------------------------------------------------
def serve_bare(port: int, api_url: str) -> None:
    """A Bolt app whose only listener acks, behind waitress with lawcrm's server settings."""
    import waitress
    from slack_bolt import App
    from slack_bolt.adapter.wsgi import SlackRequestHandler
    from slack_sdk import WebClient

    from bot.http import QUEUE_WARNINGS, server_options
    from bot.settings import Settings

    logging.getLogger("waitress.queue").addFilter(QUEUE_WARNINGS)  # as lawcrm serve: same server

    app = App(signing_secret=SECRET, client=WebClient(token=TOKEN, base_url=api_url),
              token_verification_enabled=False)

    @app.command("/lawcrm")
    def only_ack(ack) -> None:  # type: ignore[no-untyped-def]
        ack()

    handler = SlackRequestHandler(app)
    server = waitress.create_server(handler, host="127.0.0.1", port=port,
                                    **server_options(Settings(_env_file=None)))  # type: ignore[call-arg]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.run()
    except SystemExit:
        pass


# -- load ---------------------------------------------------------------------------------------------
@dataclass
class Result:
    """What one run against one server measured."""

    name: str
    concurrency: int
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0
    cpu: float = 0.0  # CPU seconds the server process used during the run

    def merge(self, other: "Result") -> None:
        """Add another slice of the same load to this one."""
        self.latencies += other.latencies
        for key, count in other.errors.items():
            self.errors[key] = self.errors.get(key, 0) + count
        self.elapsed += other.elapsed
        self.cpu += other.cpu

    def pct(self, p: float) -> float:
        """The p-th percentile latency in ms."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000

    def line(self) -> str:
        """One summary line."""
        n = len(self.latencies)
        late = sum(1 for x in self.latencies if x > 3.0)
        errs = sum(self.errors.values())
        return (f"{self.name:<7} c={self.concurrency:<4} n={n:<6} {n / self.elapsed:7.1f} req/s  "
                f"p50 {self.pct(50):7.1f}  p95 {self.pct(95):7.1f}  p99 {self.pct(99):7.1f}  "
                f"max {max(self.latencies, default=0) * 1000:7.1f} ms  "
                f">3s {100 * late / max(n, 1):5.1f}%  server CPU {1000 * self.cpu / max(n, 1):4.2f} ms/req  "
                f"errors {errs}{' ' + str(self.errors) if errs else ''}")


def signed_command(api_port: int, trigger: str) -> tuple[bytes, dict[str, str]]:
    """A signed `/lawcrm whoami` body and its headers (fresh timestamp, unique trigger_id)."""
    from slack_sdk.signature import SignatureVerifier

    body = urlencode({
        "token": "unused", "team_id": "T0FIRM", "team_domain": "firm", "channel_id": "C0GENERAL",
        "channel_name": "general", "user_id": USER, "user_name": "bench", "command": "/lawcrm",
        "text": "whoami", "api_app_id": "A0LAWCRM", "is_enterprise_install": "false",
        "response_url": f"http://127.0.0.1:{api_port}/response/{trigger}", "trigger_id": trigger,
    })
    ts = str(int(time.time()))
    return body.encode(), {
        "Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body),
    }


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of a process so far (0 when not measured)."""
    if pid is None:
        return 0.0
    import psutil

    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def run_load(name: str, port: int, api_port: int, *, concurrency: int, seconds: float,
             max_requests: int, pid: int | None = None) -> Result:
    """`concurrency` threads posting signed commands until the time or the count runs out."""
    result = Result(name=name, concurrency=concurrency)
    run_id = uuid.uuid4().hex[:8]
    work: queue.SimpleQueue[tuple[bytes, dict[str, str]]] = queue.SimpleQueue()
    for i in range(max_requests):  # signed up front: the client's own CPU stays off the clock
        work.put(signed_command(api_port, f"{i}.{run_id}.{secrets.token_hex(4)}"))
    lock = threading.Lock()
    stop = threading.Event()
    cpu_before = cpu_seconds(pid)
    start = time.perf_counter()
    deadline = start + seconds

    def worker() -> None:
        while not stop.is_set() and time.perf_counter() < deadline:
            try:
                body, headers = work.get_nowait()
            except queue.Empty:
                return
            t0 = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("POST", "/slack/events", body=body, headers=headers)
                resp = conn.getresponse()
                resp.read()
                conn.close()
                outcome = None if resp.status == 200 else f"http {resp.status}"
            except OSError as exc:
                outcome = type(exc).__name__
            took = time.perf_counter() - t0
            with lock:
                if outcome is None:
                    result.latencies.append(took)
                else:
                    result.errors[outcome] = result.errors.get(outcome, 0) + 1

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for t in threads:
        t.start()
    shown = 0
    while any(t.is_alive() for t in threads):
        time.sleep(0.2)
        now = time.perf_counter()
        if int(now - start) > shown:
            shown = int(now - start)
            with lock:
                done = list(result.latencies)
            recent = statistics.median(done[-200:]) * 1000 if done else float("nan")
            print(f"  {name} c={concurrency} {shown:3d}s: {len(done)} acked, recent p50 {recent:.0f} ms",
                  flush=True)
        if now > deadline + 40:  # a stuck server: give up rather than hang
            stop.set()
            break
    result.elapsed = time.perf_counter() - start
    result.cpu = cpu_seconds(pid) - cpu_before
    return result


# -- set-up -------------------------------------------------------------------------------------------
def wait_ready(port: int, proc: subprocess.Popen[str], path: str = "/healthz") -> None:
    """Poll until the server answers (or fail if it died)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status in (200, 404, 405):
                conn.close()
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("server did not start within 60 s")


def stop(proc: subprocess.Popen[str]) -> None:
    """SIGTERM, then wait (kill if it will not stop)."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--concurrency", default="20,200")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--max-requests", type=int, default=6000)
    parser.add_argument("--rounds", type=int, default=2, help="alternating slices per server")
    parser.add_argument("--server-url", default=os.environ.get(
        "TEST_DATABASE_URL", "postgresql+psycopg://127.0.0.1:5432/postgres"))
    parser.add_argument("--bare-server", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_server:
        serve_bare(args.bare_server, args.api_url)
        return
    levels = [int(x) for x in args.concurrency.split(",")]
    if (not 1 <= args.max_requests <= 50_000 or not 0 < args.seconds <= 120 or max(levels) > 500
            or not 1 <= args.rounds <= 10):
        raise SystemExit("bounded runs only: max-requests 1..50000, seconds <= 120, concurrency <= 500, "
                         "rounds 1..10")

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from bot.console.fake_slack import FakeSlack
    from bot.flows.directory import upsert_staff
    from storage import migrate
    from storage.crypto import Keyring, _decode_index_key, generate_key_material
    from storage.db import make_engine, make_session_factory, session_scope

    server = make_url(args.server_url).set(drivername="postgresql+psycopg")
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"lawcrm_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    material = generate_key_material()
    keys = ",".join(material["encryption_keys"])  # type: ignore[arg-type]
    fake = FakeSlack().start()
    procs: list[subprocess.Popen[str]] = []
    logs = [tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")]
    try:
        keyring = Keyring(fernet_keys=tuple(material["encryption_keys"]),  # type: ignore[arg-type]
                          index_key=_decode_index_key(str(material["blind_index_key"])))
        engine = make_engine(url, keyring=keyring)
        migrate.upgrade(engine)
        with session_scope(make_session_factory(engine)) as session:
            upsert_staff(session, by="bench", slack_user_id=USER, name="Bench Lawyer", role="lawyer")
        engine.dispose()

        lawcrm_port, bare_port = free_port(), free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
        env.update({"DATABASE_URL": url, "ENCRYPTION_KEYS": keys,
                    "BLIND_INDEX_KEY": str(material["blind_index_key"]), "SLACK_BOT_TOKEN": TOKEN,
                    "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.url, "HTTP_HOST": "127.0.0.1",
                    "HTTP_PORT": str(lawcrm_port), "LOG_LEVEL": "WARNING", "DATA_DIR": str(ROOT / "data")})
        # Logs go to files: a pipe nobody reads fills up and blocks the server mid-run.
        lawcrm = subprocess.Popen([str(Path(sys.executable).parent / "lawcrm"), "serve"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=logs[0], text=True)
        procs.append(lawcrm)
        bare = subprocess.Popen([sys.executable, __file__, "--bare-server", str(bare_port),
                                 "--api-url", fake.url], env=env, stdout=subprocess.DEVNULL,
                                stderr=logs[1], text=True)
        procs.append(bare)
        wait_ready(lawcrm_port, lawcrm, "/readyz")
        wait_ready(bare_port, bare)
        print(f"lawcrm serve on :{lawcrm_port} (PostgreSQL {name}), bare Bolt app on :{bare_port}; "
              f"{os.cpu_count()} CPUs", flush=True)

        results: list[tuple[Result, Result, int]] = []
        for c in levels:
            for warm in (lawcrm_port, bare_port):  # first-request costs (imports, pools) off the clock
                run_load("warm-up", warm, fake.port, concurrency=4, seconds=2, max_requests=40)
            fake.reset()
            # Alternate short slices of the two servers, so both see the same background load.
            mine, reference = Result("lawcrm", c), Result("bare", c)
            for _ in range(args.rounds):
                for into, name, port, pid in ((mine, "lawcrm", lawcrm_port, lawcrm.pid),
                                              (reference, "bare", bare_port, bare.pid)):
                    part = run_load(name, port, fake.port, concurrency=c, seconds=args.seconds / args.rounds,
                                    max_requests=args.max_requests // args.rounds, pid=pid)
                    into.merge(part)
            deadline = time.monotonic() + 120
            while len(fake.of("response_url")) < len(mine.latencies) and time.monotonic() < deadline:
                time.sleep(0.5)
            replies = [call.params["_url"] for call in fake.of("response_url")]
            results.append((mine, reference, len(replies) - len(set(replies))))
            print(mine.line(), flush=True)
            print(f"        replies delivered after ack: {len(set(replies))}/{len(mine.latencies)}, "
                  f"duplicates {len(replies) - len(set(replies))}", flush=True)
            print(reference.line(), flush=True)

        print("\nsummary (ack latency in ms; ratio = lawcrm / bare)")
        for mine, ref, dupes in results:
            print(f"  c={mine.concurrency:<4} lawcrm p50 {mine.pct(50):6.1f} p99 {mine.pct(99):7.1f} "
                  f"{len(mine.latencies) / mine.elapsed:6.1f}/s | bare p50 {ref.pct(50):6.1f} "
                  f"p99 {ref.pct(99):7.1f} {len(ref.latencies) / ref.elapsed:6.1f}/s | "
                  f"p99 ratio {mine.pct(99) / ref.pct(99):4.2f} | duplicates {dupes}")
    finally:
        for proc, log in zip(procs, logs):
            if proc.poll() is None:
                stop(proc)
            log.seek(0)
            lines = log.read().splitlines()
            noisy = [line for line in lines if "queue depth" not in line]
            if noisy:
                print(f"{'lawcrm' if proc is procs[0] else 'bare app'}: {len(lines)} log lines, "
                      f"{len(lines) - len(noisy)} of them waitress queue-depth warnings; the last others:",
                      *noisy[-3:], sep="\n  ")
        fake.stop()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
