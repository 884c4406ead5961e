"""Foundation, configuration: settings errors, schema drift, the manifest, translations."""

from __future__ import annotations

import importlib
import pkgutil
import re
import string
from pathlib import Path

import pytest
import yaml
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import DateTime, Text, create_engine, inspect, select

from bot.cli import build_cli
from bot.i18n import LOCALES, catalog, t
from bot.ids import Command
from bot.settings import SettingsError, load_settings
from storage import migrate
from storage.models import AuditEvent, Base, Staff
from storage.models.base import UTCDateTime
from storage.types import EncryptedJSON, EncryptedText
from tests.support import make_staff

ROOT = Path(__file__).resolve().parent.parent

# -- settings -------------------------------------------------------------------------------------

BAD_SETTINGS = [
    ({"FIRM_TIMEZONE": "Mars/Olympus"}, "FIRM_TIMEZONE"),
    ({"FIRM_TIMEZONE": "../../etc/passwd"}, "FIRM_TIMEZONE"),
    ({"PARTNER_REVIEW_CHANNEL": "#partners"}, "PARTNER_REVIEW_CHANNEL"),
    ({"ALERTS_CHANNEL": "U0LAWYER1"}, "ALERTS_CHANNEL"),
    ({"SLACK_BOT_TOKEN": "xoxb-1-2-3"}, "SLACK_SIGNING_SECRET"),
    ({"SLACK_APP_TOKEN": "xapp-1-2-3"}, "SLACK_BOT_TOKEN"),
    ({"MATTER_NUMBER_PATTERN": "{year}-{bogus}-{seq}"}, "MATTER_NUMBER_PATTERN"),
    ({"MATTER_NUMBER_PATTERN": "{year}-{area}"}, "MATTER_NUMBER_PATTERN"),
    ({"MATTER_NUMBER_PATTERN": "{seq:04q}"}, "MATTER_NUMBER_PATTERN"),
    ({"MATTER_NUMBER_PATTERN": "{seq.__class__}"}, "MATTER_NUMBER_PATTERN"),
    ({"HOLIDAY_COUNTRY": "XX"}, "HOLIDAY_COUNTRY"),
    ({"HTTP_PORT": "three thousand"}, "HTTP_PORT"),
    ({"HTTP_PORT": "70000"}, "HTTP_PORT"),
    ({"DEFAULT_LOCALE": "fr"}, "DEFAULT_LOCALE"),
    ({"LOG_LEVEL": "chatty"}, "LOG_LEVEL"),
    ({"SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL"),
    ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
    ({"DATABASE_URL": "mysql://db/lawcrm"}, "DATABASE_URL"),
    ({"DIGEST_TIME": "25:00"}, "DIGEST_TIME"),
]


@pytest.mark.parametrize("env,name", BAD_SETTINGS, ids=[f"{n}={list(e.values())[0]}" for e, n in BAD_SETTINGS])
def test_bad_setting_stops_with_one_line_naming_it(monkeypatch, env, name):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None)
    message = str(caught.value)
    assert message.startswith(f"invalid setting {name}: ")
    assert "\n" not in message
    assert "xoxb-1-2-3" not in message and "xapp-1-2-3" not in message


@pytest.mark.parametrize("env,name", BAD_SETTINGS[::2] + [BAD_SETTINGS[4], BAD_SETTINGS[11]],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_bad_setting_stops_the_cli_with_exit_2_and_one_line(tmp_path, env, name):
    result = CliRunner().invoke(build_cli(), ["db", "current"], env={"DATA_DIR": str(tmp_path), **env})
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"lawcrm: invalid setting {name}: ")
    assert result.stdout == ""


def test_good_settings_load(monkeypatch):
    monkeypatch.setenv("FIRM_TIMEZONE", "Asia/Hong_Kong")
    monkeypatch.setenv("PARTNER_REVIEW_CHANNEL", "G0PARTNERS")
    monkeypatch.setenv("HOLIDAY_COUNTRY", "hk")
    monkeypatch.setenv("HTTP_PORT", "8080")
    monkeypatch.setenv("SLACK_API_URL", "https://slack-gov.com/api")
    s = load_settings(_env_file=None)
    assert (s.firm_timezone, s.partner_review_channel, s.holiday_country, s.http_port) == (
        "Asia/Hong_Kong", "G0PARTNERS", "HK", 8080)
    assert s.slack_api_url == "https://slack-gov.com/api/"
    assert s.mode == "console"


def test_settings_are_not_read_at_import():
    import bot.settings as module

    assert not any(isinstance(v, module.Settings) for v in vars(module).values())


# -- migrations and models ----------------------------------------------------------------------------

def _compare_type(ctx, inspected, metadata_col, inspected_type, metadata_type):
    """As storage/migrations/env.py: our TypeDecorators compare by their implementation."""
    if isinstance(metadata_type, (EncryptedText, EncryptedJSON)):
        return not isinstance(inspected_type, Text)
    if isinstance(metadata_type, UTCDateTime):
        return not isinstance(inspected_type, DateTime)
    return None


def _drift(url: str) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": _compare_type,
                                                         "compare_server_default": False})
            return compare_metadata(ctx, Base.metadata)
    finally:
        engine.dispose()


def test_migrations_match_the_models(db_url):
    assert _drift(db_url) == []


def test_env_compare_type_is_the_one_tested():
    source = (ROOT / "storage/migrations/env.py").read_text()
    assert "isinstance(metadata_type, (EncryptedText, EncryptedJSON))" in source
    assert "isinstance(metadata_type, UTCDateTime)" in source


def test_downgrade_to_base_and_upgrade_again(services, db_url):
    make_staff(services, "U0LAWYER1", "lawyer")
    engine = services.engine
    try:
        migrate.downgrade(engine, "base")
        with engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        assert migrate.current_revision(engine) is None
    finally:
        migrate.upgrade(engine)
    assert migrate.is_current(engine)
    assert _drift(db_url) == []
    # the append-only triggers came back with the schema
    with services.session() as session:
        from storage import audit

        audit.record(session, actor="test", action="create", entity="x")
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    with pytest.raises(DBAPIError, match="append-only"):
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_events"))


def test_every_feature_migration_branches_from_the_foundation():
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(migrate.alembic_config())
    for rev in scripts.walk_revisions():
        if rev.revision == "0001":
            assert rev.down_revision is None
        else:
            parent = scripts.get_revision(rev.down_revision) if isinstance(rev.down_revision, str) else None
            continues_its_feature = parent is not None and parent.branch_labels == rev.branch_labels
            assert rev.down_revision == "0001" or rev.dependencies or continues_its_feature, rev.revision
            assert rev.branch_labels, f"{rev.revision} needs a branch label"


# -- manifest -----------------------------------------------------------------------------------------

def _manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


def _readme_scopes() -> set[str]:
    """The bot scopes listed in the README's least-privilege table."""
    text = (ROOT / "README.md").read_text()
    section = text.split("### Slack scopes", 1)[1].split("\n#", 1)[0]
    return set(re.findall(r"^\| `([a-z:._]+)` \|", section, re.M))


def test_manifest_commands_are_the_command_enum():
    commands = {c["command"] for c in _manifest()["features"]["slash_commands"]}
    assert commands == {c.value for c in Command}


def test_manifest_urls_and_interactivity():
    manifest = _manifest()
    settings = manifest["settings"]
    assert settings["interactivity"]["is_enabled"] is True
    urls = {c["url"] for c in manifest["features"]["slash_commands"]}
    urls |= {settings["interactivity"]["request_url"], settings["event_subscriptions"]["request_url"]}
    assert len(urls) == 1 and urls.pop().endswith("/slack/events")
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True


def test_manifest_scopes_are_the_readme_allow_list():
    scopes = set(_manifest()["oauth_config"]["scopes"]["bot"])
    assert scopes == _readme_scopes()
    assert "oauth_config" in _manifest() and "user" not in _manifest()["oauth_config"]["scopes"]
    assert not {"mpim:history", "chat:write.public", "admin", "users:read.email"} & scopes


def test_every_subscribed_event_is_handled(services, slack, fake_slack):
    events = _manifest()["settings"]["event_subscriptions"]["bot_events"]
    make_staff(services, "U0LAWYER1", "lawyer")
    for name in events:
        sent = slack.event({"type": name, "user": "U0LAWYER1", "tab": "home", "channel": "D0LAWYER1",
                            "event_ts": "1700000000.000100"})
        assert sent.status == 200, f"{name} has no listener (Bolt answered {sent.status})"


def test_every_manifest_command_has_a_listener(slack, fake_slack):
    """A command in the manifest without a listener would fail for users with dispatch_failed.

    On the foundation branch alone, the commands of the feature branches are still missing;
    after the merge every command must be handled.
    """
    missing = []
    for c in _manifest()["features"]["slash_commands"]:
        sent = slack.command("U0STRANGER", c["command"], "")
        if sent.status == 404:
            missing.append(c["command"])
    fake_slack.settle()
    assert missing == []


# -- translations ------------------------------------------------------------------------------------

def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_message_has_both_languages_with_the_same_placeholders():
    import bot.locales as pkg

    seen = 0
    for info in pkgutil.iter_modules(pkg.__path__):
        module = importlib.import_module(f"bot.locales.{info.name}")
        for key, entry in getattr(module, "MESSAGES", {}).items():
            seen += 1
            assert set(entry) == set(LOCALES), f"{info.name}:{key} has {sorted(entry)}"
            assert all(entry[loc].strip() for loc in LOCALES), f"{info.name}:{key} is empty"
            assert _placeholders(entry["en"]) == _placeholders(entry["zh-CN"]), f"{info.name}:{key}"
    assert seen == len(catalog()) and seen > 20


FEATURE_PREFIXES = {
    "intake": ("intake.",), "upkeep": ("upkeep.",), "conflicts": ("conflict.",),
    "complaints": ("complaint.", "survey.", "stats.", "matter_close."),
    "enquiries": ("enquiry.", "winback."),
}


def test_feature_messages_carry_their_feature_prefix():
    for module_name, prefixes in FEATURE_PREFIXES.items():
        module = importlib.import_module(f"bot.locales.{module_name}")
        for key in module.MESSAGES:
            assert key.startswith(prefixes), f"{module_name}:{key}"


def test_every_message_renders_with_its_placeholders():
    for key, entry in catalog().items():
        params = {name: "X" for name in _placeholders(entry["en"])}
        for loc in LOCALES:
            assert "{" not in t(key, loc, **params).replace("{{", ""), key


def test_locale_per_user_else_firm_default(services, fake_slack):
    from bot.app import create_app
    from bot.console.driver import SlackDriver
    from tests.conftest import SIGNING_SECRET

    services.settings = services.settings.model_copy(update={"default_locale": "zh-CN"})
    app, _ = create_app(services=services)
    driver = SlackDriver(app, signing_secret=SIGNING_SECRET, fake=fake_slack)
    make_staff(services, "U0DEFAULT", "lawyer", "No Setting")
    make_staff(services, "U0ENGLISH", "lawyer", "English Setting", locale="en")
    driver.command("U0DEFAULT", "/lawcrm", "whoami")
    driver.command("U0ENGLISH", "/lawcrm", "whoami")
    texts = {c.params["text"] for c in fake_slack.wait_for("response_url", 2)}
    assert any("No Setting" in x and "律师" in x for x in texts)
    assert any("English Setting" in x and "Lawyer" in x for x in texts)


def test_lang_switches_and_is_audited(services, slack, fake_slack):
    make_staff(services, "U0LAWYER1", "lawyer", "Li Lei")
    slack.command("U0LAWYER1", "/lawcrm", "lang zh-CN")
    assert fake_slack.wait_for("response_url")[0].params["text"] == t("lang.changed", "zh-CN")
    with services.session() as session:
        staff = session.execute(select(Staff).where(Staff.slack_user_id == "U0LAWYER1")).scalar_one()
        last = session.execute(select(AuditEvent).order_by(AuditEvent.seq.desc())).scalars().first()
    assert staff.locale == "zh-CN"
    assert (last.actor, last.action, last.entity, last.entity_id, last.fields) == (
        f"staff:{staff.id}", "update", "staff", str(staff.id), ["locale"])
    slack.command("U0LAWYER1", "/lawcrm", "whoami")
    assert "律师" in fake_slack.wait_for("response_url", 2)[1].params["text"]
    slack.command("U0LAWYER1", "/lawcrm", "lang klingon")
    assert fake_slack.wait_for("response_url", 3)[2].params["text"] == t("lang.usage", "zh-CN")
    slack.command("U0LAWYER1", "/lawcrm", "lang en")
    assert fake_slack.wait_for("response_url", 4)[3].params["text"] == t("lang.changed", "en")


# -- the database and key commands ----------------------------------------------------------------------

def test_db_upgrade_on_a_fresh_clone_creates_schema_and_key_file(tmp_path):
    env = {"DATA_DIR": str(tmp_path)}
    runner = CliRunner()
    result = runner.invoke(build_cli(), ["db", "upgrade"], env=env)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "lawcrm.db").exists()
    key_file = tmp_path / "keys.json"
    assert key_file.stat().st_mode & 0o777 == 0o600
    head = migrate.head_revision()
    assert f"database at revision {head}" in result.stdout
    current = runner.invoke(build_cli(), ["db", "current"], env=env)
    assert current.exit_code == 0 and current.stdout.strip() == f"current {head}, head {head}"
    keys = key_file.read_text()
    again = runner.invoke(build_cli(), ["db", "upgrade"], env=env)  # idempotent, same keys
    assert again.exit_code == 0 and key_file.read_text() == keys


def test_keys_generate_prints_usable_keys(tmp_path):
    from storage.crypto import load_keyring

    result = CliRunner().invoke(build_cli(), ["keys", "generate"])
    assert result.exit_code == 0
    values = dict(line.split("=", 1) for line in result.stdout.strip().splitlines())
    ring = load_keyring(encryption_keys=values["ENCRYPTION_KEYS"], blind_index_key=values["BLIND_INDEX_KEY"],
                        key_file=tmp_path / "unused.json", create=False)
    assert ring.decrypt(ring.encrypt("密")) == "密"
    assert not (tmp_path / "unused.json").exists()


def test_missing_keys_stop_with_one_line(tmp_path):
    result = CliRunner().invoke(build_cli(), ["audit", "verify"], env={"DATA_DIR": str(tmp_path)})
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no ENCRYPTION_KEYS set and no key file" in lines[0]
    result = CliRunner().invoke(build_cli(), ["audit", "verify"],
                                env={"DATA_DIR": str(tmp_path), "ENCRYPTION_KEYS": "not-a-key",
                                     "BLIND_INDEX_KEY": "x" * 40})
    assert result.exit_code == 2 and "not a valid Fernet key" in result.stderr


def test_postgresql_never_makes_up_its_own_keys(tmp_path, db_url):
    from tests.conftest import make_settings
    from bot.services import build_services
    from storage.crypto import KeyringError

    settings = make_settings(db_url=db_url, fake=None, tmp_path=tmp_path)
    if db_url.startswith("sqlite"):
        build_services(settings).engine.dispose()  # embedded mode: the key file is created
        assert (tmp_path / "keys.json").exists()
        return
    with pytest.raises(KeyringError, match="lawcrm keys generate"):
        build_services(settings)
    assert not (tmp_path / "keys.json").exists()
