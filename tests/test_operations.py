"""Operations under bad input: one line and exit status 2, never the token, never lost data."""

from __future__ import annotations

import asyncio
import io
import re
import sqlite3
import zipfile
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect
from typer.testing import CliRunner

from bot_api_server import BotApiServer
from db.engine import MIGRATIONS_DIR, SCHEMA_HEAD, make_engine, schema_revision, upgrade_schema
from dondoc.cli import app
from dondoc.fanout import FANOUT_TOKEN, seed_fanout
from dondoc.stage import REFERENCE_FILES
from tests.processes import dondoc, write_config

runner = CliRunner()
# Token-shaped (bot id, colon, secret) so redaction is exercised, built here so that no
# token-like literal sits in the repository for secret scanners to flag.
WRONG_TOKEN = "123456789" + ":" + "fake-" * 8


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config with a database of this test's own, the reference data loaded."""
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "dondoc.db"}"\n', encoding="utf-8")
    assert cli("load", *map(str, REFERENCE_FILES), config=path)[0] == 0
    return path


def cli(*args: str, config: Path | None) -> tuple[int, str]:
    """`dondoc ARGS -c CONFIG` in this process (`import` takes no config: None)."""
    result = runner.invoke(app, [*args, *(["-c", str(config)] if config else [])])
    return result.exit_code, result.output


def one_line_error(code: int, output: str) -> str:
    """The error line of a refused command (exit 2, one line, no traceback)."""
    assert code == 2, output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), output
    assert "Traceback" not in output
    return lines[0]


def database_bytes(config: Path) -> bytes:
    """The database's content (a dump: a checkpoint may rewrite the file's pages)."""
    with sqlite3.connect(config.parent / "dondoc.db") as db:
        dump = "\n".join(db.iterdump())
    db.close()
    return dump.encode()


# --- Telegram: a rejected token, an unreachable server ---------------------------------------


@pytest.mark.parametrize("base", ["/bot", "/"])
async def test_a_rejected_token_is_one_line_without_the_token(tmp_path: Path, base: str) -> None:
    async with BotApiServer() as server:
        server.add_bot(FANOUT_TOKEN)
        config = write_config(tmp_path, server.base_url.removesuffix("/bot") + base)
        database = tmp_path / "x.db"
        for command in ("cycle", "run"):
            async with dondoc(
                command, config=config, database=database, name=command, token=WRONG_TOKEN
            ) as process:
                output, errors = await process.finish(timeout=60)
            assert process.process.returncode == 2, errors
            assert WRONG_TOKEN not in output + errors
            assert WRONG_TOKEN.split(":")[1] not in output + errors
            assert "Traceback" not in errors
            assert "Telegram rejected the token" in errors


async def test_an_unreachable_telegram_is_retried_and_said_once(tmp_path: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9/bot")  # nothing listens on port 9
    database = tmp_path / "x.db"
    async with dondoc("cycle", config=config, database=database, name="cycle") as cycle:
        _, cycle_errors = await cycle.finish(timeout=60)
    async with dondoc("run", config=config, database=database, name="run") as bot:
        for _ in range(1200):  # until the first failed start is told (a bound, not a pause)
            if "cannot be reached" in bot.texts()[1]:
                break
            await asyncio.sleep(0.05)
        still_trying = bot.process.returncode is None
        _, run_errors = await bot.interrupt(timeout=30)

    assert cycle.process.returncode == 2
    assert "Telegram cannot be reached" in cycle_errors and "Traceback" not in cycle_errors
    assert still_trying, run_errors
    assert run_errors.count("cannot be reached") == 1, run_errors  # once a minute at most
    assert "Traceback" not in run_errors, run_errors
    assert bot.process.returncode == 0, run_errors


# --- the database ------------------------------------------------------------------------------


def test_a_database_from_a_newer_dondoc_is_refused_by_every_command(config_file: Path) -> None:
    with sqlite3.connect(config_file.parent / "dondoc.db") as db:
        db.execute("UPDATE alembic_version SET version_num = '9999'")
    db.close()
    before = database_bytes(config_file)

    for command in (["invites"], ["schedule"], ["summary"], ["contacts"], ["audit"]):
        line = one_line_error(*cli(*command, config=config_file))
        assert "newer than this dondoc knows" in line

    assert database_bytes(config_file) == before


def test_the_revision_checked_at_start_is_the_newest_migration() -> None:
    # The bot skips Alembic when the database is at SCHEMA_HEAD: a migration added without
    # moving SCHEMA_HEAD would never run.
    from alembic.script import ScriptDirectory

    assert ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head() == SCHEMA_HEAD


def test_a_database_one_revision_behind_is_migrated_at_start(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config as AlembicConfig

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0006")

    upgrade_schema(engine)

    with engine.connect() as connection:
        assert schema_revision(connection) == SCHEMA_HEAD
        indexes = {index["name"] for index in inspect(connection).get_indexes("outboundmessage")}
    assert "ix_outboundmessage_unsent" in indexes and "ix_outboundmessage_owed" not in indexes
    engine.dispose()


def test_a_locked_database_is_one_line(config_file: Path) -> None:
    holder = sqlite3.connect(config_file.parent / "dondoc.db", timeout=0)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        line = one_line_error(*cli("invite", "so-khdt", "--bot", "b", config=config_file))
    finally:
        holder.rollback()
        holder.close()
    assert "database is locked" in line


def test_restore_refuses_a_backup_from_a_newer_version_and_the_live_data_stays(
    config_file: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "newer.db"
    assert cli("backup", str(backup), config=config_file)[0] == 0
    with sqlite3.connect(backup) as db:
        db.execute("UPDATE alembic_version SET version_num = '9999'")
    db.close()
    assert cli("invite", "so-khdt", "--bot", "b", config=config_file)[0] == 0
    before = database_bytes(config_file)

    line = one_line_error(*cli("restore", str(backup), "--yes", config=config_file))

    assert "newer than this dondoc knows" in line
    assert database_bytes(config_file) == before
    assert "open" in cli("invites", config=config_file)[1]


def test_restore_refuses_a_damaged_backup_and_keeps_the_replaced_database(
    config_file: Path, tmp_path: Path
) -> None:
    damaged = tmp_path / "damaged.db"
    good = tmp_path / "good.db"
    assert cli("backup", str(good), config=config_file)[0] == 0
    damaged.write_bytes(good.read_bytes()[:8192] + b"\0" * 4096)

    assert one_line_error(*cli("restore", str(damaged), "--yes", config=config_file))
    code, output = cli("restore", str(good), "--yes", config=config_file)

    assert code == 0, output
    kept = list(tmp_path.glob("dondoc.db.before-restore-*"))
    assert len(kept) == 1 and kept[0].stat().st_mode & 0o077 == 0


# --- files and inputs ---------------------------------------------------------------------------


def test_a_data_file_that_is_not_utf8_is_one_line(config_file: Path, tmp_path: Path) -> None:
    latin = tmp_path / "registry.toml"
    latin.write_bytes('[registry]\nname = "Sở"\n'.encode("cp1258", errors="replace") + b"\xff")

    line = one_line_error(*cli("load", str(latin), config=config_file))

    assert "registry.toml" in line and "UTF-8" in line


def test_an_import_into_a_missing_folder_is_one_line(config_file: Path, tmp_path: Path) -> None:
    directive = next((Path(__file__).parent / "directives").glob("*.md"))
    missing = tmp_path / "no" / "such" / "folder" / "out.toml"

    line = one_line_error(*cli("import", str(directive), "--out", str(missing), config=None))

    assert "no folder" in line and str(missing.parent) in line


def test_a_docx_that_inflates_beyond_reason_is_refused_in_one_line(
    config_file: Path, tmp_path: Path
) -> None:
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:t>" + b"a" * (40 * 2**20) + b"</w:t>")
    assert bomb.stat().st_size < 2**20  # small on disk

    line = one_line_error(*cli("import", str(bomb), config=None))

    assert "inflates to" in line and "limit" in line


def test_invites_show_whole_codes_that_revoke_takes(config_file: Path) -> None:
    for _ in range(5):
        assert cli("invite", "so-khdt", "--bot", "dondoc_bot", config=config_file)[0] == 0
    listing = cli("invites", config=config_file)[1]
    codes = re.findall(r"│ ([A-Za-z0-9_-]{22}) ", listing)

    assert len(codes) == 5
    assert all(cli("invites", "revoke", code, config=config_file)[0] == 0 for code in codes)


def test_invite_without_a_bot_name_or_a_token_says_what_to_give(config_file: Path) -> None:
    line = one_line_error(*cli("invite", "so-khdt", config=config_file))

    assert "--bot" in line and "TELEGRAM_BOT_TOKEN" in line


# --- anything typed at the command line -------------------------------------------------------


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    raw=st.binary(max_size=300),
    moment=st.text(max_size=30),
    period=st.text(max_size=12),
)
def test_arbitrary_input_is_refused_in_one_line_and_changes_nothing(
    config_file: Path, tmp_path: Path, raw: bytes, moment: str, period: str
) -> None:
    data = tmp_path / "data.toml"
    data.write_bytes(raw)
    before = database_bytes(config_file)

    for args in (
        ["load", str(data), "-c", str(config_file)],
        ["summary", "--period", period, "-c", str(config_file)],
        ["schedule", "--period", period, "-c", str(config_file)],
        ["cycle", "--at", moment, "-c", str(config_file)],
        ["import", str(data)],
    ):
        result = runner.invoke(app, args)
        assert "Traceback" not in result.output
        if result.exit_code == 0:
            before = database_bytes(config_file)  # the input happened to be valid
            continue
        assert result.exit_code == 2, (args, result.output)
        assert database_bytes(config_file) == before, args


def test_the_masking_console_never_prints_the_token(monkeypatch: pytest.MonkeyPatch) -> None:
    from dondoc.cli_common import MaskedConsole
    from dondoc.redact import redact_in_logs

    redact_in_logs(WRONG_TOKEN)
    buffer = io.StringIO()
    MaskedConsole(file=buffer).print(f"The token `{WRONG_TOKEN}` was rejected")

    assert WRONG_TOKEN not in buffer.getvalue() and "<token>" in buffer.getvalue()


def test_a_docx_with_a_huge_text_run_is_refused_in_one_line(tmp_path: Path) -> None:
    huge = tmp_path / "huge-run.docx"
    document = docx.Document()
    document.add_paragraph("1. Sở Y tế chủ trì: " + "rất dài " * 1_600_000)  # a 12 MB text run
    document.save(str(huge))

    line = one_line_error(*cli("import", str(huge), config=None))

    assert "huge-run.docx" in line


def test_a_text_far_longer_than_any_directive_is_refused_in_one_line(tmp_path: Path) -> None:
    endless = tmp_path / "endless.txt"
    endless.write_text(
        "\n".join(f"{n}. Sở Y tế chủ trì nhiệm vụ số {n}." for n in range(60_000)), encoding="utf-8"
    )

    line = one_line_error(*cli("import", str(endless), config=None))

    assert "too long for a directive" in line and "limit 1,000,000" in line


async def test_an_invite_links_to_the_bot_telegram_names(tmp_path: Path) -> None:
    async with BotApiServer() as server:
        server.add_bot(FANOUT_TOKEN, username="vp_hanoi_dondoc_bot")
        database = tmp_path / "city.db"
        (await seed_fanout(server, database, 1)).dispose()
        config = write_config(tmp_path, server.base_url)
        async with dondoc("invite", "dv-00000", config=config, database=database, name="i") as made:
            output, errors = await made.finish(timeout=60)

    assert made.process.returncode == 0, errors
    assert "https://t.me/vp_hanoi_dondoc_bot?start=" in output
