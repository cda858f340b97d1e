"""The chat on real data: long lists, groups that change, one binding per chat, errors told truly.

End to end through the local Bot API server, which enforces Telegram's limits (4,096
characters after entity parsing, 100 inline buttons) and answers a send to a group
upgraded to a supergroup as Telegram does.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlmodel import col, func, select

from bot.compose import visible_length
from bot_api_server import SimGroup, SimUser
from db import contacts, periods, reports
from db.engine import session_scope
from db.loading import load_data
from db.models import AuditEntry, Contact, Invite, Role, Status, StatusReport
from dondoc.config import BotSettings, Config
from dondoc.stage import FakeClock, Stage, local_stage
from tests.conftest import hanoi
from tests.test_chat_flows import button_data, buttons, stored_reports

DIRECTIVES, TASKS_EACH = 12, 25


def big_directives() -> list[dict[str, Any]]:
    """Twelve directives of 25 tasks each, all led by the Department of Planning."""
    return [
        {
            "directive": {
                "code": f"{100 + d}/KH-UBND",
                "date": "2021-07-01",
                "issuer": "UBND Thành phố Hà Nội",
                "subject": f"Kế hoạch số {100 + d} về các nhiệm vụ trọng tâm năm 2021",
                "tracker": "vp-ubnd",
            },
            "task": [
                {
                    "number": f"{t + 1}",
                    "title": f"Nhiệm vụ {t + 1} của kế hoạch {100 + d}: rà soát, tổng hợp, báo cáo "
                    "kết quả thực hiện các chỉ tiêu & giải pháp <trọng tâm>",
                    "lead": ["so-khdt"],
                }
                for t in range(TASKS_EACH)
            ],
        }
        for d in range(DIRECTIVES)
    ]


async def press_for_reply(
    person: SimUser, message: dict[str, Any], data: str, chat: SimGroup | None = None
) -> dict[str, Any]:
    """Press a button and return the bot's next message in that chat."""
    await person.press(message, data, chat=chat)
    return await person.wait_for_message(chat=chat)


def requests_of(person: SimUser) -> list[dict[str, Any]]:
    return [m for m in person.messages() if "Đề nghị báo cáo" in m.get("text", "")]


def latest_statuses(stage: Stage, agency_code: str) -> dict[int, Status | None]:
    with session_scope(stage.engine) as session:
        agency = contacts.agency_by_code(session=session, code=agency_code)
        assert agency is not None and agency.id is not None
        period = periods.current_period(session=session, now=stage.clock())
        assert period is not None
        owed = reports.assignments_of_agency(session=session, agency_id=agency.id)
        latest = reports.latest_reports(
            session=session, period_id=period.id, assignment_ids=[a.id for a in owed]
        )
    return {a.id: (latest[a.id].status if a.id in latest else None) for a in owed}


async def test_an_agency_with_300_tasks_gets_its_whole_request_and_reports_every_task(
    stage: Stage,
) -> None:
    with session_scope(stage.engine) as session:
        for data in big_directives():
            load_data(session=session, data=data, source="big")
    owed = len(latest_statuses(stage, "so-khdt"))
    assert owed >= DIRECTIVES * TASKS_EACH

    lan = await stage.join(2001, "Lan", "so-khdt")  # after the request time: sent at once
    parts = requests_of(lan)

    assert len(parts) > 1
    assert all(visible_length(m["text"]) <= 4096 for m in parts)
    assert all(len(buttons(m)) <= 100 for m in parts)
    task_buttons = [data for m in parts for _, data in buttons(m)]
    assert len(task_buttons) == len(set(task_buttons)) == owed
    # A title with "&" and "<…>" reads as written: escaped once for Telegram, never twice.
    assert "các chỉ tiêu & giải pháp <trọng tâm>" in "\n".join(m["text"] for m in parts)

    for part in parts:
        for _, data in buttons(part):
            prompt = await press_for_reply(lan, part, data)
            await lan.press(prompt, button_data(prompt, "Đã hoàn thành"))
            await lan.wait_for_message(lambda m: "Đã ghi nhận" in m.get("text", ""))
    done = await lan.send_and_wait("/pending")

    assert set(latest_statuses(stage, "so-khdt").values()) == {Status.DONE}
    assert "đã báo cáo đủ" in done["text"]


async def test_pending_lists_hundreds_of_tasks_within_telegrams_limits(stage: Stage) -> None:
    with session_scope(stage.engine) as session:
        for data in big_directives():
            load_data(session=session, data=data, source="big")
    lan = await stage.join(2002, "Lan", "so-khdt")
    mark = lan.mark()

    await lan.send_and_wait("/pending")
    await stage.settle()  # the answer's last part is sent
    answer = [m for m in lan.messages() if m["message_id"] > mark]

    assert len(answer) > 1
    assert sum(len(buttons(m)) for m in answer) == len(latest_statuses(stage, "so-khdt"))


async def test_a_group_upgraded_to_a_supergroup_mid_month_keeps_reporting(stage: Stage) -> None:
    owner = stage.server.user(6101, "Hùng")
    member = stage.server.user(6102, "Vân")
    group = stage.server.create_group("Tổ báo cáo Sở Y tế", [owner, member])
    await owner.send_and_wait(f"/register {stage.invite('so-y-te')}", chat=group)
    await stage.settle()
    request = next(m for m in group.messages() if "Đề nghị báo cáo" in m.get("text", ""))
    first_task = buttons(request)[0][1]
    prompt = await press_for_reply(member, request, first_task, chat=group)
    await press_for_reply(member, prompt, button_data(prompt, "Đang thực hiện"), chat=group)

    supergroup = group.upgrade(by=owner)
    stage.clock.set(hanoi(2021, 8, 18, 9, 0))  # the first nudge: the agency still owes two
    await stage.run_cycle()
    nudge = await supergroup.wait_for_message(lambda m: "Nhắc báo cáo" in m.get("text", ""))
    prompt = await press_for_reply(member, nudge, buttons(nudge)[0][1], chat=supergroup)
    await press_for_reply(member, prompt, button_data(prompt, "Đã hoàn thành"), chat=supergroup)

    with session_scope(stage.engine) as session:
        contact = contacts.contact_for_chat(session=session, chat_id=supergroup.id)
        moved = session.exec(select(AuditEntry).where(AuditEntry.action == "contact.moved")).all()
    assert contact is not None and contact.agency_code == "so-y-te"
    assert len(moved) == 1
    assert [r.status for r in stored_reports(stage)] == [Status.IN_PROGRESS, Status.DONE]
    assert not any("Nhắc báo cáo" in m.get("text", "") for m in group.messages())


async def test_a_send_to_a_group_that_moved_while_the_bot_was_away_follows_it(
    stage: Stage,
) -> None:
    owner = stage.server.user(6201, "Hùng")
    group = stage.server.create_group("Tổ báo cáo Công an", [owner])
    clock_before = stage.clock()
    stage.clock.set(hanoi(2021, 8, 16, 8, 0))  # before the request time: nothing owed yet
    await owner.send_and_wait(f"/register {stage.invite('cong-an-tp')}", chat=group)
    await stage.settle()
    await stage.stop_bot()
    supergroup = group.upgrade(by=owner)
    stage.server.bot().confirm(10**9)  # the service messages were never read
    await stage.start_bot()

    stage.clock.set(clock_before)
    await stage.run_cycle()

    request = await supergroup.wait_for_message(lambda m: "Đề nghị báo cáo" in m.get("text", ""))
    assert "Công an thành phố Hà Nội" in request["text"]
    with session_scope(stage.engine) as session:
        assert contacts.contact_for_chat(session=session, chat_id=supergroup.id) is not None


async def test_a_chat_speaks_for_one_agency_and_a_second_invite_stays_unused(
    stage: Stage,
) -> None:
    lan = await stage.join(2003, "Lan", "so-khdt")
    other = stage.invite("so-y-te")
    secretariat = stage.invite("vp-ubnd", Role.SECRETARIAT)

    refused = await lan.send_and_wait(f"/start {other}")
    also_refused = await lan.send_and_wait(f"/start {secretariat}")

    assert "Sở Kế hoạch và Đầu tư" in refused["text"] and "chưa được sử dụng" in refused["text"]
    assert "dondoc contacts revoke" in refused["text"]
    assert "Sở Kế hoạch và Đầu tư" in also_refused["text"]
    with session_scope(stage.engine) as session:
        unused = session.exec(
            select(func.count()).select_from(Invite).where(col(Invite.used_at).is_(None))
        ).one()
        bound = session.exec(select(Contact).where(Contact.chat_id == lan.id)).all()
    assert unused == 2
    assert [(c.role, c.agency_id) for c in bound] == [(Role.OFFICER, bound[0].agency_id)]


async def test_a_late_joiner_gets_the_request_at_once_with_only_what_is_still_owed(
    stage: Stage,
) -> None:
    first = await stage.join(2004, "Lan", "so-y-te")
    request = requests_of(first)[-1]
    reported_number = buttons(request)[0][0].split(" · ")[0]
    prompt = await press_for_reply(first, request, buttons(request)[0][1])
    await press_for_reply(first, prompt, button_data(prompt, "Đã hoàn thành"))

    second = await stage.join(2005, "Minh", "so-y-te")  # no sweep in between

    late_request = requests_of(second)
    assert len(late_request) == 1
    numbers = [label.split(" · ")[0] for label, _ in buttons(late_request[0])]
    assert reported_number not in numbers
    assert len(numbers) == len(buttons(request)) - 1


async def test_a_second_note_is_kept_as_a_new_version_of_the_report(stage: Stage) -> None:
    lan = await stage.join(2006, "Lan", "cuc-qltt")
    request = requests_of(lan)[-1]
    await lan.press(request, button_data(request, "Đang thực hiện"))
    await lan.wait_for_message()
    first = await lan.send_and_wait("Đã kiểm tra 120 cơ sở kinh doanh.")
    second = await lan.send_and_wait("Bổ sung: xử phạt 14 cơ sở vi phạm.")

    reports = stored_reports(stage)
    assert "Đã ghi nhận ghi chú" in first["text"] and "Đã ghi nhận ghi chú" in second["text"]
    assert [r.note for r in reports][-2:] == [
        "Đã kiểm tra 120 cơ sở kinh doanh.",
        "Bổ sung: xử phạt 14 cơ sở vi phạm.",
    ]
    assert reports[-1].status is Status.IN_PROGRESS


async def test_a_secretariat_is_welcomed_with_its_own_commands(stage: Stage) -> None:
    hang = await stage.join(3001, "Hằng", "vp-ubnd", Role.SECRETARIAT)

    welcome = hang.messages()[0]["text"]
    assert "/summary" in welcome and "/missing" in welcome and "/remind" in welcome
    assert "nút" not in welcome


async def test_a_failing_database_write_is_answered_truthfully(tmp_path: Any) -> None:
    admin_id = 9901
    config = Config(bot=BotSettings(alert_chat_id=admin_id))
    clock = FakeClock(hanoi(2021, 8, 16, 9, 0))
    url = f"sqlite:///{tmp_path / 'failing.db'}"
    async with local_stage(database_url=url, clock=clock, config=config) as stage:
        stage.load_reference()
        admin = stage.server.user(admin_id, "Quản trị")
        await admin.start()
        lan = await stage.join(2007, "Lan", "cuc-qltt")
        request = requests_of(lan)[-1]
        with stage.engine.begin() as connection:  # the disk is full: every report fails
            connection.execute(
                text(
                    "CREATE TRIGGER disk_full BEFORE INSERT ON statusreport "
                    "BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END"
                )
            )

        query = await lan.press(request, button_data(request, "Đã hoàn thành"))
        told = await lan.wait_for_message()
        answer = await lan.wait_for_callback_answer(query)
        alert = await admin.wait_for_message(lambda m: "⚠️" in m.get("text", ""))
        with stage.engine.begin() as connection:
            connection.execute(text("DROP TRIGGER disk_full"))
        retried = await lan.press(request, button_data(request, "Đã hoàn thành"))
        saved = await lan.wait_for_callback_answer(retried)

    assert "chưa được ghi nhận" in told["text"] and "gửi lại" in told["text"]
    assert "Quản trị viên" in told["text"]
    assert answer is not None and "Chưa ghi nhận" in (answer.get("text") or "")
    assert "disk is full" in alert["text"] and stage.config.require_token() not in alert["text"]
    assert saved is not None and saved.get("text") == "Đã ghi nhận"
    with session_scope(stage.engine) as session:
        assert session.exec(select(func.count()).select_from(StatusReport)).one() == 1
