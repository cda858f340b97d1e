"""Every sentence the bot says to people, Vietnamese first, English second.

Texts are Telegram HTML templates; the values put into them are escaped by
`say`, so a name or note can never break the markup.
"""

from __future__ import annotations

from html import escape
from typing import Any

from db.models import AssignmentRole, Role, Status

STATUS_ICONS: dict[Status, str] = {
    Status.DONE: "✅",
    Status.IN_PROGRESS: "🔄",
    Status.BEHIND: "⚠️",
    Status.BLOCKED: "⛔",
}

# One name for each thing, in every text of a locale: the chat, the digest and the reports
# say "cán bộ đầu mối", "đề nghị báo cáo", "chậm nhất trong ngày …", "Thường xuyên" alike.
GLOSSARY: dict[str, dict[str, str]] = {
    "vi": {
        "office": "Văn phòng UBND Thành phố",
        "officer": "cán bộ đầu mối",
        "secretariat": "thư ký tổng hợp (Văn phòng)",
        "request": "Đề nghị báo cáo",
        "reminder": "Nhắc báo cáo",
        "by_day": "chậm nhất trong ngày",
        "standing": "Thường xuyên",
        "note": "ghi chú",
        "partial": "báo cáo chưa đủ",
        "unreported": "chưa báo cáo",
    },
    "en": {
        "office": "City People's Committee Office",
        "officer": "reporting officer",
        "secretariat": "secretariat (Office)",
        "request": "Request for a status report",
        "reminder": "Reminder to report",
        "by_day": "by the end of",
        "standing": "Standing task",
        "note": "note",
        "partial": "reported in part",
        "unreported": "not reported",
    },
}
_V = GLOSSARY["vi"]
_E = GLOSSARY["en"]

VI: dict[str, str] = {
    "status.done": "Đã hoàn thành",
    "status.in_progress": "Đang thực hiện",
    "status.behind": "Chậm tiến độ",
    "status.blocked": "Có vướng mắc",
    "status.none": "Chưa báo cáo",
    "status.unset": "Đã gửi ghi chú, chưa chọn tình trạng",
    "status.overdue": "Quá hạn",
    "role.lead": "chủ trì",
    "role.coordinating": "phối hợp",
    "contact.officer": _V["officer"],
    "contact.secretariat": _V["secretariat"],
    "contact.admin": "quản trị hệ thống",
    "contact.leader": "lãnh đạo đơn vị",
    "invite.joined_leader": (
        "Kính chào đồng chí {name}. Đồng chí đã được đăng ký làm <b>{role}</b> của "
        "<b>{agency}</b>.\n"
        "Khi đơn vị chưa báo cáo đúng hạn, Văn phòng gửi đồng chí bản sao tin nhắc báo cáo để "
        "đồng chí biết, chỉ đạo; việc báo cáo do cán bộ đầu mối của đơn vị thực hiện."
    ),
    "help.leader": (
        "<b>dondoc</b> — theo dõi tình hình báo cáo của <b>{agency}</b>.\n\n"
        "• Khi đơn vị chưa báo cáo đúng hạn, đồng chí nhận bản sao tin nhắc báo cáo.\n"
        "• /pending — các nhiệm vụ đơn vị chưa báo cáo trong tháng.\n"
        "• /help — hướng dẫn này."
    ),
    "refusal.leader": (
        "Đồng chí được đăng ký làm lãnh đạo đơn vị: nhận bản sao tin nhắc, không gửi báo cáo. "
        "Việc báo cáo do cán bộ đầu mối của đơn vị thực hiện; nội dung chưa được ghi nhận."
    ),
    "late_copy.header": (
        "📌 <b>Bản sao tin nhắc báo cáo tháng {month}</b> (để đồng chí biết, chỉ đạo)\n"
        "<b>{agency}</b> còn <b>{count}</b> nhiệm vụ chưa báo cáo; hạn báo cáo "
        f"{_V['by_day']} <b>{{due}}</b>. Văn phòng đã nhắc cán bộ đầu mối của đơn vị."
    ),
    "late_copy.continued": "📌 <b>Bản sao tin nhắc báo cáo tháng {month}</b> (tiếp theo, phần "
    "{page}/{pages})",
    "welcome.stranger": (
        f"Kính chào đồng chí. Đây là <b>dondoc</b>, hệ thống theo dõi, đôn đốc thực hiện nhiệm "
        f"vụ của {_V['office']}.\nTài khoản của đồng chí chưa được đăng ký làm {_V['officer']} "
        f"của đơn vị nào. Đề nghị đồng chí sử dụng đường dẫn mời do Văn phòng gửi đơn vị."
    ),
    "welcome.group_stranger": (
        f"Kính chào các đồng chí. Đây là <b>dondoc</b>, hệ thống theo dõi, đôn đốc thực hiện "
        f"nhiệm vụ của {_V['office']}.\nNhóm này chưa được đăng ký cho đơn vị nào. Đề nghị quản "
        "trị viên của nhóm đăng ký bằng lệnh /register &lt;mã mời&gt;."
    ),
    "refusal.stranger": (
        f"Tài khoản của đồng chí chưa được đăng ký làm {_V['officer']} của đơn vị nào nên nội "
        f"dung này chưa được ghi nhận. Đề nghị đồng chí liên hệ {_V['office']} để được cấp "
        "đường dẫn mời."
    ),
    "refusal.secretariat_only": (
        "Lệnh này chỉ dành cho Văn phòng (thư ký tổng hợp). Đồng chí đang là {role} của {agency}."
    ),
    "refusal.officer_only": f"Lệnh này dành cho {_V['officer']} báo cáo của đơn vị.",
    "refusal.not_yours": (
        "Nhiệm vụ này không thuộc đơn vị của đồng chí; nội dung chưa được ghi nhận."
    ),
    "refusal.stale": (
        "Nút này thuộc kỳ báo cáo đã kết thúc hoặc không còn hợp lệ; nội dung chưa được ghi nhận."
    ),
    "invite.joined": (
        "Kính chào đồng chí {name}. Đồng chí đã được đăng ký làm <b>{role}</b> của "
        "<b>{agency}</b>.\n"
        "Hằng tháng, Văn phòng sẽ gửi đề nghị báo cáo tình hình thực hiện nhiệm vụ; đồng chí "
        f"báo cáo bằng nút bấm và một {_V['note']} ngắn. Gõ /help để xem hướng dẫn."
    ),
    "invite.already": "Đồng chí đã là {role} của <b>{agency}</b>.",
    "invite.joined_group": (
        "Nhóm <b>{group}</b> đã được đồng chí {name} đăng ký làm <b>{role}</b> của "
        "<b>{agency}</b>.\n"
        "Hằng tháng, Văn phòng sẽ gửi đề nghị báo cáo vào nhóm này; mọi thành viên của nhóm đều "
        "có thể báo cáo thay cho đơn vị: bấm nút, hoặc trả lời (reply) tin nhắn đề nghị bằng một "
        f"{_V['note']} ngắn. Gõ /help để xem hướng dẫn."
    ),
    "invite.already_group": "Nhóm này đã là {role} của <b>{agency}</b>.",
    "register.usage": "Cách dùng: /register &lt;mã mời&gt; (mã trong đường dẫn Văn phòng đã gửi).",
    "register.not_admin": (
        "Chỉ quản trị viên của nhóm mới có thể đăng ký nhóm làm đầu mối của đơn vị; nội dung "
        "chưa được ghi nhận. Đề nghị quản trị viên nhóm gõ /register &lt;mã mời&gt;."
    ),
    "invite.unknown": (
        "Mã mời không đúng. Đề nghị đồng chí kiểm tra lại đường dẫn Văn phòng đã gửi."
    ),
    "invite.bound": (
        "Cuộc trò chuyện này đã được đăng ký làm <b>{role}</b> của <b>{agency}</b>; mỗi cuộc trò "
        "chuyện chỉ đại diện cho một đơn vị với một vai trò, nên mã mời này chưa được sử dụng. "
        "Để đổi đăng ký, đề nghị liên hệ Văn phòng để thu hồi đăng ký hiện tại "
        "(<code>dondoc contacts revoke</code>), sau đó dùng lại mã mời."
    ),
    "invite.joined_secretariat": (
        "Kính chào đồng chí {name}. Đồng chí đã được đăng ký làm <b>{role}</b> của "
        "<b>{agency}</b>: nhận báo cáo tổng hợp hằng tháng và danh sách đơn vị chưa báo cáo."
    ),
    "error.not_recorded": (
        "Hệ thống đang gặp sự cố nên nội dung vừa gửi <b>chưa được ghi nhận</b>. "
        "Đề nghị đồng chí gửi lại sau ít phút."
    ),
    "error.admins_told": " Quản trị viên hệ thống đã được thông báo.",
    "callback.not_recorded": "Chưa ghi nhận, đề nghị bấm lại sau ít phút",
    "alert.update": "⚠️ <b>dondoc</b>: lỗi khi xử lý tin nhắn (cập nhật {id}) của {user}: {error}",
    "alert.job": "⚠️ <b>dondoc</b>: lỗi trong một việc theo lịch: {error}",
    "alert.suppressed": " (và {count} lỗi khác trong {seconds} giây qua)",
    "invite.used": "Mã mời này đã được sử dụng; mỗi mã chỉ dùng một lần. Đề nghị xin cấp mã mới.",
    "invite.expired": "Mã mời này đã hết hạn ngày {date}. Đề nghị Văn phòng cấp mã mới.",
    "invite.revoked": "Mã mời này đã bị thu hồi. Đề nghị Văn phòng cấp mã mới.",
    "help.officer": (
        "<b>dondoc</b> — báo cáo tình hình thực hiện nhiệm vụ của <b>{agency}</b>.\n\n"
        "• Hằng tháng, Văn phòng gửi đề nghị báo cáo; đồng chí chọn nhiệm vụ, chọn tình trạng, "
        f"rồi gửi {_V['note']} ngắn (hoặc /skip).\n"
        "• Trả lời trực tiếp vào tin nhắn đề nghị báo cáo cũng được ghi nhận là báo cáo.\n"
        "• /pending — các nhiệm vụ đơn vị chưa báo cáo trong tháng.\n"
        "• /help — hướng dẫn này."
    ),
    "help.secretariat": (
        "<b>dondoc</b> — theo dõi, đôn đốc, báo cáo tình hình thực hiện nhiệm vụ.\n\n"
        "• /summary — tổng hợp tháng hiện tại (tóm tắt và các tệp báo cáo); /summary 08/2021 — "
        "tổng hợp một tháng; /summary full — toàn văn từng nhiệm vụ.\n"
        "• /missing (hoặc /pending) — các đơn vị chưa báo cáo; /remind — nhắc các đơn vị ngay.\n"
        "• /close 2658/UBND-KT 2.1 — nghiệm thu, đóng nhiệm vụ đã hoàn thành; "
        "/close 2658/UBND-KT tatca — kết thúc theo dõi cả văn bản.\n"
        "• /extend 2658/UBND-KT 2.1 31/12/2026 — gia hạn nhiệm vụ.\n"
        "• /assign 2658/UBND-KT 2.1 so-tai-chinh [phoihop] — giao thêm đơn vị; "
        "/unassign 2658/UBND-KT 2.1 so-tai-chinh — thôi giao.\n"
        "• /history 2658/UBND-KT 2.1 — tình hình thực hiện nhiệm vụ qua các tháng; "
        "/files 2658/UBND-KT 2.1 — các tệp gửi kèm báo cáo.\n"
        "• /ask so-y-te,so-tai-chinh 05/12/2026 &lt;nội dung&gt; — báo cáo đột xuất.\n"
        "• /help — hướng dẫn này."
    ),
    "request.header": (
        f"📋 <b>{_V['request']} tháng {{month}}</b>\n"
        "Kính gửi <b>{agency}</b>: đề nghị báo cáo tình hình thực hiện các nhiệm vụ dưới đây "
        f"{_V['by_day']} <b>{{due}}</b>."
    ),
    "request.task": "• <b>{number}</b> ({directive}, {role}): {title}",
    "request.continued": (
        f"📋 <b>{_V['request']} tháng {{month}}</b> (tiếp theo, phần {{page}}/{{pages}})"
    ),
    "nudge.continued": (
        f"⏰ <b>{_V['reminder']} tháng {{month}}</b> (tiếp theo, phần {{page}}/{{pages}})"
    ),
    "pending.continued": "Nhiệm vụ chưa báo cáo tháng {month} (tiếp theo, phần {page}/{pages}):",
    "request.deadline": " — thời hạn {deadline}",
    "request.standing": f" — {_V['standing'].lower()}",
    "request.choose_task": "Chọn nhiệm vụ để báo cáo:",
    "request.choose_status": "Chọn tình trạng:",
    "request.reply_hint": f"Đồng chí cũng có thể trả lời tin nhắn này bằng một {_V['note']}.",
    "nudge.header": (
        f"⏰ <b>{_V['reminder']} tháng {{month}}</b>\n"
        "<b>{agency}</b> còn <b>{count}</b> nhiệm vụ chưa báo cáo. Đề nghị đơn vị báo cáo "
        f"{_V['by_day']} <b>{{due}}</b>."
    ),
    "deadline.header": (
        "📅 <b>Sắp đến thời hạn nhiệm vụ {number}</b> ({directive})\n"
        "{title}\nThời hạn hoàn thành: <b>{deadline}</b>. Đề nghị <b>{agency}</b> báo cáo tình "
        "hình thực hiện."
    ),
    "escalation.header": (
        "🚨 <b>Các đơn vị chưa báo cáo tháng {month}</b> (hạn {due}): {count} đơn vị"
    ),
    "escalation.line": "• {agency}: {count} nhiệm vụ",
    "remind.done": "Đang gửi {count} tin nhắc tới các đầu mối chưa báo cáo tháng {month}.",
    "escalation.unreachable": " — ⚠️ không liên lạc được đầu mối",
    "contact_lost": (
        "⚠️ <b>Mất liên lạc với đầu mối của {agency}</b>\n"
        "Không gửi được tin nhắn tới {name} ({reason}); hệ thống đã ngừng gửi cho đầu mối này. "
        "Đề nghị cấp mã mời mới cho đơn vị (dondoc invite)."
    ),
    "contact_lost.blocked": "đã chặn bot hoặc rời cuộc trò chuyện",
    "task.status_prompt": "Nhiệm vụ <b>{number}</b> ({directive}): {title}\nChọn tình trạng:",
    "report.saved": (
        "Đã ghi nhận: {icon} <b>{status}</b> — nhiệm vụ {number}.\n"
        f"Đề nghị gửi một {_V['note']} ngắn (kết quả, khó khăn, đề xuất) hoặc /skip để bỏ qua."
    ),
    "report.note_saved": f"Đã ghi nhận {_V['note']} cho nhiệm vụ {{number}}. Trân trọng cảm ơn.",
    "report.note_edited": (
        f"Đã cập nhật {_V['note']} nhiệm vụ {{number}} theo tin nhắn đã sửa (bản cũ vẫn được lưu)."
    ),
    "report.skipped": f"Đã ghi nhận báo cáo nhiệm vụ {{number}}, không kèm {_V['note']}.",
    "report.reply_saved": (
        "Đã ghi nhận nội dung trả lời cho nhiệm vụ {number}. Đề nghị chọn tình trạng:"
    ),
    "report.reply_which_task": "Đã nhận nội dung. Nội dung này báo cáo cho nhiệm vụ nào?",
    "report.draft_saved": "Đã ghi nhận nội dung cho nhiệm vụ {number}. Đề nghị chọn tình trạng:",
    "report.nothing_to_skip": f"Không có {_V['note']} nào đang chờ.",
    "report.not_understood": (
        "Nội dung này chưa được ghi nhận là báo cáo. Để báo cáo, đề nghị trả lời vào tin nhắn "
        "đề nghị báo cáo hoặc gõ /pending."
    ),
    "callback.saved": "Đã ghi nhận",
    "callback.refused": "Không hợp lệ",
    "pending.none_open": "Chưa có kỳ báo cáo nào đang mở.",
    "pending.all_done": "👍 {agency} đã báo cáo đủ các nhiệm vụ của tháng {month}.",
    "pending.header": "<b>{agency}</b> còn {count} nhiệm vụ chưa báo cáo trong tháng {month}:",
    "pending.missing_header": "Các đơn vị chưa báo cáo tháng {month} ({count}):",
    "pending.missing_none": "Tất cả các đơn vị đã báo cáo tháng {month}.",
    "history.usage": (
        "Cú pháp: /history &lt;số hiệu văn bản&gt; &lt;số nhiệm vụ&gt;, "
        "ví dụ /history 2658/UBND-KT 2.1."
    ),
    "history.header": "📜 <b>Tình hình thực hiện nhiệm vụ {number}</b> ({code}) qua các tháng: "
    "{title}",
    "history.month": "<b>Tháng {month}</b>",
    "history.line": "• {agency} ({role}): {status}",
    "history.by": " — {reporter}",
    "history.note": ": <i>{note}</i>",
    "history.none": "Nhiệm vụ {number} ({code}) chưa có kỳ báo cáo nào.",
    "agency.same_name": "{agency} đã mang tên này.",
    "agency.exists": "Mã {code} đã có trong danh mục.",
    "agency.bad_code": (
        "Mã đơn vị không hợp lệ: {code} (chữ thường, không dấu cách, ví dụ so-y-te)."
    ),
    "agency.merge_itself": "Không thể hợp nhất {agency} vào chính đơn vị đó.",
    "agency.ended": "{agency} đã thôi hoạt động (đã hợp nhất hoặc giải thể).",
    "agency.renamed": "Đã đổi tên {code} thành {name}; các kỳ báo cáo trước giữ tên cũ.",
    "agency.merged": (
        "Đã hợp nhất {name} vào {successor}: chuyển {tasks} nhiệm vụ đang theo dõi và "
        "{contacts} đầu mối; các kỳ báo cáo trước giữ nguyên."
    ),
    "agency.abolished": (
        "{name} thôi hoạt động: {tasks} nhiệm vụ không còn đề nghị báo cáo; "
        "các kỳ báo cáo trước giữ nguyên."
    ),
    "file.kind": ("Hệ thống nhận tệp báo cáo dạng {kinds} hoặc ảnh chụp; tệp này chưa được lưu."),
    "file.too_big": (
        "Tệp {name} ({size}) vượt giới hạn 20 MB mà hệ thống tải được qua Telegram; đề nghị "
        "nén hoặc chia nhỏ rồi gửi lại. Tệp chưa được lưu."
    ),
    "file.choose_task": (
        "Đơn vị có nhiều nhiệm vụ: đề nghị bấm chọn nhiệm vụ và tình trạng trong tin đề nghị "
        "báo cáo (hoặc /pending) trước, rồi gửi tệp. Tệp chưa được lưu."
    ),
    "file.not_fetched": "Chưa tải được tệp {name} từ Telegram; đề nghị gửi lại.",
    "file.saved": "📎 Đã nhận tệp {name} ({size}) kèm báo cáo nhiệm vụ {number}.",
    "file.again": "📎 Tệp {name} ({size}) đã được nhận trước đó kèm báo cáo nhiệm vụ {number}.",
    "file.note_still": f"Đề nghị gửi thêm {_V['note']} ngắn (hoặc /skip).",
    "file.usage": (
        "Cú pháp: /files &lt;số hiệu văn bản&gt; &lt;số nhiệm vụ&gt; [MM/YYYY], "
        "ví dụ /files 2658/UBND-KT 2.1 08/2021."
    ),
    "file.none": "Chưa có tệp nào gửi kèm báo cáo nhiệm vụ {number} tháng {month}.",
    "file.caption": "{agency} — {name}, {when}",
    "question.message": (
        "📣 <b>Báo cáo đột xuất</b>\nKính gửi <b>{agency}</b>: {text}\n"
        f"Đề nghị báo cáo {_V['by_day']} <b>{{due}}</b>: chọn tình trạng bằng nút bấm, "
        f"gửi {_V['note']} bằng cách trả lời (reply) tin nhắn này."
    ),
    "question.status_saved": (
        "Đã ghi nhận trả lời: {status}. Đề nghị trả lời (reply) tin nhắn báo cáo đột xuất để "
        f"gửi kèm {_V['note']}."
    ),
    "question.answered": "Đã ghi nhận nội dung trả lời báo cáo đột xuất. Trân trọng cảm ơn.",
    "question.empty": "Chưa có nội dung câu hỏi.",
    "question.past": "Hạn báo cáo {due} đã qua; đề nghị chọn ngày từ hôm nay trở đi.",
    "question.nobody": "Không có đơn vị nào được hỏi.",
    "question.usage": (
        "Cú pháp: /ask &lt;mã đơn vị, cách nhau bởi dấu phẩy&gt; &lt;hạn&gt; &lt;nội dung&gt;, "
        "ví dụ /ask so-y-te,so-tai-chinh 05/12/2026 Đề nghị báo cáo …; hoặc hỏi các đơn vị "
        "chủ trì một nhiệm vụ: /ask 2658/UBND-KT 2.1 05/12/2026 …"
    ),
    "question.asked": (
        "Đã gửi báo cáo đột xuất tới {count} đơn vị ({messages} tin nhắn), hạn {due}: {names}."
    ),
    "lifecycle.unknown_directive": "Không tìm thấy văn bản số {code} trong danh mục theo dõi.",
    "lifecycle.unknown_task": "Văn bản {code} không có nhiệm vụ số {number}.",
    "lifecycle.unknown_agency": "Không có cơ quan, đơn vị mã {agency} trong danh mục.",
    "lifecycle.directive_closed": "Văn bản {code} đã kết thúc theo dõi.",
    "lifecycle.task_closed": "Nhiệm vụ {number} (văn bản {code}) đã được đóng.",
    "lifecycle.not_later": (
        "Hạn mới phải sau hạn hiện hành của nhiệm vụ {number} (văn bản {code}): {deadline}."
    ),
    "lifecycle.already_assigned": "{agency} đã được giao nhiệm vụ {number} (văn bản {code}).",
    "lifecycle.not_assigned": "{agency} không được giao nhiệm vụ {number} (văn bản {code}).",
    "lifecycle.bad_date": "Ngày không hợp lệ: {value}. Ví dụ: 31/12/2026.",
    "lifecycle.close_usage": (
        "Cú pháp: /close &lt;số hiệu văn bản&gt; &lt;số nhiệm vụ&gt; — nghiệm thu, đóng nhiệm vụ "
        "đã hoàn thành; /close &lt;số hiệu văn bản&gt; tatca — kết thúc theo dõi cả văn bản."
    ),
    "lifecycle.extend_usage": (
        "Cú pháp: /extend &lt;số hiệu văn bản&gt; &lt;số nhiệm vụ&gt; &lt;hạn mới&gt;, "
        "ví dụ /extend 2658/UBND-KT 2.1 31/12/2026."
    ),
    "lifecycle.assign_usage": (
        "Cú pháp: /assign &lt;số hiệu văn bản&gt; &lt;số nhiệm vụ&gt; &lt;mã đơn vị&gt; [phoihop]; "
        "/unassign &lt;số hiệu văn bản&gt; &lt;số nhiệm vụ&gt; &lt;mã đơn vị&gt;."
    ),
    "lifecycle.task_closed_done": (
        "Đã ghi nhận nhiệm vụ {number} (văn bản {code}) hoàn thành, được Văn phòng nghiệm thu. "
        "Từ nay không đề nghị báo cáo nhiệm vụ này; các báo cáo tháng trước vẫn giữ nguyên."
    ),
    "lifecycle.directive_closed_done": (
        "Đã kết thúc theo dõi văn bản {code} ({open} nhiệm vụ chưa đóng). Từ nay không đề nghị "
        "báo cáo các nhiệm vụ của văn bản này; các báo cáo tháng trước vẫn giữ nguyên."
    ),
    "lifecycle.extended": "Đã gia hạn nhiệm vụ {number} (văn bản {code}) đến ngày {deadline} "
    "(hạn cũ: {old}).",
    "lifecycle.assigned": (
        "Đã giao {agency} nhiệm vụ {number} (văn bản {code}), vai trò {role}; "
        "đơn vị được đề nghị báo cáo từ lần gửi tiếp theo."
    ),
    "lifecycle.unassigned": (
        "{agency} thôi thực hiện nhiệm vụ {number} (văn bản {code}); "
        "các báo cáo đã gửi vẫn được giữ."
    ),
    "lifecycle.no_deadline": "chưa có",
    "summary.bad_period": "Tháng không hợp lệ: {value}. Ví dụ: /summary 08/2021",
    "summary.no_period": "Chưa có kỳ báo cáo tháng {month}.",
    "summary.document_caption": "📄 Báo cáo tình hình thực hiện nhiệm vụ tháng {month} (Word)",
    "summary.spreadsheet_caption": "📊 Số liệu chi tiết tháng {month} (Excel)",
    "summary.chart_caption": "📊 Tình trạng báo cáo tháng {month}",
    "summary.full_button": "Xem toàn văn từng nhiệm vụ",
    "input.too_long": (
        f"{_V['note'].capitalize()} quá dài ({{length}} ký tự): tối đa <b>{{limit}}</b> ký tự. Đề "
        "nghị rút gọn và gửi lại; nội dung chưa được ghi nhận."
    ),
    "input.not_text": (
        f"Hệ thống ghi nhận báo cáo bằng nút bấm và {_V['note']} dạng văn bản, kèm tệp báo cáo "
        "(PDF, Word, Excel) hoặc ảnh chụp; nhãn dán và tin nhắn thoại chưa được lưu. "
        f"Đề nghị gõ nội dung {_V['note']}, hoặc gõ /help."
    ),
}

EN: dict[str, str] = {
    "status.done": "Completed",
    "status.in_progress": "In progress",
    "status.behind": "Behind schedule",
    "status.blocked": "Blocked",
    "status.none": "Not reported",
    "status.unset": "Note sent, status not chosen",
    "status.overdue": "Overdue",
    "role.lead": "lead",
    "role.coordinating": "coordinating",
    "contact.officer": _E["officer"],
    "contact.secretariat": _E["secretariat"],
    "contact.admin": "system administrator",
    "contact.leader": "agency leader",
    "invite.joined_leader": (
        "Greetings, {name}. This account is now <b>{role}</b> of <b>{agency}</b>.\n"
        "When the agency is late with its report, the Office sends you a copy of the reminder "
        "for your information; the agency's reporting officers report."
    ),
    "help.leader": (
        "<b>dondoc</b> — the reporting of <b>{agency}</b>.\n\n"
        "• When the agency is late with its report, you get a copy of the reminder.\n"
        "• /pending — the tasks the agency has not reported this month.\n"
        "• /help — these instructions."
    ),
    "refusal.leader": (
        "This account is registered as the agency's leader: it receives copies of reminders and "
        "does not report. The agency's reporting officers report; nothing was recorded."
    ),
    "late_copy.header": (
        "📌 <b>Copy of a reminder, {month}</b> (for your information)\n"
        "<b>{agency}</b> has <b>{count}</b> task(s) not reported; reports are due "
        f"{_E['by_day']} <b>{{due}}</b>. The Office has reminded the agency's officers."
    ),
    "late_copy.continued": "📌 <b>Copy of a reminder, {month}</b> (continued, part {page}/{pages})",
    "welcome.stranger": (
        f"Greetings. This is <b>dondoc</b>, the task follow-up system of the {_E['office']}.\n"
        f"This account is not registered as any agency's {_E['officer']}. Please use the invite "
        "link the Office sent to the agency."
    ),
    "welcome.group_stranger": (
        f"Greetings. This is <b>dondoc</b>, the task follow-up system of the {_E['office']}.\n"
        "This group is not registered for any agency. A group administrator may register it "
        "with /register &lt;invite code&gt;."
    ),
    "refusal.stranger": (
        f"This account is not registered as any agency's {_E['officer']}, so this was not "
        f"recorded. Please contact the {_E['office']} for an invite link."
    ),
    "refusal.secretariat_only": (
        "This command is for the Office's secretariat. This account is {role} of {agency}."
    ),
    "refusal.officer_only": f"This command is for an agency's {_E['officer']}.",
    "refusal.not_yours": "This task is not the agency's; nothing was recorded.",
    "refusal.stale": "This button belongs to a closed or unknown period; nothing was recorded.",
    "invite.joined": (
        "Greetings, {name}. This account is now <b>{role}</b> of <b>{agency}</b>.\n"
        "Each month the Office sends a request for a status report, answered with a button and "
        f"a short {_E['note']}. Type /help for instructions."
    ),
    "invite.already": "This account is already {role} of <b>{agency}</b>.",
    "invite.joined_group": (
        "{name} registered the group <b>{group}</b> as <b>{role}</b> of <b>{agency}</b>.\n"
        "Each month the Office sends its request for a status report to this group; any member "
        f"may report for the agency: press a button, or reply to the request with a short "
        f"{_E['note']}. Type /help for instructions."
    ),
    "invite.already_group": "This group is already {role} of <b>{agency}</b>.",
    "register.usage": "Usage: /register &lt;invite code&gt; (the code in the Office's link).",
    "register.not_admin": (
        "Only an administrator of this group may register it as an agency's contact; nothing "
        "was recorded. Please ask a group administrator to type /register &lt;code&gt;."
    ),
    "invite.unknown": "This invite code is not valid. Please check the link the Office sent.",
    "invite.bound": (
        "This chat is already registered as <b>{role}</b> of <b>{agency}</b>; a chat speaks for "
        "one agency in one role, so this invite code was not used. To change the registration, "
        "please ask the Office to revoke the current one (<code>dondoc contacts revoke</code>), "
        "then use the invite again."
    ),
    "invite.joined_secretariat": (
        "Greetings, {name}. This account is registered as <b>{role}</b> of <b>{agency}</b>: it "
        "receives the monthly digest and the list of agencies that have not reported."
    ),
    "error.not_recorded": (
        "The system has a problem and the message just sent was <b>not recorded</b>. "
        "Please send it again in a few minutes."
    ),
    "error.admins_told": " The system administrators have been notified.",
    "callback.not_recorded": "Not recorded, please press again in a few minutes",
    "alert.update": "⚠️ <b>dondoc</b>: failure while handling update {id} from {user}: {error}",
    "alert.job": "⚠️ <b>dondoc</b>: failure in a scheduled job: {error}",
    "alert.suppressed": " (and {count} more in the last {seconds} seconds)",
    "invite.used": "This invite code has already been used. Please request a new one.",
    "invite.expired": (
        "This invite code expired on {date}. Please request a new one from the Office."
    ),
    "invite.revoked": "This invite code was revoked. Please request a new one from the Office.",
    "help.officer": (
        "<b>dondoc</b> — status reports of <b>{agency}</b>.\n\n"
        "• Each month the Office sends a request; choose a task and a status, then send a short "
        f"{_E['note']} (or /skip).\n"
        "• A reply to the request message also counts as a report.\n"
        "• /pending — the tasks the agency has not reported this month.\n"
        "• /help — these instructions."
    ),
    "help.secretariat": (
        "<b>dondoc</b> — following up, chasing and reporting the directives' tasks.\n\n"
        "• /summary — this month's digest (summary and report files); /summary 08/2021 — a given "
        "month; /summary full — every task in full.\n"
        "• /missing (or /pending) — agencies that have not reported; /remind — remind them now.\n"
        "• /close 2658/UBND-KT 2.1 — accept a task as done and close it; "
        "/close 2658/UBND-KT all — stop following the whole directive.\n"
        "• /extend 2658/UBND-KT 2.1 31/12/2026 — extend a task's deadline.\n"
        "• /assign 2658/UBND-KT 2.1 so-tai-chinh [coordinating] — give an agency the task; "
        "/unassign 2658/UBND-KT 2.1 so-tai-chinh — relieve it.\n"
        "• /history 2658/UBND-KT 2.1 — a task's status month by month; "
        "/files 2658/UBND-KT 2.1 — the files sent with its reports.\n"
        "• /ask so-y-te,so-tai-chinh 05/12/2026 &lt;text&gt; — an ad hoc report.\n"
        "• /help — these instructions."
    ),
    "request.header": (
        f"📋 <b>{_E['request']}, {{month}}</b>\n"
        "To <b>{agency}</b>: please report on the tasks below "
        f"{_E['by_day']} <b>{{due}}</b>."
    ),
    "request.task": "• <b>{number}</b> ({directive}, {role}): {title}",
    "request.continued": (
        f"📋 <b>{_E['request']}, {{month}}</b> (continued, part {{page}}/{{pages}})"
    ),
    "nudge.continued": (
        f"⏰ <b>{_E['reminder']}, {{month}}</b> (continued, part {{page}}/{{pages}})"
    ),
    "pending.continued": "Tasks not reported for {month} (continued, part {page}/{pages}):",
    "request.deadline": " — deadline {deadline}",
    "request.standing": f" — {_E['standing'].lower()}",
    "request.choose_task": "Choose a task to report on:",
    "request.choose_status": "Choose a status:",
    "request.reply_hint": f"A reply to this message with a {_E['note']} also counts.",
    "nudge.header": (
        f"⏰ <b>{_E['reminder']}, {{month}}</b>\n"
        "<b>{agency}</b> has <b>{count}</b> task(s) not reported. Please report "
        f"{_E['by_day']} <b>{{due}}</b>."
    ),
    "deadline.header": (
        "📅 <b>The deadline of task {number} is near</b> ({directive})\n"
        "{title}\nDeadline: <b>{deadline}</b>. <b>{agency}</b> is requested to report its status."
    ),
    "escalation.header": (
        "🚨 <b>Agencies that have not reported for {month}</b> (due {due}): {count}"
    ),
    "escalation.line": "• {agency}: {count} task(s)",
    "remind.done": (
        "Sending {count} reminder(s) to the contacts that have not reported for {month}."
    ),
    "escalation.unreachable": " — ⚠️ contact unreachable",
    "contact_lost": (
        "⚠️ <b>Lost contact with {agency}</b>\n"
        "Messages to {name} cannot be delivered ({reason}); the system has stopped sending to "
        "this contact. Please issue the agency a new invite (dondoc invite)."
    ),
    "contact_lost.blocked": "blocked the bot or left the chat",
    "task.status_prompt": "Task <b>{number}</b> ({directive}): {title}\nChoose a status:",
    "report.saved": (
        "Recorded: {icon} <b>{status}</b> — task {number}.\n"
        f"Please send a short {_E['note']} (results, difficulties, requests) or /skip."
    ),
    "report.note_saved": f"The {_E['note']} for task {{number}} is recorded. Thank you.",
    "report.note_edited": (
        f"The {_E['note']} for task {{number}} is updated from the edited message (the old one "
        "is kept)."
    ),
    "report.skipped": f"The report on task {{number}} is recorded without a {_E['note']}.",
    "report.reply_saved": "The reply is recorded for task {number}. Please choose a status:",
    "report.reply_which_task": "Received. Which task does this report on?",
    "report.draft_saved": "The text is recorded for task {number}. Please choose a status:",
    "report.nothing_to_skip": f"No {_E['note']} is pending.",
    "report.not_understood": (
        "This message was not recorded as a report. To report, please reply to the request "
        "message or type /pending."
    ),
    "callback.saved": "Recorded",
    "callback.refused": "Not allowed",
    "pending.none_open": "No reporting period is open yet.",
    "pending.all_done": "👍 {agency} has reported every task for {month}.",
    "pending.header": "<b>{agency}</b> has {count} task(s) not reported for {month}:",
    "pending.missing_header": "Agencies that have not reported for {month} ({count}):",
    "pending.missing_none": "Every agency has reported for {month}.",
    "summary.bad_period": "Not a valid month: {value}. Example: /summary 08/2021",
    "summary.no_period": "There is no reporting period for {month}.",
    "summary.document_caption": "📄 Task progress report for {month} (Word)",
    "summary.spreadsheet_caption": "📊 Detailed figures for {month} (Excel)",
    "summary.chart_caption": "📊 Reported status for {month}",
    "summary.full_button": "Every task in full",
    "input.too_long": (
        f"This {_E['note']} is too long ({{length}} characters): the limit is <b>{{limit}}</b>. "
        "Please shorten it and send it again; nothing was recorded."
    ),
    "history.usage": (
        "Usage: /history &lt;directive&gt; &lt;task&gt;, e.g. /history 2658/UBND-KT 2.1."
    ),
    "history.header": "📜 <b>Task {number}</b> ({code}) month by month: {title}",
    "history.month": "<b>{month}</b>",
    "history.line": "• {agency} ({role}): {status}",
    "history.by": " — {reporter}",
    "history.note": ": <i>{note}</i>",
    "history.none": "Task {number} ({code}) has had no reporting period yet.",
    "agency.same_name": "{agency} already has this name.",
    "agency.exists": "The code {code} is in the registry already.",
    "agency.bad_code": "Not a valid agency code: {code} (lower case, no spaces, e.g. so-y-te).",
    "agency.merge_itself": "{agency} cannot be merged into itself.",
    "agency.ended": "{agency} has ended (merged or abolished).",
    "agency.renamed": "{code} is now named {name}; past periods keep the old name.",
    "agency.merged": (
        "{name} merged into {successor}: {tasks} open task(s) and {contacts} contact(s) "
        "moved; past periods stay as they were."
    ),
    "agency.abolished": (
        "{name} has ended: {tasks} task(s) are no longer requested; past periods stay as they were."
    ),
    "file.kind": "Report files are kept as {kinds} or photos; this file was not stored.",
    "file.too_big": (
        "{name} ({size}) is over the 20 MB a bot can download from Telegram; please compress "
        "or split it and send it again. Nothing was stored."
    ),
    "file.choose_task": (
        "The agency has several tasks: please choose the task and its status in the request "
        "(or /pending) first, then send the file. Nothing was stored."
    ),
    "file.not_fetched": "{name} could not be fetched from Telegram; please send it again.",
    "file.saved": "📎 {name} ({size}) is kept with the report on task {number}.",
    "file.again": "📎 {name} ({size}) was already kept with the report on task {number}.",
    "file.note_still": f"Please also send a short {_E['note']} (or /skip).",
    "file.usage": (
        "Usage: /files &lt;directive&gt; &lt;task&gt; [MM/YYYY], e.g. /files 2658/UBND-KT 2.1 "
        "08/2021."
    ),
    "file.none": "No file came with the reports on task {number} for {month}.",
    "file.caption": "{agency} — {name}, {when}",
    "question.message": (
        "📣 <b>Ad hoc report</b>\nTo <b>{agency}</b>: {text}\n"
        f"Please report {_E['by_day']} <b>{{due}}</b>: choose a status with the buttons and send "
        f"a {_E['note']} as a reply to this message."
    ),
    "question.status_saved": (
        f"Answer recorded: {{status}}. Reply to the ad hoc request to add a {_E['note']}."
    ),
    "question.answered": "Your answer to the ad hoc request is recorded. Thank you.",
    "question.empty": "The question has no text.",
    "question.past": "The due day {due} has passed; please choose today or later.",
    "question.nobody": "No agency is asked.",
    "question.usage": (
        "Usage: /ask &lt;agency codes, comma-separated&gt; &lt;due day&gt; &lt;text&gt;, e.g. "
        "/ask so-y-te,so-tai-chinh 05/12/2026 Please report …; or ask a task's lead agencies: "
        "/ask 2658/UBND-KT 2.1 05/12/2026 …"
    ),
    "question.asked": (
        "The ad hoc request went to {count} agencies ({messages} messages), due {due}: {names}."
    ),
    "lifecycle.unknown_directive": "No directive {code} is followed here.",
    "lifecycle.unknown_task": "Directive {code} has no task {number}.",
    "lifecycle.unknown_agency": "No agency has the code {agency} in the registry.",
    "lifecycle.directive_closed": "Directive {code} is no longer followed.",
    "lifecycle.task_closed": "Task {number} of {code} is closed already.",
    "lifecycle.not_later": (
        "The new deadline must come after task {number}'s current one ({code}): {deadline}."
    ),
    "lifecycle.already_assigned": "{agency} already holds task {number} of {code}.",
    "lifecycle.not_assigned": "{agency} does not hold task {number} of {code}.",
    "lifecycle.bad_date": "Not a valid date: {value}. Example: 31/12/2026.",
    "lifecycle.close_usage": (
        "Usage: /close &lt;directive&gt; &lt;task&gt; — accept a task as done; "
        "/close &lt;directive&gt; all — stop following the whole directive."
    ),
    "lifecycle.extend_usage": (
        "Usage: /extend &lt;directive&gt; &lt;task&gt; &lt;new deadline&gt;, "
        "e.g. /extend 2658/UBND-KT 2.1 31/12/2026."
    ),
    "lifecycle.assign_usage": (
        "Usage: /assign &lt;directive&gt; &lt;task&gt; &lt;agency code&gt; [coordinating]; "
        "/unassign &lt;directive&gt; &lt;task&gt; &lt;agency code&gt;."
    ),
    "lifecycle.task_closed_done": (
        "Task {number} of {code} is recorded as done and accepted by the Office. It will not be "
        "requested again; past months' reports stay as they were."
    ),
    "lifecycle.directive_closed_done": (
        "Directive {code} is no longer followed ({open} task(s) were still open). Its tasks "
        "will not be requested again; past months' reports stay as they were."
    ),
    "lifecycle.extended": "Task {number} of {code} is extended to {deadline} (was: {old}).",
    "lifecycle.assigned": (
        "{agency} now holds task {number} of {code} ({role}); it is asked to report from the "
        "next send-out."
    ),
    "lifecycle.unassigned": (
        "{agency} no longer holds task {number} of {code}; its reports are kept."
    ),
    "lifecycle.no_deadline": "none",
    "input.not_text": (
        f"Reports are recorded as buttons and text {_E['note']}s, with report files (PDF, Word, "
        "Excel) or photos; stickers and voice messages are not stored. Please type the "
        f"{_E['note']}, or /help."
    ),
}

LOCALES: dict[str, dict[str, str]] = {"vi": VI, "en": EN}


def say(key: str, locale: str = "vi", /, **values: Any) -> str:
    """The text for `key` in `locale` with HTML-escaped values filled in."""
    template = LOCALES.get(locale, VI).get(key) or VI[key]
    return template.format(
        **{name: escape(str(value), quote=False) for name, value in values.items()}
    )


def status_label(status: Status | None, locale: str = "vi") -> str:
    """A status as the Office writes it, without the icon."""
    return LOCALES.get(locale, VI)[f"status.{status.value if status else 'none'}"]


def role_label(role: AssignmentRole | Role, locale: str = "vi") -> str:
    """An assignment role (chủ trì / phối hợp) or a contact role."""
    prefix = "role" if isinstance(role, AssignmentRole) else "contact"
    return LOCALES.get(locale, VI)[f"{prefix}.{role.value}"]
