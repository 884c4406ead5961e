"""The persisted conflict index: shared between processes, kept current, never trusted blindly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import delete, update

from bot.flows import conflicts as flows
from bot.flows.conflicts import record_party, search_conflicts, warm_up
from bot.flows.errors import IndexLoading
from bot.flows.matching import engine as engine_mod
from bot.flows.matching import snapshot
from bot.flows.matching.engine import CACHE_KEY, SNAPSHOT_DIR_KEY, ConflictEngine
from bot.flows.matching.multimap import key_hash
from bot.services import Services
from storage.models import Party
from tests.support import write_key_file

ROOT = Path(__file__).resolve().parents[1]

PARTIES = [
    ("Acme Industrial (Shanghai) Co., Ltd.", "organization", ["Acme Shanghai"]),
    ("Meridian Pharmaceuticals Limited", "organization", []),
    ("Harrington Pharmaceuticals Worldwide", "organization", []),
    ("Quillfeather Oberlin Tessaract", "organization", []),
    ("William Henry Gates", "person", ["Bill Gates"]),
    ("Jürgen Müller", "person", []),
    ("张伟", "person", []),
    ("深圳华强电子有限公司", "organization", []),
    ("北京星辰科技有限公司", "organization", []),
    ("Hicks Ltd.", "organization", []),
    ("Hicks PLC", "organization", []),
    ("Gazprom PJSC", "organization", []),
]
QUERIES = ["Acme", "Meridan Pharmaceuticals", "Harrington Pharmacuetcals Worldwide", "Quillfeathre Oberlni Tessaract",
           "Bill Gates", "Juergen Mueller", "Zhang Wei", "华强", "星辰科技（北京）有限公司", "Hicks Limited",
           "Gazprom Public Joint Stock Company", "Novaterra Logistics", "Hengda"]

# A separate process: the services as `lawcrm` builds them, one check, what it found and how it loaded.
CHILD = """
import json, sys
from bot.flows.conflicts import search_conflicts
from bot.flows.matching import engine as engine_mod
from bot.services import build_services
from bot.settings import Settings

engine_mod.SNAPSHOT_MIN_SLOTS = 0
services = build_services(Settings(_env_file=None, database_url=sys.argv[1], data_dir=sys.argv[2]))
queries = json.loads(sys.argv[3])
with services.session() as session:
    results = search_conflicts(session, names=queries, cache=services.cache, locale=None)
eng = services.cache[engine_mod.CACHE_KEY]
print(json.dumps({"loaded_from": eng.loaded_from, "path": str(eng.snapshot_path),
                  "hits": {r.query: [[h.name, h.band, h.score, list(h.reasons)] for h in r.hits] for r in results}}))
services.engine.dispose()
"""


def _child(services: Services, data_dir: Path, queries: list[str], seed: str) -> dict:
    """Run one check in a fresh process with its own PYTHONHASHSEED."""
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", CHILD, services.settings.resolved_database_url, str(data_dir),
                           json.dumps(queries)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _hits(services: Services, queries: list[str], cache: dict | None = None) -> dict:
    """The same answer shape as the child's, from this process (a fresh build unless `cache` says)."""
    with services.session() as session:
        results = search_conflicts(session, names=queries, cache={} if cache is None else cache, locale=None)
    return {r.query: [[h.name, h.band, h.score, list(h.reasons)] for h in r.hits] for r in results}


def _record_all(services: Services) -> dict[str, int]:
    """Record the parties; their ids by name."""
    ids = {}
    with services.session() as session:
        for name, kind, aliases in PARTIES:
            ids[name] = record_party(session, name=name, role="adverse", kind=kind, aliases=aliases).id
        session.commit()
    return ids


@pytest.fixture
def data_dir(tmp_path: Path, test_keyring, monkeypatch: pytest.MonkeyPatch) -> Path:  # type: ignore[no-untyped-def]
    """A data directory holding the test keys (for child processes); snapshots even of tiny indexes."""
    directory = tmp_path / "data"
    directory.mkdir()
    write_key_file(directory / "keys.json", test_keyring)
    monkeypatch.setattr(engine_mod, "SNAPSHOT_MIN_SLOTS", 0)
    return directory


def _cache(data_dir: Path) -> dict:
    """A process cache whose engine keeps its snapshot in `data_dir`."""
    return {SNAPSHOT_DIR_KEY: data_dir}


def test_a_snapshot_written_by_one_process_serves_another_with_later_writes_seen(services, data_dir) -> None:
    ids = _record_all(services)
    first = _child(services, data_dir, QUERIES, seed="1")          # cold: builds and writes the snapshot
    assert first["loaded_from"] == "build" and Path(first["path"]).is_file()
    assert first["hits"] == _hits(services, QUERIES)                # and answers like a fresh build here

    # Writes after the snapshot, by this process: a new party, a renamed one, a deleted one, an alias.
    with services.session() as session:
        record_party(session, name="Novaterra Logistics GmbH", role="client", kind="organization")
        session.execute(update(Party).where(Party.id == ids["Hicks PLC"]).values(name="Hengda Trading Co., Ltd."))
        session.execute(delete(Party).where(Party.id == ids["Jürgen Müller"]))
        record_party(session, name="Zhivago Holdings", role="related", kind="organization", aliases=["Bill Gates Trust"])
        session.commit()

    stamp = snapshot.read_stamp(Path(first["path"]))
    second = _child(services, data_dir, QUERIES, seed="2")         # warm: the snapshot plus the change feed
    assert second["loaded_from"] == "snapshot"
    fresh = _hits(services, QUERIES)
    assert second["hits"] == fresh
    names = {q: [h[0] for h in hits] for q, hits in second["hits"].items()}
    assert "Novaterra Logistics GmbH" in names["Novaterra Logistics"]
    assert "Hengda Trading Co., Ltd." in names["Hengda"] and "Hicks PLC" not in names["Hicks Limited"]
    assert names["Juergen Mueller"] == []
    assert "Zhivago Holdings" in names["Bill Gates"]
    # A warm start replays the feed but leaves a small delta to the next refresh: the file is unchanged.
    assert snapshot.read_stamp(Path(first["path"])) == stamp

    # This process, sharing the data directory, warm-starts from the same file with the same answers.
    cache = _cache(data_dir)
    assert _hits(services, QUERIES, cache) == fresh
    assert cache[CACHE_KEY].loaded_from == "snapshot"


def test_the_snapshot_is_refreshed_from_the_change_feed(services, data_dir, monkeypatch: pytest.MonkeyPatch) -> None:
    _record_all(services)
    cache = _cache(data_dir)
    _hits(services, QUERIES, cache)
    engine = cache[CACHE_KEY]
    before = snapshot.read_stamp(engine.snapshot_path)
    monkeypatch.setattr(engine_mod, "REFRESH_SLOTS", 2)
    with services.session() as session:
        record_party(session, name="Novaterra Logistics GmbH", role="client", kind="organization")
        session.commit()
    assert _hits(services, ["Novaterra Logistics"], cache)["Novaterra Logistics"]   # seen at once
    assert engine.refresher is None and snapshot.read_stamp(engine.snapshot_path) == before  # one name: not due
    with services.session() as session:
        record_party(session, name="Novaterra Shipping GmbH", role="client", kind="organization")
        session.commit()
    _hits(services, ["Novaterra Logistics"], cache)
    engine.refresher.join(30)
    after = snapshot.read_stamp(engine.snapshot_path)
    assert after is not None and before is not None and after.party == before.party + 2
    fresh = _cache(data_dir)
    assert _hits(services, QUERIES + ["Novaterra Shipping"], fresh) == _hits(services, QUERIES + ["Novaterra Shipping"])
    assert fresh[CACHE_KEY].loaded_from == "snapshot"


def test_snapshot_answers_do_not_depend_on_the_hash_seed(services, data_dir) -> None:
    _record_all(services)
    answers, files = [], []
    for seed in ("3", "4"):                       # two cold builds: byte for byte the same file
        answers.append(_child(services, data_dir, QUERIES, seed=seed))
        path = Path(answers[-1]["path"])
        files.append(path.read_bytes())
        path.unlink()
    assert files[0] == files[1]
    Path(answers[0]["path"]).write_bytes(files[0])
    answers += [_child(services, data_dir, QUERIES, seed=seed) for seed in ("5", "6")]
    assert [a["loaded_from"] for a in answers] == ["build", "build", "snapshot", "snapshot"]
    assert all(a["hits"] == answers[0]["hits"] for a in answers)
    # Keys are a stable hash (BLAKE2b), never the per-process `hash()`.
    assert (key_hash("c|acme"), key_hash("华强")) == (0xE20C4070D, 0xD28DEC34B)


def _corrupt_byte(path: Path) -> None:
    """Flip one byte in the middle of the sections."""
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _truncate(path: Path) -> None:
    """Cut the file short (a writer that died mid-way without the rename would leave no file at all)."""
    path.write_bytes(path.read_bytes()[:-100])


def _forged(path: Path, services: Services) -> None:
    """A well-formed snapshot checksummed with another key (what someone without the key could write)."""
    parts, stamp = snapshot.read(path, key=engine_mod.snapshot_key(services.engine))  # type: ignore[misc]
    parts["latin"] = ["zzz"] * len(parts["latin"])  # type: ignore[assignment]
    snapshot.write(path, parts, stamp=stamp, key=b"someone else's key")


def _ahead(path: Path, services: Services) -> None:
    """A valid snapshot stamped beyond the database (of another or a restored database)."""
    parts, stamp = snapshot.read(path, key=engine_mod.snapshot_key(services.engine))  # type: ignore[misc]
    snapshot.write(path, parts, stamp=snapshot.Stamp(stamp.party + 1000, stamp.alias, stamp.change),
                   key=engine_mod.snapshot_key(services.engine))


@pytest.mark.parametrize("damage", ["byte", "truncated", "forged", "ahead", "old_format", "other_code"])
def test_a_damaged_stale_or_foreign_snapshot_is_ignored_and_rebuilt(services, data_dir, damage: str,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    _record_all(services)
    expected = _hits(services, QUERIES)
    cache = _cache(data_dir)
    assert _hits(services, QUERIES, cache) == expected and cache[CACHE_KEY].loaded_from == "build"
    path = cache[CACHE_KEY].snapshot_path
    assert path.is_file()
    if damage == "byte":
        _corrupt_byte(path)
    elif damage == "truncated":
        _truncate(path)
    elif damage == "forged":
        _forged(path, services)
    elif damage == "ahead":
        _ahead(path, services)
    elif damage == "old_format":
        monkeypatch.setattr(snapshot, "FORMAT", snapshot.FORMAT + 1)
    else:
        monkeypatch.setattr(snapshot, "code_fingerprint", lambda: "another build of the matcher")

    later = _cache(data_dir)
    assert _hits(services, QUERIES, later) == expected
    assert later[CACHE_KEY].loaded_from == "build"
    # The rebuild replaced the bad file with a good one, which the next process uses.
    again = _cache(data_dir)
    assert _hits(services, QUERIES, again) == expected and again[CACHE_KEY].loaded_from == "snapshot"


def test_no_snapshot_without_a_data_directory_or_below_the_size(services, data_dir,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _record_all(services)
    _hits(services, QUERIES, {})
    assert not list(data_dir.glob("conflict-index-*"))
    monkeypatch.setattr(engine_mod, "SNAPSHOT_MIN_SLOTS", 1000)
    _hits(services, QUERIES, _cache(data_dir))
    assert not list(data_dir.glob("conflict-index-*"))


def test_an_unwritable_data_directory_still_answers(services, data_dir) -> None:
    _record_all(services)
    blocker = data_dir / "file"
    blocker.write_text("not a directory")
    cache = {SNAPSHOT_DIR_KEY: blocker}
    assert _hits(services, QUERIES, cache) == _hits(services, QUERIES)


class PausedLoad:
    """Makes the next index build stop after its first party until released."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.paused = threading.Event()
        self.release = threading.Event()
        original = ConflictEngine._add_parties
        outer = self

        def add_parties(self: ConflictEngine, rows) -> None:  # type: ignore[no-untyped-def]
            def rows_then_pause():  # type: ignore[no-untyped-def]
                for i, row in enumerate(rows):
                    if i == 1 and not self.ready.is_set():
                        outer.paused.set()
                        assert outer.release.wait(30)
                    yield row
            original(self, rows_then_pause())

        monkeypatch.setattr(ConflictEngine, "_add_parties", add_parties)


def test_a_check_while_the_index_loads_waits_or_says_retry_never_a_partial_answer(
        services, monkeypatch: pytest.MonkeyPatch) -> None:
    _record_all(services)
    pause = PausedLoad(monkeypatch)
    cache: dict = {}
    loader = threading.Thread(target=warm_up, args=(services.engine,), kwargs={"cache": cache})
    loader.start()
    assert pause.paused.wait(30)                                   # one party filed, eleven to go
    assert flows.index_loading(services.engine, cache=cache) is not None
    with services.session() as session, pytest.raises(IndexLoading) as err:
        search_conflicts(session, names=["Gazprom PJSC"], cache=cache, wait=0.2)
    assert err.value.params["seconds"] >= 1

    answers: list = []

    def waiting_check() -> None:
        with services.session() as session:
            answers.extend(search_conflicts(session, names=["Gazprom PJSC"], cache=cache))

    waiter = threading.Thread(target=waiting_check)
    waiter.start()
    waiter.join(0.5)
    assert waiter.is_alive() and not answers                       # waits: no answer from a partial index
    pause.release.set()
    loader.join(30)
    waiter.join(30)
    assert [h.name for h in answers[0].hits] == ["Gazprom PJSC"]
    assert flows.index_loading(services.engine, cache=cache) is None


def test_slack_conflict_says_checking_while_the_index_loads_then_answers(services, slack, fake_slack,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.ids import Command
    from tests.support import make_staff

    _record_all(services)
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    pause = PausedLoad(monkeypatch)
    loader = threading.Thread(target=warm_up, args=(services.engine,), kwargs={"cache": services.cache})
    loader.start()
    assert pause.paused.wait(30)
    slack.command("U0LAWYER", Command.CONFLICT, "Gazprom PJSC")
    first = fake_slack.wait_for("response_url")[0].params
    assert "Checking… the conflict index is still loading" in first["text"]
    pause.release.set()
    loader.join(30)
    answer = fake_slack.wait_for("response_url", 2)[1].params
    fake_slack.settle()
    assert "Gazprom PJSC" in json.dumps(answer["blocks"], ensure_ascii=False)


def test_slack_conflict_that_must_load_a_large_index_itself_says_checking_first(
        services, slack, fake_slack, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.ids import Command
    from tests.support import make_staff

    _record_all(services)
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    monkeypatch.setattr(flows, "LOAD_NOTICE_MIN", len(PARTIES))
    slack.command("U0LAWYER", Command.CONFLICT, "Gazprom PJSC")
    replies = fake_slack.wait_for("response_url", 2)
    fake_slack.settle()
    assert "Checking… the conflict index is still loading" in replies[0].params["text"]
    assert "Gazprom PJSC" in json.dumps(replies[1].params["blocks"], ensure_ascii=False)
    slack.command("U0LAWYER", Command.CONFLICT, "Hicks Ltd")         # loaded: the answer at once
    third = fake_slack.wait_for("response_url", 3)[2].params
    assert "Hicks Ltd" in json.dumps(third["blocks"], ensure_ascii=False)


def test_slack_conflict_says_when_to_retry_when_the_load_takes_too_long(services, slack, fake_slack,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.handlers import conflicts as handler
    from bot.ids import Command
    from tests.support import make_staff

    _record_all(services)
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    monkeypatch.setattr(handler, "LOADING_WAIT", 0.3)
    pause = PausedLoad(monkeypatch)
    loader = threading.Thread(target=warm_up, args=(services.engine,), kwargs={"cache": services.cache})
    loader.start()
    assert pause.paused.wait(30)
    try:
        slack.command("U0LAWYER", Command.CONFLICT, "Gazprom PJSC")
        replies = fake_slack.wait_for("response_url", 2)
        texts = [r.params.get("text", "") for r in replies]
        assert "Checking…" in texts[0]
        assert "no check was run. Please try again in about" in texts[1]
    finally:
        pause.release.set()
        loader.join(30)
        fake_slack.settle()


def test_intake_check_shows_checking_and_waits_for_the_whole_index(services, slack, fake_slack,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.ids import IntakeBlock
    from tests.intake_helpers import answers, open_form, section_text
    from tests.support import make_staff

    _record_all(services)
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    pause = PausedLoad(monkeypatch)
    loader = threading.Thread(target=warm_up, args=(services.engine,), kwargs={"cache": services.cache})
    loader.start()
    assert pause.paused.wait(30)
    view = open_form(slack, "U0LAWYER")
    before = len(fake_slack.of("views.update"))
    sent = slack.submit("U0LAWYER", view["id"], answers(**{IntakeBlock.OPPOSING: "Gazprom PJSC"}))
    assert "Checking conflicts…" in json.dumps(sent.json["view"], ensure_ascii=False)
    threading.Event().wait(0.5)
    assert len(fake_slack.of("views.update")) == before           # still checking: no partial results
    pause.release.set()
    loader.join(30)
    fake_slack.wait_for("views.update", count=before + 1)
    assert "Gazprom PJSC" in section_text(fake_slack.views[view["id"]])


def test_cli_check_shows_a_progress_line_while_the_index_loads(db_url: str, tmp_path: Path, test_keyring,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from bot.cli import build_cli
    from bot.services import build_services
    from bot.settings import Settings

    write_key_file(tmp_path / "keys.json", test_keyring)
    services = build_services(Settings(_env_file=None, database_url=db_url, data_dir=tmp_path))  # type: ignore[call-arg]
    try:
        _record_all(services)
    finally:
        services.engine.dispose()
    original = ConflictEngine._build

    def slow_build(self: ConflictEngine, bind, report) -> None:  # type: ignore[no-untyped-def]
        report("build", 0.0)
        threading.Event().wait(1.2)
        report("build", 0.5)
        original(self, bind, report)

    monkeypatch.setattr(ConflictEngine, "_build", slow_build)
    result = CliRunner().invoke(build_cli(), ["conflicts", "check", "Gazprom PJSC"],
                                env={"DATABASE_URL": db_url, "DATA_DIR": str(tmp_path)}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "checking… loading the conflict index (build) 50%" in result.stderr
    assert "loading the conflict index (build) 100%" in result.stderr
    assert "Gazprom PJSC" in result.stdout and "checking" not in result.stdout


def test_cli_index_writes_the_snapshot_the_next_check_uses(db_url: str, tmp_path: Path, test_keyring) -> None:
    from click.testing import CliRunner

    from bot.cli import build_cli
    from bot.services import build_services
    from bot.settings import Settings

    write_key_file(tmp_path / "keys.json", test_keyring)
    services = build_services(Settings(_env_file=None, database_url=db_url, data_dir=tmp_path))  # type: ignore[call-arg]
    try:
        _record_all(services)
    finally:
        services.engine.dispose()
    env = {"DATABASE_URL": db_url, "DATA_DIR": str(tmp_path)}
    built = CliRunner().invoke(build_cli(), ["conflicts", "index"], env=env, catch_exceptions=False)
    assert built.exit_code == 0, built.output
    assert "names, build in" in built.stdout and "snapshot written to" in built.stdout
    again = CliRunner().invoke(build_cli(), ["conflicts", "index"], env=env, catch_exceptions=False)
    assert "names, snapshot in" in again.stdout
    rebuilt = CliRunner().invoke(build_cli(), ["conflicts", "index", "--rebuild"], env=env, catch_exceptions=False)
    assert "names, build in" in rebuilt.stdout and "snapshot written to" in rebuilt.stdout
