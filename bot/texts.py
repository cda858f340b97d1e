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

VI: dict[str, str] = {
    "status.done": "Đã hoàn thành",
    "status.in_progress": "Đang thực hiện",
    "status.behind": "Chậm tiến độ",
    "status.blocked": "Có vướng mắc",
    "status.none": "Chưa báo cáo",
    "status.unset": "Đã trả lời, chưa chọn tình trạng",
    "status.overdue": "Quá hạn",
    "role.lead": "chủ trì",
    "role.coordinating": "phối hợp",
    "contact.officer": "cán bộ đầu mối",
    "contact.secretariat": "thư ký tổng hợp (Văn phòng)",
    "contact.admin": "quản trị",
    "welcome.stranger": (
        "Xin chào! Đây là <b>dondoc</b>, trợ lý đôn đốc thực hiện nhiệm vụ của Văn phòng UBND "
        "Thành phố.\nBạn chưa được đăng ký cho đơn vị nào. Vui lòng dùng đường dẫn mời mà Văn "
        "phòng gửi cho đơn vị của bạn."
    ),
    "welcome.group_stranger": (
        "Xin chào! Đây là <b>dondoc</b>, trợ lý đôn đốc thực hiện nhiệm vụ của Văn phòng UBND "
        "Thành phố.\nNhóm này chưa được đăng ký cho đơn vị nào. Quản trị viên của nhóm có thể "
        "đăng ký bằng lệnh /register &lt;mã mời&gt;."
    ),
    "refusal.stranger": (
        "Xin lỗi, bạn chưa được đăng ký làm đầu mối của đơn vị nào nên tôi chưa thể nhận nội dung "
        "này. Vui lòng liên hệ Văn phòng UBND Thành phố để được cấp đường dẫn mời."
    ),
    "refusal.secretariat_only": (
        "Xin lỗi, lệnh này chỉ dành cho Văn phòng (thư ký tổng hợp). Bạn đang là {role} của "
        "{agency}."
    ),
    "refusal.officer_only": "Lệnh này dành cho cán bộ đầu mối báo cáo của đơn vị.",
    "refusal.not_yours": "Xin lỗi, nhiệm vụ này không thuộc đơn vị của bạn; không có gì được lưu.",
    "refusal.stale": (
        "Nút này thuộc kỳ báo cáo đã kết thúc hoặc không còn hợp lệ; không có gì được lưu."
    ),
    "invite.joined": (
        "Chào mừng {name}! Bạn đã được đăng ký làm <b>{role}</b> của <b>{agency}</b>.\n"
        "Hằng tháng tôi sẽ gửi yêu cầu báo cáo tình hình thực hiện nhiệm vụ; bạn trả lời bằng "
        "nút bấm và một ghi chú ngắn. Gõ /help để xem hướng dẫn."
    ),
    "invite.already": "Bạn đã là {role} của <b>{agency}</b>.",
    "invite.joined_group": (
        "Nhóm <b>{group}</b> đã được {name} đăng ký làm <b>{role}</b> của <b>{agency}</b>.\n"
        "Hằng tháng tôi sẽ gửi yêu cầu báo cáo vào nhóm này; mọi thành viên của nhóm đều có thể "
        "báo cáo thay cho đơn vị: bấm nút, hoặc trả lời (reply) tin nhắn của tôi bằng một ghi chú "
        "ngắn. Gõ /help để xem hướng dẫn."
    ),
    "invite.already_group": "Nhóm này đã là {role} của <b>{agency}</b>.",
    "register.usage": "Cách dùng: /register &lt;mã mời&gt; (mã trong đường dẫn Văn phòng đã gửi).",
    "register.not_admin": (
        "Xin lỗi, chỉ quản trị viên của nhóm mới có thể đăng ký nhóm làm đầu mối của đơn vị. "
        "Chưa có gì được lưu; vui lòng nhờ quản trị viên nhóm gõ /register &lt;mã mời&gt;."
    ),
    "invite.unknown": "Mã mời không đúng. Vui lòng kiểm tra lại đường dẫn Văn phòng đã gửi.",
    "invite.bound": (
        "Cuộc trò chuyện này đã được đăng ký làm <b>{role}</b> của <b>{agency}</b>; mỗi cuộc trò "
        "chuyện chỉ đại diện cho một đơn vị với một vai trò, nên mã mời này chưa được sử dụng. "
        "Để đổi đăng ký, đề nghị liên hệ Văn phòng để thu hồi đăng ký hiện tại "
        "(<code>dondoc contacts revoke</code>), sau đó dùng lại mã mời."
    ),
    "invite.joined_secretariat": (
        "Chào mừng đồng chí {name}! Đồng chí đã được đăng ký làm <b>{role}</b> của "
        "<b>{agency}</b>: nhận báo cáo tổng hợp hằng tháng và danh sách đơn vị chậm báo cáo."
    ),
    "error.not_recorded": (
        "Xin lỗi, hệ thống đang gặp sự cố nên nội dung vừa gửi <b>chưa được ghi nhận</b>. "
        "Đề nghị đồng chí gửi lại sau ít phút."
    ),
    "error.admins_told": " Quản trị viên hệ thống đã được báo.",
    "callback.not_recorded": "Chưa ghi nhận, đề nghị bấm lại sau ít phút",
    "alert.update": "⚠️ <b>dondoc</b>: lỗi khi xử lý tin nhắn (cập nhật {id}) của {user}: {error}",
    "alert.job": "⚠️ <b>dondoc</b>: lỗi trong một việc theo lịch: {error}",
    "alert.suppressed": " (và {count} lỗi khác trong {seconds} giây qua)",
    "invite.used": "Mã mời này đã được sử dụng. Mỗi mã chỉ dùng được một lần; vui lòng xin mã mới.",
    "invite.expired": "Mã mời này đã hết hạn ngày {date}. Vui lòng xin Văn phòng cấp mã mới.",
    "invite.revoked": "Mã mời này đã bị thu hồi. Vui lòng xin Văn phòng cấp mã mới.",
    "help.officer": (
        "<b>dondoc</b> — báo cáo tình hình thực hiện nhiệm vụ của <b>{agency}</b>.\n\n"
        "• Hằng tháng tôi gửi yêu cầu báo cáo; chọn nhiệm vụ, chọn tình trạng, rồi gửi ghi chú "
        "ngắn (hoặc /skip).\n"
        "• Trả lời trực tiếp vào tin nhắn yêu cầu cũng được tính là báo cáo.\n"
        "• /pending — các nhiệm vụ đơn vị còn chưa báo cáo trong tháng.\n"
        "• /help — hướng dẫn này."
    ),
    "help.secretariat": (
        "<b>dondoc</b> — theo dõi, đôn đốc, báo cáo tình hình thực hiện nhiệm vụ.\n\n"
        "• /summary — tổng hợp tháng hiện tại; /summary 08/2021 — tổng hợp một tháng.\n"
        "• /missing (hoặc /pending) — các đơn vị chưa báo cáo; /remind — nhắc họ ngay.\n"
        "• /help — hướng dẫn này."
    ),
    "request.header": (
        "📋 <b>Yêu cầu báo cáo tháng {month}</b>\n"
        "Kính gửi <b>{agency}</b>: đề nghị báo cáo tình hình thực hiện các nhiệm vụ dưới đây "
        "trước ngày <b>{due}</b>."
    ),
    "request.task": "• <b>{number}</b> ({directive}, {role}): {title}",
    "request.continued": "📋 <b>Yêu cầu báo cáo tháng {month}</b> (tiếp theo, phần {page}/{pages})",
    "nudge.continued": "⏰ <b>Nhắc báo cáo tháng {month}</b> (tiếp theo, phần {page}/{pages})",
    "pending.continued": "Nhiệm vụ chưa báo cáo tháng {month} (tiếp theo, phần {page}/{pages}):",
    "request.deadline": " — hạn {deadline}",
    "request.choose_task": "Chọn nhiệm vụ để báo cáo:",
    "request.choose_status": "Chọn tình trạng:",
    "request.reply_hint": "Bạn cũng có thể trả lời tin nhắn này bằng một ghi chú.",
    "nudge.header": (
        "⏰ <b>Nhắc báo cáo tháng {month}</b>\n"
        "<b>{agency}</b> còn <b>{count}</b> nhiệm vụ chưa báo cáo; hạn báo cáo là ngày "
        "<b>{due}</b>."
    ),
    "deadline.header": (
        "📅 <b>Sắp đến hạn nhiệm vụ {number}</b> ({directive})\n"
        "{title}\nHạn hoàn thành: <b>{deadline}</b>. Đề nghị <b>{agency}</b> báo cáo tình hình "
        "thực hiện."
    ),
    "escalation.header": (
        "🚨 <b>Các đơn vị chưa báo cáo tháng {month}</b> (hạn {due}): {count} đơn vị"
    ),
    "escalation.line": "• {agency}: {count} nhiệm vụ",
    "remind.done": "Đang gửi {count} tin nhắc tới các đầu mối chưa báo cáo tháng {month}.",
    "escalation.unreachable": " — ⚠️ không liên lạc được đầu mối",
    "contact_lost": (
        "⚠️ <b>Mất liên lạc với đầu mối của {agency}</b>\n"
        "Không gửi được tin nhắn tới {name} ({reason}). Tôi đã ngừng gửi cho đầu mối này. "
        "Đề nghị cấp mã mời mới cho đơn vị (dondoc invite)."
    ),
    "contact_lost.blocked": "đã chặn bot hoặc rời cuộc trò chuyện",
    "task.status_prompt": "Nhiệm vụ <b>{number}</b> ({directive}): {title}\nChọn tình trạng:",
    "report.saved": (
        "Đã ghi nhận: {icon} <b>{status}</b> — nhiệm vụ {number}.\n"
        "Gửi một ghi chú ngắn (kết quả, khó khăn, đề xuất) hoặc /skip để bỏ qua."
    ),
    "report.note_saved": "Đã lưu ghi chú cho nhiệm vụ {number}. Cảm ơn!",
    "report.note_edited": (
        "Đã cập nhật ghi chú nhiệm vụ {number} theo tin nhắn đã sửa (bản cũ vẫn được lưu)."
    ),
    "report.skipped": "Đã lưu báo cáo nhiệm vụ {number}, không kèm ghi chú.",
    "report.reply_saved": (
        "Đã lưu nội dung trả lời cho nhiệm vụ {number}. Vui lòng chọn tình trạng:"
    ),
    "report.reply_which_task": "Đã nhận nội dung. Nội dung này cho nhiệm vụ nào?",
    "report.draft_saved": "Đã lưu nội dung cho nhiệm vụ {number}. Vui lòng chọn tình trạng:",
    "report.nothing_to_skip": "Không có ghi chú nào đang chờ.",
    "report.not_understood": (
        "Tôi chưa hiểu tin nhắn này. Để báo cáo, hãy trả lời vào tin nhắn yêu cầu hoặc gõ /pending."
    ),
    "callback.saved": "Đã ghi nhận",
    "callback.refused": "Không hợp lệ",
    "pending.none_open": "Chưa có kỳ báo cáo nào đang mở.",
    "pending.all_done": "👍 {agency} đã báo cáo đủ các nhiệm vụ của tháng {month}.",
    "pending.header": "<b>{agency}</b> còn {count} nhiệm vụ chưa báo cáo trong tháng {month}:",
    "pending.missing_header": "Các đơn vị chưa báo cáo tháng {month} ({count}):",
    "pending.missing_none": "Tất cả các đơn vị đã báo cáo tháng {month}.",
    "summary.bad_period": "Tháng không hợp lệ: {value}. Ví dụ: /summary 08/2021",
    "summary.no_period": "Chưa có kỳ báo cáo tháng {month}.",
    "summary.document_caption": "📄 Báo cáo tình hình thực hiện nhiệm vụ tháng {month} (Word)",
    "summary.chart_caption": "📊 Tình trạng báo cáo tháng {month}",
    "input.too_long": (
        "Ghi chú quá dài ({length} ký tự): tối đa <b>{limit}</b> ký tự. Vui lòng rút gọn và gửi "
        "lại; chưa có gì được lưu."
    ),
    "input.not_text": (
        "Xin lỗi, tôi chỉ nhận báo cáo bằng nút bấm và ghi chú dạng văn bản; ảnh, nhãn dán, tin "
        "nhắn thoại và tệp chưa được lưu. Vui lòng gõ nội dung ghi chú, hoặc gõ /help."
    ),
}

EN: dict[str, str] = {
    "status.done": "Completed",
    "status.in_progress": "In progress",
    "status.behind": "Behind schedule",
    "status.blocked": "Blocked",
    "status.none": "Not reported",
    "status.unset": "Replied, status not chosen",
    "status.overdue": "Overdue",
    "role.lead": "lead",
    "role.coordinating": "coordinating",
    "contact.officer": "reporting officer",
    "contact.secretariat": "secretariat",
    "contact.admin": "administrator",
    "welcome.stranger": (
        "Hello! This is <b>dondoc</b>, the City Office's follow-up assistant.\n"
        "You are not registered for any agency yet. Please use the invite link the Office sent."
    ),
    "welcome.group_stranger": (
        "Hello! This is <b>dondoc</b>, the City Office's follow-up assistant.\n"
        "This group is not registered for any agency yet. A group administrator may register it "
        "with /register &lt;invite code&gt;."
    ),
    "refusal.stranger": (
        "Sorry, you are not registered as any agency's contact, so I cannot take this. "
        "Please ask the City Office for an invite link."
    ),
    "refusal.secretariat_only": (
        "Sorry, this command is for the secretariat. You are {role} of {agency}."
    ),
    "refusal.officer_only": "This command is for an agency's reporting officer.",
    "refusal.not_yours": "Sorry, this task is not your agency's; nothing was stored.",
    "refusal.stale": "This button belongs to a closed or unknown period; nothing was stored.",
    "invite.joined": (
        "Welcome {name}! You are now <b>{role}</b> of <b>{agency}</b>.\n"
        "Each month I will ask for a status report; answer with a button and a short note. "
        "Type /help for instructions."
    ),
    "invite.already": "You are already {role} of <b>{agency}</b>.",
    "invite.joined_group": (
        "{name} registered the group <b>{group}</b> as <b>{role}</b> of <b>{agency}</b>.\n"
        "Each month I will send the status request to this group; any member may report for the "
        "agency: press a button, or reply to my message with a short note. Type /help for "
        "instructions."
    ),
    "invite.already_group": "This group is already {role} of <b>{agency}</b>.",
    "register.usage": "Usage: /register &lt;invite code&gt; (the code in the Office's link).",
    "register.not_admin": (
        "Sorry, only an administrator of this group may register it as an agency's contact. "
        "Nothing was stored; please ask a group administrator to type /register &lt;code&gt;."
    ),
    "invite.unknown": "This invite code is not valid. Please check the link the Office sent.",
    "invite.bound": (
        "This chat is already registered as <b>{role}</b> of <b>{agency}</b>; a chat speaks for "
        "one agency in one role, so this invite code was not used. To change the registration, "
        "ask the Office to revoke the current one (<code>dondoc contacts revoke</code>), then use "
        "the invite again."
    ),
    "invite.joined_secretariat": (
        "Welcome, {name}! You are registered as <b>{role}</b> of <b>{agency}</b>: you receive the "
        "monthly digest and the list of late agencies."
    ),
    "error.not_recorded": (
        "Sorry, the system has a problem and what you just sent was <b>not recorded</b>. "
        "Please send it again in a few minutes."
    ),
    "error.admins_told": " The administrators have been told.",
    "callback.not_recorded": "Not recorded, please press again in a few minutes",
    "alert.update": "⚠️ <b>dondoc</b>: failure while handling update {id} from {user}: {error}",
    "alert.job": "⚠️ <b>dondoc</b>: failure in a scheduled job: {error}",
    "alert.suppressed": " (and {count} more in the last {seconds} seconds)",
    "invite.used": "This invite code has already been used. Please ask for a new one.",
    "invite.expired": "This invite code expired on {date}. Please ask the Office for a new one.",
    "invite.revoked": "This invite code was revoked. Please ask the Office for a new one.",
    "help.officer": (
        "<b>dondoc</b> — status reports for <b>{agency}</b>.\n\n"
        "• Each month I send a request; pick a task, a status, then send a short note (or /skip).\n"
        "• A reply to the request message also counts as a report.\n"
        "• /pending — what your agency still owes this month.\n"
        "• /help — this help."
    ),
    "help.secretariat": (
        "<b>dondoc</b> — tracking, chasing and reporting the directives' tasks.\n\n"
        "• /summary — this month's digest; /summary 08/2021 — a given month.\n"
        "• /missing (or /pending) — agencies that have not reported; /remind — nudge them now.\n"
        "• /help — this help."
    ),
    "request.header": (
        "📋 <b>Status request for {month}</b>\n"
        "To <b>{agency}</b>: please report on the tasks below by <b>{due}</b>."
    ),
    "request.task": "• <b>{number}</b> ({directive}, {role}): {title}",
    "request.continued": "📋 <b>Status request for {month}</b> (continued, part {page}/{pages})",
    "nudge.continued": "⏰ <b>Reminder for {month}</b> (continued, part {page}/{pages})",
    "pending.continued": "Tasks not reported for {month} (continued, part {page}/{pages}):",
    "request.deadline": " — due {deadline}",
    "request.choose_task": "Choose a task to report on:",
    "request.choose_status": "Choose a status:",
    "request.reply_hint": "You may also reply to this message with a note.",
    "nudge.header": (
        "⏰ <b>Reminder for {month}</b>\n"
        "<b>{agency}</b> has <b>{count}</b> task(s) not reported; reports are due on <b>{due}</b>."
    ),
    "deadline.header": (
        "📅 <b>Task {number} is due soon</b> ({directive})\n"
        "{title}\nDeadline: <b>{deadline}</b>. <b>{agency}</b>, please report its status."
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
        "Messages to {name} cannot be delivered ({reason}). I have stopped sending to this "
        "contact. Please issue the agency a new invite (dondoc invite)."
    ),
    "contact_lost.blocked": "blocked the bot or left the chat",
    "task.status_prompt": "Task <b>{number}</b> ({directive}): {title}\nChoose a status:",
    "report.saved": (
        "Recorded: {icon} <b>{status}</b> — task {number}.\n"
        "Send a short note (results, difficulties, requests) or /skip."
    ),
    "report.note_saved": "Note saved for task {number}. Thank you!",
    "report.note_edited": (
        "Note for task {number} updated from your edited message (the old one is kept)."
    ),
    "report.skipped": "Report for task {number} saved without a note.",
    "report.reply_saved": "Your reply is saved for task {number}. Please choose a status:",
    "report.reply_which_task": "Got it. Which task is this for?",
    "report.draft_saved": "Your note is saved for task {number}. Please choose a status:",
    "report.nothing_to_skip": "No note is pending.",
    "report.not_understood": (
        "I did not understand this message. To report, reply to the request message or type "
        "/pending."
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
    "summary.chart_caption": "📊 Reported status for {month}",
    "input.too_long": (
        "This note is too long ({length} characters): the limit is <b>{limit}</b>. Please "
        "shorten it and send it again; nothing was stored."
    ),
    "input.not_text": (
        "Sorry, I take reports as buttons and text notes only; photos, stickers, voice messages "
        "and files are not stored. Please type the note, or /help."
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
