"""`dondoc demo`: a whole monthly cycle of directive 2658/UBND-KT on the local Bot API server.

The production bot (`build_application`) polls the local server; simulated people do what
officers do in Telegram: open an invite link, receive the monthly request, press buttons, write
notes, reply to the request, answer late after a reminder, or never answer. The secretariat then
asks `/summary`. The time is a `FakeClock` moved from the request to the nudge to the briefing,
so a month takes seconds. Every choice comes from `random.Random(seed)`: the same seed plays the
same month.

The database is `out_dir/demo.db`, recreated on each run and kept afterwards, so the run can be
inspected (`DATABASE_URL=sqlite:///<out>/demo.db dondoc summary --period 08/2021`).
"""

from __future__ import annotations

import asyncio
import json
import random
import time as timer
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from html import escape
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.markup import escape as escape_markup
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from sqlalchemy import Engine
from sqlmodel import Session, col, func, select
from telegram import Message as TelegramMessage

from bot.texts import say, status_label
from bot_api_server import SimError, SimUser
from db import periods, reports
from db.engine import session_scope
from db.models import Agency, MessageKind, OutboundMessage, Role, Status, StatusReport
from dondoc.config import Config, ReportSettings
from dondoc.stage import FakeClock, Stage, local_stage
from jobs.calendar import add_working_days, parse_month, period_times
from jobs.cycle import CycleResult
from jobs.digest import (
    BUCKET_ICONS,
    BUCKET_ORDER,
    CATEGORY_ORDER,
    UNREPORTED,
    UNSET,
    build_digest,
    file_stem,
)
from jobs.digest_text import render_brief, render_html, render_text
from reports import render_file

SECRETARIAT_AGENCY = "vp-ubnd"
CONCURRENCY = 10  # officers talking to the bot at the same time
WAIT_SECONDS = 15.0  # the longest a simulated person waits for one answer of the bot

STATUS_WEIGHTS: dict[Status, int] = {
    Status.DONE: 30,
    Status.IN_PROGRESS: 45,
    Status.BEHIND: 15,
    Status.BLOCKED: 10,
}
SHARE_LATE = 0.15  # agencies that answer only after the nudge
SHARE_SILENT = 0.08  # agencies that never answer
SHARE_PARTIAL = 0.20  # prompt agencies with several tasks that leave one for later
SHARE_FIRST_DAY = 0.60  # prompt agencies that answer on the request day

Way = Literal["note", "skip", "reply"]
WAY_WEIGHTS: dict[Way, int] = {"note": 55, "skip": 15, "reply": 30}
Timing = Literal["prompt", "late", "silent"]
Message = dict[str, Any]


# --- people -------------------------------------------------------------------------------------

FAMILY_NAMES: dict[str, int] = {
    "Nguyễn": 36, "Trần": 11, "Lê": 9, "Phạm": 7, "Hoàng": 5, "Vũ": 5, "Đặng": 3, "Bùi": 3,
    "Đỗ": 3, "Phan": 2, "Ngô": 2, "Dương": 2, "Đinh": 2, "Trịnh": 2, "Đào": 1, "Lương": 1,
    "Tạ": 1, "Mai": 1, "Lý": 1, "Hà": 1, "Kiều": 1, "Chu": 1,
}  # fmt: skip
MIDDLE_NAMES = {
    "m": ("Văn", "Đức", "Quang", "Minh", "Hữu", "Mạnh", "Xuân", "Ngọc", "Thanh", "Việt", "Trọng"),
    "f": ("Thị", "Thu", "Thanh", "Ngọc", "Thùy", "Phương", "Minh", "Hồng", "Bích", "Kim", "Diệu"),
}
GIVEN_NAMES = {
    "m": (
        "Hùng", "Dũng", "Tuấn", "Long", "Nam", "Thắng", "Hải", "Sơn", "Cường", "Quân", "Trung",
        "Hiếu", "Khánh", "Phong", "Toàn", "Đạt", "Huy", "Bình", "Thành", "Tùng", "Kiên", "Hưng",
        "Vinh", "Quyết", "Nghĩa", "Tiến",
    ),
    "f": (
        "Lan", "Hương", "Hà", "Hoa", "Mai", "Linh", "Trang", "Thảo", "Huyền", "Nga", "Yến",
        "Hạnh", "Nhung", "Loan", "Thủy", "Ngân", "Vân", "Dung", "Hằng", "Oanh", "Giang",
        "Phượng", "Quyên", "Anh",
    ),
}  # fmt: skip


def vietnamese_names(rng: random.Random, count: int) -> list[str]:
    """`count` distinct full names (family, middle, given), about as common as in Hanoi."""
    families, weights = list(FAMILY_NAMES), list(FAMILY_NAMES.values())
    names: list[str] = []
    while len(names) < count:
        sex = rng.choice("mf")
        middle, given = rng.choice(MIDDLE_NAMES[sex]), rng.choice(GIVEN_NAMES[sex])
        name = f"{rng.choices(families, weights)[0]} {middle} {given}"
        if middle != given and name not in names:
            names.append(name)
    return names


# --- notes --------------------------------------------------------------------------------------

# What an officer writes after choosing a status. Keyed by task number, or more specifically
# "number/group" (group: district, investor, department; see `note_group`) or "number@agency".
# Placeholders: {area} (the agency's territory), {pct} (45-95), {lo} (8-38), {disb} (24-68) and
# {disb_hi} (55-85) (share of the year's capital disbursed), {g} (a decimal like 4,7), {n} (2-9),
# {m} (12-85), {k} (thousands), {big} (tens of thousands), {ty} (tỷ đồng, by group), {ty_s}
# (15-350 tỷ đồng), {date} (a day this month before the request), {soon} (a day next month),
# {year}, {next_year}.
NOTES: dict[str, dict[Status, tuple[str, ...]]] = {
    "1": {
        Status.DONE: (
            "Hoàn thành xét nghiệm diện rộng cho {big} người {area}, toàn bộ mẫu âm tính; "
            " đã gỡ phong tỏa các điểm khoanh vùng sau 14 ngày không phát sinh ca mới.",
            "Hoàn thành kế hoạch tiêm vắc-xin của tháng: {pct}% người từ 18 tuổi trở lên {area} "
            "đã được tiêm mũi 1; 100% tổ dân phố, thôn đã kiện toàn Tổ Covid cộng đồng.",
            "Hoàn thành nhiệm vụ trong tháng: truy vết {k} trường hợp F1, F2, cách ly tập trung "
            "đúng quy định; {area} không phát sinh ca nhiễm mới trong cộng đồng từ ngày {date}.",
            "Đã thành lập Tổ phân tích dữ liệu, kết nối dữ liệu xét nghiệm, cách ly, tiêm chủng "
            "{area}; báo cáo hằng ngày về Ban Chỉ đạo Thành phố trước 17h00.",
        ),
        Status.IN_PROGRESS: (
            "Tiếp tục thực hiện giãn cách xã hội theo Chỉ thị 17/CT-UBND; đã xét nghiệm {big} "
            "mẫu, phát hiện {n} ca dương tính đều đã được cách ly; tỷ lệ tiêm mũi 1 đạt {pct}%.",
            "Đang xét nghiệm sàng lọc nhóm nguy cơ cao (chợ, siêu thị, người giao hàng, cơ sở sản "
            "xuất); đã lấy {k} mẫu gộp, chưa phát hiện ca dương tính.",
            "Đang tổ chức tiêm vắc-xin tại {m} điểm tiêm cố định và lưu động, đã tiêm {big} mũi; "
            "dự kiến hoàn thành mũi 1 cho người từ 18 tuổi trở lên trước ngày {soon}.",
            "Đang phân vùng nguy cơ đến từng tổ dân phố, thôn; duy trì {m} chốt kiểm soát và {n} "
            "khu cách ly tập trung với {k} người đang cách ly.",
        ),
        Status.BEHIND: (
            "Tiến độ tiêm vắc-xin chậm so với kế hoạch (mới đạt {lo}% người từ 18 tuổi trở lên) "
            "do vắc-xin phân bổ về chưa đủ; đã đăng ký bổ sung với Sở Y tế.",
            "Xét nghiệm diện rộng chậm {n} ngày so với kế hoạch do thiếu nhân lực lấy mẫu; đã huy "
            "động thêm sinh viên y và đoàn viên thanh niên hỗ trợ.",
            "Nhập dữ liệu tiêm chủng lên nền tảng quốc gia còn chậm (tồn {k} mũi chưa cập nhật), "
            "ảnh hưởng việc cấp chứng nhận tiêm chủng; đang bổ sung người nhập liệu.",
        ),
        Status.BLOCKED: (
            "Khó khăn: các khu cách ly tập trung {area} đã vượt công suất ({k} người). Đề xuất: "
            "Thành phố cho phép cách ly F1 tại nhà đủ điều kiện và bổ sung kinh phí thuê cơ sở "
            "cách ly.",
            "Vướng mắc: thiếu sinh phẩm xét nghiệm nhanh và nhân lực lấy mẫu cho đợt xét nghiệm "
            "toàn dân. Đề xuất: Sở Y tế cấp bổ sung {k} bộ xét nghiệm nhanh và điều động thêm "
            "{m} nhân viên y tế.",
            "Khó khăn về kinh phí chi trả chế độ cho lực lượng tham gia chống dịch (chốt kiểm "
            "soát, Tổ Covid cộng đồng). Đề xuất: Sở Tài chính hướng dẫn nguồn và mức chi theo "
            "Nghị quyết 16/NQ-CP.",
        ),
    },
    "2.1": {
        Status.DONE: (
            "Đã trình UBND Thành phố báo cáo cập nhật ba kịch bản tăng trưởng năm {year} theo "
            "diễn biến dịch; rà soát các chỉ tiêu chủ yếu, dự kiến {n} chỉ tiêu khó đạt kế hoạch.",
            "Đã hoàn thành tổng hợp số liệu ước tính 7 tháng, phân tích tồn tại, hạn chế và "
            "nguyên nhân; gửi UBND Thành phố ngày {date}.",
        ),
        Status.IN_PROGRESS: (
            "Đang cập nhật kịch bản tăng trưởng theo thời gian giãn cách xã hội; dự kiến trình "
            "UBND Thành phố trước ngày {soon}.",
            "Đang phối hợp các sở, ngành rà soát kết quả 7 tháng, đánh giá tác động của giãn cách "
            "đến bán lẻ, du lịch, vận tải.",
        ),
        Status.BEHIND: (
            "Chậm so với kế hoạch do {n} sở, ngành chưa gửi số liệu; đã có văn bản đôn đốc, dự "
            "kiến hoàn thành trước ngày {soon}.",
            "Thu thập số liệu tại doanh nghiệp gặp khó khăn trong thời gian giãn cách, số phiếu "
            "thu về mới đạt {pct}%.",
        ),
        Status.BLOCKED: (
            "Vướng mắc: chưa có số liệu chính thức quý III của Tổng cục Thống kê để hiệu chỉnh "
            "kịch bản. Đề xuất: UBND Thành phố cho phép báo cáo theo số liệu ước tính, cập nhật "
            "sau.",
            "Khó khăn: nhiều chỉ tiêu (khách du lịch, tổng mức bán lẻ) khó đạt do giãn cách kéo "
            "dài. Đề xuất: Thành phố xem xét điều chỉnh chỉ tiêu kế hoạch năm {year} tại kỳ họp "
            "HĐND gần nhất.",
        ),
    },
    "2.2": {
        Status.DONE: (
            "Thu ngân sách 7 tháng đạt {pct}% dự toán; đã cắt giảm 50% kinh phí hội nghị, công "
            "tác trong nước và nước ngoài còn lại của năm theo Nghị quyết 58/NQ-CP.",
            "Đã thu hồi {ty_s} tỷ đồng kinh phí tiết kiệm chi thường xuyên, bổ sung dự phòng "
            "ngân sách cho phòng, chống dịch.",
        ),
        Status.IN_PROGRESS: (
            "Đang rà soát dự toán chi thường xuyên của các đơn vị để cắt giảm; phối hợp Cục Thuế, "
            "Kho bạc Nhà nước đôn đốc thu, chống thất thu ngân sách.",
            "Đang tổng hợp nhu cầu kinh phí phòng, chống dịch của các quận, huyện; đã tạm cấp "
            "{ty_s} tỷ đồng.",
        ),
        Status.BEHIND: (
            "Thu ngân sách có nguy cơ không đạt dự toán (mới đạt {lo}% kế hoạch quý) do nhiều "
            "doanh nghiệp tạm ngừng hoạt động; đã tham mưu giải pháp bù đắp hụt thu.",
        ),
        Status.BLOCKED: (
            "Khó khăn: hụt thu tiền sử dụng đất do các phiên đấu giá phải hoãn. Đề xuất: UBND "
            "Thành phố chỉ đạo tổ chức đấu giá trực tuyến và điều chỉnh nguồn chi đầu tư tương "
            "ứng.",
            "Vướng mắc: chưa có hướng dẫn chi hỗ trợ theo Nghị quyết 68/NQ-CP từ nguồn dự phòng. "
            "Đề xuất: UBND Thành phố kiến nghị Bộ Tài chính sớm hướng dẫn; trong khi chờ, cho "
            "phép tạm ứng ngân sách.",
        ),
    },
    "2.3": {
        Status.DONE: (
            "Giải ngân đạt {disb_hi}% kế hoạch vốn năm {year} được giao ({ty} tỷ đồng), cao hơn "
            "bình quân chung của Thành phố; đã hoàn thành nội dung đôn đốc của tháng.",
            "Đã rà soát tiến độ từng dự án và trình điều chuyển {ty} tỷ đồng từ {n} dự án chậm "
            "giải ngân sang các dự án có khả năng giải ngân cao.",
            "Đã thành lập tổ công tác đôn đốc giải ngân; 100% dự án có kế hoạch giải ngân chi "
            "tiết theo tháng, lũy kế giải ngân đạt {disb_hi}% kế hoạch.",
        ),
        Status.IN_PROGRESS: (
            "Lũy kế giải ngân đến ngày {date} đạt {disb}% kế hoạch vốn; đang đôn đốc nhà thầu "
            "hoàn thiện hồ sơ thanh toán khối lượng hoàn thành.",
            "Đang rà soát {m} dự án, dự kiến điều chuyển vốn của {n} dự án chậm giải ngân; các "
            "công trình cấp bách vẫn thi công, bảo đảm phòng, chống dịch.",
            "Giải ngân đạt {disb}% kế hoạch; đang tập trung giải phóng mặt bằng và thanh toán khối "
            "lượng các dự án chuyển tiếp.",
            "Đang kiểm soát giá, chất lượng vật liệu xây dựng tại {n} dự án; tổ chức giao ban "
            "hằng tuần với chủ đầu tư, nhà thầu để tháo gỡ vướng mắc tại hiện trường.",
        ),
        Status.BEHIND: (
            "Giải ngân mới đạt {lo}% kế hoạch, thấp hơn bình quân chung do nhiều công trường "
            "phải tạm dừng thi công trong thời gian giãn cách xã hội.",
            "Chậm tiến độ: {n} dự án chưa xong giải phóng mặt bằng; giá vật liệu xây dựng tăng "
            "khiến nhà thầu thi công cầm chừng.",
            "Giải ngân chậm ({lo}%) do thiếu lao động, nhiều công nhân về quê hoặc đang cách ly; "
            "đã yêu cầu nhà thầu bổ sung nhân lực theo phương án “3 tại chỗ”.",
        ),
        Status.BLOCKED: (
            "Khó khăn: giá thép, xi măng tăng khoảng {lo}% so với dự toán, nhà thầu đề nghị điều "
            "chỉnh giá hợp đồng. Đề xuất: Sở Xây dựng công bố kịp thời chỉ số giá, giá vật liệu "
            "xây dựng để có căn cứ điều chỉnh.",
            "Vướng mắc giải phóng mặt bằng tại {n} dự án do chưa có giá đất cụ thể để bồi thường. "
            "Đề xuất: Sở Tài nguyên và Môi trường đẩy nhanh thẩm định giá đất, trình UBND Thành "
            "phố phê duyệt.",
            "Khó khăn: nguồn đất đắp, vật liệu san lấp khan hiếm. Đề xuất: Thành phố cho phép tận "
            "dụng đất đào từ các dự án khác để san lấp.",
            "Vướng mắc thủ tục điều chỉnh chủ trương đầu tư của {n} dự án nên chưa giải ngân "
            "được vốn đã bố trí. Đề xuất: Sở Kế hoạch và Đầu tư ưu tiên thẩm định để kịp điều "
            "chuyển vốn trong năm.",
        ),
    },
    "2.3/department": {
        Status.DONE: (
            "Đơn vị được giao {ty} tỷ đồng cho {n} dự án (cải tạo trụ sở, mua sắm trang thiết "
            "bị, ứng dụng công nghệ thông tin); giải ngân đạt {disb_hi}%, hoàn thành nội dung của "
            "tháng.",
            "Đã rà soát các dự án do đơn vị làm chủ đầu tư, trình điều chuyển {ty} tỷ đồng của dự "
            "án chậm triển khai sang dự án có khả năng giải ngân cao.",
        ),
        Status.IN_PROGRESS: (
            "Lũy kế giải ngân đến ngày {date} đạt {disb}% kế hoạch vốn được giao ({ty} tỷ đồng); "
            "đang hoàn thiện hồ sơ thanh toán các gói thầu mua sắm thiết bị.",
            "Đang thẩm định, phê duyệt quyết toán {n} dự án hoàn thành; tham gia tổ công tác của "
            "Thành phố kiểm tra, đôn đốc giải ngân trong lĩnh vực phụ trách.",
        ),
        Status.BEHIND: (
            "Giải ngân mới đạt {lo}% kế hoạch do {n} gói thầu mua sắm phải lùi thời gian mở thầu "
            "trong thời gian giãn cách xã hội.",
            "Chậm tiến độ: dự án cải tạo, nâng cấp trụ sở chưa được phê duyệt điều chỉnh thiết kế "
            "nên chưa giải ngân được phần vốn còn lại.",
        ),
        Status.BLOCKED: (
            "Vướng mắc: dự án ứng dụng công nghệ thông tin phải thẩm định lại theo quy định mới. "
            "Đề xuất: Sở Thông tin và Truyền thông ưu tiên thẩm định để kịp giải ngân trong năm "
            "{year}.",
            "Khó khăn: nhà thầu cung cấp thiết bị nhập khẩu chậm giao hàng do đứt gãy chuỗi cung "
            "ứng. Đề xuất: UBND Thành phố cho phép gia hạn hợp đồng và điều chuyển phần vốn không "
            "giải ngân hết.",
        ),
    },
    "2.3@so-khdt": {
        Status.DONE: (
            "Đã tham mưu UBND Thành phố văn bản đôn đốc giải ngân theo Nghị quyết 63/NQ-CP; tổ "
            "chức Hội nghị Lãnh đạo Thành phố đối thoại, tháo gỡ khó khăn cho doanh nghiệp ngày "
            "{date}.",
        ),
        Status.IN_PROGRESS: (
            "Đang tổng hợp kiến nghị của {m} doanh nghiệp, hiệp hội để chuẩn bị Hội nghị Lãnh đạo "
            "Thành phố đối thoại với doanh nghiệp; giải ngân toàn Thành phố đạt {disb}% kế hoạch.",
        ),
        Status.BEHIND: (
            "Hội nghị đối thoại với doanh nghiệp phải lùi thời gian do giãn cách xã hội; giải ngân "
            "toàn Thành phố mới đạt {lo}% kế hoạch, thấp hơn cùng kỳ.",
        ),
        Status.BLOCKED: (
            "Khó khăn: nhiều chủ đầu tư giải ngân thấp nhưng chưa đăng ký điều chuyển vốn. Đề "
            "xuất: UBND Thành phố giao chỉ tiêu giải ngân theo tháng, gắn với trách nhiệm người "
            "đứng đầu.",
        ),
    },
    "2.10@cong-an-tp": {
        Status.DONE: (
            "Giữ vững an ninh chính trị, trật tự an toàn xã hội; tội phạm về trật tự xã hội giảm "
            "{lo}% so với cùng kỳ; xử lý {k} trường hợp vi phạm quy định phòng, chống dịch.",
            "Hoàn thành kế hoạch bảo vệ các khu cách ly, bệnh viện dã chiến; duy trì {m} chốt "
            "kiểm soát dịch tại các cửa ngõ Thủ đô.",
        ),
        Status.IN_PROGRESS: (
            "Đang triển khai đợt cao điểm tấn công, trấn áp tội phạm; tăng cường tuần tra, kiểm "
            "soát bảo đảm trật tự, an toàn giao thông trong thời gian giãn cách.",
            "Đang phối hợp Sở Giao thông vận tải kiểm soát người, phương tiện ra vào Thành phố tại "
            "{m} chốt; xử lý nghiêm các trường hợp ra đường không cần thiết.",
        ),
        Status.BEHIND: (
            "Cấp căn cước công dân gắn chip chậm so với kế hoạch do phải tạm dừng tiếp dân tập "
            "trung tại các điểm cấp.",
        ),
        Status.BLOCKED: (
            "Khó khăn: lực lượng tại các chốt kiểm soát làm việc liên tục, thiếu trang bị bảo hộ. "
            "Đề xuất: Thành phố bổ sung kinh phí, phương tiện và chế độ bồi dưỡng cho lực lượng "
            "làm nhiệm vụ.",
        ),
    },
    "2.10@bo-tu-lenh-thu-do": {
        Status.DONE: (
            "Đã hoàn thành phương án tuyển chọn, gọi công dân nhập ngũ năm {next_year} và kế "
            "hoạch huấn luyện dân quân tự vệ bảo đảm an toàn phòng dịch.",
            "Duy trì nghiêm chế độ trực sẵn sàng chiến đấu; tiếp nhận, quản lý an toàn {k} người "
            "tại {n} khu cách ly tập trung do quân đội quản lý.",
        ),
        Status.IN_PROGRESS: (
            "Đang phối hợp các quận, huyện vận hành {n} khu cách ly tập trung, tiếp nhận {k} "
            "người cách ly.",
            "Đang huy động lực lượng phun khử khuẩn khu vực nguy cơ cao và tăng cường cho các chốt "
            "kiểm soát dịch.",
        ),
        Status.BEHIND: (
            "Huấn luyện lực lượng dự bị động viên, dân quân tự vệ chậm so với kế hoạch năm do "
            "phải tạm dừng tập trung đông người.",
        ),
        Status.BLOCKED: (
            "Vướng mắc: {n} khu cách ly tập trung đã quá tải, cơ sở vật chất xuống cấp. Đề xuất: "
            "UBND các quận, huyện bố trí thêm cơ sở cách ly và lực lượng y tế thường trực.",
        ),
    },
    "2.4": {
        Status.DONE: (
            "Đã tổ chức {n} phiên kết nối cung cầu trực tuyến, hỗ trợ tiêu thụ nông sản; chỉ số "
            "sản xuất công nghiệp 7 tháng tăng {g}% so với cùng kỳ.",
            "Đã ban hành hướng dẫn duy trì sản xuất “3 tại chỗ”; {m} doanh nghiệp công nghiệp "
            "đăng ký và được hướng dẫn phương án phòng dịch.",
        ),
        Status.IN_PROGRESS: (
            "Đang phối hợp các bộ, ngành bảo đảm luồng xanh lưu thông hàng hóa; {pct}% doanh "
            "nghiệp công nghiệp trọng điểm duy trì sản xuất.",
            "Đang triển khai xúc tiến thương mại trực tuyến, hỗ trợ {m} doanh nghiệp đưa sản "
            "phẩm lên sàn thương mại điện tử.",
        ),
        Status.BEHIND: (
            "Chỉ số sản xuất công nghiệp tháng giảm {g}% so với tháng trước do nhiều doanh nghiệp "
            "tạm dừng hoạt động; các hoạt động xúc tiến xuất khẩu phải lùi thời gian.",
        ),
        Status.BLOCKED: (
            "Vướng mắc: doanh nghiệp khó đáp ứng điều kiện “3 tại chỗ” (chi phí ăn ở, xét nghiệm "
            "cho công nhân). Đề xuất: Thành phố hỗ trợ chi phí xét nghiệm và cho phép phương án "
            "“1 cung đường, 2 điểm đến”.",
            "Khó khăn: chi phí logistics tăng cao, thiếu container rỗng khiến doanh nghiệp xuất "
            "khẩu chậm giao hàng. Đề xuất: UBND Thành phố kiến nghị Bộ Công Thương có giải pháp "
            "hỗ trợ.",
        ),
    },
    "2.5": {
        Status.DONE: (
            "Trong tháng đã kiểm tra {m} vụ, xử lý {n} vụ vi phạm, thu nộp ngân sách {k} triệu "
            "đồng; tạm giữ nhiều lô hàng không rõ nguồn gốc.",
            "Đã kiểm tra các cơ sở kinh doanh thiết bị y tế; xử lý {n} trường hợp bán bộ xét "
            "nghiệm nhanh Covid-19 không rõ nguồn gốc, bán khẩu trang cao hơn giá niêm yết.",
        ),
        Status.IN_PROGRESS: (
            "Đang duy trì các tổ kiểm tra đột xuất, tập trung vào hàng giả, hàng kém chất lượng, "
            "hàng thiết yếu tăng giá bất hợp lý trong thời gian giãn cách.",
            "Đang phối hợp Công an thành phố điều tra {n} đường dây kinh doanh hàng giả qua mạng "
            "xã hội và sàn thương mại điện tử.",
        ),
        Status.BEHIND: (
            "Kế hoạch kiểm tra chuyên đề an toàn thực phẩm mới đạt {pct}% do lực lượng được huy "
            "động tham gia các chốt kiểm soát dịch.",
        ),
        Status.BLOCKED: (
            "Khó khăn: khó xác định chủ thể vi phạm trên môi trường thương mại điện tử. Đề xuất: "
            "Sở Công Thương, Sở Thông tin và Truyền thông phối hợp cung cấp thông tin chủ tài "
            "khoản bán hàng.",
        ),
    },
    "2.6": {
        Status.DONE: (
            "Đã trình UBND Thành phố phương án ứng phó thiên tai theo cấp độ rủi ro năm {year}, "
            "có phương án sơ tán dân bảo đảm yêu cầu phòng, chống dịch Covid-19.",
            "Hoàn thành kiểm tra đê điều, hồ đập trước mùa mưa bão; vật tư, phương tiện dự trữ "
            "theo phương châm “4 tại chỗ” đã sẵn sàng.",
        ),
        Status.IN_PROGRESS: (
            "Đang rà soát {m} trọng điểm xung yếu về đê điều, hồ chứa; chuẩn bị phương án tiêu "
            "úng cho diện tích lúa mùa.",
            "Đang hướng dẫn các quận, huyện kiện toàn Ban Chỉ huy phòng chống thiên tai và tìm "
            "kiếm cứu nạn, cập nhật phương án sơ tán có tính đến các khu cách ly.",
        ),
        Status.BEHIND: (
            "Diễn tập phòng chống lụt bão phải lùi do giãn cách xã hội; xử lý {n} sự cố sạt lở "
            "kè, mái đê còn chậm so với kế hoạch.",
        ),
        Status.BLOCKED: (
            "Vướng mắc: nhiều trường học dự kiến làm điểm sơ tán dân đang là khu cách ly tập "
            "trung. Đề xuất: UBND các quận, huyện bố trí địa điểm sơ tán thay thế.",
            "Khó khăn: chưa bố trí được kinh phí xử lý khẩn cấp sự cố đê điều. Đề xuất: Sở Tài "
            "chính tham mưu bố trí từ nguồn dự phòng ngân sách Thành phố.",
        ),
    },
    "2.7": {
        Status.DONE: (
            "Đã hỗ trợ {k} người lao động và {m} người sử dụng lao động theo Nghị quyết 68/NQ-CP, "
            "tổng kinh phí {ty_s} tỷ đồng; hoàn thành chi trả đợt {n}.",
            "Đã hướng dẫn quy trình tiếp nhận hồ sơ trực tuyến; các quận, huyện đã chi hỗ trợ "
            "theo Quyết định 23/2021/QĐ-TTg cho {pct}% đối tượng đủ điều kiện.",
        ),
        Status.IN_PROGRESS: (
            "Đang thẩm định hồ sơ đề nghị hỗ trợ của {m} doanh nghiệp; đã giải quyết {pct}% số "
            "hồ sơ nhận được.",
            "Đang phối hợp Bảo hiểm xã hội thành phố giảm mức đóng bảo hiểm tai nạn lao động, "
            "bệnh nghề nghiệp và tạm dừng đóng vào quỹ hưu trí, tử tuất.",
        ),
        Status.BEHIND: (
            "Chi hỗ trợ lao động tự do chậm do việc rà soát, xác nhận đối tượng ở cấp xã kéo "
            "dài; mới chi trả được {lo}% số hồ sơ.",
        ),
        Status.BLOCKED: (
            "Vướng mắc: nhiều lao động tự do không có nơi cư trú ổn định, khó xác nhận đối "
            "tượng. Đề xuất: Thành phố cho phép UBND cấp xã nơi tạm trú xác nhận và chi trả.",
            "Khó khăn: doanh nghiệp vay vốn trả lương ngừng việc chưa đáp ứng điều kiện vay. "
            "Đề xuất: UBND Thành phố kiến nghị Ngân hàng Chính sách xã hội nới điều kiện cho vay.",
        ),
    },
    "2.8": {
        Status.DONE: (
            "Đã hoàn thành tuyển sinh trực tuyến đầu cấp; các trường {area} đã sẵn sàng khai giảng "
            "trực tuyến, dạy học qua Internet và trên truyền hình.",
            "{n} trường làm khu cách ly đã được bàn giao lại, vệ sinh, khử khuẩn; bảo đảm đủ sách "
            "giáo khoa lớp 2, lớp 6 theo chương trình giáo dục phổ thông mới.",
            "Đã hoàn thành tập huấn trực tuyến cho giáo viên dạy chương trình, sách giáo khoa mới "
            "lớp 2, lớp 6.",
        ),
        Status.IN_PROGRESS: (
            "Đang rà soát thiết bị học trực tuyến của học sinh; đã vận động được {m} máy tính, "
            "điện thoại cho học sinh có hoàn cảnh khó khăn.",
            "Đang chuẩn bị kịch bản khai giảng năm học {year}-{next_year} theo hình thức trực "
            "tuyến và kế hoạch dạy học phù hợp diễn biến dịch.",
            "Đang sửa chữa, cải tạo {n} trường học, bổ sung {m} phòng học cho các trường quá tải; "
            "dự kiến hoàn thành trước khai giảng.",
        ),
        Status.BEHIND: (
            "Sửa chữa, cải tạo trường học chậm do công trường tạm dừng trong thời gian giãn cách; "
            "{n} công trình chưa kịp bàn giao.",
            "Cung ứng sách giáo khoa lớp 2, lớp 6 chậm, mới đạt {pct}% nhu cầu do ảnh hưởng của "
            "dịch đến khâu vận chuyển.",
        ),
        Status.BLOCKED: (
            "Khó khăn: {n} trường học {area} đang được trưng dụng làm khu cách ly tập trung. Đề "
            "xuất: Thành phố bố trí cơ sở cách ly thay thế, hoàn trả trường trước ngày khai giảng.",
            "Vướng mắc: khoảng {k} học sinh chưa có thiết bị học trực tuyến. Đề xuất: Thành phố "
            "hỗ trợ kinh phí và vận động doanh nghiệp tài trợ máy tính, thẻ sim cho học sinh.",
            "Khó khăn: thiếu {m} giáo viên so với định mức do chưa được giao đủ biên chế. Đề "
            "xuất: Sở Nội vụ cho phép hợp đồng giáo viên trong khi chờ tuyển dụng.",
        ),
    },
    "2.9": {
        Status.DONE: (
            "Trong tháng đã tiếp {m} lượt công dân (chủ yếu qua điện thoại, trực tuyến), giải "
            "quyết {n} vụ việc khiếu nại, tố cáo thuộc thẩm quyền, đạt {pct}%.",
            "Đã ban hành kết luận {n} cuộc thanh tra theo kế hoạch; kiến nghị thu hồi {k} triệu "
            "đồng, kiểm điểm trách nhiệm tập thể, cá nhân có sai phạm.",
        ),
        Status.IN_PROGRESS: (
            "Đang tiến hành {n} cuộc thanh tra (chuyển sang thanh tra hồ sơ trong thời gian giãn "
            "cách); tiếp tục đôn đốc thực hiện các kết luận thanh tra.",
            "Đang hướng dẫn kê khai, công khai tài sản, thu nhập năm {year}; rà soát các vụ việc "
            "khiếu nại đông người, phức tạp.",
        ),
        Status.BEHIND: (
            "Kế hoạch thanh tra năm {year} mới thực hiện được {lo}% do tạm dừng các cuộc thanh "
            "tra trực tiếp trong thời gian giãn cách.",
        ),
        Status.BLOCKED: (
            "Vướng mắc: {n} vụ việc khiếu nại về đất đai qua nhiều thời kỳ, chưa thống nhất "
            "phương án giải quyết. Đề xuất: UBND Thành phố chủ trì họp liên ngành để thống nhất.",
        ),
    },
    "2.10": {
        Status.DONE: (
            "Giữ vững an ninh chính trị, trật tự an toàn xã hội; tội phạm về trật tự xã hội giảm "
            "{lo}% so với cùng kỳ; xử lý {k} trường hợp vi phạm quy định phòng, chống dịch.",
            "Hoàn thành kế hoạch bảo vệ các khu cách ly, bệnh viện dã chiến; duy trì {m} chốt "
            "kiểm soát dịch tại các cửa ngõ Thủ đô.",
            "Đã hoàn thành phương án tuyển chọn, gọi công dân nhập ngũ năm {next_year} và kế "
            "hoạch huấn luyện dân quân tự vệ bảo đảm an toàn phòng dịch.",
        ),
        Status.IN_PROGRESS: (
            "Đang phối hợp các quận, huyện vận hành {n} khu cách ly tập trung, tiếp nhận {k} "
            "người cách ly.",
            "Đang triển khai đợt cao điểm tấn công, trấn áp tội phạm; tăng cường tuần tra, kiểm "
            "soát bảo đảm trật tự, an toàn giao thông trong thời gian giãn cách.",
        ),
        Status.BEHIND: (
            "Huấn luyện lực lượng dự bị động viên, dân quân tự vệ chậm so với kế hoạch năm do "
            "phải tạm dừng tập trung đông người.",
            "Cấp căn cước công dân gắn chip chậm so với kế hoạch do phải tạm dừng tiếp dân tập "
            "trung tại các điểm cấp.",
        ),
        Status.BLOCKED: (
            "Khó khăn: lực lượng tại các chốt kiểm soát làm việc liên tục, thiếu trang bị bảo hộ. "
            "Đề xuất: Thành phố bổ sung kinh phí, phương tiện và chế độ bồi dưỡng cho lực lượng "
            "làm nhiệm vụ.",
            "Vướng mắc: {n} khu cách ly tập trung đã quá tải, cơ sở vật chất xuống cấp. Đề xuất: "
            "UBND các quận, huyện bố trí thêm cơ sở cách ly và lực lượng y tế thường trực.",
        ),
    },
    "2.11": {
        Status.DONE: (
            "Đã hoàn thành sắp xếp, kiện toàn các phòng chuyên môn, đơn vị trực thuộc theo Nghị "
            "định 107, 108/2020/NĐ-CP; {pct}% hồ sơ thủ tục hành chính được tiếp nhận trực tuyến.",
            "Đã cung cấp {m} dịch vụ công trực tuyến mức độ 3, 4 trên Cổng dịch vụ công Thành "
            "phố; số hóa {k} hồ sơ, kết quả giải quyết thủ tục hành chính.",
            "Hoàn thành rà soát, đề xuất phân cấp {n} nhóm nhiệm vụ; 100% văn bản đi (trừ văn bản "
            "mật) được ký số và gửi trên môi trường điện tử.",
        ),
        Status.IN_PROGRESS: (
            "Đang rà soát chức năng, nhiệm vụ để kiện toàn tổ chức bộ máy; tỷ lệ hồ sơ giải quyết "
            "trực tuyến đạt {pct}%, không có hồ sơ quá hạn.",
            "Đang số hóa hồ sơ, kết quả giải quyết thủ tục hành chính (đạt {pct}% kế hoạch); "
            "hướng dẫn người dân nộp hồ sơ trực tuyến trong thời gian giãn cách.",
            "Đang xây dựng đề án sắp xếp {n} đơn vị sự nghiệp công lập; đẩy mạnh thanh toán trực "
            "tuyến phí, lệ phí.",
        ),
        Status.BEHIND: (
            "Số hóa hồ sơ chậm so với kế hoạch (mới đạt {lo}%) do thiếu nhân lực và thiết bị "
            "quét; tỷ lệ hồ sơ nộp trực tuyến còn thấp.",
            "Kiện toàn tổ chức bộ máy chậm do chờ hướng dẫn về vị trí việc làm; {n} đơn vị chưa "
            "hoàn thành sắp xếp.",
        ),
        Status.BLOCKED: (
            "Vướng mắc: phần mềm một cửa điện tử chưa liên thông với Cổng dịch vụ công quốc gia, "
            "người dân phải nộp bổ sung hồ sơ giấy. Đề xuất: Sở Thông tin và Truyền thông sớm "
            "hoàn thành kết nối, liên thông.",
            "Khó khăn: chưa được bố trí kinh phí số hóa hồ sơ lưu trữ và chữ ký số cho cán bộ cấp "
            "xã. Đề xuất: Sở Tài chính, Sở Nội vụ bố trí kinh phí và hướng dẫn thực hiện.",
            "Vướng mắc: chưa có hướng dẫn về định mức biên chế khi sáp nhập các phòng chuyên môn. "
            "Đề xuất: Sở Nội vụ hướng dẫn cụ thể để hoàn thành sắp xếp trong năm {year}.",
        ),
    },
}

# For a task of another directive that the bank does not know.
GENERIC_NOTES: dict[Status, tuple[str, ...]] = {
    Status.DONE: (
        "Đã hoàn thành các nội dung được giao trong tháng; đã gửi báo cáo bằng văn bản.",
    ),
    Status.IN_PROGRESS: ("Đang triển khai theo kế hoạch, đạt khoảng {pct}% khối lượng công việc.",),
    Status.BEHIND: ("Chậm so với kế hoạch do ảnh hưởng của dịch Covid-19; đạt {lo}% khối lượng.",),
    Status.BLOCKED: (
        "Khó khăn: chưa có hướng dẫn thực hiện và chưa được bố trí kinh phí. Đề xuất: UBND Thành "
        "phố chỉ đạo các sở, ngành liên quan hướng dẫn, bố trí kinh phí.",
    ),
}

# The public investment capital (tỷ đồng) an agency plausibly manages in a year, by note group.
CAPITAL_RANGES = {"investor": (800, 6_500), "district": (300, 2_500), "department": (15, 180)}
INVESTORS = ("bqlda-", "ban-ql-dsdt")  # the City's project management boards
AREAS = {
    "quan": "trên địa bàn quận",
    "huyen": "trên địa bàn huyện",
    "thi-xa": "trên địa bàn thị xã",
}


def _thousands(value: int) -> str:
    """12345 as Vietnamese writes it: 12.345."""
    return f"{value:,}".replace(",", ".")


def note_group(agency: AgencyFacts) -> str:
    """Whose words a note is in: a district, a project board, or a department."""
    if agency.kind in AREAS:
        return "district"
    if agency.code.startswith(INVESTORS):
        return "investor"
    return "department"


def note_templates(number: str, status: Status, agency: AgencyFacts) -> tuple[str, ...]:
    """The most specific notes the bank holds for this agency's task and status."""
    for key in (f"{number}@{agency.code}", f"{number}/{note_group(agency)}", number):
        if status in NOTES.get(key, {}):
            return NOTES[key][status]
    return GENERIC_NOTES[status]


def write_note(
    rng: random.Random, number: str, status: Status, agency: AgencyFacts, month: str
) -> str:
    """A plausible note for a task's status, in the words of `agency`."""
    year, number_of_month = (int(part) for part in month.split("-"))
    next_year, next_month = (year, number_of_month + 1) if number_of_month < 12 else (year + 1, 1)
    values = {
        "area": AREAS.get(agency.kind, "trên địa bàn Thành phố"),
        "pct": rng.randint(45, 95),
        "lo": rng.randint(8, 38),
        "disb": rng.randint(24, 68),
        "disb_hi": rng.randint(55, 85),
        "g": f"{rng.randint(12, 89) / 10:.1f}".replace(".", ","),
        "n": rng.randint(2, 9),
        "m": rng.randint(12, 85),
        "k": _thousands(rng.randrange(1_200, 9_800, 10)),
        "big": _thousands(rng.randrange(20_000, 350_000, 100)),
        "ty": _thousands(rng.randint(*CAPITAL_RANGES[note_group(agency)])),
        "ty_s": rng.randint(15, 350),
        "date": f"{rng.randint(2, 13):02d}/{number_of_month:02d}/{year}",
        "soon": f"{rng.randint(5, 25):02d}/{next_month:02d}/{next_year}",
        "year": year,
        "next_year": year + 1,
    }
    return rng.choice(note_templates(number, status, agency)).format(**values)


# --- the plan of the month ----------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyFacts:
    """An agency that owes reports, as plain data."""

    code: str
    name: str
    kind: str
    assignments: list[reports.AssignmentInfo]


@dataclass(frozen=True)
class Answer:
    """What an officer will say about one task, and how."""

    assignment_id: int
    number: str
    status: Status
    note: str
    way: Way

    @property
    def stored_note(self) -> str | None:
        """The note the database should end up with."""
        return None if self.way == "skip" else self.note


@dataclass
class Officer:
    """One simulated contact of an agency and the answers planned for the month."""

    agency: AgencyFacts
    user_id: int
    name: str
    timing: Timing
    first_day: bool = True
    first: list[Answer] = field(default_factory=list)  # after the request
    second: list[Answer] = field(default_factory=list)  # after the nudge
    user: SimUser | None = None
    request: Message | None = None
    nudge: Message | None = None

    @property
    def person(self) -> SimUser:
        """The joined Telegram user."""
        assert self.user is not None, "the officer has not joined yet"
        return self.user


def plan_month(
    rng: random.Random, agencies: list[AgencyFacts], month: str
) -> tuple[list[Officer], tuple[int, str]]:
    """An officer per agency with the month's answers; the secretariat's user id and name."""
    names = vietnamese_names(rng, len(agencies) + 1)
    user_ids = rng.sample(range(1_000_000_000, 7_000_000_000), len(agencies) + 1)
    order = list(range(len(agencies)))
    rng.shuffle(order)
    silent_count = round(len(agencies) * SHARE_SILENT)
    late_count = round(len(agencies) * SHARE_LATE)
    timings: dict[int, Timing] = {}
    for position, index in enumerate(order):
        if position < silent_count:
            timings[index] = "silent"
        elif position < silent_count + late_count:
            timings[index] = "late"
        else:
            timings[index] = "prompt"
    statuses, status_weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    ways, way_weights = list(WAY_WEIGHTS), list(WAY_WEIGHTS.values())
    officers = []
    for index, agency in enumerate(agencies):
        officer = Officer(agency, user_ids[index], names[index], timings[index])
        officer.first_day = rng.random() < SHARE_FIRST_DAY
        answers = []
        for assignment in agency.assignments:
            status = rng.choices(statuses, status_weights)[0]
            way = rng.choices(ways, way_weights)[0]
            if status is Status.BLOCKED and way == "skip":
                way = "note"  # asking the City for help comes with what is needed
            answers.append(
                Answer(
                    assignment_id=assignment.id,
                    number=assignment.number,
                    status=status,
                    note=write_note(rng, assignment.number, status, agency, month),
                    way=way,
                )
            )
        if officer.timing == "late":
            officer.second = answers
        elif officer.timing == "prompt":
            officer.first = answers
            if len(answers) > 1 and rng.random() < SHARE_PARTIAL:
                # One task left out of the first answer: half come back to it after the nudge.
                left = officer.first.pop(rng.randrange(len(answers)))
                if rng.random() < 0.5:
                    officer.second = [left]
        officers.append(officer)
    return officers, (user_ids[-1], names[-1])


# --- conversations ------------------------------------------------------------------------------


class UnexpectedReply(Exception):
    """The bot answered something a person could not go on from."""


def _buttons(message: Message) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [
        button.get("callback_data", "")
        for row in markup.get("inline_keyboard", [])
        for button in row
    ]


def _button(message: Message, prefix: str, suffix: str = "") -> str | None:
    """The callback data of the first button that starts with `prefix` (and ends with `suffix`)."""
    for data in _buttons(message):
        if data.startswith(prefix) and data.endswith(suffix):
            return data
    return None


def _shown(message: Message) -> str:
    text = " ".join(str(message.get("text", "")).split())
    return text if len(text) <= 90 else text[:89] + "…"


async def _next_reply(person: SimUser) -> Message:
    """The bot's first message after the person's last action."""
    return await person.wait_for_message(timeout=WAIT_SECONDS)


async def _press_status(person: SimUser, prompt: Message, answer: Answer) -> Message:
    """Go from a message with task or status buttons to the bot's answer to the status button."""
    task_prefix, status_prefix = f"task:{answer.assignment_id}:", f"status:{answer.assignment_id}:"
    if _button(prompt, status_prefix) is None:
        task = _button(prompt, task_prefix)
        if task is None:
            raise UnexpectedReply(f"no button for task {answer.number} in: {_shown(prompt)}")
        await person.press(prompt, task)
        prompt = await _next_reply(person)
    status = _button(prompt, status_prefix, f":{answer.status.value}")
    if status is None:
        raise UnexpectedReply(f"no status buttons for task {answer.number} in: {_shown(prompt)}")
    await person.press(prompt, status)
    return await _next_reply(person)


def _expect_about(reply: Message, answer: Answer, step: str) -> None:
    if answer.number not in str(reply.get("text", "")):
        raise UnexpectedReply(f"{step}: the bot said: {_shown(reply)}")


async def answer_task(person: SimUser, origin: Message, answer: Answer) -> None:
    """Report one task from a request or nudge: buttons then a note or /skip, or a reply."""
    if answer.way == "reply":
        await person.reply(origin, answer.note)
        prompt = await _next_reply(person)
        reply = await _press_status(person, prompt, answer)
        _expect_about(reply, answer, "status after a reply")
        return
    reply = await _press_status(person, origin, answer)
    _expect_about(reply, answer, "status button")
    await person.send(answer.note if answer.way == "note" else "/skip")
    reply = await _next_reply(person)
    _expect_about(reply, answer, "note" if answer.way == "note" else "/skip")


@dataclass
class Tally:
    """What the conversations achieved and what went wrong."""

    answered: list[Answer] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


async def bounded(
    items: Iterable[Officer], work: Callable[[Officer], Awaitable[None]], limit: int = CONCURRENCY
) -> None:
    """Run `work` for every officer, `limit` at a time."""
    gate = asyncio.Semaphore(limit)

    async def one(officer: Officer) -> None:
        async with gate:
            await work(officer)

    await asyncio.gather(*(one(officer) for officer in items))


# What an officer answers in a wave: the answers, the message whose buttons to use, the message
# to reply to.
Pick = Callable[[Officer], tuple[list[Answer], Message | None, Message | None]]


async def answer_wave(
    officers: list[Officer], pick: Pick, title: str, console: Console, tally: Tally
) -> None:
    """Each officer reports the tasks `pick` gives, with a progress bar of the tasks reported."""
    total = sum(len(pick(officer)[0]) for officer in officers)
    with progress_bar(console, f"{title} ({len(officers)} đơn vị)", total) as step:

        async def work(officer: Officer) -> None:
            answers, buttons_on, replies_to = pick(officer)
            for answer in answers:
                origin = replies_to if answer.way == "reply" else buttons_on
                try:
                    if origin is None:
                        raise UnexpectedReply("the message to answer never arrived")
                    await answer_task(officer.person, origin, answer)
                    tally.answered.append(answer)
                except (TimeoutError, SimError, UnexpectedReply) as exc:
                    tally.problems.append(f"{officer.agency.code} task {answer.number}: {exc}")
                step()

        await bounded(officers, work)


# --- reading the outcome ------------------------------------------------------------------------


def _count(session: Session, query: Any) -> int:
    return int(session.exec(query).one())


def sent_messages(session: Session, kind: MessageKind) -> int:
    """Messages of a kind the bot has sent."""
    return _count(
        session,
        select(func.count())
        .select_from(OutboundMessage)
        .where(OutboundMessage.kind == kind, col(OutboundMessage.sent_at).is_not(None)),
    )


def check_stored(engine: Engine, period_id: int, answered: list[Answer]) -> list[str]:
    """Differences between what officers said and the latest report the bot stored."""
    with session_scope(engine) as session:
        stored = reports.latest_reports(session=session, period_id=period_id)
    problems = []
    for answer in answered:
        report = stored.get(answer.assignment_id)
        if report is None:
            problems.append(f"task {answer.number} (assignment {answer.assignment_id}): not stored")
        elif (report.status, report.note) != (answer.status, answer.stored_note):
            problems.append(
                f"task {answer.number} (assignment {answer.assignment_id}): stored "
                f"{report.status} / {report.note!r}, said {answer.status} / {answer.stored_note!r}"
            )
    return problems


def bucket_label(bucket: str) -> str:
    """A digest bucket as the Office writes it."""
    if bucket == UNREPORTED:
        return status_label(None)
    if bucket == UNSET:
        return say("status.unset")
    return status_label(Status(bucket))


def html_page(title: str, parts: list[str]) -> str:
    """The digest's Telegram HTML messages, one after the other, as a page a browser shows."""
    sections = "\n".join(
        f'<section class="message"><p class="part">Tin nhắn {i}/{len(parts)}</p>\n'
        f"<div>{part}</div></section>"
        for i, part in enumerate(parts, 1)
    )
    return (
        "<!doctype html>\n"
        '<html lang="vi"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title>\n"
        "<style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;"
        "background:#eef2f5}.message{background:#fff;border-radius:.8rem;padding:1rem 1.2rem;"
        "margin:1rem 0;box-shadow:0 1px 2px #0002}.message div{white-space:pre-wrap}"
        ".part{color:#789;font-size:.8rem;margin:0 0 .5rem}</style></head>\n"
        f"<body>\n{sections}\n</body></html>\n"
    )


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M %d/%m/%Y")


# --- the demo -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timeline:
    """When things happen in the simulated month (aware datetimes)."""

    start: datetime  # officers join just before the request
    request_at: datetime
    answer_days: list[datetime]  # the prompt officers answer on these
    nudge_at: datetime | None
    after_nudge: datetime
    summary_at: datetime  # the secretariat prepares the briefing


def month_timeline(month: str, config: Config) -> Timeline:
    """The month's moments from the schedule: request, answers, first nudge, summary."""
    schedule, zone = config.schedule, config.schedule.zone
    times = period_times(month, schedule)
    request_local = times.request_at.astimezone(zone)
    nudge_at = times.nudges[0] if times.nudges else None
    answer_days = [request_local + timedelta(hours=1, minutes=45)]
    next_day = datetime.combine(
        add_working_days(request_local.date(), 1, schedule), time(14, 30), tzinfo=zone
    )
    if nudge_at is None or next_day < nudge_at:
        answer_days.append(next_day)
    after_nudge = (nudge_at or answer_days[-1]) + timedelta(hours=1, minutes=50)
    due_day = (times.due_at.astimezone(zone) - timedelta(days=1)).date()
    summary_at = max(datetime.combine(due_day, time(16, 0), tzinfo=zone), after_nudge)
    return Timeline(
        start=times.request_at - timedelta(minutes=30),
        request_at=times.request_at,
        answer_days=answer_days,
        nudge_at=nudge_at,
        after_nudge=after_nudge,
        summary_at=summary_at,
    )


@contextmanager
def progress_bar(console: Console, description: str, total: int) -> Iterator[Callable[[], None]]:
    """A one-line progress bar for a phase; yields the function that counts one step."""
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as progress:
        task = progress.add_task(description, total=total)
        yield lambda: progress.advance(task)


def owing_agencies(stage: Stage) -> list[AgencyFacts]:
    """Every agency that holds a monthly task, with its tasks, as plain data."""
    with session_scope(stage.engine) as session:
        return [
            AgencyFacts(
                row.code,
                row.name,
                row.kind,
                reports.assignments_of_agency(session=session, agency_id=agency_id),
            )
            for agency_id in reports.owing_agencies(session=session)
            if (row := session.get(Agency, agency_id)) is not None
        ]


async def run_demo(*, out_dir: Path, month: str, seed: int, console: Console) -> None:
    """Play one month of directive 2658/UBND-KT and write the digest files into `out_dir`."""
    started = timer.perf_counter()
    period_month = parse_month(month)
    label = periods.month_label(period_month)
    # The report signed as a deputy chief of office would sign it (a name made up for the demo).
    config = Config(
        report=ReportSettings(
            parent="UBND THÀNH PHỐ HÀ NỘI",
            place="Hà Nội",
            signer_title=["KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"],
            signer_name="Nguyễn Văn Minh",
        )
    )
    timeline = month_timeline(period_month, config)
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    database = out_dir / "demo.db"
    for leftover in (database, *(Path(f"{database}{suffix}") for suffix in ("-wal", "-shm"))):
        leftover.unlink(missing_ok=True)

    console.rule(f"[bold]dondoc — mô phỏng kỳ báo cáo tháng {label}, văn bản 2658/UBND-KT")
    clock = FakeClock(timeline.start)
    tally = Tally()
    async with local_stage(
        database_url=f"sqlite:///{database}", clock=clock, config=config
    ) as stage:
        stage.load_reference()
        agencies = owing_agencies(stage)
        officers, (secretariat_id, secretariat_name) = plan_month(rng, agencies, period_month)
        console.print(
            f"{len(agencies)} đơn vị được giao "
            f"{sum(len(a.assignments) for a in agencies)} lượt nhiệm vụ; mỗi đơn vị một cán bộ "
            "đầu mối, Văn phòng UBND Thành phố một thư ký tổng hợp.",
            highlight=False,
        )
        secretariat = await join_everyone(
            stage, officers, secretariat_id, secretariat_name, console, tally
        )
        clock.set(timeline.request_at)
        period_id = await send_requests(stage, officers, console, tally)
        for index, day in enumerate(timeline.answer_days):
            clock.set(day)
            on_this_day = [
                o
                for o in officers
                if o.first and (o.first_day == (index == 0) or len(timeline.answer_days) == 1)
            ]
            await answer_wave(
                on_this_day,
                lambda o: (o.first, o.request, o.request),
                f"Trả lời ngày {day.strftime('%d/%m')}",
                console,
                tally,
            )
        if timeline.nudge_at is not None:
            clock.set(timeline.nudge_at)
            await send_nudges(stage, officers, console, tally)
        clock.set(timeline.after_nudge)
        await answer_wave(
            [o for o in officers if o.second],
            lambda o: (o.second, o.nudge or o.request, reply_target(o)),
            f"Trả lời sau khi được nhắc, {timeline.after_nudge.strftime('%d/%m')}",
            console,
            tally,
        )
        tally.problems += check_stored(stage.engine, period_id, tally.answered)
        clock.set(timeline.summary_at)
        parts = await ask_summary(stage, secretariat, period_month, console, tally)
        with session_scope(stage.engine) as session:
            period = periods.period_by_id(session=session, period_id=period_id)
            assert period is not None
            digest = build_digest(session=session, period=period, as_of=clock())
            figures = run_figures(session, period_id, officers)
        transcript = chat_transcript(stage)

    text = render_text(digest, zone=config.schedule.zone, locale=config.bot.locale)
    paths = {
        # Named as `dondoc summary --format …` names them: bao-cao-2021-08.docx, …
        "text": out_dir / f"{file_stem(digest)}.txt",
        "html": out_dir / f"{file_stem(digest)}.html",
        "summary": out_dir / "demo-summary.json",
    }
    paths["chat"] = out_dir / f"{file_stem(digest)}-chat.txt"
    paths["chat"].write_text(transcript, encoding="utf-8")
    paths["text"].write_text(text, encoding="utf-8")
    paths["html"].write_text(html_page(f"Tổng hợp tháng {label}", parts), encoding="utf-8")
    for fmt in ("docx", "xlsx", "csv", "png"):
        made = render_file(
            digest, fmt, zone=config.schedule.zone, locale=config.bot.locale, settings=config.report
        )
        paths[fmt] = out_dir / made.name
        paths[fmt].write_bytes(made.content)
    summary = {
        "directive": "2658/UBND-KT",
        "month": label,
        "seed": seed,
        **figures,
        "status_counts": {bucket: digest.counts.get(bucket, 0) for bucket in BUCKET_ORDER},
        "task_categories": {c.value: digest.categories.get(c, 0) for c in CATEGORY_ORDER},
        "summary_messages": len(parts),
        "problems": tally.problems,
        "database": str(database),
        "elapsed_seconds": round(timer.perf_counter() - started, 2),
    }
    paths["summary"].write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", "utf-8")

    console.rule(f"[bold]Bản tổng hợp tháng {label} (từ cơ sở dữ liệu)")
    console.print(text, markup=False, highlight=False)
    print_results(console, summary, digest.counts, [*paths.values(), database])


def chat_transcript(stage: Stage) -> str:
    """Every message the bot sent in the month, chat by chat, as each person read it."""
    lines: list[str] = []
    for bot in stage.server.world.bots.values():
        chats = [*bot.private_chats.values()]
        for chat in sorted(chats, key=lambda c: c.id):
            sent = [m for m in chat.messages.values() if m.get("from", {}).get("is_bot")]
            if not sent:
                continue
            person = chat.user.first_name if chat.user else str(chat.id)
            lines.append(f"=== {person} ({chat.id}) ===")
            for message in sorted(sent, key=lambda m: m["message_id"]):
                shown = message.get("text") or message.get("caption") or ""
                if "document" in message:
                    shown = f"[{message['document'].get('file_name', 'tệp')}] {shown}"
                when = datetime.fromtimestamp(message["date"], tz=stage.config.schedule.zone)
                lines.append(f"{when:%d/%m %H:%M} {shown}")
            lines.append("")
    return "\n".join(lines)


def reply_target(officer: Officer) -> Message | None:
    """After the nudge a late officer replies to it; one who had answered before, to the request."""
    return officer.nudge if officer.timing == "late" else officer.request


async def join_everyone(
    stage: Stage,
    officers: list[Officer],
    secretariat_id: int,
    secretariat_name: str,
    console: Console,
    tally: Tally,
) -> SimUser:
    """Every officer and the secretariat open their invite links."""
    with progress_bar(console, "Cán bộ tham gia qua đường mời", len(officers) + 1) as step:

        async def join(officer: Officer) -> None:
            try:
                officer.user = await stage.join(officer.user_id, officer.name, officer.agency.code)
            except (TimeoutError, SimError) as exc:
                tally.problems.append(f"{officer.agency.code} join: {exc}")
            step()

        await bounded(officers, join)
        secretariat = await stage.join(
            secretariat_id, secretariat_name, SECRETARIAT_AGENCY, Role.SECRETARIAT
        )
        step()
    return secretariat


async def cycle_and_receive(
    stage: Stage, officers: list[Officer], waiting: Callable[[Officer], bool], tally: Tally
) -> tuple[CycleResult, dict[int, Message]]:
    """Run the cycle; the message with buttons each `waiting` officer then received, by user id."""
    joined = [o for o in officers if o.user is not None]
    marks = {o.user_id: o.person.mark() for o in joined}
    result = await stage.run_cycle()
    received: dict[int, Message] = {}

    async def receive(officer: Officer) -> None:
        try:
            received[officer.user_id] = await officer.person.wait_for_message(
                lambda m: bool(_buttons(m)), after=marks[officer.user_id], timeout=WAIT_SECONDS
            )
        except TimeoutError:
            tally.problems.append(f"{officer.agency.code}: nothing received at {stage.clock()}")

    await asyncio.gather(*(receive(o) for o in joined if waiting(o)))
    return result, received


async def send_requests(
    stage: Stage, officers: list[Officer], console: Console, tally: Tally
) -> int:
    """The request time: the cycle opens the period and every officer gets the request."""
    result, received = await cycle_and_receive(stage, officers, lambda o: True, tally)
    for officer in officers:
        officer.request = received.get(officer.user_id)
    console.print(
        f"📨 {_local(stage.clock(), stage.config.schedule.zone)} — kỳ báo cáo mở; "
        f"đã gửi {result.sent} đề nghị báo cáo, {len(received)}/{len(officers)} cán bộ đã nhận.",
        highlight=False,
    )
    with session_scope(stage.engine) as session:
        period = periods.current_period(session=session, now=stage.clock())
    assert period is not None, "the cycle did not open the period"
    return period.id


async def send_nudges(
    stage: Stage, officers: list[Officer], console: Console, tally: Tally
) -> None:
    """The first nudge: agencies that still owe a report are reminded."""
    # Only those who will answer are waited for; the silent ones get theirs all the same.
    result, received = await cycle_and_receive(stage, officers, lambda o: bool(o.second), tally)
    for officer in officers:
        officer.nudge = received.get(officer.user_id)
    console.print(
        f"⏰ {_local(stage.clock(), stage.config.schedule.zone)} — nhắc lần 1: đã gửi "
        f"{result.sent} tin nhắc tới các đơn vị còn nợ báo cáo; {result.skipped} đơn vị đã báo "
        "cáo đủ, không phải nhắc.",
        highlight=False,
    )


async def ask_summary(
    stage: Stage, secretariat: SimUser, period_month: str, console: Console, tally: Tally
) -> list[str]:
    """The secretariat sends /summary: one short message and the two files; then presses the
    button for the whole text and reads every part. The messages' HTML as shown in the chat."""
    zone, locale = stage.config.schedule.zone, stage.config.bot.locale
    with session_scope(stage.engine) as session:
        period = periods.period_by_month(session=session, month=period_month)
        assert period is not None
        digest = build_digest(session=session, period=period, as_of=stage.clock())
    brief = render_brief(digest, zone=zone, locale=locale)
    expected = render_html(digest, zone=zone, locale=locale)
    received: list[Message] = []
    total = 3 + len(expected)  # the brief, the Word report, the spreadsheet; then the parts
    with progress_bar(console, "Văn phòng gửi /summary, nhận tổng hợp", total) as step:
        await secretariat.send(f"/summary {periods.month_label(period_month)}")
        # The brief is the message with the "whole text" button (a scheduled message to the
        # secretariat may arrive in between).
        first = await secretariat.wait_for_message(
            lambda message: _has_text(message) and "reply_markup" in message,
            timeout=WAIT_SECONDS,
        )
        step()
        last = first
        for _ in ("docx", "xlsx"):
            try:
                last = await secretariat.wait_for_message(
                    _carries("document"), after=last, timeout=WAIT_SECONDS
                )
            except TimeoutError:
                tally.problems.append("/summary: a file did not follow the short message")
            step()
        await secretariat.press(first, text=say("summary.full_button", locale))
        for _ in range(len(expected)):
            after = received[-1] if received else last
            received.append(
                await secretariat.wait_for_message(_has_text, after=after, timeout=WAIT_SECONDS)
            )
            step()
    shown = TelegramMessage.de_json(first, None).text_html
    if shown.strip() != brief.strip():
        tally.problems.append("/summary: the short message differs from the digest's brief")
    parts = [TelegramMessage.de_json(message, None).text_html for message in received]
    # Telegram trims the whitespace around a message's text, so compare without it.
    if [part.strip() for part in parts] != [part.strip() for part in expected]:
        tally.problems.append("/summary: the full text in the chat differs from the digest's HTML")
    return [shown, *parts]


def _has_text(message: Message) -> bool:
    return "text" in message


def _carries(kind: str) -> Callable[[Message], bool]:
    """A predicate: the message carries a `kind` ("document", "photo")."""
    return lambda message: kind in message


def run_figures(session: Session, period_id: int, officers: list[Officer]) -> dict[str, int]:
    """The counts of the run, read from the database."""
    reported = set(reports.latest_reports(session=session, period_id=period_id))
    return {
        "agencies": len(officers),
        "assignments": sum(len(o.agency.assignments) for o in officers),
        "officers": len(officers),
        "secretariat": 1,
        "requests_sent": sent_messages(session, MessageKind.REQUEST),
        "nudges_sent": sent_messages(session, MessageKind.NUDGE),
        "reports_stored": _count(session, select(func.count()).select_from(StatusReport)),
        "assignments_reported": len(reported),
        "answered_after_nudge": sum(1 for o in officers if o.second),
        "answered_only_after_nudge": sum(1 for o in officers if o.timing == "late"),
        "never_answered": sum(
            1 for o in officers if not any(a.id in reported for a in o.agency.assignments)
        ),
    }


def print_results(
    console: Console, summary: dict[str, Any], counts: Counter[str], paths: list[Path]
) -> None:
    """The closing tables: assignments by status, the run's figures and the files written."""
    statuses = Table(
        title=f"Tình trạng {summary['assignments']} lượt nhiệm vụ", title_justify="left"
    )
    statuses.add_column("Tình trạng")
    statuses.add_column("Số lượt", justify="right")
    for bucket in BUCKET_ORDER:
        if counts.get(bucket, 0) or bucket != UNSET:
            label = f"{BUCKET_ICONS[bucket]} {bucket_label(bucket)}"
            statuses.add_row(label, str(counts.get(bucket, 0)))
    console.print(statuses)

    figures = Table(title="Diễn biến", title_justify="left", show_header=False)
    figures.add_column()
    figures.add_column(justify="right")
    for name, value in (
        ("Đơn vị / cán bộ đầu mối", f"{summary['agencies']} / {summary['officers']}"),
        ("Đề nghị báo cáo đã gửi", summary["requests_sent"]),
        ("Tin nhắc đã gửi", summary["nudges_sent"]),
        ("Đơn vị trả lời sau khi được nhắc", summary["answered_after_nudge"]),
        ("Đơn vị không trả lời", summary["never_answered"]),
        ("Báo cáo đã lưu (kể cả lần sửa)", summary["reports_stored"]),
        ("Tin nhắn tổng hợp Văn phòng nhận", summary["summary_messages"]),
        ("Thời gian chạy", f"{summary['elapsed_seconds']:.1f} s"),
    ):
        figures.add_row(name, str(value))
    console.print(figures)

    files = Table(title="Tệp đã ghi", title_justify="left", show_header=False)
    files.add_column()
    for path in paths:
        files.add_row(str(path))
    console.print(files)
    for problem in summary["problems"]:
        console.print(f"[red]vấn đề:[/red] {escape_markup(problem)}", highlight=False)
