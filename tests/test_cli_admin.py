"""The administrator's commands: invites, contacts, the audit log, backup, restore, doctor."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from db.contacts import new_invite_code
from dondoc.cli import app
from dondoc.stage import REFERENCE_FILES

runner = CliRunner()


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config pointing at a database of this test's own, reference data loaded."""
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "dondoc.db"}"\n', encoding="utf-8")
    loaded = runner.invoke(app, ["load", *map(str, REFERENCE_FILES), "-c", str(path)])
    assert loaded.exit_code == 0, loaded.output
    return path


def cli(*args: str, config: Path) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "-c", str(config)])
    return result.exit_code, result.output


def test_an_invite_can_be_listed_and_revoked_once(config_file: Path) -> None:
    code, printed = cli("invite", "so-khdt", "--bot", "dondoc_bot", config=config_file)
    assert code == 0
    invite_code = printed.strip().rsplit("start=", 1)[1]

    assert "open" in cli("invites", config=config_file)[1]
    assert cli("invites", "revoke", invite_code, config=config_file)[0] == 0
    assert "revoked" in cli("invites", config=config_file)[1]
    assert cli("invites", "revoke", "nope", config=config_file)[0] == 2
    _, audit = cli("audit", config=config_file)
    assert "invite.created" in audit and "invite.revoked" in audit and "registry.loaded" in audit


def test_revoking_an_unknown_contact_is_one_clear_line(config_file: Path) -> None:
    code, output = cli("contacts", "revoke", "999", config=config_file)
    assert code == 2
    assert "no contact 999" in output


def test_a_backup_is_owner_only_and_restores(config_file: Path, tmp_path: Path) -> None:
    copy = tmp_path / "backup" / "dondoc-copy.db"
    assert cli("backup", str(copy), config=config_file)[0] == 0
    assert stat.S_IMODE(os.stat(copy).st_mode) == 0o600
    assert cli("restore", str(copy), config=config_file)[0] == 2  # asks for --yes
    assert cli("restore", str(copy), "--yes", config=config_file)[0] == 0
    assert "Sở Kế hoạch" in cli("invite", "so-khdt", "--bot", "dondoc_bot", config=config_file)[1]


def test_doctor_reports_the_missing_token(config_file: Path) -> None:
    code, output = cli("doctor", config=config_file)
    assert code == 1
    head = sorted(
        p.name[:4] for p in (Path(__file__).parents[1] / "db/migrations/versions").glob("0*.py")
    )[-1]
    assert f"ok  database schema {head} (this version needs {head})" in output
    assert "TELEGRAM_BOT_TOKEN is not set" in output


def test_invite_codes_never_start_like_a_command_line_option() -> None:
    codes = [new_invite_code() for _ in range(2000)]  # about 30 would start with "-" by chance
    assert not any(code.startswith("-") for code in codes)
    assert len(set(codes)) == len(codes)
