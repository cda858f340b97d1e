"""Who may do what: every role against every command and button, through the local Bot API server.

Each person acts in their own chat; a refused action must say so clearly and store nothing.
Forged callback data is sent the way a modified client would (`SimUser.press_forged`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import func, select

from bot_api_server import SimUser
from db import contacts, periods, reports
from db.engine import make_engine, session_scope, upgrade_schema
from db.loading import load_data, read_data_file
from db.models import AuditEntry, Contact, Role, StatusReport
from dondoc.stage import REFERENCE_FILES, Stage
from jobs.calendar import period_times
from jobs.plan import open_period
from tests.test_chat_flows import button_data

STRANGER = "chưa được đăng ký"
HELP_OFFICER = "báo cáo tình hình thực hiện nhiệm vụ của"
HELP_OFFICE = "theo dõi, đôn đốc, báo cáo"
NOT_YOURS = "không thuộc đơn vị của đồng chí"
STALE = "không còn hợp lệ"


@dataclass
class Cast:
    """Everyone on stage, with the callback data an attacker would try."""

    people: dict[str, SimUser]
    own_status: str  # a status button of so-khdt's request, current period
    other_status: str  # a status button of cuc-qltt's request
    old_period_status: str  # so-khdt's own assignment, but July's period


def counts(stage: Stage) -> tuple[int, int]:
    """How many reports and active contacts are stored."""
    with session_scope(stage.engine) as session:
        stored = session.exec(select(func.count()).select_from(StatusReport)).one()
        active = session.exec(select(func.count()).select_from(Contact).where(Contact.active)).one()
    return stored, active


async def cast(stage: Stage) -> Cast:
    """An officer, another agency's officer, the Office, an admin, a stranger, a removed officer."""
    people = {
        "officer": await stage.join(4001, "Lan", "so-khdt"),
        "other_officer": await stage.join(4002, "Khánh", "cuc-qltt"),
        "secretariat": await stage.join(4003, "Quyên", "vp-ubnd", Role.SECRETARIAT),
        "admin": await stage.join(4004, "Minh", "vp-ubnd", Role.ADMIN),
        "removed": await stage.join(4005, "Cũ", "so-khdt"),
        "stranger": stage.server.user(4006, "Lạ"),
    }
    await stage.run_cycle()
    await people["officer"].wait_for_message(lambda m: "Đề nghị báo cáo" in m.get("text", ""))
    other_request = await people["other_officer"].wait_for_message(
        lambda m: "Đề nghị báo cáo" in m.get("text", "")
    )
    with session_scope(stage.engine) as session:
        removed = contacts.contact_for_chat(session=session, chat_id=4005)
        assert removed is not None
        contacts.revoke_contact(session=session, contact_id=removed.id, now=stage.clock())
        august = periods.current_period(session=session, now=stage.clock())
        assert august is not None
        july_times = period_times("2021-07", stage.config.schedule)
        july = open_period(session=session, times=july_times, now=stage.clock())
        (own, *_) = reports.assignments_of_agency(session=session, agency_id=removed.agency_id)
    await people["stranger"].send_and_wait("/start")
    return Cast(
        people,
        own_status=f"status:{own.id}:{august.id}:done",
        other_status=button_data(other_request, "Đã hoàn thành"),
        old_period_status=f"status:{own.id}:{july.id}:done",
    )


# What each role is told: a text the reply must contain, or None when the action is allowed and
# checked by its own story elsewhere.  "stored" marks the one action that may store a report.
COMMANDS: dict[str, dict[str, str]] = {
    "/start": {
        "officer": HELP_OFFICER,
        "other_officer": HELP_OFFICER,
        "secretariat": HELP_OFFICE,
        "admin": HELP_OFFICE,
        "removed": "chưa được đăng ký làm cán bộ đầu mối",
        "stranger": "chưa được đăng ký làm cán bộ đầu mối",
    },
    "/help": {
        "officer": HELP_OFFICER,
        "other_officer": HELP_OFFICER,
        "secretariat": HELP_OFFICE,
        "admin": HELP_OFFICE,
        "removed": "chưa được đăng ký làm cán bộ đầu mối",
        "stranger": "chưa được đăng ký làm cán bộ đầu mối",
    },
    "/pending": {
        "officer": "còn 3 nhiệm vụ chưa báo cáo",
        "other_officer": "còn 1 nhiệm vụ chưa báo cáo",
        "secretariat": "Các đơn vị chưa báo cáo tháng 08/2021",
        "admin": "Các đơn vị chưa báo cáo tháng 08/2021",
        "removed": STRANGER,
        "stranger": STRANGER,
    },
    "/summary": {
        "officer": "chỉ dành cho Văn phòng",
        "other_officer": "chỉ dành cho Văn phòng",
        "secretariat": "08/2021",
        "admin": "08/2021",
        "removed": STRANGER,
        "stranger": STRANGER,
    },
    "/skip": {
        "officer": "Không có ghi chú nào đang chờ",
        "other_officer": "Không có ghi chú nào đang chờ",
        "secretariat": "Không có ghi chú nào đang chờ",
        "admin": "Không có ghi chú nào đang chờ",
        "removed": STRANGER,
        "stranger": STRANGER,
    },
    # Every note counts: with several tasks the bot asks which; with one it is that task's note.
    "Đã hoàn thành 100% nhiệm vụ": {
        "officer": "Nội dung này báo cáo cho nhiệm vụ nào",
        "other_officer": "Đã ghi nhận nội dung trả lời cho nhiệm vụ 2.5",
        "secretariat": "chưa được ghi nhận là báo cáo",
        "admin": "chưa được ghi nhận là báo cáo",
        "removed": STRANGER,
        "stranger": STRANGER,
    },
    "/xoa_du_lieu": {
        "officer": HELP_OFFICER,
        "other_officer": HELP_OFFICER,
        "secretariat": HELP_OFFICE,
        "admin": HELP_OFFICE,
        "removed": "chưa được đăng ký làm cán bộ đầu mối",
        "stranger": "chưa được đăng ký làm cán bộ đầu mối",
    },
}

BUTTONS: dict[str, dict[str, str]] = {
    "own": {
        "officer": "stored",
        "other_officer": NOT_YOURS,
        "secretariat": NOT_YOURS,
        "admin": NOT_YOURS,
        "removed": STRANGER,
        "stranger": STRANGER,
    },
    "other_agency": {
        "officer": NOT_YOURS,
        "other_officer": "stored",
        "secretariat": NOT_YOURS,
        "admin": NOT_YOURS,
        "removed": STRANGER,
        "stranger": STRANGER,
    },
    "old_period": dict.fromkeys(["officer", "other_officer", "secretariat", "admin"], STALE)
    | {"removed": STRANGER, "stranger": STRANGER},
    "garbage": dict.fromkeys(["officer", "other_officer", "secretariat", "admin"], STALE)
    | {"removed": STRANGER, "stranger": STRANGER},
}
GARBAGE = [
    "status:1:1:hacked",
    "task:999999:1",
    "status:-1:0:done",
    "'; DROP TABLE statusreport; --",
    "status:1:1:done:extra",
    "",
]
ROLES = ["officer", "other_officer", "secretariat", "admin", "removed", "stranger"]


def _after(person: SimUser, mark: int) -> list[dict[str, Any]]:
    return [m for m in person.messages() if m["message_id"] > mark]


# The one command that stores: a note from an officer whose agency has a single task.
STORES_A_REPORT = {("Đã hoàn thành 100% nhiệm vụ", "other_officer")}


@pytest.mark.parametrize("role", ROLES)
async def test_each_role_gets_exactly_what_it_may_have_from_each_command(
    stage: Stage, role: str
) -> None:
    everyone = await cast(stage)
    person = everyone.people[role]
    for command, expected in COMMANDS.items():
        before = counts(stage)
        mark = person.mark()
        reply = await person.send_and_wait(command)
        if command == "/summary" and expected[role] == "08/2021":
            # The digest ends with the spreadsheet; wait for it so it does not spill into the
            # next step.
            await stage.server.wait_until(
                lambda mark=mark: sum("document" in m for m in _after(person, mark)) == 2  # type: ignore[misc]
            )
        assert expected[role] in reply["text"], f"{role} {command!r}: {reply['text']!r}"
        if (command, role) in STORES_A_REPORT:
            assert counts(stage) != before, f"{role} {command!r} stored nothing"
        else:
            assert counts(stage) == before, f"{role} {command!r} stored something"


@pytest.mark.parametrize("role", ROLES)
async def test_each_role_pressing_real_and_forged_buttons_is_refused_unless_it_owns_the_task(
    stage: Stage, role: str
) -> None:
    everyone = await cast(stage)
    person = everyone.people[role]
    data = {
        "own": [everyone.own_status],
        "other_agency": [everyone.other_status],
        "old_period": [everyone.old_period_status],
        "garbage": GARBAGE,
    }
    for kind, expected in BUTTONS.items():
        for callback_data in data[kind]:
            target = person.messages()[-1]
            before = counts(stage)
            pressed = await person.press_forged(target, callback_data)
            answer = await person.wait_for_callback_answer(pressed)
            reply = await person.wait_for_message()
            where = f"{role} pressing {kind} {callback_data!r}"
            if expected[role] == "stored":
                assert answer["text"] == "Đã ghi nhận", where
                assert "Đã ghi nhận" in reply["text"], where
                assert counts(stage)[0] == before[0] + 1, where
            else:
                assert answer["text"] == "Không hợp lệ", where
                assert expected[role] in reply["text"], f"{where}: {reply['text']!r}"
                assert counts(stage) == before, f"{where} stored something"


async def test_an_officer_removed_between_the_status_and_the_note_cannot_add_the_note(
    stage: Stage,
) -> None:
    everyone = await cast(stage)
    officer = everyone.people["officer"]
    await officer.press_forged(officer.messages()[-1], everyone.own_status)
    asks_note = await officer.wait_for_message()
    assert "/skip" in asks_note["text"]
    with session_scope(stage.engine) as session:
        contact = contacts.contact_for_chat(session=session, chat_id=officer.id)
        assert contact is not None
        contacts.revoke_contact(session=session, contact_id=contact.id, now=stage.clock())

    refused = await officer.send_and_wait("Ghi chú gửi sau khi đã bị thu hồi quyền")

    assert STRANGER in refused["text"]
    with session_scope(stage.engine) as session:
        notes = session.exec(select(StatusReport.note)).all()
        actions = session.exec(select(AuditEntry.action)).all()
    assert notes == [None]  # the status pressed before the removal stays, the note never came
    assert "contact.revoked" in actions


async def test_an_officer_revoked_by_another_process_is_refused_on_the_next_message(
    stage: Stage, database_url: str
) -> None:
    # The bot remembers who is behind each chat; a change made elsewhere (the administrator's
    # `dondoc contacts revoke`, another instance) must reach it at once, not after a restart.
    officer = await stage.join(4011, "Lan", "so-khdt")
    assert HELP_OFFICER in (await officer.send_and_wait("/help"))["text"]
    elsewhere = make_engine(database_url)
    try:
        with session_scope(elsewhere) as session:
            contact = contacts.contact_for_chat(session=session, chat_id=officer.id)
            assert contact is not None
            contacts.revoke_contact(session=session, contact_id=contact.id, now=stage.clock())
    finally:
        elsewhere.dispose()

    refused = await officer.send_and_wait("Báo cáo: đã hoàn thành 80% khối lượng")

    assert STRANGER in refused["text"]
    assert counts(stage)[0] == 0


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_the_contact_book_forgets_when_any_contact_changes_and_keeps_strangers_bounded(
    kind: str, database_url: str, request: pytest.FixtureRequest
) -> None:
    url = database_url if kind == "sqlite" else request.getfixturevalue("postgresql_url")
    engine = make_engine(url)
    upgrade_schema(engine)
    book = contacts.ContactBook(size=2)
    try:
        with session_scope(engine) as session:
            load_data(session=session, data=read_data_file(REFERENCE_FILES[0]), source="registry")
            assert book.for_chat(session=session, chat_id=1) is None
            assert book.for_chat(session=session, chat_id=2) is None
            assert book.for_chat(session=session, chat_id=3) is None
            assert len(book._chats) == 2  # the oldest stranger was dropped
        with session_scope(engine) as session:
            assert book.for_chat(session=session, chat_id=3) is None  # remembered
        with session_scope(engine) as session:  # an officer joins (any writer, any process)
            agency = contacts.agency_by_code(session=session, code="so-khdt")
            assert agency is not None and agency.id is not None
            session.add(
                Contact(
                    agency_id=agency.id,
                    role=Role.OFFICER,
                    user_id=3,
                    chat_id=3,
                    display_name="Lan",
                    joined_at=datetime(2021, 8, 1, tzinfo=UTC),
                )
            )
        with session_scope(engine) as session:
            found = book.for_chat(session=session, chat_id=3)
        assert found is not None and found.agency_code == "so-khdt"
    finally:
        engine.dispose()
