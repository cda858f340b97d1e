"""The digest as the monthly report an Office signs, under Decree 30/2020/NĐ-CP.

A few pages of text, then the detail in an annex:

- the header (the parent body and the office beside the national motto), the number line,
  the place and date, "BÁO CÁO" and its summary;
- I. overall results, the chart beside the counts on page 1; II. the tasks by where they
  stand (done; in progress; late, behind or blocked, each with its reason in a line);
  III. difficulties and requests; IV. agencies that have not reported or reported in part;
  V. the Office's own proposals;
- the closing line, "Nơi nhận" and the signer's block with room to sign;
- Phụ lục, in a landscape section: a row per task and lead agency, notes cut to a readable
  length (the XLSX has them whole).

Page numbers are centred at the top from page 2. Who issues and signs comes from the config's
[report] section (`ReportSettings`), or from the directive being followed up.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from bot.texts import GLOSSARY
from db.models import AssignmentRole, Status
from dondoc.config import ReportSettings
from jobs.digest import (
    CATEGORY_ORDER,
    AgencyEntry,
    Blocker,
    Category,
    Digest,
    TaskDigest,
    bucket_label,
    category_label,
    fully_reported_count,
    owing_agency_count,
    short_note,
    status_text,
)
from reports import docx_kit as kit
from reports import docx_rows

NOTE_IN_BODY = 220  # a reason or a difficulty on about one line
NOTE_IN_ANNEX = 240  # the annex's cell: readable; the XLSX holds the whole note
LIST_LIMIT = 30  # lines of a list in the body before "… and N more (see the annex)"
LEADS_NAMED = 3  # lead agencies named in a line of the body; more are counted

REPORT_WORDS: dict[str, dict[str, str]] = {
    "vi": {
        "motto_1": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "motto_2": "Độc lập - Tự do - Hạnh phúc",
        "number": "Số: {number}",
        "place_date": "{place}ngày {day} tháng {month} năm {year}",
        "kind": "BÁO CÁO",
        "summary_one": "Tình hình thực hiện các nhiệm vụ tại Văn bản số {code} ngày {date} "
        "của {issuer}, tháng {month}",
        "summary_many": "Tình hình thực hiện các nhiệm vụ tại các văn bản chỉ đạo, tháng {month}",
        "intro": "Thực hiện nhiệm vụ theo dõi, đôn đốc, báo cáo tình hình thực hiện các nhiệm vụ "
        "được giao, {office} báo cáo tình hình thực hiện tháng {month} (số liệu đến {when}) "
        "như sau:",
        "part_1": "I. KẾT QUẢ CHUNG",
        "part_2": "II. TÌNH HÌNH THỰC HIỆN CÁC NHIỆM VỤ",
        "part_3": "III. KHÓ KHĂN, VƯỚNG MẮC, ĐỀ XUẤT CỦA CÁC ĐƠN VỊ",
        "part_4": "IV. ĐƠN VỊ CHƯA BÁO CÁO, BÁO CÁO CHƯA ĐỦ",
        "part_5": "V. ĐỀ XUẤT, KIẾN NGHỊ",
        "total": "Tổng số nhiệm vụ theo dõi: {tasks} nhiệm vụ ({assignments} lượt giao cho "
        "{agencies} đơn vị).",
        "category_line": "- {label}: {count} nhiệm vụ ({share}).",
        "reporting": "Tình hình báo cáo: {full}/{total} đơn vị đã báo cáo đủ; {partial} đơn vị "
        "báo cáo chưa đủ; {none} đơn vị chưa báo cáo.",
        "compared": "So với tháng {month}: {changes}.",
        "compared_same": "So với tháng {month}: không thay đổi.",
        "change": "{label} {before} → {after}",
        "done": "1. Các nhiệm vụ đã hoàn thành ({count})",
        "open": "2. Các nhiệm vụ đang thực hiện, trong hạn ({count})",
        "trouble": "3. Các nhiệm vụ quá hạn, chậm tiến độ hoặc có vướng mắc ({count})",
        "task_line": "- Nhiệm vụ {number} ({leads}): {title}",
        "and_more": "{names} và {count} đơn vị khác",
        "done_late": " (hoàn thành sau thời hạn {deadline})",
        "no_report": " — chưa có báo cáo",
        "deadline": "thời hạn {date}",
        "standing": GLOSSARY["vi"]["standing"].lower(),
        "past": "quá hạn từ {date}",
        "none": "Không có.",
        "more": "- … và {count} nhiệm vụ khác (chi tiết tại Phụ lục).",
        "more_items": "- … và {count} nội dung khác (chi tiết tại Phụ lục và tệp Excel).",
        "edited": "Có {count} báo cáo được sửa sau khi chốt kỳ (ghi rõ tại Phụ lục).",
        "blocker_line": "- Nhiệm vụ {number} ({agency}): {note}",
        "no_blockers": "Không có đơn vị nào báo cáo khó khăn, vướng mắc.",
        "unreported": "1. Đơn vị chưa báo cáo ({count}): {names}.",
        "partial": "2. Đơn vị báo cáo chưa đủ ({count}): {names}.",
        "partial_item": "{name} ({reported}/{assigned} nhiệm vụ)",
        "all_reported": "Tất cả các đơn vị đã báo cáo đủ.",
        "proposal_silent": "Đề nghị Lãnh đạo UBND Thành phố chỉ đạo các đơn vị chưa báo cáo, "
        "báo cáo chưa đủ khẩn trương báo cáo tình hình thực hiện nhiệm vụ.",
        "proposal_late": "Đề nghị các đơn vị có nhiệm vụ quá hạn, chậm tiến độ tập trung thực "
        "hiện, báo cáo kết quả; các đơn vị có vướng mắc nêu rõ nội dung cần Thành phố hỗ trợ.",
        "proposal_none": "Đề nghị các đơn vị tiếp tục thực hiện các nhiệm vụ được giao, báo cáo "
        "đúng thời hạn.",
        "closing": "{office} kính báo cáo./.",
        "recipients": "Nơi nhận:",
        "annex": "Phụ lục",
        "annex_title": "TÌNH HÌNH THỰC HIỆN CÁC NHIỆM VỤ THÁNG {month}",
        "annex_sub": "(Kèm theo Báo cáo số {number} ngày {date} của {office})",
        "annex_cut": "Nội dung báo cáo dài được rút gọn; toàn văn tại tệp Excel kèm theo.",
        "col_no": "STT",
        "col_task": "Nhiệm vụ",
        "col_deadline": "Thời hạn",
        "col_lead": "Đơn vị chủ trì",
        "col_status": "Tình trạng",
        "col_date": "Ngày báo cáo",
        "col_note": "Nội dung báo cáo",
        "col_coordinating": "Đơn vị phối hợp",
        "overall": "Tình trạng chung",
        "files": "Tệp gửi kèm",
        "edited_mark": "sửa sau khi chốt kỳ; lúc chốt: {before}",
        "late_mark": "báo cáo sau khi chốt kỳ",
    },
    "en": {
        "motto_1": "SOCIALIST REPUBLIC OF VIETNAM",
        "motto_2": "Independence - Freedom - Happiness",
        "number": "No.: {number}",
        "place_date": "{place}{day}/{month}/{year}",
        "kind": "REPORT",
        "summary_one": "Progress of the tasks of document {code} of {date} by {issuer}, {month}",
        "summary_many": "Progress of the tasks of the directives, {month}",
        "intro": "Following up the tasks assigned, {office} reports their progress in {month} "
        "(figures as of {when}):",
        "part_1": "I. OVERALL RESULTS",
        "part_2": "II. THE TASKS",
        "part_3": "III. DIFFICULTIES AND REQUESTS OF THE AGENCIES",
        "part_4": "IV. AGENCIES THAT HAVE NOT REPORTED OR REPORTED IN PART",
        "part_5": "V. PROPOSALS",
        "total": "Tasks followed up: {tasks} ({assignments} assignments to {agencies} agencies).",
        "category_line": "- {label}: {count} task(s) ({share}).",
        "reporting": "Reporting: {full} of {total} agencies reported in full; {partial} in "
        "part; {none} not at all.",
        "compared": "Compared with {month}: {changes}.",
        "compared_same": "Compared with {month}: no change.",
        "change": "{label} {before} → {after}",
        "done": "1. Tasks completed ({count})",
        "open": "2. Tasks in progress, within their deadline ({count})",
        "trouble": "3. Tasks overdue, behind schedule or blocked ({count})",
        "task_line": "- Task {number} ({leads}): {title}",
        "and_more": "{names} and {count} other agencies",
        "done_late": " (completed after its deadline {deadline})",
        "no_report": " — not reported",
        "deadline": "deadline {date}",
        "standing": GLOSSARY["en"]["standing"].lower(),
        "past": "overdue since {date}",
        "none": "None.",
        "more": "- … and {count} more task(s) (see the annex).",
        "more_items": "- … and {count} more (see the annex and the spreadsheet).",
        "edited": "{count} report(s) were edited after the period closed (marked in the annex).",
        "blocker_line": "- Task {number} ({agency}): {note}",
        "no_blockers": "No agency reported a difficulty.",
        "unreported": "1. Agencies that have not reported ({count}): {names}.",
        "partial": "2. Agencies that reported in part ({count}): {names}.",
        "partial_item": "{name} ({reported} of {assigned} tasks)",
        "all_reported": "Every agency has reported in full.",
        "proposal_silent": "The City leaders are requested to instruct the agencies that have "
        "not reported, or reported in part, to report without delay.",
        "proposal_late": "The agencies with overdue or late tasks are requested to concentrate on "
        "them and report; those with difficulties to state the support they need.",
        "proposal_none": "The agencies are requested to continue their tasks and report on time.",
        "closing": "Respectfully reported by {office}.",
        "recipients": "To:",
        "annex": "Annex",
        "annex_title": "PROGRESS OF THE TASKS, {month}",
        "annex_sub": "(Attached to report No. {number} of {date} by {office})",
        "annex_cut": "Long reports are shortened; the spreadsheet has them in full.",
        "col_no": "No.",
        "col_task": "Task",
        "col_deadline": "Deadline",
        "col_lead": "Lead agency",
        "col_status": "Status",
        "col_date": "Reported on",
        "col_note": "Report",
        "col_coordinating": "Coordinating agencies",
        "overall": "Overall",
        "files": "Files sent",
        "edited_mark": "edited after the close; at the close: {before}",
        "late_mark": "reported after the close",
    },
}


def report_words(locale: str) -> dict[str, str]:
    """The report's own phrases in `locale`."""
    return REPORT_WORDS.get(locale, REPORT_WORDS["vi"])


def place_of(issuer: str) -> str:
    """The place name in an issuer such as "UBND Thành phố Hà Nội" (empty if none)."""
    found = re.search(r"(?:thành phố|tỉnh|tp\.?)\s+(.+)$", issuer, flags=re.IGNORECASE)
    return found.group(1).strip() if found else ""


def administrative_date(day: datetime, zone: ZoneInfo, locale: str, place: str) -> str:
    """ "Hà Nội, ngày 05 tháng 02 năm 2022": days under 10 and months under 3 get a zero."""
    local = day.astimezone(zone).date()
    w = report_words(locale)
    month = f"{local.month:02d}" if local.month < 3 else str(local.month)
    return w["place_date"].format(
        place=f"{place}, " if place else "", day=f"{local.day:02d}", month=month, year=local.year
    )


def report_number(settings: ReportSettings, digest: Digest) -> str:
    """The number after "Số:", from the config ("{month}/BC-VP" numbers it by the period)."""
    year, month = digest.period.month.split("-")
    return settings.number.replace("{month}", month).replace("{year}", year)


def _leads_and_others(task: TaskDigest) -> tuple[list[AgencyEntry], list[AgencyEntry]]:
    """The task's lead agencies (every agency when none leads) and the coordinating ones."""
    leads = [e for e in task.entries if e.role is AssignmentRole.LEAD]
    if not leads:
        return list(task.entries), []
    return leads, [e for e in task.entries if e.role is not AssignmentRole.LEAD]


class _Report:
    """One report being written: the document, the digest and the words."""

    def __init__(
        self, digest: Digest, zone: ZoneInfo, locale: str, settings: ReportSettings
    ) -> None:
        self.digest, self.zone, self.locale, self.settings = digest, zone, locale, settings
        self.w = report_words(locale)
        first = digest.directives[0] if digest.directives else None
        self.issuer = first.issuer if first else ""
        self.parent = settings.parent or self.issuer.upper()
        self.place = settings.place or place_of(self.issuer)
        self.office = settings.office_name or (first.tracker if first and first.tracker else "")
        self.number = report_number(settings, digest)
        self.today = digest.today or digest.as_of.astimezone(zone).date()
        self.document: DocumentObject = Document()

    # --- page 1: header and title --------------------------------------------------------

    def header(self) -> None:
        w = self.w
        (left, right), (number_cell, date_cell) = kit.layout_grid(self.document, (62, 103), rows=2)
        top = left.paragraphs[0]
        top.alignment = WD_ALIGN_PARAGRAPH.CENTER
        kit.font(top.add_run(self.parent), kit.HEADER_PT)
        unit = left.add_paragraph()
        unit.alignment = WD_ALIGN_PARAGRAPH.CENTER
        kit.font(unit.add_run(self.settings.office), kit.HEADER_PT, bold=True)
        rule = left.add_paragraph()
        rule.alignment = WD_ALIGN_PARAGRAPH.CENTER
        kit.font(rule.add_run("───────"), 8)
        motto = right.paragraphs[0]
        motto.alignment = WD_ALIGN_PARAGRAPH.CENTER
        kit.font(motto.add_run(w["motto_1"]), 12, bold=True)
        motto_2 = right.add_paragraph()
        motto_2.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = motto_2.add_run(w["motto_2"])
        kit.font(run, kit.BODY_PT, bold=True)
        run.font.underline = True
        kit.cell_text(
            number_cell, [w["number"].format(number=self.number)], align=WD_ALIGN_PARAGRAPH.CENTER
        )
        date_paragraph = date_cell.paragraphs[0]
        date_paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        when = administrative_date(self.digest.as_of, self.zone, self.locale, self.place)
        kit.font(date_paragraph.add_run(when), kit.BODY_PT, italic=True)

    def title(self) -> None:
        w, digest = self.w, self.digest
        kit.paragraph(self.document, after=0)
        center = WD_ALIGN_PARAGRAPH.CENTER
        kit.paragraph(self.document, w["kind"], bold=True, align=center, after=0)
        if len(digest.directives) == 1:
            d = digest.directives[0]
            issued = d.issued_on
            summary = w["summary_one"].format(
                code=d.code,
                date=f"{issued.day}/{issued.month}/{issued.year}" if issued else "",
                issuer=d.issuer,
                month=digest.period.label,
            )
        else:
            summary = w["summary_many"].format(month=digest.period.label)
        kit.paragraph(self.document, summary, bold=True, align=center, after=0)
        kit.paragraph(self.document, "──────────", size=8, align=center, after=6)
        when = self.digest.as_of.astimezone(self.zone).strftime("%H:%M %d/%m/%Y")
        kit.paragraph(
            self.document,
            w["intro"].format(office=self.office, month=digest.period.label, when=when),
            indent=True,
            justify=True,
        )

    # --- I. overall results, the chart beside -----------------------------------------

    def overall(self, chart_png: bytes | None) -> None:
        w, digest = self.w, self.digest
        kit.paragraph(self.document, w["part_1"], bold=True, after=3)
        categories = digest.categories
        tasks = len(digest.tasks)
        lines = [
            w["total"].format(
                tasks=tasks,
                assignments=sum(len(t.entries) for t in digest.tasks),
                agencies=owing_agency_count(digest),
            )
        ]
        for category in CATEGORY_ORDER:
            count = categories.get(category, 0)
            share = f"{100 * count / tasks:.0f}%" if tasks else "—"
            lines.append(
                w["category_line"].format(
                    label=category_label(category, self.locale), count=count, share=share
                )
            )
        total = owing_agency_count(digest)
        lines.append(
            w["reporting"].format(
                full=fully_reported_count(digest),
                total=total,
                partial=len(digest.partial),
                none=len(digest.unreported),
            )
        )
        if digest.previous is not None:
            lines.append(self._compared())
        if chart_png:
            ((text_cell, chart_cell),) = kit.layout_grid(self.document, (100, 65))
            first = True
            for line in lines:
                target = text_cell.paragraphs[0] if first else text_cell.add_paragraph()
                first = False
                kit.font(target.add_run(line), 13)
                target.paragraph_format.space_after = Pt(3)
                target.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            picture = chart_cell.paragraphs[0]
            picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
            picture.add_run().add_picture(BytesIO(chart_png), width=Mm(62))
        else:
            for line in lines:
                kit.paragraph(self.document, line, indent=True, after=3, justify=True)

    def _compared(self) -> str:
        w, digest = self.w, self.digest
        assert digest.previous is not None
        earlier: Counter[Category] = digest.previous_categories or Counter()
        now = digest.categories
        moved = [
            w["change"].format(
                label=category_label(c, self.locale),
                before=earlier.get(c, 0),
                after=now.get(c, 0),
            )
            for c in CATEGORY_ORDER
            if earlier.get(c, 0) != now.get(c, 0)
        ]
        if not moved:
            return w["compared_same"].format(month=digest.previous.label)
        return w["compared"].format(month=digest.previous.label, changes="; ".join(moved))

    # --- II. the tasks by where they stand ----------------------------------------------

    def tasks(self) -> None:
        w, digest = self.w, self.digest
        kit.paragraph(self.document, w["part_2"], bold=True, before=6, after=3)
        # One pass, not `t not in done`: comparing tasks field by field, each with the whole
        # list, took seconds at a thousand tasks.
        done: list[TaskDigest] = []
        open_: list[TaskDigest] = []
        trouble: list[TaskDigest] = []
        for t in digest.tasks:
            if t.category in (Category.DONE_ON_TIME, Category.DONE_LATE):
                done.append(t)
            elif t.category is Category.OPEN_OVERDUE or t.status in (Status.BEHIND, Status.BLOCKED):
                trouble.append(t)
            else:
                open_.append(t)
        self._list(w["done"], done, self._done_line)
        self._list(w["open"], open_, self._open_line)
        self._list(w["trouble"], trouble, self._trouble_line)
        if digest.edits:
            kit.paragraph(self.document, w["edited"].format(count=len(digest.edits)), indent=True)

    def _list(
        self, heading: str, tasks: list[TaskDigest], line: Callable[[TaskDigest], str]
    ) -> None:
        kit.paragraph(self.document, heading.format(count=len(tasks)), bold=True, after=2)
        if not tasks:
            kit.paragraph(self.document, self.w["none"], indent=True, after=2)
            return
        self._capped([line(task) for task in tasks], "more")

    def _capped(self, lines: list[str], more: str) -> None:
        """A list's lines, the first LIST_LIMIT of them, then "… and N more (see the annex)"."""
        for text in lines[:LIST_LIMIT]:
            kit.paragraph(self.document, text, indent=True, after=2, justify=True)
        if len(lines) > LIST_LIMIT:
            rest = self.w[more].format(count=len(lines) - LIST_LIMIT)
            kit.paragraph(self.document, rest, indent=True, after=2)

    def _named(self, names: list[str]) -> str:
        """A few agencies by name; a long list as its first two and how many more."""
        if len(names) <= LEADS_NAMED:
            return ", ".join(names)
        return self.w["and_more"].format(names=", ".join(names[:2]), count=len(names) - 2)

    def _leads(self, task: TaskDigest) -> str:
        leads, _ = _leads_and_others(task)
        return self._named([e.agency for e in leads])

    def _start(self, task: TaskDigest) -> str:
        return self.w["task_line"].format(
            number=task.number, leads=self._leads(task), title=task.title.rstrip(" .;")
        )

    def _done_line(self, task: TaskDigest) -> str:
        text = self._start(task)
        if task.category is Category.DONE_LATE and task.deadline:
            text += self.w["done_late"].format(deadline=task.deadline.strftime("%d/%m/%Y"))
        return text + "."

    def _open_line(self, task: TaskDigest) -> str:
        text = self._start(task)
        if task.status is None:
            return text + self.w["no_report"] + "."
        return f"{text} — {status_text(task.status, self.locale).lower()}."

    def _trouble_line(self, task: TaskDigest) -> str:
        w = self.w
        when = (
            (w["past"] if task.category is Category.OPEN_OVERDUE else w["deadline"]).format(
                date=task.deadline.strftime("%d/%m/%Y")
            )
            if task.deadline
            else w["standing"]
        )
        text = f"{self._start(task)} ({when}) — {status_text(task.status, self.locale).lower()}"
        reason = next(
            (
                e.note
                for e in sorted(task.entries, key=lambda e: e.role is not AssignmentRole.LEAD)
                if e.note and e.status in (Status.BEHIND, Status.BLOCKED)
            ),
            None,
        ) or next((e.note for e in task.entries if e.note), None)
        if reason:
            text += f": {short_note(reason, NOTE_IN_BODY).rstrip('.')}"
        return text + "."

    # --- III, IV, V -----------------------------------------------------------------------

    def difficulties(self) -> None:
        """A line per task: who raised difficulties or requests, and the first of them."""
        w, digest = self.w, self.digest
        kit.paragraph(self.document, w["part_3"], bold=True, before=6, after=3)
        if not digest.blockers:
            kit.paragraph(self.document, w["no_blockers"], indent=True)
            return
        by_task: dict[tuple[str, str], list[Blocker]] = {}
        for blocker in digest.blockers:
            by_task.setdefault((blocker.directive_code, blocker.number), []).append(blocker)
        lines = []
        for (_, number), raised in by_task.items():
            first = next((b.note for b in raised if b.note), None)
            note = first or status_text(raised[0].status, self.locale)
            who = self._named([b.agency for b in raised])
            lines.append(
                w["blocker_line"].format(
                    agency=who, number=number, note=short_note(note, NOTE_IN_BODY)
                )
            )
        self._capped(lines, "more_items")

    def reporting(self) -> None:
        w, digest = self.w, self.digest
        kit.paragraph(self.document, w["part_4"], bold=True, before=6, after=3)
        if not digest.silent:
            kit.paragraph(self.document, w["all_reported"], indent=True)
            return
        names = ", ".join(a.name for a in digest.unreported) or w["none"].rstrip(".")
        unreported = w["unreported"].format(count=len(digest.unreported), names=names)
        kit.paragraph(self.document, unreported, indent=True, after=2, justify=True)
        partial = ", ".join(
            w["partial_item"].format(name=a.name, reported=a.reported, assigned=a.assigned)
            for a in digest.partial
        ) or w["none"].rstrip(".")
        text = w["partial"].format(count=len(digest.partial), names=partial)
        kit.paragraph(self.document, text, indent=True, after=2, justify=True)

    def proposals(self) -> None:
        w, digest = self.w, self.digest
        kit.paragraph(self.document, w["part_5"], bold=True, before=6, after=3)
        written = [p for p in self.settings.proposals if p.strip()]
        if not written:
            if digest.silent:
                written.append(w["proposal_silent"])
            if any(
                t.past_deadline or t.status in (Status.BEHIND, Status.BLOCKED) for t in digest.tasks
            ):
                written.append(w["proposal_late"])
            written = written or [w["proposal_none"]]
        for text in written:
            kit.paragraph(self.document, text, indent=True, after=3, justify=True)

    # --- the end: closing, Nơi nhận, signature ------------------------------------------

    def signature(self) -> None:
        w, settings = self.w, self.settings
        kit.paragraph(self.document, w["closing"].format(office=self.office), indent=True)
        ((left, right),) = kit.layout_grid(self.document, (85, 80))
        heading = left.paragraphs[0]
        kit.font(heading.add_run(w["recipients"]), 12, bold=True, italic=True)
        for line in settings.recipients:
            item = left.add_paragraph()
            kit.font(item.add_run(f"- {line};"), 11)
            item.paragraph_format.space_after = Pt(0)
        first = True
        for line in settings.signer_title:
            title = right.paragraphs[0] if first else right.add_paragraph()
            first = False
            title.alignment = WD_ALIGN_PARAGRAPH.CENTER
            title.paragraph_format.space_after = Pt(0)
            kit.font(title.add_run(line), kit.BODY_PT, bold=True)
        for _ in range(4):  # room to sign and stamp
            right.add_paragraph().paragraph_format.space_after = Pt(6)
        name = right.add_paragraph()
        name.alignment = WD_ALIGN_PARAGRAPH.CENTER
        kit.font(name.add_run(settings.signer_name), kit.BODY_PT, bold=True)

    # --- Phụ lục ----------------------------------------------------------------------------

    def annex(self) -> None:
        w, digest, document = self.w, self.digest, self.document
        kit.landscape(document)
        center = WD_ALIGN_PARAGRAPH.CENTER
        kit.paragraph(document, w["annex"], bold=True, align=center, after=0)
        kit.paragraph(
            document,
            w["annex_title"].format(month=digest.period.label),
            bold=True,
            align=center,
            after=0,
        )
        date = digest.as_of.astimezone(self.zone).strftime("%d/%m/%Y")
        sub = w["annex_sub"].format(number=self.number.strip(), date=date, office=self.office)
        kit.paragraph(document, sub, italic=True, align=center, after=6)
        widths = (12, 64, 22, 42, 26, 22, 74)
        annex = kit.ANNEX_STYLE_ID
        table = kit.table(
            document,
            [
                w["col_no"],
                w["col_task"],
                w["col_deadline"],
                w["col_lead"],
                w["col_status"],
                w["col_date"],
                w["col_note"],
            ],
            widths,
            style_id=annex,
        )
        cut = False
        groups: list[list[list[docx_rows.Cell]]] = []
        for index, task in enumerate(digest.tasks, 1):
            leads, others = _leads_and_others(task)
            deadline = task.deadline.strftime("%d/%m/%Y") if task.deadline else w["standing"]
            overall = f"{w['overall']}: {category_label(task.category, self.locale).lower()}"
            # The task's own cells once, merged down over its leads' rows (None below).
            described = [f"{task.number}. {task.title}", overall]
            if task.files:  # what the agencies sent with their reports, by name
                described.append(f"{w['files']}: " + "; ".join(name for _, name in task.files))
            own: list[docx_rows.Cell] = [str(index), described, deadline]
            rows: list[list[docx_rows.Cell]] = []
            for position, entry in enumerate(leads):
                note, shortened = self._annex_note(entry)
                cut = cut or shortened
                lead_lines = [entry.agency]
                if position == len(leads) - 1 and others:
                    coordinating = "; ".join(
                        f"{e.agency} ({bucket_label(e.bucket, self.locale).lower()})"
                        for e in others
                    )
                    lead_lines.append(f"{w['col_coordinating']}: {coordinating}")
                rows.append(
                    [
                        *(own if position == 0 else [None] * len(own)),
                        lead_lines,
                        bucket_label(entry.bucket, self.locale),
                        entry.reported_at.astimezone(self.zone).strftime("%d/%m/%Y")
                        if entry.reported_at
                        else "",
                        note,
                    ]
                )
            groups.append(rows)
        # Written as XML in bulk: python-docx's rows and merges search the whole table on
        # every call, which made a city-wide annex take minutes.
        docx_rows.append_rows(table, groups, widths, style_id=annex)
        if cut:
            kit.paragraph(document, w["annex_cut"], size=11, italic=True, before=4, after=0)

    def _annex_note(self, entry: AgencyEntry) -> tuple[str, bool]:
        """The entry's note, cut to the annex's length, with an edit's or late report's mark."""
        note = entry.note or ""
        shortened = len(" ".join(note.split())) > NOTE_IN_ANNEX
        text = short_note(note, NOTE_IN_ANNEX) if note else ""
        if entry.edited_after_close:
            before = status_text(entry.status_at_close, self.locale)
            text += f" [{self.w['edited_mark'].format(before=before)}]"
        elif entry.late_report:
            text += f" [{self.w['late_mark']}]"
        return text.strip(), shortened

    def bytes(self) -> bytes:
        buffer = BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def render_docx(
    digest: Digest,
    *,
    zone: ZoneInfo,
    locale: str = "vi",
    chart_png: bytes | None = None,
    settings: ReportSettings | None = None,
) -> bytes:
    """The digest as the monthly report (Decree 30/2020/NĐ-CP), its annex in landscape."""
    report = _Report(digest, zone, locale, settings or ReportSettings())
    kit.portrait(report.document.sections[0])
    kit.styles(report.document)
    kit.page_numbers(report.document.sections[0])
    report.header()
    report.title()
    report.overall(chart_png)
    report.tasks()
    report.difficulties()
    report.reporting()
    report.proposals()
    report.signature()
    report.annex()
    return report.bytes()
