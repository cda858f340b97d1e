"""Delivery you can trust, end to end through the local server with fault injection."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
from sqlmodel import select
from telegram.error import NetworkError, TimedOut

from bot_api_server import SimUser
from db import outbox
from db.engine import session_scope
from db.models import Contact, MessageKind, OutboundMessage, Role, Task
from dondoc.stage import Stage
from jobs.delivery import may_have_arrived
from tests.conftest import hanoi
from tests.test_chat_flows import button_data


async def join_early(
    stage: Stage, user_id: int, name: str, agency_code: str, role: Role = Role.OFFICER
) -> SimUser:
    """Join on the morning of the request day, before its time (08:30): the request then
    goes out with the cycle, as for every contact registered ahead of the month."""
    now = stage.clock()
    stage.clock.set(hanoi(2021, 8, 16, 8, 0))
    try:
        return await stage.join(user_id, name, agency_code, role)
    finally:
        stage.clock.set(now)


def texts(person: object) -> list[str]:
    return [m.get("text", "") for m in person.messages()]  # type: ignore[attr-defined]


def requests_received(person: object) -> int:
    return sum("Đề nghị báo cáo" in text for text in texts(person))


SIX_AGENCIES = ["so-khdt", "so-y-te", "cuc-qltt", "cong-an-tp", "bo-tu-lenh-thu-do", "so-gddt"]


async def join_officers(stage: Stage, first_user_id: int, codes: list[str]) -> list[SimUser]:
    """One officer per agency code, joined early (see `join_early`), user ids from the first."""
    return [
        await join_early(stage, first_user_id + i, f"Cán bộ {i}", code)
        for i, code in enumerate(codes)
    ]


async def test_429_answers_are_retried_after_retry_after_and_nothing_is_lost(stage: Stage) -> None:
    officers = await join_officers(
        stage,
        4000,
        SIX_AGENCIES,
    )
    faults = stage.server.faults
    faults.seed, faults.retry_after, faults.methods = 7, 3, {"sendMessage"}
    faults.rate_429 = 0.5

    result = await stage.run_cycle()

    faults.rate_429 = 0.0
    assert result.retried_after_429 > 0
    assert result.sent == len(officers)
    assert all(requests_received(officer) == 1 for officer in officers)
    assert stage.waited.monotonic() >= 3  # the bot did wait as Telegram asked


async def test_a_blocked_officer_gets_nothing_more_and_the_secretariat_is_told(
    stage: Stage,
) -> None:
    secretary = await join_early(stage, 3001, "Quyên", "vp-ubnd", Role.SECRETARIAT)
    officer = await join_early(stage, 4101, "Lâm", "so-y-te")
    await officer.block()

    await stage.run_cycle()
    notice = await secretary.wait_for_message(lambda m: "Mất liên lạc" in m.get("text", ""))

    assert "Sở Y tế" in notice["text"]
    assert requests_received(officer) == 0
    with session_scope(stage.engine) as session:
        contact = session.exec(select(Contact).where(Contact.chat_id == officer.id)).one()
        assert contact.unreachable_since is not None
    # Two working days later the nudge is due: nothing more is tried on the blocked chat.
    forbidden_before = stage.server.stats.errors[403]
    assert forbidden_before == 1
    stage.clock.set(hanoi(2021, 8, 18, 9, 0))
    again = await stage.run_cycle()
    assert again.sent == 0 and again.unreachable == []
    assert stage.server.stats.errors[403] == forbidden_before
    assert sum("Mất liên lạc" in text for text in texts(secretary)) == 1


async def test_a_nudge_goes_only_to_agencies_that_have_not_reported(stage: Stage) -> None:
    diligent = await join_early(stage, 4201, "Nam", "cuc-qltt")
    late = await join_early(stage, 4202, "Oanh", "cong-an-tp")
    await stage.run_cycle()
    request = diligent.last_message()
    await diligent.press(request, button_data(request, "Đang thực hiện"))
    await diligent.wait_for_message()
    await diligent.send_and_wait("/skip")

    stage.clock.set(hanoi(2021, 8, 18, 8, 45))  # after the first nudge time, 08:30 on the 18th
    result = await stage.run_cycle()

    assert result.sent == 1
    assert any("Nhắc báo cáo tháng 08/2021" in text for text in texts(late))
    assert not any("Nhắc báo cáo" in text for text in texts(diligent))


async def test_after_downtime_the_bot_sends_what_it_owes_once_and_skips_stale_nudges(
    stage: Stage,
) -> None:
    officer = await join_early(stage, 4301, "Phương", "cuc-qltt")
    stage.clock.set(hanoi(2021, 8, 14, 9, 0))
    assert (await stage.run_cycle()).sent == 0  # before the request day

    # Down from the 14th to the 19th: the request and two nudge times were missed.
    stage.clock.set(hanoi(2021, 8, 19, 10, 0))
    first = await stage.run_cycle()
    stage.clock.advance(timedelta(minutes=10))
    second = await stage.run_cycle()

    assert (first.sent, second.sent) == (1, 0)
    assert requests_received(officer) == 1
    assert not any("Nhắc báo cáo" in text for text in texts(officer))


async def test_the_secretariat_gets_the_escalation_and_the_digest_on_time(stage: Stage) -> None:
    secretary = await join_early(stage, 3002, "Quang", "vp-ubnd", Role.SECRETARIAT)
    await join_early(stage, 4401, "Sương", "cuc-qltt")
    await stage.run_cycle()

    stage.clock.set(hanoi(2021, 8, 23, 7, 0))  # Monday: digest at 08:00, escalation at 08:30
    assert (await stage.run_cycle()).sent == 0
    stage.clock.set(hanoi(2021, 8, 23, 8, 5))
    await stage.run_cycle()
    stage.clock.set(hanoi(2021, 8, 23, 8, 35))
    await stage.run_cycle()

    received = texts(secretary)
    assert any("TỔNG HỢP TÌNH HÌNH THỰC HIỆN NHIỆM VỤ — THÁNG 08/2021" in t for t in received)
    escalation = next(t for t in received if "Các đơn vị chưa báo cáo tháng 08/2021" in t)
    assert "Cục Quản lý thị trường thành phố Hà Nội: 1 nhiệm vụ" in escalation
    with session_scope(stage.engine) as session:
        kinds = [row.kind for row in session.exec(select(OutboundMessage))]
    assert kinds.count(MessageKind.DIGEST) == 1
    assert kinds.count(MessageKind.ESCALATION) == 1


async def test_a_task_deadline_is_reminded_some_working_days_before_unless_done(
    stage: Stage,
) -> None:
    with session_scope(stage.engine) as session:
        task = session.exec(select(Task).where(Task.number == "2.5")).one()
        task.deadline = date(2021, 8, 31)  # Tuesday: reminded 3 working days before, the 26th
    officer = await join_early(stage, 4501, "Thảo", "cuc-qltt")
    await stage.run_cycle()

    stage.clock.set(hanoi(2021, 8, 25, 9, 0))
    await stage.run_cycle()
    assert not any("Sắp đến thời hạn" in t for t in texts(officer))
    stage.clock.set(hanoi(2021, 8, 26, 9, 0))
    await stage.run_cycle()

    reminder = next(
        m for m in officer.messages() if "Sắp đến thời hạn nhiệm vụ 2.5" in m.get("text", "")
    )
    assert "31/08/2021" in reminder["text"]
    assert button_data(reminder, "Đã hoàn thành").startswith("status:")
    with session_scope(stage.engine) as session:
        assert outbox.sent_count(session=session, kind=MessageKind.DEADLINE) == 1


async def test_bad_gateway_answers_are_retried_and_every_request_arrives_once(stage: Stage) -> None:
    officers = await join_officers(stage, 4600, SIX_AGENCIES[:5])
    faults = stage.server.faults
    faults.seed, faults.methods, faults.rate_5xx = 3, {"sendMessage"}, 0.6

    first = await stage.run_cycle()
    faults.rate_5xx = 0.0
    stage.clock.advance(timedelta(minutes=10))  # the next sweep, after `retry_at`
    second = await stage.run_cycle()

    assert stage.server.stats.given_5xx > 0
    assert first.sent + second.sent == len(officers)
    assert all(requests_received(officer) == 1 for officer in officers)


async def test_the_secretariat_sees_who_is_missing_and_nudges_them_at_once(stage: Stage) -> None:
    secretary = await join_early(stage, 3003, "Hằng", "vp-ubnd", Role.SECRETARIAT)
    diligent = await join_early(stage, 4701, "Khoa", "cuc-qltt")
    late = await join_early(stage, 4702, "Lộc", "cong-an-tp")
    await stage.run_cycle()
    request = diligent.last_message()
    await diligent.press(request, button_data(request, "Đã hoàn thành"))
    await diligent.wait_for_message()

    missing = await secretary.send_and_wait("/missing")
    done = await secretary.send_and_wait("/remind")
    # The nudges go out in the background, so the secretariat's chat is not held up.
    await stage.server.wait_until(lambda: any("Nhắc báo cáo" in t for t in texts(late)), 30)
    await stage.settle()
    refused = await late.send_and_wait("/remind")

    assert "Công an thành phố Hà Nội" in missing["text"]
    assert "Cục Quản lý thị trường" not in missing["text"]
    assert "Đang gửi 1 tin nhắc" in done["text"]
    assert sum("Nhắc báo cáo tháng 08/2021" in t for t in texts(late)) == 1
    assert not any("Nhắc báo cáo" in t for t in texts(diligent))
    assert "chỉ dành cho Văn phòng" in refused["text"]


async def test_a_bad_gateway_after_delivery_is_counted_in_doubt_and_nothing_is_lost(
    stage: Stage,
) -> None:
    officers = await join_officers(
        stage,
        4900,
        SIX_AGENCIES,
    )
    faults = stage.server.faults
    faults.seed, faults.methods, faults.rate_5xx_after = 5, {"sendMessage"}, 0.5

    first = await stage.run_cycle()
    faults.rate_5xx_after = 0.0
    stage.clock.advance(timedelta(minutes=10))
    second = await stage.run_cycle()

    received = {officer.id: requests_received(officer) for officer in officers}
    twice = {chat for chat, count in received.items() if count > 1}
    with session_scope(stage.engine) as session:
        doubted = session.exec(select(OutboundMessage).where(OutboundMessage.in_doubt)).all()
    assert min(received.values()) == 1  # none lost
    assert twice  # Telegram had them, the bot could not know
    assert first.in_doubt + second.in_doubt == len(doubted)
    assert twice <= {row.chat_id for row in doubted}  # only a row in doubt may repeat


def test_only_a_failure_to_connect_proves_a_message_never_left() -> None:
    refused = NetworkError("httpx.ConnectError: refused")
    refused.__cause__ = httpx.ConnectError("refused")
    read_timeout = TimedOut()
    read_timeout.__cause__ = httpx.ReadTimeout("slow")

    assert not may_have_arrived(refused)
    assert may_have_arrived(read_timeout)
    assert may_have_arrived(NetworkError("Bad Gateway"))  # a 502 answer
