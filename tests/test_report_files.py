"""Files with a report: an officer's signed report is kept with the task, whole and once;
the secretariat gets it back; what cannot be kept is said so."""

from __future__ import annotations

import hashlib
import io

from docx import Document
from sqlmodel import select

from db.engine import session_scope
from db.models import ReportFile, Role
from db.periods import period_by_month
from dondoc.stage import Stage
from jobs.digest import build_digest
from jobs.digest_text import render_text
from reports import render_file
from tests.conftest import HANOI
from tests.test_agency_people import after
from tests.test_chat_flows import button_data

REQUEST = "Đề nghị báo cáo"
SIGNED = b"%PDF-1.4\n" + bytes(range(256)) * 200 + b"\n%%EOF\n"  # a 51 KB "signed report"


async def test_a_signed_report_is_kept_with_the_task_and_given_back_to_the_secretariat(
    stage: Stage,
) -> None:
    secretary = await stage.join(1001, "Hà", "vp-ubnd", Role.SECRETARIAT)
    lan = await stage.join(2001, "Lan", "cuc-qltt")
    request = [m for m in lan.messages() if REQUEST in m.get("text", "")][-1]
    await lan.press(request, button_data(request, "Đang thực hiện"))
    await lan.wait_for_message()

    mark = lan.mark()
    await lan.send_document(SIGNED, "Bao cao so 15-BC.pdf", caption="Báo cáo tháng 8")
    await stage.server.wait_until(lambda: bool(after(lan, mark)), 15)
    saved = after(lan, mark)[-1]["text"]
    assert "Đã nhận tệp Bao cao so 15-BC.pdf" in saved and "2.5" in saved
    assert "ghi chú" in saved  # the note after the status is still awaited
    mark = lan.mark()
    await lan.send_document(SIGNED, "Bao cao so 15-BC.pdf")  # sent twice: kept once
    await stage.server.wait_until(lambda: bool(after(lan, mark)), 15)
    assert "đã được nhận trước đó" in after(lan, mark)[-1]["text"]
    odd = await lan.send_and_wait("Đã kiểm tra 120 cơ sở.")
    assert "ghi chú" in odd["text"].lower()

    with session_scope(stage.engine) as session:
        kept = session.exec(select(ReportFile)).all()
    assert len(kept) == 1
    assert kept[0].sha256 == hashlib.sha256(SIGNED).hexdigest() and kept[0].size == len(SIGNED)
    assert kept[0].caption == "Báo cáo tháng 8"

    mark = secretary.mark()
    await secretary.send("/files 2658/UBND-KT 2.5")
    await stage.server.wait_until(lambda: any("document" in m for m in after(secretary, mark)), 15)
    sent = [m for m in after(secretary, mark) if "document" in m]
    assert len(sent) == 1 and sent[0]["document"]["file_name"] == "Bao cao so 15-BC.pdf"
    assert secretary.document_bytes(sent[0]["document"]) == SIGNED
    assert "Cục Quản lý thị trường" in sent[0]["caption"] and "Lan" in sent[0]["caption"]
    refused = await lan.send_and_wait("/files 2658/UBND-KT 2.5")
    assert "document" not in refused

    # The digest and the Word report's annex name the file beside its task.
    with session_scope(stage.engine) as session:
        period = period_by_month(session=session, month="2021-08")
        assert period is not None
        digest = build_digest(session=session, period=period, as_of=stage.clock(), zone=HANOI)
    text = render_text(digest, zone=HANOI)
    assert "📎 Tệp gửi kèm: Bao cao so 15-BC.pdf (Cục Quản lý thị trường" in text
    annex = Document(io.BytesIO(render_file(digest, "docx", zone=HANOI, chart=False).content))
    cells = {cell.text for table in annex.tables for row in table.rows for cell in row.cells}
    assert any("Tệp gửi kèm: Bao cao so 15-BC.pdf" in cell for cell in cells)


async def test_files_that_cannot_be_kept_are_refused_with_the_reason(stage: Stage) -> None:
    lan = await stage.join(2001, "Lan", "cuc-qltt")
    khdt = await stage.join(2002, "Minh", "so-khdt")

    for person, data, name, expected in [
        (lan, b"MZ\x90\x00" * 100, "setup.exe", "chưa được lưu"),
        (lan, b"%PDF-1.4\n" + b"0" * (21 * 1024 * 1024), "ban-scan.pdf", "vượt giới hạn 20 MB"),
        (khdt, SIGNED, "bao-cao.pdf", "chọn nhiệm vụ"),  # several tasks: which one?
    ]:
        mark = person.mark()
        await person.send_document(data, name)
        await stage.server.wait_until(lambda p=person, m=mark: bool(after(p, m)), 15)
        assert expected in after(person, mark)[-1]["text"], name
    with session_scope(stage.engine) as session:
        assert session.exec(select(ReportFile)).all() == []
