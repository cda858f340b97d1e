"""A year in the Office's life, through the production bot on the local server: twelve
monthly cycles with officers answering; a directive closed in the fourth month, a
deadline extended, two departments merged in the sixth, an officer replaced in the
ninth. Afterwards every month's digest, made again as of that month's digest time, is
the one the secretariat was given then."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from bot_api_server import SimUser
from db.agencies import merge_agency
from db.contacts import revoke_contact
from db.engine import session_scope
from db.lifecycle import close_directive, extend_deadline
from db.loading import load_data, read_data_file
from db.models import Contact, Role
from db.periods import period_by_month
from dondoc.stage import Stage
from jobs.calendar import period_times
from jobs.digest import build_digest
from jobs.digest_text import render_text
from tests.conftest import HANOI, hanoi
from tests.test_chat_flows import _after, button_data, buttons

SHORT_DIRECTIVE = Path(__file__).parent / "data" / "short-directive.toml"
REQUEST = "Đề nghị báo cáo"
STATUSES = ["Đang thực hiện", "Chậm tiến độ", "Có vướng mắc", "Đã hoàn thành"]


def months() -> list[str]:
    return [f"{2021 + (7 + i) // 12}-{(7 + i) % 12 + 1:02d}" for i in range(12)]


async def answer(stage: Stage, officer: SimUser, status: str, note: str) -> None:
    """The officer answers the latest request: a status and a note for each of its tasks."""
    requests = [m for m in officer.messages() if REQUEST in m.get("text", "")]
    if not requests:
        return
    request = requests[-1]
    data = [data for _, data in buttons(request)]
    if all(item.startswith("status:") for item in data):  # one task: its status buttons
        await officer.press(request, button_data(request, status))
        await officer.wait_for_message()
        await officer.send_and_wait(note)
        return
    for task in data:
        mark = officer.mark()
        await officer.press(request, task)
        await stage.server.wait_until(lambda mark=mark: bool(_after(officer, mark)), 15)
        choices = _after(officer, mark)[-1]
        await officer.press(choices, button_data(choices, status))
        await officer.wait_for_message()
        await officer.send_and_wait(note)


async def test_a_year_of_changes_leaves_every_past_digest_as_it_was(stage: Stage) -> None:
    schedule = stage.config.schedule
    with session_scope(stage.engine) as session:
        load_data(session=session, data=read_data_file(SHORT_DIRECTIVE), source="115.toml")
    await stage.join(1001, "Hà", "vp-ubnd", Role.SECRETARIAT)
    officers = {
        "cuc-qltt": await stage.join(2001, "Lan", "cuc-qltt"),
        "cong-an-tp": await stage.join(2002, "Tuấn", "cong-an-tp"),
        "so-ldtbxh": await stage.join(2003, "Hoa", "so-ldtbxh"),
        "so-noi-vu": await stage.join(2004, "Nam", "so-noi-vu"),
    }
    given: dict[str, str] = {}
    for index, month in enumerate(months()):
        times = period_times(month, schedule)
        # The month's changes, made just before its request goes out.
        stage.clock.set(times.request_at - timedelta(hours=1))
        with session_scope(stage.engine) as session:
            if index == 1:  # the police's task gets a deadline, then an extension
                extend_deadline(
                    session=session,
                    directive_code="2658/UBND-KT",
                    number="2.10",
                    deadline=hanoi(2021, 10, 29).date(),
                    now=stage.clock(),
                    actor="cli",
                )
            if index == 2:
                extend_deadline(
                    session=session,
                    directive_code="2658/UBND-KT",
                    number="2.10",
                    deadline=hanoi(2021, 12, 31).date(),
                    now=stage.clock(),
                    actor="cli",
                )
            if index == 3:
                close_directive(session=session, code="115/UBND-VP", now=stage.clock(), actor="cli")
            if index == 5:  # labour and social affairs merged into home affairs
                merge_agency(
                    session=session,
                    code="so-ldtbxh",
                    into="so-noi-vu",
                    now=stage.clock(),
                    actor="cli",
                )
            if index == 8:  # the market watch's officer leaves; another takes over
                lan = session.exec(select(Contact).where(Contact.user_id == 2001)).one()
                assert lan.id is not None
                revoke_contact(session=session, contact_id=lan.id, now=stage.clock())
        stage.clock.set(times.request_at + timedelta(minutes=30))
        await stage.run_cycle()
        if index == 8:
            officers["cuc-qltt"] = await stage.join(2005, "Quang", "cuc-qltt")
        for number, (code, officer) in enumerate(sorted(officers.items())):
            if code == "so-ldtbxh" and index >= 5:
                continue  # merged away: its officer now speaks for home affairs
            if code == "cuc-qltt" and index == 7:
                continue  # the market watch is silent the month before its officer leaves
            status = STATUSES[(index + number) % len(STATUSES)]
            await answer(stage, officer, status, f"Tháng {month}: {code} báo cáo lần {index}.")
        stage.clock.set(times.digest_at + timedelta(hours=1))
        await stage.run_cycle()
        with session_scope(stage.engine) as session:
            period = period_by_month(session=session, month=month)
            assert period is not None
            digest = build_digest(session=session, period=period, as_of=stage.clock(), zone=HANOI)
            given[month] = render_text(digest, zone=HANOI)

    # What changed along the way shows in the months it happened in.
    assert "115/UBND-VP" in given["2021-08"] and "115/UBND-VP" not in given["2022-01"]
    assert "Sở Lao động" in given["2021-12"] and "Sở Lao động" not in given["2022-02"]
    assert "2.10" in given["2021-09"] and "hạn 29/10/2021)" in given["2021-09"]
    silent = given["2022-03"][given["2022-03"].index("Cục Quản lý thị trường") :]
    assert "Lan" in given["2022-03"] and "Quang" not in given["2022-03"], silent[:300]
    assert "hạn 29/10/2021, gia hạn đến 31/12/2021" in given["2021-11"]

    # A year later, every month's digest made as of its own digest time is unchanged.
    for month in months():
        times = period_times(month, schedule)
        with session_scope(stage.engine) as session:
            period = period_by_month(session=session, month=month)
            assert period is not None
            again = build_digest(
                session=session,
                period=period,
                as_of=times.digest_at + timedelta(hours=1),
                zone=HANOI,
            )
        assert render_text(again, zone=HANOI) == given[month], f"the digest of {month} changed"
