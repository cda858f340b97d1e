"""A whole month of the production schedule: the application as `dondoc run` builds it.

The real jobs (request time, digest time, the 10-minute sweep and the catch-up on
start) fire through APScheduler, which reads the stage's fake clock; the bot talks
to the local Bot API server. April 2027 has the lot: the request on Thursday 15th,
the Hùng Kings holiday on Friday 16th, a weekend, the due date on Tuesday 20th.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from bot_api_server import SimUser
from db.models import Role
from dondoc.stage import FakeClock, local_stage
from jobs.calendar import is_working_day, period_times
from tests.conftest import HANOI, hanoi
from tests.test_chat_flows import button_data


def sent_at(message: dict[str, Any]) -> datetime:
    return datetime.fromtimestamp(message["date"], HANOI)


def received(person: SimUser, marker: str) -> list[datetime]:
    """When each message carrying `marker` reached this person."""
    return [sent_at(m) for m in person.messages() if marker in m.get("text", "")]


async def test_a_month_of_real_jobs_sends_each_message_once_at_its_time(tmp_path: Path) -> None:
    clock = FakeClock(hanoi(2027, 4, 1, 0, 0))
    async with local_stage(database_url=f"sqlite:///{tmp_path / 'april.db'}", clock=clock) as stage:
        stage.load_reference()
        secretary = await stage.join(3101, "Hằng", "vp-ubnd", Role.SECRETARIAT)
        prompt = await stage.join(4801, "Khoa", "cuc-qltt")
        late = await stage.join(4802, "Lộc", "cong-an-tp")
        command = [
            await stage.join(4803, "Mai", "bo-tu-lenh-thu-do"),
            await stage.join(4804, "Nam", "bo-tu-lenh-thu-do"),
        ]

        fired = await stage.advance_to(hanoi(2027, 4, 15, 8, 29))
        assert fired.count("cycle:sweep") > 2000  # every 10 minutes since the 1st
        assert all(not received(p, "Đề nghị báo cáo") for p in [prompt, late, *command])

        # 08:30: the request-time trigger and the sweep fire at the same instant.
        fired = await stage.advance_to(hanoi(2027, 4, 15, 8, 30))
        assert {"cycle:request-time", "cycle:sweep"} <= set(fired)
        request = prompt.last_message()
        assert request is not None
        await prompt.press(request, button_data(request, "Đã hoàn thành"))
        await prompt.wait_for_message()
        command_request = command[0].last_message()
        assert command_request is not None
        await command[0].press(command_request, button_data(command_request, "Đang thực hiện"))
        await command[0].wait_for_message()

        await stage.advance_to(hanoi(2027, 5, 1, 0, 0))

    plan = period_times("2027-04", stage.config.schedule)
    request_time = hanoi(2027, 4, 15, 8, 30)
    for officer in [prompt, late, *command]:
        assert received(officer, "Đề nghị báo cáo tháng 04/2027") == [request_time]
    # Holiday and weekend skipped: the one nudge falls on Tuesday 20th, the due date.
    assert not is_working_day(hanoi(2027, 4, 16).date(), stage.config.schedule)
    assert [moment.astimezone(HANOI) for moment in plan.nudges] == [hanoi(2027, 4, 20, 8, 30)]
    assert received(late, "Nhắc báo cáo") == [hanoi(2027, 4, 20, 8, 30)]
    assert received(prompt, "Nhắc báo cáo") == []
    assert all(received(officer, "Nhắc báo cáo") == [] for officer in command)  # one answered
    assert received(secretary, "Các đơn vị chưa báo cáo tháng 04/2027") == [
        hanoi(2027, 4, 21, 8, 30)
    ]
    escalation = next(m for m in secretary.messages() if "chưa báo cáo tháng" in m["text"])
    assert "Công an thành phố Hà Nội" in escalation["text"]
    assert "Cục Quản lý thị trường" not in escalation["text"]
    assert received(secretary, "TỔNG HỢP TÌNH HÌNH") == [hanoi(2027, 4, 22, 8, 0)]
