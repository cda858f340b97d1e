"""Whether an officer's note states a difficulty or asks for help.

The digest's "Khó khăn, vướng mắc, đề xuất" lists what still stands in an agency's way and
what it asks of the City: an obstacle named as such ("khó khăn", "vướng mắc"), a shortage,
a missing decision, fund or guidance, work stopped or late for a stated cause — or a request
("đề xuất", "kiến nghị", "đề nghị … xem xét / hỗ trợ / gia hạn"). The same words also appear
where they state nothing of the kind, and those uses are taken out first:

- solved or absent: "tháo gỡ vướng mắc", "đã giải quyết các vướng mắc", "không có vướng mắc";
- another sense: "hộ có hoàn cảnh khó khăn", "xã đặc biệt khó khăn", "vượt qua khó khăn";
- a routine step of the agency's own work: "đã có văn bản đề nghị Sở Tài chính thẩm định",
  "hồ sơ đề xuất chủ trương đầu tư", "theo đề nghị của …", "trả lời 18 kiến nghị".

tests/test_difficulties.py measures precision and recall on hand-labelled notes.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = r"(?:khó khăn|vướng mắc|kiến nghị|đề xuất|đề nghị)"

# Uses of the words that state no difficulty, removed before looking for one.
_NOT_A_DIFFICULTY = re.compile(
    "|".join(
        [
            # absent: "không có vướng mắc", "không phát sinh khó khăn, vướng mắc"
            rf"(?:không|chưa)\s+(?:có|phát sinh|gặp|còn)\s+{_WORD}(?:\s*,\s*{_WORD})*"
            r"(?:\s+(?:gì|nào|phát sinh))?",
            # "các vướng mắc về thủ tục đã được giải quyết"
            rf"{_WORD}[^.;]{{0,40}}?\s+(?:đã được|được|đã)\s+"
            r"(?:giải quyết|tháo gỡ|xử lý|khắc phục)",
            # solved: "tháo gỡ vướng mắc", "giải đáp vướng mắc", "xử lý dứt điểm các kiến nghị"
            r"(?:tháo gỡ|giải quyết|xử lý|khắc phục|giải đáp|trả lời|lắng nghe|tiếp thu|"
            r"tổng hợp|hướng dẫn)(?:\s+(?:xong|dứt điểm|kịp thời|tại chỗ))?"
            rf"(?:\s+(?:cho|các|những|\d[\d.]*))*\s+{_WORD}",
            # another sense: people and places in hardship, hardship overcome
            r"(?:hoàn cảnh|đặc biệt|hộ|vùng|gia đình)\s+khó khăn",
            r"(?:hỗ trợ|giúp|chăm lo|cho)\s+(?:các\s+)?(?:người dân|người|hộ|doanh nghiệp|"
            r"hộ kinh doanh|gia đình|lao động)[^.;]{0,20}?khó khăn",
            # an inspection's findings: "kiến nghị thu hồi 120 triệu đồng"
            r"kiến nghị\s+(?:thu hồi|xử lý|kiểm điểm|xuất toán)",
            r"vượt qua khó khăn",
            # the agency's own routine step: a document, a file or a proposal it made
            rf"(?:văn bản|công văn|tờ trình|hồ sơ|phương án|báo cáo)\s+{_WORD}",
            rf"theo\s+{_WORD}\s+của",
            rf"đã\s+{_WORD}\s+và\s+được",
        ]
    )
)

# What states a difficulty or asks for help.
_DIFFICULTY = re.compile(
    "|".join(
        [
            r"khó khăn|vướng mắc",
            # a request that opens a clause: "Đề xuất: …", "Kiến nghị Thành phố …"
            r"(?:^|[.;:!?]\s*|\n|\s[-–]\s*)\s*(?:kính\s+)?(?:đề xuất|kiến nghị|đề nghị|xin)\b",
            # a request to a body or for a decision: "đề nghị Sở Y tế hỗ trợ", "đề nghị bổ sung"
            r"(?:đề xuất|kiến nghị|đề nghị)\s+(?:ubnd|ủy ban|uỷ ban|thành phố|văn phòng|sở|bộ|"
            r"cấp có thẩm quyền|ngân hàng|cho phép|xem xét|bổ sung|gia hạn|điều chỉnh|hỗ trợ|"
            r"bố trí|chỉ đạo|ưu tiên|sớm|có chính sách)",
            # a shortage, a missing decision, fund or guidance
            r"\bthiếu\s+(?:vốn|kinh phí|nhân lực|nhân sự|lao động|cán bộ|mặt bằng|quỹ đất|"
            r"trang thiết bị|thiết bị|vật liệu|nguồn|phương tiện)",
            r"không đủ\s+(?:vốn|kinh phí|nhân lực|phương tiện|điều kiện|nguồn)",
            r"chưa\s+(?:được\s+)?(?:bố trí|cấp|phân bổ|giao)\s+(?:vốn|kinh phí|ngân sách)",
            r"chưa\s+có\s+(?:hướng dẫn|giá đất|mặt bằng|ý kiến|quy định|cơ chế|kinh phí|nguồn)",
            r"chưa\s+(?:thể|giải phóng được|thống nhất|đủ điều kiện)",
            r"\bchờ\s+(?:ý kiến|hướng dẫn|phê duyệt|thẩm định|quyết định)",
            r"cần\s+(?:bổ sung|hỗ trợ|có ý kiến)",
            r"chưa\s+được\s+(?:phê duyệt|thẩm định|cấp phép|bàn giao)",
            # work stopped or late for a stated cause
            r"(?:phải|bị)\s+(?:tạm dừng|tạm ngừng|hoãn|lùi)|tạm\s+(?:dừng|ngừng)\s+"
            r"(?:thi công|hoạt động|triển khai|sản xuất)",
            r"đình trệ|ách tắc|bị quá tải|khan hiếm|đứt gãy|cầm chừng",
            r"nguy cơ không\s+(?:đạt|hoàn thành|kịp)",
            r"không\s+(?:thể|kịp)\b",
            r"(?:chậm|mới đạt)\b[^.;]{0,80}?\b(?:do|vì)\s",
            r"gia hạn",
        ]
    )
)


def states_difficulty(note: str | None) -> bool:
    """Whether the note states an obstacle that still stands or asks for help."""
    if not note:
        return False
    text = unicodedata.normalize("NFC", note).casefold()
    text = _NOT_A_DIFFICULTY.sub(" ", text)
    return bool(_DIFFICULTY.search(text))
