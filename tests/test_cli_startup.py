"""`lawcrm` start-up: every database command upgrades the schema first; any start-up failure is one line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy.engine import make_url

from bot.cli import build_cli
from storage.crypto import generate_key_material
from tests.conftest import _pg_server_url
from tests.support import write_key_file


def run(*args: str, env: dict[str, str]) -> Result:
    """`lawcrm …` in a clean environment (exceptions are caught so a traceback fails the checks)."""
    return CliRunner().invoke(build_cli(), list(args), env=env)


def one_line(result: Result, name: str) -> str:
    """The single stderr line of a failed start naming the setting `name`."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"lawcrm: invalid setting {name}: "), lines[0]
    assert "Traceback" not in result.output and result.stdout == ""
    return lines[0]


# -- defect 10: the schema is made before any command uses it ------------------------------------------

FRESH_COMMANDS = [
    ("staff", "add", "U0LAWYER1", "Li Lei", "--role", "lawyer"),
    ("staff", "list"),
    ("staff", "remove", "U0NOBODY"),
    ("staff", "assist", "U0ASSIST", "U0LAWYER"),
    ("conflicts", "check", "Acme Ltd"),
    ("audit", "verify"),
    ("db", "upgrade"),
]


@pytest.mark.parametrize("args", FRESH_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_every_database_command_works_on_a_fresh_database_file(tmp_path: Path, args: tuple[str, ...],
                                                               test_keyring) -> None:  # type: ignore[no-untyped-def]
    fresh = tmp_path / "data"
    fresh.mkdir()
    write_key_file(fresh / "keys.json", test_keyring)
    first = run(*args, env={"DATA_DIR": str(fresh)})
    assert "no such table" not in first.output and "Traceback" not in first.output
    assert first.exception is None or isinstance(first.exception, SystemExit), first.exception
    assert (fresh / "lawcrm.db").exists()
    current = run("db", "current", env={"DATA_DIR": str(fresh)})
    assert current.exit_code == 0 and "(run: lawcrm db upgrade)" not in current.output, current.output


def test_staff_add_on_a_fresh_database_then_lists_it(tmp_path: Path) -> None:
    env = {"DATA_DIR": str(tmp_path / "data")}
    added = run("staff", "add", "U0LAWYER1", "Li Lei", "--role", "lawyer", env=env)
    assert added.exit_code == 0 and "U0LAWYER1 Li Lei: lawyer" in added.output, added.output
    listed = run("staff", "list", env=env)
    assert listed.exit_code == 0 and "U0LAWYER1\tlawyer" in listed.output


def test_conflicts_import_on_a_fresh_database_file(tmp_path: Path) -> None:
    legacy = tmp_path / "legacy.csv"
    legacy.write_text("name,role\nAcme Ltd,adverse\n", encoding="utf-8")
    result = run("conflicts", "import", str(legacy), env={"DATA_DIR": str(tmp_path / "data")})
    assert result.exit_code == 0 and "imported: 1" in result.output, result.output


def test_db_current_reports_a_fresh_database_without_making_it(tmp_path: Path) -> None:
    env = {"DATA_DIR": str(tmp_path / "data")}
    run("staff", "list", env=env)                          # creates the keys
    (tmp_path / "data" / "lawcrm.db").unlink()
    current = run("db", "current", env=env)
    assert current.exit_code == 0 and "current None" in current.output and "(run: lawcrm db upgrade)" in current.output


# -- defect 11: a bad setting, data directory or database is one line naming the setting ------------------

@pytest.fixture
def keys_env() -> dict[str, str]:
    """Keys in the environment, as a PostgreSQL deployment has them."""
    material = generate_key_material()
    return {"ENCRYPTION_KEYS": str(material["encryption_keys"][0]),
            "BLIND_INDEX_KEY": str(material["blind_index_key"])}


BAD_CADENCE = [
    "not json",
    '{"core": ',
    '{"core": 5}',
    '{"core": [5]}',
    '{"core": [{"rule": "call", "every_days": 3, "channels": [["call"]]}]}',
    '{"core": [{"rule": "call", "every_days": true, "channels": ["call"]}]}',
    '{"core": [{"rule": "", "every_days": 3, "channels": ["call"]}]}',
    '{"core": [{"rule": "call", "every_days": 3, "channels": "call"}]}',
    '{"lost": []}',
]


@pytest.mark.parametrize("value", BAD_CADENCE)
def test_malformed_cadence_is_one_line(tmp_path: Path, value: str) -> None:
    line = one_line(run("staff", "list", env={"DATA_DIR": str(tmp_path), "CADENCE": value}), "CADENCE")
    assert "Traceback" not in line


def test_cadence_from_the_env_file_is_one_line_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("CADENCE={not json\n")
    monkeypatch.chdir(tmp_path)
    one_line(run("db", "current", env={"DATA_DIR": str(tmp_path)}), "CADENCE")


def test_unreachable_database_is_one_line_without_the_password(tmp_path: Path, keys_env: dict[str, str]) -> None:
    env = {"DATA_DIR": str(tmp_path), "DATABASE_URL": "postgresql://lawcrm:s3cret@127.0.0.1:1/lawcrm", **keys_env}
    for args in (("staff", "list"), ("db", "current"), ("db", "upgrade"), ("conflicts", "check", "Acme")):
        line = one_line(run(*args, env=env), "DATABASE_URL")
        assert "127.0.0.1:1/lawcrm" in line and "s3cret" not in line


def test_missing_postgres_database_is_one_line(tmp_path: Path, keys_env: dict[str, str]) -> None:
    if "postgresql" not in os.environ.get("LAWCRM_TEST_BACKENDS", "sqlite,postgresql"):
        pytest.skip("PostgreSQL narrowed out of this run")
    url = make_url(_pg_server_url()).set(database="lawcrm_no_such_database").render_as_string(hide_password=False)
    line = one_line(run("staff", "list", env={"DATA_DIR": str(tmp_path), "DATABASE_URL": url, **keys_env}),
                    "DATABASE_URL")
    assert "lawcrm_no_such_database" in line


def test_data_dir_that_cannot_be_made_is_one_line(tmp_path: Path) -> None:
    line = one_line(run("staff", "list", env={"DATA_DIR": "/proc/nope"}), "DATA_DIR")
    assert "/proc/nope" in line
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    one_line(run("staff", "add", "U0X1", "X", "--role", "lawyer", env={"DATA_DIR": str(a_file)}), "DATA_DIR")
    one_line(run("db", "upgrade", env={"DATA_DIR": str(a_file / "sub")}), "DATA_DIR")


def test_sqlite_url_that_cannot_be_used_is_one_line(tmp_path: Path) -> None:
    env = {"DATA_DIR": str(tmp_path)}
    one_line(run("staff", "list", env={**env, "DATABASE_URL": "sqlite:////proc/nope/lawcrm.db"}), "DATABASE_URL")
    folder = tmp_path / "folder.db"
    folder.mkdir()
    one_line(run("staff", "list", env={**env, "DATABASE_URL": f"sqlite:///{folder}"}), "DATABASE_URL")


def test_key_file_that_cannot_be_made_is_one_line(tmp_path: Path) -> None:
    line = one_line(run("staff", "list", env={"DATA_DIR": str(tmp_path), "KEY_FILE": "/proc/nope/keys.json"}),
                    "KEY_FILE")
    assert "/proc/nope" in line
    one_line(run("staff", "list", env={"DATA_DIR": str(tmp_path), "KEY_FILE": str(tmp_path)}), "KEY_FILE")


def test_database_url_option_is_checked_like_the_setting(tmp_path: Path) -> None:
    one_line(run("--database-url", "mysql://db/x", "staff", "list", env={"DATA_DIR": str(tmp_path)}),
             "DATABASE_URL")


# -- serve: where it listens comes from the settings too -------------------------------------------------

@pytest.mark.parametrize("host,port_taken,name", [("127.0.0.1", True, "HTTP_PORT"),
                                                  ("no-such-host.invalid", False, "HTTP_HOST"),
                                                  ("192.0.2.1", False, "HTTP_HOST")])
def test_serve_where_it_cannot_listen_is_one_line(tmp_path, monkeypatch, fake_slack,  # type: ignore[no-untyped-def]
                                                  host: str, port_taken: bool, name: str) -> None:
    import socket

    from tests.conftest import BOT_TOKEN, SIGNING_SECRET
    from tests.test_http import cli, error_lines

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        if not port_taken:
            taken.close()
        env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
               "SLACK_API_URL": fake_slack.url, "HTTP_HOST": host, "HTTP_PORT": str(port)}
        result = cli(tmp_path, monkeypatch, ["serve"], env)
    finally:
        taken.close()
    assert result.exit_code == 2
    lines = error_lines(result)
    assert len(lines) == 1 and lines[0].startswith(f"lawcrm: invalid setting {name}: cannot listen on {host}:{port}")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("content", ["MANAGING_PARTNER_USER_ID=张伟\n".encode("gbk"),
                                     b"DEFAULT_LOCALE=zh-CN\nFIRM_TIMEZONE=\xff\xfe\n"])
def test_settings_file_in_another_encoding_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       content: bytes) -> None:
    (tmp_path / ".env").write_bytes(content)
    monkeypatch.chdir(tmp_path)
    result = run("staff", "list", env={"DATA_DIR": str(tmp_path)})
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lawcrm: invalid settings file .env: not UTF-8 text"), lines
