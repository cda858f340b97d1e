"""The digest in the Office's terms: categories, combined status, history, and the files.

A seeded database (Hanoi's registry and directive 2658/UBND-KT) with a few hand-placed
reports; every figure checked here was counted by hand from the scenario.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from html.parser import HTMLParser

from docx import Document
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import col, select

from db import periods
from db.engine import session_scope
from db.models import Agency, AssignmentRole, Contact, Status, StatusReport, Task
from jobs.digest import AgencyEntry, Category, Digest, build_digest, combined_status, task_category
from jobs.digest_text import render_html, render_text
from reports import FORMATS, render_file
from tests.conftest import HANOI, REFERENCE_TASK_NUMBERS, hanoi
from tests.test_digest import engine, open_month, report  # noqa: F401  (the seeded database fixture)


def set_deadline(engine: Engine, number: str, deadline: date) -> None:  # noqa: F811
    with session_scope(engine) as session:
        task = session.exec(select(Task).where(Task.number == number)).one()
        task.deadline = deadline


def digest_of(
    engine: Engine,  # noqa: F811
    period: periods.PeriodInfo,
    day: int = 22,
    month: int = 8,
    hour: int = 8,
) -> Digest:
    with session_scope(engine) as session:
        return build_digest(
            session=session, period=period, as_of=hanoi(2021, month, day, hour), zone=HANOI
        )


def the_scenario(engine: Engine) -> periods.PeriodInfo:  # noqa: F811
    """August 2021, digest at 08:00 on the 22nd (reports due by the end of the 20th).

    2.1 deadline 18/08, lead done on the 17th           → completed on time
    2.2 deadline 10/08, lead done on the 17th           → completed late
    2.9 no deadline, lead done on the 21st (after due)  → completed late
    2.4 deadline 20/08, lead in progress                → not completed, overdue
    2.5 no deadline, lead blocked                       → not completed, within deadline
    the 7 other tasks, nobody reported                  → not completed, within deadline
    """
    period = open_month(engine, "2021-08")
    set_deadline(engine, "2.1", date(2021, 8, 18))
    set_deadline(engine, "2.2", date(2021, 8, 10))
    set_deadline(engine, "2.4", date(2021, 8, 20))
    report(engine, period, "so-khdt", "2.1", Status.DONE, "Đã trình UBND Thành phố", 17)
    report(engine, period, "so-tai-chinh", "2.2", Status.DONE, "Đã cấp bổ sung", 17)
    report(engine, period, "thanh-tra-tp", "2.9", Status.DONE, "Đã giải quyết", 21)
    report(engine, period, "so-cong-thuong", "2.4", Status.IN_PROGRESS, "Đang kết nối", 16)
    report(engine, period, "cuc-qltt", "2.5", Status.BLOCKED, "Đề xuất: bổ sung kinh phí", 18)
    return period


def test_the_tasks_fall_in_the_offices_categories_as_counted_by_hand(engine: Engine) -> None:  # noqa: F811
    digest = digest_of(engine, the_scenario(engine))

    assert len(digest.tasks) == len(REFERENCE_TASK_NUMBERS) == 12
    assert digest.categories == {
        Category.DONE_ON_TIME: 1,
        Category.DONE_LATE: 2,
        Category.OPEN_OVERDUE: 1,
        Category.OPEN_ON_TIME: 8,
    }
    by_number = {t.number: t.category for t in digest.tasks}
    assert by_number["2.1"] is Category.DONE_ON_TIME
    assert by_number["2.2"] is Category.DONE_LATE
    assert by_number["2.9"] is Category.DONE_LATE
    assert by_number["2.4"] is Category.OPEN_OVERDUE
    assert by_number["2.5"] is Category.OPEN_ON_TIME


def test_agencies_that_owe_any_task_are_listed_as_not_reported(engine: Engine) -> None:  # noqa: F811
    digest = digest_of(engine, the_scenario(engine))

    silent = {agency.code: agency.tasks for agency in digest.silent}
    # cuc-qltt holds only 2.5 and reported it; so-khdt still owes 2.3 and 2.11.
    assert "cuc-qltt" not in silent
    assert silent["so-khdt"] == ["2658/UBND-KT 2.3", "2658/UBND-KT 2.11"]
    assert silent["cuc-thong-ke"] == ["2658/UBND-KT 2.1"]
    assigned = {e.agency_code for t in digest.tasks for e in t.entries}
    assert len(silent) == len(assigned) - 1
    # so-khdt reported 2.1 of its three tasks: it reported in part, it is not "not reported".
    (khdt,) = [a for a in digest.silent if a.code == "so-khdt"]
    assert khdt.partial and (khdt.reported, khdt.assigned) == (1, 3)
    assert khdt in digest.partial and khdt not in digest.unreported
    text = render_text(digest, zone=HANOI)
    none, partial = len(digest.unreported), len(digest.partial)
    assert none + partial == len(silent) and partial >= 1
    assert f"Đơn vị chưa báo cáo: {none}/{len(assigned)}; báo cáo chưa đủ: {partial}" in text
    assert "Sở Kế hoạch và Đầu tư — báo cáo chưa đủ: 1/3 nhiệm vụ, còn thiếu 2.3, 2.11" in text


def test_a_contact_that_blocked_the_bot_is_shown_unreachable(engine: Engine) -> None:  # noqa: F811
    period = the_scenario(engine)
    with session_scope(engine) as session:
        agency = session.exec(select(Agency).where(Agency.code == "so-khdt")).one()
        contact = session.exec(select(Contact).where(Contact.agency_id == agency.id)).one()
        contact.unreachable_since = hanoi(2021, 8, 19, 10)

    digest = digest_of(engine, period)

    (khdt,) = [a for a in digest.silent if a.code == "so-khdt"]
    assert [c.reachable for c in khdt.contacts] == [False]
    assert "Cán bộ: không liên lạc được từ 19/08/2021" in render_text(digest, zone=HANOI)
    assert "chưa có cán bộ đầu mối" in render_text(digest, zone=HANOI)


def entry(role: AssignmentRole, status: Status | None) -> AgencyEntry:
    return AgencyEntry("X", role, status, reported=status is not None)


LEAD, COORD = AssignmentRole.LEAD, AssignmentRole.COORDINATING


def test_a_task_is_done_only_when_every_lead_agency_says_so() -> None:
    assert combined_status([entry(LEAD, Status.DONE), entry(COORD, Status.BEHIND)]) is Status.DONE
    assert (
        combined_status([entry(LEAD, Status.DONE), entry(LEAD, Status.IN_PROGRESS)])
        is Status.IN_PROGRESS
    )
    assert combined_status([entry(LEAD, None), entry(COORD, Status.DONE)]) is Status.IN_PROGRESS
    assert combined_status([entry(COORD, Status.DONE), entry(COORD, Status.DONE)]) is Status.DONE


def test_lead_agencies_count_before_coordinating_ones() -> None:
    assert (
        combined_status([entry(LEAD, Status.IN_PROGRESS), entry(COORD, Status.BLOCKED)])
        is Status.IN_PROGRESS
    )
    assert (
        combined_status([entry(LEAD, Status.BEHIND), entry(LEAD, Status.BLOCKED)]) is Status.BLOCKED
    )
    assert combined_status([entry(LEAD, None), entry(COORD, Status.BLOCKED)]) is Status.BLOCKED
    assert combined_status([entry(LEAD, None), entry(COORD, None)]) is None


def test_the_category_rules() -> None:
    today = date(2021, 8, 22)
    deadline = date(2021, 8, 20)

    def category(status: Status | None, done: date | None = None, in_time: bool = False) -> str:
        return task_category(
            status=status, deadline=deadline, done_at=done, done_in_time=in_time, today=today
        ).value

    assert category(Status.DONE, date(2021, 8, 20)) == "done_on_time"
    assert category(Status.DONE, date(2021, 8, 21)) == "done_late"
    assert category(Status.BEHIND) == "open_overdue"
    assert category(None) == "open_overdue"
    assert (
        task_category(status=None, deadline=None, done_at=None, done_in_time=False, today=today)
        is Category.OPEN_ON_TIME
    )
    assert (
        task_category(
            status=Status.DONE, deadline=None, done_at=None, done_in_time=True, today=today
        )
        is Category.DONE_ON_TIME
    )


def test_a_report_edited_after_the_close_does_not_rewrite_the_digest_of_then(
    engine: Engine,  # noqa: F811
) -> None:
    period = open_month(engine, "2021-08")  # closes at the digest, 08:00 on Monday 23/08
    report(engine, period, "cuc-qltt", "2.5", Status.IN_PROGRESS, "Đang kiểm tra", 17)
    then = render_text(digest_of(engine, period, day=23, hour=9), zone=HANOI)

    report(engine, period, "cuc-qltt", "2.5", Status.DONE, "Đã xong", 25)
    again = render_text(digest_of(engine, period, day=23, hour=9), zone=HANOI)
    later = digest_of(engine, period, day=26)

    assert again == then
    (task,) = [t for t in later.tasks if t.number == "2.5"]
    (qltt,) = task.entries
    assert (qltt.status, qltt.edited_after_close, qltt.status_at_close) == (
        Status.DONE,
        True,
        Status.IN_PROGRESS,
    )
    assert [(e.number, e.before, e.after) for e in later.edits] == [
        ("2.5", Status.IN_PROGRESS, Status.DONE)
    ]
    assert "sửa ngày 25/08/2021, sau khi chốt kỳ; lúc chốt: Đang thực hiện" in render_text(
        later, zone=HANOI
    )


def test_changes_since_the_previous_month_are_listed(engine: Engine) -> None:  # noqa: F811
    july = open_month(engine, "2021-07")
    report_in(engine, july, "cuc-qltt", "2.5", Status.IN_PROGRESS, hanoi(2021, 7, 16))
    august = open_month(engine, "2021-08")
    report_in(engine, august, "cuc-qltt", "2.5", Status.DONE, hanoi(2021, 8, 17))

    digest = digest_of(engine, august)

    assert digest.previous is not None and digest.previous.month == "2021-07"
    changes = {c.number: (c.before, c.after) for c in digest.changes}
    assert changes == {"2.5": (Status.IN_PROGRESS, Status.DONE)}
    assert digest.previous_categories is not None
    assert digest.previous_categories[Category.DONE_ON_TIME] == 0
    assert digest.categories[Category.DONE_ON_TIME] == 1
    assert "THAY ĐỔI SO VỚI THÁNG 07/2021" in render_text(digest, zone=HANOI)


def report_in(
    engine: Engine,  # noqa: F811
    period: periods.PeriodInfo,
    agency: str,
    number: str,
    status: Status,
    when: datetime,
) -> None:
    """A report at an exact moment (the shared helper only knows days of August)."""
    report(engine, period, agency, number, status, None)
    with session_scope(engine) as session:
        latest = session.exec(select(StatusReport).order_by(col(StatusReport.id).desc())).first()
        assert latest is not None
        latest.reported_at = when


class TagChecker(HTMLParser):
    """Fails on any tag Telegram would not accept, or an unbalanced one."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag == "b", tag
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open.pop() == tag


def test_hostile_notes_arrive_as_text_in_every_part(engine: Engine) -> None:  # noqa: F811
    period = open_month(engine, "2021-08")
    hostile = "<b>vỡ</b> & <script>alert(1)</script> &amp; <i>x</i> 1 < 2 > 0 &#x3C; " * 20
    with session_scope(engine) as session:
        districts = list(session.exec(select(Agency.code).where(Agency.kind == "quan")))
    for code in districts:
        report(engine, period, code, "2.3", Status.BLOCKED, hostile)

    parts = render_html(digest_of(engine, period), zone=HANOI)

    assert len(parts) > 1
    for part in parts:
        assert len(part.encode("utf-16-le")) // 2 <= 4096
        checker = TagChecker()
        checker.feed(part)
        checker.close()
        assert checker.open == []
        assert not re.search(r"&(?!lt;|gt;|amp;)", part), "a bare & or a cut entity"
        assert "<script>" not in part and "<i>" not in part


def test_every_format_is_written(engine: Engine) -> None:  # noqa: F811
    digest = digest_of(engine, the_scenario(engine))

    files = {fmt: render_file(digest, fmt, zone=HANOI) for fmt in FORMATS}

    assert files["docx"].name == "bao-cao-2021-08.docx"
    assert files["png"].content.startswith(b"\x89PNG")
    assignments = sum(len(t.entries) for t in digest.tasks)
    rows = list(csv.reader(io.StringIO(files["csv"].content.decode("utf-8-sig"))))
    assert len(rows) == assignments + 1
    assert rows[0][:3] == ["Văn bản", "Số NV", "Nhiệm vụ"]
    (khdt,) = [r for r in rows if r[1] == "2.1" and r[7] == "so-khdt"]
    assert khdt[4:6] == ["Đã hoàn thành", "Đã hoàn thành đúng hạn"]
    workbook = load_workbook(io.BytesIO(files["xlsx"].content))
    assert workbook.sheetnames == ["Phân công", "Tổng hợp"]
    assert workbook["Phân công"].max_row == assignments + 1


def test_the_word_report_is_the_offices_signed_report_with_its_annex(
    engine: Engine,  # noqa: F811
) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn

    from dondoc.config import ReportSettings

    digest = digest_of(engine, the_scenario(engine))
    settings = ReportSettings(
        number="{month}/BC-VP",
        signer_title=["KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"],
        signer_name="Nguyễn Thị Hoa",
        recipients=["Thường trực UBND Thành phố (để b/c)", "Lưu: VT, TH"],
    )

    content = render_file(digest, "docx", zone=HANOI, settings=settings).content
    document = Document(io.BytesIO(content))

    header = document.tables[0]
    issuer, motto = (cell.text for cell in header.rows[0].cells)
    assert issuer.splitlines() == ["UBND THÀNH PHỐ HÀ NỘI", "VĂN PHÒNG", "───────"]
    assert motto.splitlines() == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert header.rows[1].cells[0].text == "Số: 08/BC-VP"
    assert header.rows[1].cells[1].text == "Hà Nội, ngày 22 tháng 8 năm 2021"
    paragraphs = [p.text for p in document.paragraphs]
    title = paragraphs.index("BÁO CÁO")
    assert paragraphs[title + 1].startswith(
        "Tình hình thực hiện các nhiệm vụ tại Văn bản số 2658/UBND-KT ngày 16/8/2021"
    )
    for heading in (
        "I. KẾT QUẢ CHUNG",
        "II. TÌNH HÌNH THỰC HIỆN CÁC NHIỆM VỤ",
        "V. ĐỀ XUẤT, KIẾN NGHỊ",
    ):
        assert heading in paragraphs
    # The page number: a PAGE field centred at the top, not on the first page.
    body, annex = document.sections[0], document.sections[-1]
    assert body.different_first_page_header_footer
    field = "".join(t.text or "" for t in body.header._element.iter(qn("w:instrText")))
    assert field.strip() == "PAGE"
    # The signer's block, with the room to sign, and Nơi nhận.
    signature = next(t for t in document.tables if "Nơi nhận:" in t.rows[0].cells[0].text)
    left, right = signature.rows[0].cells
    assert "- Lưu: VT, TH;" in left.text
    signer = [line for line in right.text.splitlines()]
    assert signer[:2] == ["KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"]
    assert signer[-1] == "Nguyễn Thị Hoa" and signer[2:-1] == ["", "", "", ""]
    # The annex: a landscape section whose table has every task.
    assert len(document.sections) == 2
    assert annex.orientation == WD_ORIENT.LANDSCAPE and annex.page_width > annex.page_height
    rows = document.tables[-1].rows
    assert rows[0].cells[1].text == "Nhiệm vụ"
    numbers = []
    for row in rows[1:]:
        first_line = row.cells[1].text.split("\n")[0]
        number = first_line.split(". ", 1)[0]
        if not numbers or numbers[-1] != number:
            numbers.append(number)
    assert numbers == REFERENCE_TASK_NUMBERS
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert document.styles["Normal"].font.size.pt == 14
    fonts = {r.font.name for p in document.paragraphs for r in p.runs if r.text.strip()}
    assert fonts == {None}  # every run takes Times New Roman from its style
