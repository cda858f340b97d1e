"""The bot token never reaches a log line, even at DEBUG, and the database is the owner's only."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.app import build_application
from db.engine import make_engine
from dondoc.config import Config
from dondoc.stage import STAGE_TOKEN, Stage
from tests.test_chat_flows import button_data, request_for


async def test_a_full_cycle_at_debug_logs_no_token(
    stage: Stage, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "telegram", "telegram.ext", "apscheduler"):
        caplog.set_level(logging.DEBUG, logger=name)
    await stage.stop_bot()  # restart under DEBUG so start-up (getMe, setMyCommands) is logged
    await stage.start_bot()

    officer = await stage.join(7001, "Khánh", "cuc-qltt")
    request = await request_for(stage, officer)
    await officer.press(request, button_data(request, "Có vướng mắc"))
    await officer.wait_for_message()
    await officer.send_and_wait("Thiếu kinh phí.")
    logging.getLogger("dondoc.test").error("bot is %r", stage.application.bot)  # type: ignore[union-attr]
    try:
        raise RuntimeError(f"POST {stage.config.bot.api_base_url}{STAGE_TOKEN}/getMe failed")
    except RuntimeError:
        logging.getLogger("dondoc.test").exception("a failure that quotes the URL")
    await stage.stop_bot()

    captured = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    assert any("HTTP Request" in r.getMessage() for r in caplog.records)  # httpx did log URLs
    secret = STAGE_TOKEN.partition(":")[2]
    assert STAGE_TOKEN not in captured
    assert secret not in captured
    assert "<token>" in captured


def test_the_database_file_is_created_owner_only(tmp_path: Path) -> None:
    from db.engine import make_engine, upgrade_schema

    path = tmp_path / "new" / "dondoc.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_schema(engine)
    engine.dispose()

    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_building_the_bot_at_debug_with_a_new_token_logs_no_token(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fresh = "987654321" + ":" + "never-seen-" + os.urandom(12).hex()
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "telegram", "telegram.ext", "telegram.Bot"):
        caplog.set_level(logging.DEBUG, logger=name)
    config = Config(token=SecretStr(fresh))
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")

    build_application(config, engine=engine)
    engine.dispose()

    assert any("Bot API URL" in r.getMessage() for r in caplog.records)  # PTB logged the URL
    assert fresh not in caplog.text
    assert fresh.partition(":")[2] not in caplog.text
