"""The invitation pack: one fresh invite per agency that owes a task, as the Office sends them.

`dondoc invite --all` writes two files:

- a Word document with one page per agency: the Office's short letter (Decree 30/2020/NĐ-CP
  layout, reports/docx_kit.py) addressed to the agency, the tasks it owes, its deep link as
  text and as a QR code, the invite's expiry;
- a CSV (UTF-8 with BOM, for Excel) of agency, role, invite code, link and expiry, for
  whoever sends the links by e-mail or Zalo instead.

The letter's words are here, one set per locale, Vietnamese first.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO, StringIO
from typing import Any
from zoneinfo import ZoneInfo

import segno
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from sqlmodel import Session

from bot.texts import role_label
from db.contacts import create_invite
from db.models import Role
from dondoc.agency_roll import AgencyOnRoll, DirectiveRef
from dondoc.config import ReportSettings
from dondoc.sanitize import inert_cell
from reports import docx_kit as kit

TASKS_LISTED = 5  # a page per agency: more tasks are counted, not listed
LINE_CHARS = 84  # a listed task on one line at 12 pt across the A4 text width
QR_MM = 40  # a module about a millimetre wide: scans from a printed page at arm's length
LETTER_PT = 13
SMALL_PT = 12
SIGNING_LINES = 4  # room to sign and stamp, as in the Word report
HEADER_MM = (70, 95)  # the issuer on one line beside the national motto

# Who an invitation pack is for: one contact per agency that owes tasks.
PACK_ROLES = (Role.OFFICER, Role.LEADER)

LETTER_WORDS: dict[str, dict[str, str]] = {
    "vi": {
        "motto_1": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "motto_2": "Độc lập - Tự do - Hạnh phúc",
        "number": "Số:          /VP",
        "about.officer": "V/v đăng ký nhận đề nghị báo cáo qua Telegram",
        "about.leader": "V/v đăng ký nhận tin nhắc báo cáo qua Telegram",
        "place_date": "{place}ngày {day} tháng {month} năm {year}",
        "to": "Kính gửi: {agency}.",
        "purpose_one": "Để theo dõi, đôn đốc việc thực hiện các nhiệm vụ được giao tại Văn bản số "
        "{code} ngày {date} của {issuer}, {office} đề nghị đồng chí {contact} của {agency} mở "
        "đường dẫn hoặc quét mã QR dưới đây để {purpose}",
        "purpose_many": "Để theo dõi, đôn đốc việc thực hiện các nhiệm vụ được giao tại các văn "
        "bản chỉ đạo, điều hành, {office} đề nghị đồng chí {contact} của {agency} mở đường dẫn "
        "hoặc quét mã QR dưới đây để {purpose}",
        "purpose.officer": "đăng ký nhận đề nghị báo cáo qua Telegram. Hằng tháng, hệ thống gửi "
        "đề nghị báo cáo tình hình thực hiện từng nhiệm vụ; đồng chí {contact} báo cáo ngay trong "
        "Telegram.",
        "purpose.leader": "đăng ký nhận qua Telegram bản sao tin nhắc báo cáo khi đơn vị chưa "
        "báo cáo đúng hạn, để đồng chí biết, chỉ đạo. Việc báo cáo do cán bộ đầu mối của đơn vị "
        "thực hiện.",
        "tasks": "Các nhiệm vụ đơn vị được giao, báo cáo hằng tháng ({count}):",
        "task": "- Nhiệm vụ {number}: {title}",
        "task_of": "- Văn bản {code}, nhiệm vụ {number}: {title}",
        "more": "- … và {count} nhiệm vụ khác.",
        "link": "Đường dẫn đăng ký:",
        "code": "Mã mời: {code}",
        "group": "Đơn vị dùng nhóm Telegram: quản trị viên nhóm thêm bot vào nhóm và gửi "
        "/register {code} trong nhóm.",
        "when": "{hour} giờ {minute} ngày {day}",
        "expiry": "Mã mời có hiệu lực đến {when}, chỉ dùng một lần. Khi mã mời hết hạn hoặc "
        "thay đổi {contact}, đề nghị đơn vị liên hệ {office} để được cấp mã mời mới.",
        "closing": "{office} đề nghị đơn vị quan tâm, phối hợp thực hiện./.",
        "recipients": "Nơi nhận:",
        "recipient_lines": "- Như trên;\n- Lưu: VT.",
    },
    "en": {
        "motto_1": "SOCIALIST REPUBLIC OF VIETNAM",
        "motto_2": "Independence - Freedom - Happiness",
        "number": "No.:          /VP",
        "about.officer": "Re: receiving requests for status reports on Telegram",
        "about.leader": "Re: receiving reminders to report on Telegram",
        "place_date": "{place}{day}/{month}/{year}",
        "to": "To: {agency}.",
        "purpose_one": "To follow up the tasks assigned in document No. {code} of {date} by "
        "{issuer}, the {office} asks the {contact} of {agency} to open the link or scan the QR "
        "code below to {purpose}",
        "purpose_many": "To follow up the tasks assigned in the directives in force, the "
        "{office} asks the {contact} of {agency} to open the link or scan the QR code below to "
        "{purpose}",
        "purpose.officer": "receive requests for status reports on Telegram. Every month the "
        "system asks for the status of each task; the {contact} reports in Telegram itself.",
        "purpose.leader": "receive on Telegram a copy of the reminders sent when the agency is "
        "late to report, for information and direction. The agency's reporting officer reports.",
        "tasks": "Tasks assigned to the agency, reported monthly ({count}):",
        "task": "- Task {number}: {title}",
        "task_of": "- Document {code}, task {number}: {title}",
        "more": "- … and {count} more tasks.",
        "link": "Link to register:",
        "code": "Invite code: {code}",
        "group": "For the agency's Telegram group: a group administrator adds the bot to the "
        "group and sends /register {code} there.",
        "when": "{hour}:{minute} on {day}",
        "expiry": "The invite is valid until {when}, for one use only. When it has expired or "
        "the {contact} changes, please ask the {office} for a new one.",
        "closing": "The {office} thanks the agency for its cooperation.",
        "recipients": "Copies:",
        "recipient_lines": "- As above;\n- Archive.",
    },
}
CSV_HEADER = ("agency_code", "agency_name", "role", "invite_code", "link", "expires_at")


def letter_words(locale: str) -> dict[str, str]:
    """The letter's words in `locale` (Vietnamese when unknown)."""
    return LETTER_WORDS.get(locale, LETTER_WORDS["vi"])


@dataclass(frozen=True)
class Invitation:
    """One agency's fresh invite and the tasks its letter lists."""

    agency: AgencyOnRoll
    role: Role
    code: str
    link: str
    expires_at: datetime


def deep_link(bot_username: str, code: str) -> str:
    """The t.me link that opens the bot with the invite code as /start's parameter."""
    return f"https://t.me/{bot_username.lstrip('@')}?start={code}"


def needs_invite(agency: AgencyOnRoll, role: Role, *, again: bool) -> bool:
    """An agency is invited unless someone the bot can reach already speaks for it in `role`."""
    return again or not agency.reachable(role)


def issue_invitations(
    *,
    session: Session,
    agencies: Sequence[AgencyOnRoll],
    role: Role,
    bot_username: str,
    now: datetime,
    valid_days: int,
    on_issued: Callable[[], None] | None = None,
) -> list[Invitation]:
    """A new single-use invite for each agency (audited like `dondoc invite`)."""
    issued = []
    for agency in agencies:
        made = create_invite(
            session=session, agency_code=agency.code, role=role, now=now, valid_days=valid_days
        )
        issued.append(
            Invitation(agency, role, made.code, deep_link(bot_username, made.code), made.expires_at)
        )
        if on_issued is not None:
            on_issued()
    return issued


def qr_png(link: str) -> bytes:
    """The link as a QR code PNG: error correction M (a smudged print still scans)."""
    buffer = BytesIO()
    segno.make(link, error="m", micro=False).save(buffer, kind="png", scale=10, border=4)
    return buffer.getvalue()


def one_line(text: str, limit: int = LINE_CHARS) -> str:
    """A listed task cut at a word to one printed line (the page holds the whole letter)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 2].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def expiry_text(expires_at: datetime, zone: ZoneInfo, locale: str) -> str:
    """ "14 giờ 30 ngày 08/01/2025": the moment the invite stops working, local time."""
    local = expires_at.astimezone(zone)
    return letter_words(locale)["when"].format(
        hour=f"{local.hour:02d}", minute=f"{local.minute:02d}", day=f"{local:%d/%m/%Y}"
    )


def _place_of(issuer: str) -> str:
    """ "Hà Nội" in "UBND Thành phố Hà Nội" (the Word report reads it the same way)."""
    from reports.word import place_of

    return place_of(issuer)


class _Pack:
    """The Word document being written: a page per invitation."""

    def __init__(
        self,
        directives: Sequence[DirectiveRef],
        *,
        settings: ReportSettings,
        zone: ZoneInfo,
        locale: str,
        today: date,
    ) -> None:
        self.directives = {d.code: d for d in directives}
        self.settings, self.zone, self.locale, self.today = settings, zone, locale, today
        self.w = letter_words(locale)
        issuer = directives[0].issuer if directives else ""
        self.parent = settings.parent or issuer.upper()
        self.place = settings.place or _place_of(issuer)
        self.office = settings.office_name
        self.document: DocumentObject = Document()
        kit.styles(self.document)
        # A letter, not a report: 13 pt (the decree allows 13–14) keeps it to one page.
        self.document.styles["Normal"].font.size = Pt(LETTER_PT)  # type: ignore[attr-defined]
        kit.portrait(self.document.sections[0])
        # The letters written so far, out of the body until the end (see `page`).
        self.written: list[Any] = []

    def page(self, invitation: Invitation, *, first: bool) -> None:
        if not first:
            self.new_page()
        self.header(invitation.role)
        self.letter(invitation)
        self.signature()
        # python-docx searches the whole body for each paragraph, table and picture it adds
        # (where the section ends, the next drawing id): with every letter in it, a city's
        # pack would take time growing with the square of its pages. Each finished letter
        # leaves the body and all come back, in order, when the document is saved.
        body = self.document.element.body
        for element in list(body.iterchildren()):
            if element.tag != qn("w:sectPr"):
                body.remove(element)
                self.written.append(element)

    def new_page(self) -> None:
        """A one-point paragraph that starts the next letter on a new page.

        Not a page-break character: after a letter that fills its page exactly, that would
        fall on the next page itself and leave it blank.
        """
        paragraph = self.document.add_paragraph()
        paragraph.paragraph_format.page_break_before = True
        paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(0)
        mark = OxmlElement("w:rPr")
        size = OxmlElement("w:sz")
        size.set(qn("w:val"), "2")
        mark.append(size)
        paragraph._p.get_or_add_pPr().append(mark)

    def header(self, role: Role) -> None:
        w = self.w
        center = WD_ALIGN_PARAGRAPH.CENTER
        (left, right), (number_cell, date_cell) = kit.layout_grid(self.document, HEADER_MM, rows=2)
        _line(left, self.parent, size=kit.HEADER_PT, first=True)
        _line(left, self.settings.office, size=kit.HEADER_PT, bold=True)
        _line(left, "───────", size=8)
        _line(right, w["motto_1"], size=12, bold=True, first=True)
        motto = _line(right, w["motto_2"], size=kit.HEADER_PT, bold=True)
        motto.runs[0].font.underline = True
        _line(number_cell, w["number"], size=kit.HEADER_PT, first=True)
        _line(number_cell, w[f"about.{role.value}"], size=SMALL_PT)
        month = f"{self.today.month:02d}" if self.today.month < 3 else str(self.today.month)
        when = w["place_date"].format(
            place=f"{self.place}, " if self.place else "",
            day=f"{self.today.day:02d}",
            month=month,
            year=self.today.year,
        )
        _line(date_cell, when, size=kit.HEADER_PT, italic=True, first=True)
        for cell in (left, right, number_cell, date_cell):
            for paragraph in cell.paragraphs:
                paragraph.alignment = center

    def letter(self, invitation: Invitation) -> None:
        w, agency, document = self.w, invitation.agency, self.document
        contact = role_label(invitation.role, self.locale)
        kit.paragraph(
            document,
            w["to"].format(agency=agency.name),
            align=WD_ALIGN_PARAGRAPH.CENTER,
            before=12,
            after=6,
        )
        cited = {task.directive_code for task in agency.tasks}
        what = w[f"purpose.{invitation.role.value}"].format(contact=contact)
        values = {"office": self.office, "contact": contact, "agency": agency.name, "purpose": what}
        if len(cited) == 1 and (directive := self.directives.get(next(iter(cited)))):
            issued = directive.issued_on
            purpose = w["purpose_one"].format(
                code=directive.code,
                date=f"{issued.day}/{issued.month}/{issued.year}",
                issuer=directive.issuer,
                **values,
            )
        else:
            purpose = w["purpose_many"].format(**values)
        kit.paragraph(document, purpose, indent=True, justify=True, after=3)
        kit.paragraph(document, w["tasks"].format(count=len(agency.tasks)), indent=True, after=0)
        lines = [
            one_line(
                w["task" if len(cited) == 1 else "task_of"].format(
                    code=task.directive_code, number=task.number, title=task.title
                )
            )
            for task in agency.tasks[:TASKS_LISTED]
        ]
        if len(agency.tasks) > TASKS_LISTED:
            lines.append(w["more"].format(count=len(agency.tasks) - TASKS_LISTED))
        for line in lines:
            listed = kit.paragraph(document, line, size=SMALL_PT, after=0)
            listed.paragraph_format.left_indent = Mm(5)
        self.link_block(invitation)
        expiry = w["expiry"].format(
            when=expiry_text(invitation.expires_at, self.zone, self.locale),
            contact=contact,
            office=self.office,
        )
        kit.paragraph(document, expiry, indent=True, justify=True, after=3)
        kit.paragraph(document, w["closing"].format(office=self.office), indent=True, after=6)

    def link_block(self, invitation: Invitation) -> None:
        """The QR code, and beside it the same link as text, the code and the group's way."""
        ((qr_cell, text_cell),) = kit.layout_grid(self.document, (QR_MM + 4, 161 - QR_MM))
        picture = qr_cell.paragraphs[0]
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.add_run().add_picture(BytesIO(qr_png(invitation.link)), width=Mm(QR_MM))
        w = self.w
        _line(text_cell, w["link"], size=SMALL_PT, bold=True, first=True, before=10)
        _hyperlink(text_cell.add_paragraph(), invitation.link, size=SMALL_PT)
        _line(text_cell, w["code"].format(code=invitation.code), size=SMALL_PT, before=6)
        if invitation.role is Role.OFFICER:  # an agency may report from its group chat
            _line(text_cell, w["group"].format(code=invitation.code), size=SMALL_PT, italic=True)

    def signature(self) -> None:
        settings = self.settings
        ((left, right),) = kit.layout_grid(self.document, (75, 90))
        _line(left, self.w["recipients"], size=SMALL_PT, bold=True, italic=True, first=True)
        for line in self.w["recipient_lines"].splitlines():
            _line(left, line, size=11)
        for index, title in enumerate(settings.signer_title):
            _line(right, title, size=kit.HEADER_PT, bold=True, first=index == 0)
        for _ in range(SIGNING_LINES):
            _line(right, "", size=kit.HEADER_PT)
        _line(right, settings.signer_name, size=kit.HEADER_PT, bold=True)
        for paragraph in right.paragraphs:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def bytes(self) -> bytes:
        body = self.document.element.body
        end = body.find(qn("w:sectPr"))
        for element in self.written:
            end.addprevious(element)
        # Each picture was numbered in a body holding only its own letter: number them anew,
        # as Word wants every drawing's id distinct.
        for number, drawing in enumerate(body.iter(qn("wp:docPr")), start=1):
            drawing.set("id", str(number))
        buffer = BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def _line(
    cell: _Cell,
    text: str,
    *,
    size: float,
    bold: bool = False,
    italic: bool = False,
    first: bool = False,
    before: float = 0,
) -> Paragraph:
    """A line in a layout cell (its first, empty paragraph reused when `first`)."""
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    kit.font(paragraph.add_run(text), size, bold, italic)
    paragraph.paragraph_format.space_before = Pt(before)
    paragraph.paragraph_format.space_after = Pt(0)
    return paragraph


def _hyperlink(paragraph: Paragraph, url: str, *, size: float) -> None:
    """The URL as a link that opens when clicked (python-docx has no call for one)."""
    relation = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relation)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    for tag, value in (("w:color", "0563C1"), ("w:u", "single"), ("w:sz", str(int(size * 2)))):
        element = OxmlElement(tag)
        element.set(qn("w:val"), value)
        properties.append(element)
    text = OxmlElement("w:t")
    text.text = url
    run.append(properties)
    run.append(text)
    link.append(run)
    paragraph._p.append(link)
    paragraph.paragraph_format.space_after = Pt(0)


def render_pack_docx(
    invitations: Sequence[Invitation],
    directives: Sequence[DirectiveRef],
    *,
    settings: ReportSettings,
    zone: ZoneInfo,
    locale: str,
    today: date,
    on_page: Callable[[], None] | None = None,
) -> bytes:
    """The letters, a page per invitation, in the order given."""
    pack = _Pack(directives, settings=settings, zone=zone, locale=locale, today=today)
    for index, invitation in enumerate(invitations):
        pack.page(invitation, first=index == 0)
        if on_page is not None:
            on_page()
    return pack.bytes()


def render_pack_csv(invitations: Sequence[Invitation], *, zone: ZoneInfo) -> bytes:
    """A row per invitation (UTF-8 with BOM for Excel); no field starts like a formula."""
    buffer = StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for made in invitations:
        expires = made.expires_at.astimezone(zone).strftime("%d/%m/%Y %H:%M")
        row = (made.agency.code, made.agency.name, made.role.value, made.code, made.link, expires)
        writer.writerow([inert_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
