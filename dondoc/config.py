"""The deployment's settings: `config.toml` validated into one typed object.

Secrets never live in the file: the bot token comes from `TELEGRAM_BOT_TOKEN`.
A wrong value becomes a `ConfigError` whose message is one line naming the key
and the problem, so the command line can print it and exit with status 2.
"""

from __future__ import annotations

import os
import tomllib
from datetime import date, time
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

TOKEN_ENV = "TELEGRAM_BOT_TOKEN"
DATABASE_URL_ENV = "DATABASE_URL"
DEFAULT_CONFIG_PATH = Path("config.toml")


class ConfigError(Exception):
    """A configuration problem, worded for the person who edits config.toml."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BotSettings(_Section):
    """How the bot reaches Telegram and speaks to people."""

    api_base_url: str = "https://api.telegram.org/bot"
    locale: Literal["vi", "en"] = "vi"
    poll_timeout_seconds: int = Field(default=30, ge=0, le=50)
    # A note longer than this is refused with a message that says the limit.
    note_max_chars: int = Field(default=1000, ge=10, le=4000)
    # A chat told of failures (the administrators' group, or one person's id); none by default.
    alert_chat_id: int | None = None
    # For networks that reach Telegram only through a proxy: http://, https:// or socks5://
    # (user:password@ allowed; the password never appears in a log line).
    proxy_url: str | None = None

    @field_validator("proxy_url")
    @classmethod
    def _proxy_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https", "socks5", "socks5h") or not parts.hostname:
            raise ValueError(
                "must be http://, https:// or socks5:// with a host, e.g. socks5://10.0.0.1:1080"
            )
        return value

    @property
    def proxy_password(self) -> str | None:
        """The proxy's password, if its URL has one (masked in every log line)."""
        return urlsplit(self.proxy_url).password if self.proxy_url else None

    @field_validator("api_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value


class DatabaseSettings(_Section):
    """Where the SQLite file lives (or any SQLAlchemy URL)."""

    url: str = "sqlite:///var/dondoc.db"


class ScheduleSettings(_Section):
    """The monthly cycle, in the configured time zone."""

    timezone: str = "Asia/Ho_Chi_Minh"
    request_day: int = Field(default=15, ge=1, le=28)
    request_time: time = time(8, 30)
    due_day: int = Field(default=20, ge=1, le=28)
    nudge_every_working_days: int = Field(default=2, ge=1, le=10)
    escalation_delay_days: int = Field(default=1, ge=0, le=10)
    digest_day: int = Field(default=22, ge=1, le=28)
    digest_time: time = time(8, 0)
    deadline_reminder_working_days: int = Field(default=3, ge=1, le=20)
    extra_days_off: list[date] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (e.g. Asia/Ho_Chi_Minh)") from None
        return value

    @model_validator(mode="after")
    def _in_order_within_a_month(self) -> ScheduleSettings:
        # Working days may move each a little later; the order of the days must hold first.
        escalation_day = self.due_day + max(self.escalation_delay_days, 1)
        if self.due_day < self.request_day:
            raise ValueError(
                f"due_day ({self.due_day}) must not come before request_day ({self.request_day})"
            )
        if escalation_day > self.digest_day or (
            escalation_day == self.digest_day and self.request_time > self.digest_time
        ):
            raise ValueError(
                f"the escalation (due_day {self.due_day} + escalation_delay_days "
                f"{self.escalation_delay_days} = day {escalation_day}) must not come after "
                f"digest_day ({self.digest_day})"
            )
        return self

    @property
    def zone(self) -> ZoneInfo:
        """The schedule's time zone."""
        return ZoneInfo(self.timezone)


class DeliverySettings(_Section):
    """Flood control: stay under Telegram's limits (about 30 messages/s, 1/s per chat)."""

    overall_per_second: float = Field(default=29, gt=0, le=1000)
    per_chat_seconds: float = Field(default=1.0, ge=0, le=60)
    group_per_minute: int = Field(default=20, ge=1, le=60)
    concurrency: int = Field(default=8, ge=1, le=64)
    max_retry_after_seconds: int = Field(default=60, ge=1, le=3600)
    # A claim on a message not renewed for this long was left by a send-out that died
    # (on another machine: on this one a dead process is noticed at once).
    claim_timeout_seconds: int = Field(default=600, ge=10, le=86400)

    @model_validator(mode="after")
    def _claims_outlast_waits(self) -> DeliverySettings:
        if self.claim_timeout_seconds <= self.max_retry_after_seconds + 60:
            raise ValueError(
                "claim_timeout_seconds must exceed max_retry_after_seconds + 60, "
                "or a send still waiting on Telegram would look abandoned"
            )
        return self


class InviteSettings(_Section):
    """Invite links."""

    valid_days: int = Field(default=7, ge=1, le=90)


class ReportSettings(_Section):
    """The Word report the Office signs (Decree 30/2020/NĐ-CP): who issues and signs it.

    Left empty, the issuer and place come from the directive being followed up.
    """

    parent: str = ""  # the body over the office, e.g. "UBND THÀNH PHỐ HÀ NỘI"
    office: str = "VĂN PHÒNG"  # the office that reports, under its parent
    office_name: str = "Văn phòng UBND Thành phố"  # as the text names it
    place: str = ""  # "Hà Nội, ngày …"
    # After "Số: ". The văn thư fills the blank; "{month}" and "{year}" number it by period.
    number: str = "      /BC-VP"
    signer_title: list[str] = Field(default_factory=lambda: ["CHÁNH VĂN PHÒNG"])
    signer_name: str = ""
    recipients: list[str] = Field(
        default_factory=lambda: [
            "Thường trực UBND Thành phố (để b/c)",
            "Các đơn vị được giao nhiệm vụ",
            "Lưu: VT, TH",
        ]
    )
    # V. The Office's own proposals, a paragraph each; left empty, a standing one is written
    # from the figures (the late and the unreported).
    proposals: list[str] = Field(default_factory=list)


class Config(_Section):
    """Everything the bot, the jobs and the CLI need, with the token from the environment."""

    bot: BotSettings = Field(default_factory=BotSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)
    invites: InviteSettings = Field(default_factory=InviteSettings)
    delivery: DeliverySettings = Field(default_factory=DeliverySettings)
    report: ReportSettings = Field(default_factory=ReportSettings)
    token: SecretStr | None = Field(default=None, exclude=True)

    def require_token(self) -> str:
        """The bot token, or a ConfigError saying where to put it."""
        if self.token is None or not self.token.get_secret_value().strip():
            raise ConfigError(f"{TOKEN_ENV}: not set (the bot token from @BotFather)")
        return self.token.get_secret_value().strip()


def _describe(error: dict[str, Any]) -> str:
    """One error of pydantic's as `key.path: problem`."""
    key = ".".join(str(part) for part in error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        problem = "unknown key"
    elif kind == "missing":
        problem = "required"
    else:
        problem = str(error["msg"]).removeprefix("Value error, ")
        if kind != "value_error" and not isinstance(error.get("input"), dict | list | None):
            problem += f" (got {error['input']!r})"
    return f"{key}: {problem}"


def parse_config(
    raw: dict[str, Any], *, env: dict[str, str] | None = None, source: str = "config.toml"
) -> Config:
    """Validate a config mapping; environment variables add the token and may override the DB."""
    env = dict(os.environ) if env is None else env
    data = dict(raw)
    if env.get(DATABASE_URL_ENV):
        database = dict(data.get("database") or {})
        database["url"] = env[DATABASE_URL_ENV]
        data["database"] = database
    if env.get(TOKEN_ENV):
        data["token"] = env[TOKEN_ENV]
    if "token" in raw:
        raise ConfigError(f"{source}: token: never put the token in a file; set {TOKEN_ENV}")
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        more = len(exc.errors()) - 1
        suffix = f" (and {more} more)" if more else ""
        raise ConfigError(f"{source}: {_describe(dict(first))}{suffix}") from None


def load_config(path: Path | None = None, *, env: dict[str, str] | None = None) -> Config:
    """Read and validate `config.toml`; a missing default file means all defaults."""
    explicit = path is not None
    path = path or DEFAULT_CONFIG_PATH
    if not path.exists():
        if explicit:
            raise ConfigError(f"{path}: file not found")
        return parse_config({}, env=env, source=str(path))
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    return parse_config(raw, env=env, source=str(path))
