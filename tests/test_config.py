"""Configuration: a wrong value is one clear line naming the key; the token only from the env."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from bot.app import build_application
from db.engine import make_engine
from dondoc.config import ConfigError, load_config, parse_config


def error_of(raw: dict, env: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_config(raw, env=env or {})
    return str(caught.value)


def test_the_shipped_config_is_valid_and_has_the_design_defaults() -> None:
    config = load_config(Path(__file__).parents[1] / "config.toml", env={})

    assert config.schedule.timezone == "Asia/Ho_Chi_Minh"
    assert (config.schedule.request_day, config.schedule.due_day, config.schedule.digest_day) == (
        15,
        20,
        22,
    )
    assert config.token is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            {"schedule": {"request_day": 31}},
            "schedule.request_day: Input should be less than or equal to 28 (got 31)",
        ),
        (
            {"schedule": {"timezone": "Mars/Olympus"}},
            "schedule.timezone: unknown time zone 'Mars/Olympus'",
        ),
        ({"schedule": {"request_time": "25:00"}}, "schedule.request_time:"),
        (
            {"bot": {"api_base_url": "ftp://x"}},
            "bot.api_base_url: must start with http:// or https://",
        ),
        ({"bot": {"locale": "fr"}}, "bot.locale:"),
        ({"schedule": {"nudge_every_day": 2}}, "schedule.nudge_every_day: unknown key"),
        (
            {"schedule": {"due_day": 10, "request_day": 15, "digest_day": 5}},
            "schedule: due_day (10) must not come before request_day (15)",
        ),
        (
            {"schedule": {"digest_day": 5}},
            "must not come after digest_day (5)",
        ),
        (
            {"schedule": {"due_day": 22, "escalation_delay_days": 3, "digest_day": 24}},
            "escalation (due_day 22 + escalation_delay_days 3 = day 25)",
        ),
        (
            {"delivery": {"claim_timeout_seconds": 60}},
            "delivery: claim_timeout_seconds must exceed max_retry_after_seconds + 60",
        ),
    ],
)
def test_a_wrong_value_names_the_key_and_the_problem(raw: dict, expected: str) -> None:
    message = error_of(raw)

    assert message.startswith("config.toml: ")
    assert expected in message
    assert "\n" not in message


def test_a_token_written_in_the_file_is_refused() -> None:
    assert "never put the token in a file" in error_of({"token": "123:abc"})


def test_the_token_and_database_come_from_the_environment() -> None:
    config = parse_config(
        {}, env={"TELEGRAM_BOT_TOKEN": "123:abc", "DATABASE_URL": "sqlite:///x.db"}
    )

    assert config.require_token() == "123:abc"
    assert config.database.url == "sqlite:///x.db"
    assert "123:abc" not in repr(config)


def test_a_missing_token_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN: not set"):
        parse_config({}, env={}).require_token()


def test_malformed_toml_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[schedule\nrequest_day = 15\n", encoding="utf-8")

    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path, env={})


def test_the_command_exits_with_status_2_and_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[schedule]\ndue_day = 0\n", encoding="utf-8")

    done = subprocess.run(
        [sys.executable, "-m", "dondoc.cli", "summary", "--config", str(path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )

    assert done.returncode == 2
    assert "schedule.due_day" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_proxy_url_must_name_a_scheme_and_a_host() -> None:
    assert "bot.proxy_url: must be http://, https:// or socks5://" in error_of(
        {"bot": {"proxy_url": "10.0.0.1:3128"}}
    )
    config = parse_config(
        {"bot": {"proxy_url": "socks5://vp:m4tkhau-bi-mat@10.0.0.1:1080"}}, env={}
    )
    assert config.bot.proxy_password == "m4tkhau-bi-mat"


def test_the_proxy_password_never_reaches_a_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "telegram", "telegram.ext"):
        caplog.set_level(logging.DEBUG, logger=name)
    proxy = "http://vp:m4tkhau-proxy-9f1c@127.0.0.1:3128"
    config = parse_config(
        {"bot": {"proxy_url": proxy}}, env={"TELEGRAM_BOT_TOKEN": "123456:proxy-test-token-abc"}
    )
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    application = build_application(config, engine=engine)
    logging.getLogger("dondoc.test").warning("proxy is %s", proxy)
    engine.dispose()

    assert application.bot.request is not None
    assert "m4tkhau-proxy-9f1c" not in caplog.text
