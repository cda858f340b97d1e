"""Onboarding at scale: `dondoc invite --all` writes the Office's invitation pack (a letter a
page, a QR code and a link each, and a CSV of the codes), and `dondoc agencies --contacts`
shows who has joined and who has not — through the real command line on a database of the
test's own, Hanoi's registry and directive 2658/UBND-KT loaded with `dondoc load`.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO, StringIO
from pathlib import Path

import pytest
import segno
from docx import Document
from docx.oxml.ns import qn
from PIL import Image
from sqlmodel import col, func, select

from db.contacts import redeem_invite
from db.engine import make_engine, session_scope
from db.models import Agency, Invite
from db.reports import owing_agencies
from dondoc.stage import REFERENCE_FILES

BOT = "dondoc_bot"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
NEW_PAGE = f".//{qn('w:pageBreakBefore')}"  # a paragraph that starts the next letter


def dondoc(url: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The `dondoc` command as the administrator types it (no token: links use --bot)."""
    env = {**os.environ, "DATABASE_URL": url, "COLUMNS": "200"}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "dondoc.cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="module")
def loaded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with the reference data, loaded once; each test works on its own copy."""
    folder = tmp_path_factory.mktemp("reference")
    path = folder / "reference.db"
    loaded = dondoc(f"sqlite:///{path}", "load", *map(str, REFERENCE_FILES), cwd=folder)
    assert loaded.returncode == 0, loaded.stderr
    return path


@pytest.fixture
def city(loaded_file: Path, tmp_path: Path) -> str:
    """This test's own database: a copy of the loaded one."""
    path = tmp_path / "dondoc.db"
    shutil.copyfile(loaded_file, path)
    return f"sqlite:///{path}"


def officer_opens(url: str, code: str, user_id: int, name: str) -> str:
    """An officer opens the link: what using the code did ("joined", "used", …)."""
    engine = make_engine(url)
    with session_scope(engine) as session:
        outcome = redeem_invite(
            session=session,
            code=code,
            user_id=user_id,
            chat_id=user_id,
            display_name=name,
            now=datetime.now(UTC),  # any date: the pack's invites are dated by the system clock
        )
    engine.dispose()
    return outcome.result


def owing_names(url: str) -> dict[str, str]:
    """Code → name of every agency that owes a task, read from the database directly."""
    engine = make_engine(url)
    with session_scope(engine) as session:
        ids = owing_agencies(session=session)
        rows = session.exec(select(Agency).where(col(Agency.id).in_(ids))).all()
        names = {agency.code: agency.name for agency in rows}
    engine.dispose()
    return names


def invites_issued(url: str) -> int:
    engine = make_engine(url)
    with session_scope(engine) as session:
        count = session.exec(select(func.count()).select_from(Invite)).one()
    engine.dispose()
    return count


@dataclass
class Page:
    """One letter of the pack: its text and the pictures on it."""

    text: str
    pictures: list[bytes]


def pages_of(docx: Path) -> list[Page]:
    """The pack's pages: a new one at each paragraph that starts a page."""
    document = Document(str(docx))
    pages: list[Page] = []
    for element in document.element.body.iterchildren():
        starts = element.tag == qn("w:p") and element.find(NEW_PAGE) is not None
        if not pages or starts:
            pages.append(Page("", []))
        lines = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in element.iter(qn("w:p"))]
        pages[-1].text += "\n".join(lines) + "\n"
        for blip in element.iter(qn("a:blip")):
            pages[-1].pictures.append(document.part.related_parts[blip.get(qn("r:embed"))].blob)
    return pages


def is_qr_of(png: bytes, link: str) -> bool:
    """The picture is the QR symbol of `link`, module for module (drawn 10 px a module
    inside a 4-module quiet zone).

    No QR decoder is installed here, so the symbol is compared with the link's own:
    a page carrying another agency's code, or no code, does not match.
    """
    image = Image.open(BytesIO(png)).convert("L")
    symbol = segno.make(link, error="m", micro=False)
    side = (len(symbol.matrix) + 8) * 10
    if image.size != (side, side):
        return False
    gray = image.tobytes()  # a byte a pixel, row after row

    def dark_at(x: int, y: int) -> bool:
        return gray[((y + 4) * 10 + 5) * side + (x + 4) * 10 + 5] < 128

    return all(
        dark_at(x, y) == bool(dark)
        for y, row in enumerate(symbol.matrix)
        for x, dark in enumerate(row)
    )


def table_row(listing: str, code: str) -> str:
    return next(line for line in listing.splitlines() if f"│ {code} " in line)


def test_the_pack_invites_every_agency_that_owes_a_task_a_letter_a_page_each_code_joining_once(
    city: str, tmp_path: Path
) -> None:
    # Sở Y tế's officer joined last week with a single invite.
    single = dondoc(city, "invite", "so-y-te", "--bot", BOT, cwd=tmp_path)
    assert single.returncode == 0, single.stderr
    code = single.stdout.strip().rsplit("start=", 1)[1]
    assert officer_opens(city, code, 501, "Nguyễn Thị Lan") == "joined"

    before = dondoc(city, "agencies", "--contacts", cwd=tmp_path)
    assert before.returncode == 0, before.stderr
    assert "Nguyễn Thị Lan (cán bộ đầu mối" in table_row(before.stdout, "so-y-te")
    assert "chưa có đầu mối" in table_row(before.stdout, "so-khdt")
    assert "chưa có đầu mối" not in table_row(before.stdout, "vp-ubnd")  # owes nothing
    owing = owing_names(city)
    assert len(owing) == 61
    assert f"1/{len(owing)} đơn vị đã có cán bộ đầu mối" in before.stdout

    made = dondoc(city, "invite", "--all", "--bot", BOT, "--out", "pack", cwd=tmp_path)

    assert made.returncode == 0, made.stderr
    assert "skipped 1 of 61 agencies that have an active officer already" in made.stdout
    assert "60 invites (officer" in made.stdout and "pack/invites.docx" in made.stdout
    invited = {code: name for code, name in owing.items() if code != "so-y-te"}

    raw = (tmp_path / "pack" / "invites.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())  # Excel reads the Vietnamese names right
    rows = list(csv.DictReader(StringIO(raw.decode("utf-8-sig"))))
    assert {row["agency_code"]: row["agency_name"] for row in rows} == invited
    codes = [row["invite_code"] for row in rows]
    assert len(set(codes)) == len(codes) == 60
    assert all(row["link"] == f"https://t.me/{BOT}?start={row['invite_code']}" for row in rows)

    pages = pages_of(tmp_path / "pack" / "invites.docx")
    assert len(pages) == len(invited) == 60
    for page, row in zip(pages, rows, strict=True):
        assert f"Kính gửi: {row['agency_name']}." in page.text
        assert row["link"] in page.text  # the link as text, beside its QR code
        assert "Mã mời có hiệu lực đến" in page.text and "chỉ dùng một lần" in page.text
        assert "2658/UBND-KT" in page.text and "- Nhiệm vụ 2." in page.text
        assert "tôi" not in page.text.split() and "bạn" not in page.text.split()
        assert len(page.pictures) == 1 and page.pictures[0].startswith(PNG_SIGNATURE)
    assert is_qr_of(pages[0].pictures[0], rows[0]["link"])
    assert is_qr_of(pages[-1].pictures[0], rows[-1]["link"])
    assert not is_qr_of(pages[0].pictures[0], rows[1]["link"])

    # Every officer opens the link in the letter: each code joins once, and only once.
    results = [officer_opens(city, code, 600 + n, f"Cán bộ {n}") for n, code in enumerate(codes)]
    assert results == ["joined"] * 60
    assert officer_opens(city, codes[0], 999, "Người khác") == "used"
    after = dondoc(city, "agencies", "--contacts", cwd=tmp_path)
    assert "61/61 đơn vị đã có cán bộ đầu mối" in after.stdout
    assert "chưa có đầu mối" not in after.stdout


def test_a_pack_for_one_directive_is_not_written_twice_into_the_same_folder(
    city: str, tmp_path: Path
) -> None:
    first = dondoc(
        city, "invite", "--all", "--directive", "2658/ubnd-kt", "--bot", BOT, cwd=tmp_path
    )
    assert first.returncode == 0, first.stderr
    assert "61 invites (officer in 2658/UBND-KT" in first.stdout
    folder = next((tmp_path / "out").glob("invites-*"))
    assert sorted(p.name for p in folder.iterdir()) == ["invites.csv", "invites.docx"]

    again = dondoc(city, "invite", "--all", "--bot", BOT, cwd=tmp_path)

    assert again.returncode == 2
    assert again.stderr.strip().count("\n") == 0
    assert "holds an invitation pack already" in again.stderr
    assert invites_issued(city) == 61  # the refused run issued nothing


def test_an_unknown_directive_is_one_line_and_exit_status_2(city: str, tmp_path: Path) -> None:
    for args in (
        ("invite", "--all", "--directive", "9999/UBND-XX", "--bot", BOT),
        ("agencies", "--directive", "9999/UBND-XX"),
    ):
        done = dondoc(city, *args, cwd=tmp_path)
        assert done.returncode == 2
        assert done.stderr.strip() == "error: unknown directive '9999/UBND-XX' (see `dondoc load`)"
    assert invites_issued(city) == 0
    assert not (tmp_path / "out").exists()
