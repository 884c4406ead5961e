"""Configuration, read once from the environment (and `.env`) and passed down."""

from __future__ import annotations

import math
import re
import string
from datetime import time
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from pydantic_settings import SettingsError as SourceError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from storage.models.enums import ContactChannel, Tier

Locale = Literal["en", "zh-CN"]
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")
NAMED_MESSAGE = re.compile(r"^([A-Z][A-Z0-9_]+): (.*)$", re.S)
SOURCE_FIELD = re.compile(r'field "([^"]+)"')
ENV_FILE = ".env"

CONTACT_CHANNELS = tuple(c.value for c in ContactChannel)
CADENCE_TIERS = tuple(tier.value for tier in Tier if tier is not Tier.LOST)
CORE_CADENCE: list[dict[str, Any]] = [
    {"rule": "call", "channels": ["call", "wechat", "meeting", "visit"], "every_days": 14},
    {"rule": "written_summary", "channels": ["email"], "every_days": 30}]
DEFAULT_CADENCE: dict[str, list[dict[str, Any]]] = {
    "strategic": [{"rule": "face_to_face", "channels": ["meeting", "visit"], "every_days": 30},
                  {"rule": "call_or_email", "channels": ["call", "email", "wechat"], "every_days": 14}],
    "core": CORE_CADENCE,
    # 004's key clients follow core's rules by default (call every 2 weeks, written summary monthly)
    "key": [dict(rule) for rule in CORE_CADENCE],
    "potential": [{"rule": "any", "channels": list(CONTACT_CHANNELS), "every_days": 7}],
}
CSAT_DIMENSION_KEYS = ("csat.ability", "csat.communication", "csat.attitude", "csat.result")
COMPLIANCE_FAMILY_KEYS = ("compliance.cadence", "compliance.complaints", "compliance.surveys",
                          "compliance.intake")
# The quarterly report's KPI targets (percent, or minutes for the enquiry response); a KPI
# without a target here (complaint rate, conversion by default) shows no light.
DEFAULT_KPI_TARGETS: dict[str, float] = {
    "csat": 90.0, **{key: 90.0 for key in CSAT_DIMENSION_KEYS}, "retention": 80.0,
    "referral_share": 40.0, "ltv_growth": 10.0, "enquiry_response": 60.0, "compliance": 95.0,
    **{key: 95.0 for key in COMPLIANCE_FAMILY_KEYS}, "cross_team": 30.0,
}
KPI_KEYS = (*DEFAULT_KPI_TARGETS, "complaint_rate", "conversion")
VALUE_COMPONENTS = ("fees", "referrals", "complexity", "years")
DEFAULT_VALUE_WEIGHTS = {"fees": 0.3, "referrals": 0.2, "complexity": 0.2, "years": 0.3}


def _known_tiers(values: list[str], known: tuple[str, ...]) -> list[str]:
    """The values, when every one is among the known tiers."""
    unknown = [v for v in values if v not in known]
    if unknown:
        raise ValueError(f"unknown tier {unknown[0]!r}: tiers are {', '.join(known)}")
    return values


class SettingsError(Exception):
    """A missing or malformed setting; the message is one line naming it."""


class Settings(BaseSettings):
    """Every setting of the product; environment variable = field name in upper case."""

    model_config = SettingsConfigDict(env_file=ENV_FILE, extra="ignore", case_sensitive=False)

    data_dir: Path = Path("data")
    database_url: str | None = None

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"

    partner_review_channel: str | None = None
    alerts_channel: str | None = None
    admin_channel: str | None = None
    intake_channel: str | None = None
    managing_partner_user_id: str | None = None
    partners_channel: str | None = None  # the quarterly report's channel (else PARTNER_REVIEW_CHANNEL)

    firm_timezone: str = "Asia/Shanghai"
    default_locale: Locale = "en"
    holiday_country: str = "CN"

    encryption_keys: SecretStr | None = None
    blind_index_key: SecretStr | None = None
    key_file: Path | None = None

    http_host: str = "0.0.0.0"
    http_port: int = Field(default=3000, ge=1, le=65535)
    listener_threads: int = Field(default=12, ge=2, le=200)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_json: bool = True

    matter_number_pattern: str = "{year}-{area}-{seq:04d}"

    digest_time: time = time(8, 0)
    churn_after_days: int = Field(default=90, ge=1)
    lost_after_days: int = Field(default=365, ge=1)
    jobs_tick_seconds: int = Field(default=60, ge=5)
    cadence: dict[str, list[dict[str, Any]]] = Field(default_factory=lambda: dict(DEFAULT_CADENCE))
    lead_lawyer_monthly_contacts: int = Field(default=3, ge=0)
    manager_monthly_contacts: int = Field(default=1, ge=0)

    complaint_reminder_hours: int = Field(default=12, ge=1)
    complaint_escalation_hours: int = Field(default=24, ge=1)
    complaint_answer_working_days: int = Field(default=3, ge=1)
    survey_within_days: int = Field(default=30, ge=1)

    archive_filing_working_days: int = Field(default=3, ge=1)
    archive_retention_litigation_years: int = Field(default=10, ge=1)
    archive_retention_non_litigation_years: int = Field(default=8, ge=1)
    archive_retention_retainer_years: int = Field(default=5, ge=1)
    archive_permanent_tiers: list[str] = Field(default_factory=lambda: [Tier.STRATEGIC.value])
    archive_loan_max_days: int = Field(default=7, ge=1)
    archive_loan_reminder_days: int = Field(default=1, ge=0)
    backup_dir: Path | None = None
    backup_key: SecretStr | None = None
    privacy_request_days: int = Field(default=15, ge=1)
    working_hours_start: time = time(9, 0)
    working_hours_end: time = time(18, 0)
    enquiry_response_minutes: int = Field(default=60, ge=1)
    enquiry_nudge_minutes: int = Field(default=45, ge=1)
    # 004's "ordinary" clients: contact follows the matter (tiers without a cadence rule count too)
    matter_moment_tiers: list[str] = Field(default_factory=lambda: [Tier.POTENTIAL.value, Tier.ORDINARY.value])
    matter_moment_days_before: int = Field(default=3, ge=0)
    matter_moment_days_after: int = Field(default=7, ge=0)
    # fees on matters: the currency amounts are entered, imported and shown in (ISO 4217 code)
    currency: str = "CNY"
    kpi_targets: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_KPI_TARGETS))
    referral_bonus_rate: float = Field(default=0.01, ge=0, le=1)
    winback_bonus_rate: float = Field(default=0.005, ge=0, le=1)
    # the partners' Home dashboard shows the stored report, refreshed by a job this often
    dashboard_refresh_minutes: int = Field(default=60, ge=1, le=1440)
    # value score and quarterly re-tiering (README "Value score and tiers")
    value_weights: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_VALUE_WEIGHTS))
    value_years_horizon: int = Field(default=10, ge=1, le=100)
    value_referrals_cap: int = Field(default=5, ge=1, le=1000)
    tier_scheme: Literal["000", "004"] = "000"
    tier_strategic_annual_fees: float = Field(default=1_000_000, gt=0)
    tier_core_annual_fees: float = Field(default=200_000, gt=0)
    tier_core_score: float = Field(default=50, ge=0, le=100)
    tier_key_annual_fees: float = Field(default=200_000, gt=0)
    golden_min_matters: int = Field(default=3, ge=1)
    golden_top_share: float = Field(default=0.2, gt=0, le=1)
    big_max_matters: int = Field(default=2, ge=1)
    big_min_average_fees: float = Field(default=500_000, gt=0)
    retier_items_shown: int = Field(default=15, ge=1, le=20)

    @field_validator("cadence")
    @classmethod
    def _cadence(cls, value: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
        """Known tiers (not lost) list rules {rule, channels, every_days} over known channels."""
        _known_tiers(list(value), CADENCE_TIERS)
        for tier, rules in value.items():
            if not isinstance(rules, list):
                raise ValueError(f"tier {tier!r}: give a list of rules")
            for r in rules:
                days = r.get("every_days")
                if not isinstance(r.get("rule"), str) or not r["rule"].strip() or type(days) is not int \
                        or days < 1:
                    raise ValueError(f"tier {tier!r}: each rule needs a name and every_days >= 1")
                channels = r.get("channels")
                if not isinstance(channels, list) or not channels \
                        or not all(isinstance(c, str) and c in CONTACT_CHANNELS for c in channels):
                    raise ValueError(f"tier {tier!r} rule {r['rule']!r}: channels must be some of "
                                     f"{', '.join(CONTACT_CHANNELS)}")
        return value

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        """An ISO 4217 code: three letters (upper-cased)."""
        code = value.strip().upper()
        if not CURRENCY_CODE.match(code):
            raise ValueError(f"{value!r} is not a currency code (three letters, like CNY)")
        return code

    @field_validator("kpi_targets")
    @classmethod
    def _kpi_targets(cls, value: dict[str, float]) -> dict[str, float]:
        """Known KPI keys with finite, non-negative targets, merged over the defaults.

        The CSAT dimensions follow a "csat" target given without them, and the compliance
        families follow a "compliance" target likewise.
        """
        unknown = sorted(set(value) - set(KPI_KEYS))
        if unknown:
            raise ValueError(f"unknown KPI {unknown[0]!r} (known: {', '.join(KPI_KEYS)})")
        for key, target in value.items():
            if not math.isfinite(target) or target < 0:
                raise ValueError(f"the target of {key!r} must be a number of at least 0")
        merged = dict(DEFAULT_KPI_TARGETS)
        for parent, children in (("csat", CSAT_DIMENSION_KEYS), ("compliance", COMPLIANCE_FAMILY_KEYS)):
            if parent in value:
                merged.update({child: value[parent] for child in children})
        merged.update(value)
        return merged

    @field_validator("value_weights")
    @classmethod
    def _value_weights(cls, value: dict[str, float]) -> dict[str, float]:
        """The four components (fees, referrals, complexity, years), non-negative, summing to 1."""
        unknown = sorted(set(value) - set(VALUE_COMPONENTS))
        if unknown:
            raise ValueError(f"unknown component {unknown[0]!r}: components are {', '.join(VALUE_COMPONENTS)}")
        if any(w < 0 for w in value.values()):
            raise ValueError("weights must not be negative")
        if abs(sum(value.values()) - 1) > 1e-6:
            raise ValueError(f"weights must sum to 1 (they sum to {sum(value.values()):g})")
        return {k: float(value.get(k, 0.0)) for k in VALUE_COMPONENTS}

    @model_validator(mode="after")
    def _tier_thresholds(self) -> "Settings":
        """Core and key thresholds below the strategic one."""
        for name in ("tier_core_annual_fees", "tier_key_annual_fees"):
            if getattr(self, name) >= self.tier_strategic_annual_fees:
                raise ValueError(f"{name.upper()}: must be below TIER_STRATEGIC_ANNUAL_FEES "
                                 f"({self.tier_strategic_annual_fees:g})")
        return self

    @field_validator("matter_moment_tiers")
    @classmethod
    def _moment_tiers(cls, value: list[str]) -> list[str]:
        """Only tiers that can have contact (not lost)."""
        return _known_tiers(value, CADENCE_TIERS)

    @field_validator("archive_permanent_tiers")
    @classmethod
    def _permanent_tiers(cls, value: list[str]) -> list[str]:
        """Only known client tiers are kept permanently."""
        return _known_tiers(value, tuple(tier.value for tier in Tier))

    @field_validator("firm_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        """Reject a timezone the system database does not know."""
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r}") from exc
        return value

    @field_validator("holiday_country")
    @classmethod
    def _known_country(cls, value: str) -> str:
        """Reject a country code the holidays package does not cover."""
        if value.upper() not in holidays.list_supported_countries():
            raise ValueError(f"no holiday calendar for country {value!r}")
        return value.upper()

    @field_validator("partner_review_channel", "alerts_channel", "admin_channel", "intake_channel",
                     "partners_channel")
    @classmethod
    def _channel_id(cls, value: str | None) -> str | None:
        """Channels are given by ID (C… or G…), never by name."""
        if value and not CHANNEL_ID.match(value):
            raise ValueError(f"{value!r} is not a Slack channel ID (like C0123ABCD)")
        return value or None

    @field_validator("matter_number_pattern")
    @classmethod
    def _pattern(cls, value: str) -> str:
        """The matter number pattern must render with year, area and seq."""
        try:
            fields = {f for _, f, _, _ in string.Formatter().parse(value) if f is not None}
            value.format(year=2026, area="LIT", seq=1)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"bad pattern {value!r}: use {{year}}, {{area}}, {{seq}}") from exc
        if not fields <= {"year", "area", "seq"}:
            raise ValueError(f"bad pattern {value!r}: use only {{year}}, {{area}}, {{seq}}")
        if "seq" not in fields:
            raise ValueError("pattern must contain {seq}")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        """A SQLAlchemy URL for SQLite or PostgreSQL."""
        if not value:
            return None
        try:
            backend = make_url(value).get_backend_name()
        except ArgumentError:
            raise ValueError("not a database URL (like postgresql+psycopg://host/db)") from None
        if backend not in ("sqlite", "postgresql"):
            raise ValueError(f"unsupported database {backend!r}: use postgresql or sqlite")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        """The Web API base URL must be http(s) and end with a slash."""
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value if value.endswith("/") else value + "/"

    @model_validator(mode="after")
    def _working_hours(self) -> "Settings":
        """The working day ends after it starts; the enquiry nudge comes before the deadline."""
        if self.working_hours_end <= self.working_hours_start:
            raise ValueError("WORKING_HOURS_END: must be after WORKING_HOURS_START")
        if self.enquiry_nudge_minutes >= self.enquiry_response_minutes:
            raise ValueError("ENQUIRY_NUDGE_MINUTES: must be less than ENQUIRY_RESPONSE_MINUTES")
        return self

    @model_validator(mode="after")
    def _slack_pairs(self) -> "Settings":
        """HTTP mode needs the signing secret with the bot token; Socket Mode the bot token."""
        if self.slack_bot_token and not (self.slack_signing_secret or self.slack_app_token):
            raise ValueError(
                "SLACK_SIGNING_SECRET: required when SLACK_BOT_TOKEN is set (or SLACK_APP_TOKEN for Socket Mode)"
            )
        if self.slack_app_token and not self.slack_bot_token:
            raise ValueError("SLACK_BOT_TOKEN: required when SLACK_APP_TOKEN is set")
        return self

    @property
    def tz(self) -> ZoneInfo:
        """The firm's timezone."""
        return ZoneInfo(self.firm_timezone)

    @property
    def enquiry_channel(self) -> str | None:
        """Where new enquiries are posted: INTAKE_CHANNEL, else PARTNER_REVIEW_CHANNEL."""
        return self.intake_channel or self.partner_review_channel

    @property
    def report_channel(self) -> str | None:
        """Where the quarterly report is posted: PARTNERS_CHANNEL, else PARTNER_REVIEW_CHANNEL."""
        return self.partners_channel or self.partner_review_channel

    @property
    def audit_witness_channel(self) -> str | None:
        """Where the audit chain's head is witnessed: ADMIN_CHANNEL, else ALERTS_CHANNEL."""
        return self.admin_channel or self.alerts_channel

    @property
    def resolved_database_url(self) -> str:
        """DATABASE_URL, or a SQLite file under the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'lawcrm.db').resolve()}"

    @property
    def resolved_key_file(self) -> Path:
        """Where keys live when they are not given in the environment."""
        return self.key_file or self.data_dir / "keys.json"

    @property
    def mode(self) -> Literal["console", "http", "socket"]:
        """How `lawcrm run` serves: socket, http, or the local console."""
        if self.slack_app_token:
            return "socket"
        if self.slack_bot_token:
            return "http"
        return "console"


def load_settings(**overrides: object) -> Settings:
    """Build the settings, turning validation errors into one clear line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except UnicodeDecodeError as exc:  # .env saved in a local code page (GBK) by a Windows editor
        raise SettingsError(f"invalid settings file {ENV_FILE}: not UTF-8 text (byte {exc.start}); "
                            "save it as UTF-8") from None
    except OSError as exc:
        raise SettingsError(f"invalid settings file {ENV_FILE}: cannot read it "
                            f"({exc.strerror or type(exc).__name__})") from None
    except SourceError as exc:  # a value that had to be JSON (CADENCE) could not be parsed
        named = SOURCE_FIELD.search(str(exc))
        name = named.group(1).upper() if named else "settings"
        cause = exc.__cause__
        detail = f"{cause.msg} at character {cause.pos}" if isinstance(cause, ValueError) \
            and hasattr(cause, "pos") else "cannot be parsed"
        raise SettingsError(f"invalid setting {name}: not valid JSON ({detail})") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = [str(p) for p in first.get("loc", ())]
        name = loc[0] if loc else ""
        msg = str(first.get("msg", "invalid")).removeprefix("Value error, ")
        if len(loc) > 1:  # inside a structured setting (CADENCE): say where
            msg = f"at {'.'.join(loc[1:])}: {msg}"
        named = NAMED_MESSAGE.match(msg)
        if not name and named:  # a rule across settings names the variable it needs
            name, msg = named.group(1), named.group(2)
        msg = " ".join(msg.split())
        if not name:  # a rule across settings: its message names them
            raise SettingsError(f"invalid settings: {msg}") from None
        raise SettingsError(f"invalid setting {name.upper()}: {msg}") from None
