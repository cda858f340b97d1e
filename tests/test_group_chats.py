"""An agency's group chat as its contact, with the bot in privacy mode, through the local server.

The group's administrator registers it with an invite; from then on the group speaks for the
agency whoever writes in it, and the bot sees only commands, replies to it and mentions.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import func, select

from bot_api_server import SimGroup, SimUser
from db import contacts, reports
from db.engine import session_scope
from db.models import Contact, Role, Status
from dondoc.stage import Stage
from tests.test_chat_flows import button_data, stored_reports

NOT_ADMIN = "Chỉ quản trị viên của nhóm"


@pytest.fixture
def private_stage(stage: Stage) -> Stage:
    """The stage with the bot in privacy mode, as BotFather sets it by default."""
    stage.server.bot().privacy_mode = True
    return stage


def contact_count(stage: Stage) -> int:
    """How many contacts are stored, active or not."""
    with session_scope(stage.engine) as session:
        return session.exec(select(func.count()).select_from(Contact)).one()


async def registered_group(stage: Stage, agency_code: str) -> tuple[SimGroup, SimUser, SimUser]:
    """A group whose administrator registered it for the agency: (group, admin, member)."""
    chair = stage.server.user(6001, "Hùng")
    admin = stage.server.user(6002, "Thu")
    member = stage.server.user(6003, "Vân")
    group = stage.server.create_group("Tổ báo cáo", [chair, admin, member], admins=[admin])
    await admin.send(f"/register@dondoc_bot {stage.invite(agency_code)}", chat=group)
    await admin.wait_for_message(chat=group)
    await stage.settle()  # after the request time, the month's request follows the welcome
    return group, admin, member


async def group_request(stage: Stage, group: SimGroup) -> dict[str, Any]:
    """Run the cycle and return the request the group received."""
    await stage.run_cycle()
    return [m for m in group.messages() if "Đề nghị báo cáo" in m.get("text", "")][-1]


async def test_a_group_administrator_registers_the_group_for_the_agency(
    private_stage: Stage,
) -> None:
    group, admin, _ = await registered_group(private_stage, "so-khdt")

    welcome = group.messages()[0]
    assert "Nhóm Tổ báo cáo đã được đồng chí Thu đăng ký" in welcome["text"]
    assert "Sở Kế hoạch và Đầu tư" in welcome["text"]
    with session_scope(private_stage.engine) as session:
        contact = contacts.contact_for_chat(session=session, chat_id=group.id)
        assert contacts.contact_for_chat(session=session, chat_id=admin.id) is None
    assert contact is not None
    assert (contact.agency_code, contact.role, contact.user_id) == (
        "so-khdt",
        Role.OFFICER,
        admin.id,
    )
    assert contact.display_name == "Tổ báo cáo"


async def test_the_group_creator_may_register_with_start_as_a_startgroup_link_sends_it(
    private_stage: Stage,
) -> None:
    chair = private_stage.server.user(6011, "Hùng")
    group = private_stage.server.create_group("Phòng Kinh tế", [chair])

    await chair.send(f"/start@dondoc_bot {private_stage.invite('cuc-qltt')}", chat=group)
    welcome = await chair.wait_for_message(chat=group)

    assert "Cục Quản lý thị trường" in welcome["text"]
    with session_scope(private_stage.engine) as session:
        contact = contacts.contact_for_chat(session=session, chat_id=group.id)
    assert contact is not None and contact.agency_code == "cuc-qltt"


async def test_a_member_who_is_not_an_administrator_cannot_register_the_group(
    private_stage: Stage,
) -> None:
    chair = private_stage.server.user(6021, "Hùng")
    member = private_stage.server.user(6022, "Vân")
    group = private_stage.server.create_group("Tổ báo cáo", [chair, member])
    code = private_stage.invite("so-khdt")

    refusal = await member.send_and_wait(f"/register {code}", chat=group)

    assert NOT_ADMIN in refusal["text"]
    assert contact_count(private_stage) == 0
    # The code was not spent: the creator can still use it.
    welcome = await chair.send_and_wait(f"/register {code}", chat=group)
    assert "Sở Kế hoạch và Đầu tư" in welcome["text"]


async def test_register_in_a_private_chat_works_like_start(private_stage: Stage) -> None:
    lan = private_stage.server.user(6031, "Lan")

    welcome = await lan.send_and_wait(f"/register {private_stage.invite('so-y-te')}")

    assert "Kính chào đồng chí Lan" in welcome["text"]
    with session_scope(private_stage.engine) as session:
        contact = contacts.contact_for_chat(session=session, chat_id=lan.id)
    assert contact is not None and contact.agency_code == "so-y-te"


async def test_register_without_a_code_explains_how(private_stage: Stage) -> None:
    lan = private_stage.server.user(6032, "Lan")

    usage = await lan.send_and_wait("/register")

    assert "/register <mã mời>" in usage["text"]
    assert contact_count(private_stage) == 0


async def test_a_member_answers_the_groups_request_with_a_button_and_a_reply(
    private_stage: Stage,
) -> None:
    group, _, member = await registered_group(private_stage, "so-khdt")
    request = await group_request(private_stage, group)

    await member.press(request, button_data(request, "2.1 "), chat=group)
    status_prompt = await member.wait_for_message(chat=group)
    await member.press(status_prompt, button_data(status_prompt, "Đang thực hiện"), chat=group)
    asks_for_note = await member.wait_for_message(chat=group)
    assert "Đã ghi nhận" in asks_for_note["text"]

    # A plain message to the group is not for the bot: in privacy mode it never reaches it.
    chatter = await member.send("Chiều nay họp lúc 3 giờ nhé", chat=group)
    seen = [u for u in private_stage.server.bot().history.values() if "message" in u]
    assert all(u["message"]["message_id"] != chatter["message_id"] for u in seen)

    saved = await member.send_and_wait(
        "Đã gửi dự thảo kịch bản tăng trưởng quý III.", reply_to=asks_for_note, chat=group
    )

    assert "Đã ghi nhận ghi chú" in saved["text"]
    with session_scope(private_stage.engine) as session:
        contact = contacts.contact_for_chat(session=session, chat_id=group.id)
        task = reports.assignment_by_id(
            session=session, assignment_id=stored_reports(private_stage)[-1].assignment_id
        )
    assert contact is not None and task is not None and task.agency_id == contact.agency_id
    assert [(r.status, r.note, r.contact_id) for r in stored_reports(private_stage)] == [
        (Status.IN_PROGRESS, None, contact.id),
        (Status.IN_PROGRESS, "Đã gửi dự thảo kịch bản tăng trưởng quý III.", contact.id),
    ]


async def test_a_plain_group_message_is_not_seen_and_stores_nothing(private_stage: Stage) -> None:
    group, _, member = await registered_group(private_stage, "cuc-qltt")
    await group_request(private_stage, group)
    mark = group.mark()

    await member.send("Đã kiểm tra 120 cơ sở kinh doanh", chat=group)
    answer = await member.send_and_wait("/pending", chat=group)

    assert [m["message_id"] for m in group.messages() if m["message_id"] > mark] == [
        answer["message_id"]
    ]
    assert "còn 1 nhiệm vụ chưa báo cáo" in answer["text"]
    assert stored_reports(private_stage) == []


async def test_a_person_registered_for_one_agency_acts_for_the_group_s_agency_in_the_group(
    private_stage: Stage,
) -> None:
    lan = await private_stage.join(6041, "Lan", "so-khdt")
    chair = private_stage.server.user(6042, "Hùng")
    group = private_stage.server.create_group("Đầu mối QLTT", [chair, lan])
    await chair.send_and_wait(f"/register {private_stage.invite('cuc-qltt')}", chat=group)
    request = await group_request(private_stage, group)

    await lan.press(request, button_data(request, "Đã hoàn thành"), chat=group)
    await lan.wait_for_message(chat=group)

    [report] = stored_reports(private_stage)
    with session_scope(private_stage.engine) as session:
        contact = contacts.contact_for_chat(session=session, chat_id=group.id)
        assignment = reports.assignment_by_id(session=session, assignment_id=report.assignment_id)
    assert contact is not None and assignment is not None
    assert (contact.agency_code, report.contact_id) == ("cuc-qltt", contact.id)
    assert assignment.agency_id == contact.agency_id


async def test_summary_in_a_group_registered_as_an_officer_is_refused(
    private_stage: Stage,
) -> None:
    group, _, member = await registered_group(private_stage, "so-khdt")

    refusal = await member.send_and_wait("/summary@dondoc_bot", chat=group)

    assert "chỉ dành cho Văn phòng" in refusal["text"]
    assert len(member.documents(group)) == 0


async def test_with_privacy_mode_off_group_chatter_is_still_not_taken_as_a_note(
    stage: Stage,
) -> None:
    group, _, member = await registered_group(stage, "cuc-qltt")
    request = await group_request(stage, group)
    await member.press(request, button_data(request, "Đã hoàn thành"), chat=group)
    await member.wait_for_message(chat=group)
    mark = group.mark()

    await member.send("Ai cầm chìa khoá phòng họp?", chat=group)
    answer = await member.send_and_wait("/skip", chat=group)

    assert [m["message_id"] for m in group.messages() if m["message_id"] > mark] == [
        answer["message_id"]
    ]
    assert [(r.status, r.note) for r in stored_reports(stage)] == [(Status.DONE, None)]
