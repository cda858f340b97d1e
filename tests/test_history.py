"""A task's reports month by month, in chat for the secretariat and from the command line."""

from __future__ import annotations

import os
import subprocess
import sys

from bot_api_server import SimUser
from db.models import Role
from dondoc.stage import Stage
from tests.conftest import hanoi
from tests.test_agency_people import after
from tests.test_chat_flows import button_data

REQUEST = "Đề nghị báo cáo"


async def report(officer: SimUser, status: str, note: str) -> None:
    """The officer answers the month's latest request with a status and a note."""
    request = [m for m in officer.messages() if REQUEST in m.get("text", "")][-1]
    await officer.press(request, button_data(request, status))
    await officer.wait_for_message()
    await officer.send_and_wait(note)


async def test_the_secretariat_reads_a_task_month_by_month_until_it_was_closed(
    stage: Stage,
) -> None:
    secretary = await stage.join(1001, "Hà", "vp-ubnd", Role.SECRETARIAT)
    lan = await stage.join(2001, "Lan", "cuc-qltt")
    await report(lan, "Có vướng mắc", "Thiếu kinh phí kiểm nghiệm mẫu.")

    stage.clock.set(hanoi(2021, 9, 15, 9, 0))  # September's request has gone out
    await stage.run_cycle()
    await report(lan, "Đang thực hiện", "Đã kiểm tra 120 cơ sở.")
    closed = await secretary.send_and_wait("/close 2658/UBND-KT 2.5")
    assert "nghiệm thu" in closed["text"]
    stage.clock.set(hanoi(2021, 10, 15, 9, 0))  # October's period opens without the task
    await stage.run_cycle()

    mark = secretary.mark()
    await secretary.send("/history 2658/UBND-KT 2.5")
    await stage.server.wait_until(lambda: bool(after(secretary, mark)), 15)
    text = "\n".join(m["text"] for m in after(secretary, mark))
    august, september = text.index("Tháng 08/2021"), text.index("Tháng 09/2021")
    assert august < september
    assert "Có vướng mắc — Lan: Thiếu kinh phí" in text[august:september]
    assert "Đang thực hiện — Lan: Đã kiểm tra 120 cơ sở." in text[september:]
    assert "Tháng 10/2021" not in text  # closed in September: not owed in October

    refused = await lan.send_and_wait("/history 2658/UBND-KT 2.5")
    assert "Tháng 08/2021" not in refused["text"]
    unknown = await secretary.send_and_wait("/history 2658/UBND-KT 7.7")
    assert "không có nhiệm vụ số 7.7" in unknown["text"]

    # The administrator reads the agency's months from the command line.
    shown = subprocess.run(
        [sys.executable, "-m", "dondoc.cli", "history", "--agency", "cuc-qltt"],
        env={**os.environ, "DATABASE_URL": str(stage.engine.url), "COLUMNS": "220"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = [line for line in shown.splitlines() if "2.5 (2658/UBND-KT)" in line]
    assert len(lines) == 2
    assert "08/2021" in lines[0] and "Có vướng mắc" in lines[0] and "Lan" in lines[0]
    assert "09/2021" in lines[1] and "Đang thực hiện" in lines[1]
