"""The layouts real directives use, one unit case each, and the real corpus's scores.

The cases are short texts in the shape of the documents in tests/directives/real/
(written here as unit cases; the accuracy is measured on the real documents only).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from importer.accuracy import corpus, score
from importer.clean import clean_text
from importer.directive import ImportedDirective, import_text
from importer.names import Registry, load_registries
from importer.titles import plain_names
from reference import IMPORT_REGISTRIES

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "tests" / "directives" / "real"


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registries(list(IMPORT_REGISTRIES))


def read(text: str, registry: Registry) -> ImportedDirective:
    return import_text(clean_text(text), registry)


def leads(directive: ImportedDirective) -> list[list[str]]:
    return [[f.code or f.name for f in t.assignees.lead] for t in directive.tasks]


def test_a_title_stands_for_the_body_and_a_shared_title_distributes(registry: Registry) -> None:
    text = plain_names(
        "Bộ trưởng các Bộ: Văn hóa, Thể thao và Du lịch, Kế hoạch và Đầu tư, Giám đốc Sở Y tế",
        registry,
    )
    assert text == "Bộ Văn hóa, Thể thao và Du lịch, Bộ Kế hoạch và Đầu tư, Sở Y tế"
    assert plain_names("UBND các tỉnh: Lào Cai, Yên Bái chủ động", registry) == (
        "UBND tỉnh Lào Cai, UBND tỉnh Yên Bái chủ động"
    )
    # A name that merely ends in a colon is left alone.
    kept = "Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương:"
    assert plain_names(kept, registry).startswith("Ủy ban nhân dân các tỉnh")


def test_central_names_match_the_national_registry(registry: Registry) -> None:
    directive = read(
        "Thủ tướng Chính phủ yêu cầu:\n\n"
        "1. Bộ trưởng Bộ Y tế chủ trì, phối hợp với Bộ Công an hướng dẫn việc cách ly.\n\n"
        "2. Bộ trưởng, Thủ trưởng cơ quan ngang bộ, Thủ trưởng cơ quan thuộc Chính phủ "
        "tập trung chỉ đạo.\n\n"
        "3. Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương rà soát ngay.\n",
        registry,
    )
    assert leads(directive) == [["bo-y-te"], ["cac-bo-nganh"], ["ubnd-cac-tinh"]]
    assert [f.code for f in directive.tasks[0].assignees.coordinating] == ["bo-cong-an"]


def test_an_agency_heading_makes_each_bullet_a_task(registry: Registry) -> None:
    directive = read(
        "1. Tháo gỡ khó khăn về vốn\n\n"
        "a) Ngân hàng Nhà nước Việt Nam:\n\n"
        "- Chỉ đạo các tổ chức tín dụng cơ cấu lại thời hạn trả nợ.\n\n"
        "- Chủ trì, phối hợp với Bộ Tài chính đề xuất chính sách tín dụng.\n\n"
        "b) Bộ Tài chính\n\n"
        "- Trình Chính phủ gia hạn thời hạn nộp thuế.\n\n"
        "- Giao Kho bạc Nhà nước rà soát các khoản chi.\n",
        registry,
    )
    assert len(directive.tasks) == 4
    assert directive.tasks[0].title == "Chỉ đạo các tổ chức tín dụng cơ cấu lại thời hạn trả nợ"
    assert leads(directive)[:3] == [
        ["ngan-hang-nha-nuoc"],
        ["ngan-hang-nha-nuoc"],
        ["bo-tai-chinh"],
    ]
    # A sub-item that reassigns leads with its own agency.
    assert leads(directive)[3] == ["kho-bac-nha-nuoc"]


def test_a_headings_chu_tri_leads_the_lettered_items_under_it(registry: Registry) -> None:
    directive = read(
        "Thủ tướng Chính phủ yêu cầu:\n\n"
        "1. Bộ Công Thương chủ trì, phối hợp với các bộ, cơ quan liên quan\n\n"
        "a) Rà soát Luật thương mại.\n\n"
        "b) Tổng kết tình hình thực hiện Kế hoạch tổng thể.\n",
        registry,
    )
    assert leads(directive) == [["bo-cong-thuong"], ["bo-cong-thuong"]]


def test_tasks_naming_nobody_belong_to_whom_the_preamble_asks(registry: Registry) -> None:
    directive = read(
        "Thủ tướng Chính phủ yêu cầu Chủ tịch Ủy ban nhân dân các tỉnh, thành phố "
        "trực thuộc Trung ương:\n\n"
        "1. Chỉ đạo các cấp đưa nội dung đào tạo nghề vào kế hoạch.\n\n"
        "2. Cơ quan Lao động - Thương binh và Xã hội ở địa phương hướng dẫn thủ tục.\n",
        registry,
    )
    assert leads(directive) == [
        ["ubnd-cac-tinh"],
        # A body the registry lacks, named by the sentence: it leads, not the addressees.
        ["Cơ quan Lao động - Thương binh và Xã hội ở địa phương"],
    ]


@pytest.mark.parametrize(
    "block",
    [
        # Nested fields, the names in a dash list.
        "I. CÔNG TÁC TUYÊN TRUYỀN\n\n1. Nội dung, biện pháp\n\na) Tổ chức hội nghị quán triệt.\n\n"
        "b) Xây dựng chuyên mục.\n\n2. Cơ quan chủ trì, phối hợp\n\na) Cơ quan chủ trì\n\n"
        "- Bộ Quốc phòng.\n\nb) Cơ quan phối hợp\n\n- Bộ Công an.\n\n"
        "3. Thời gian thực hiện: Tháng 12/2013 và thường xuyên.\n",
        # One line per field, lettered.
        "1. Tổ chức hội nghị quán triệt, xây dựng chuyên mục, cụ thể:\n\n"
        "a) Cơ quan chủ trì: Bộ Quốc phòng;\n\nb) Cơ quan phối hợp: Bộ Công an;\n\n"
        "c) Thời gian thực hiện: Năm 2013.\n",
        # All fields run together.
        "1. Tổ chức hội nghị quán triệt, xây dựng chuyên mục. Cơ quan thực hiện: Bộ Quốc phòng "
        "chủ trì, phối hợp với Bộ Công an; Thời gian: năm 2013.\n",
    ],
)
def test_a_field_block_is_one_task_with_its_fields_as_roles(block: str, registry: Registry) -> None:
    directive = read(block, registry)
    assert len(directive.tasks) == 1
    task = directive.tasks[0]
    assert [f.code for f in task.assignees.lead] == ["bo-quoc-phong"]
    assert [f.code for f in task.assignees.coordinating] == ["bo-cong-an"]


def test_a_decision_that_issues_a_plan_has_the_plans_tasks(registry: Registry) -> None:
    directive = read(
        "THỦ TƯỚNG CHÍNH PHỦ\n\nSố: 773/QĐ-TTg\n\nHà Nội, ngày 26 tháng 6 năm 2018\n\n"
        "QUYẾT ĐỊNH\n\nĐiều 1. Ban hành kèm theo Quyết định này Kế hoạch tổ chức thực hiện.\n\n"
        "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.\n\n"
        "KT. THỦ TƯỚNG\n\nPHÓ THỦ TƯỚNG\n\nTrương Hòa Bình\n\n"
        "KẾ HOẠCH\n\nTỔ CHỨC THỰC HIỆN CHỈ THỊ SỐ 14-CT/TW\n\n"
        "(Ban hành kèm theo Quyết định số 773/QĐ-TTg)\n\n"
        "I. MỤC ĐÍCH, YÊU CẦU\n\n1. Mục đích\n\nNâng cao nhận thức.\n\n"
        "II. TỔ CHỨC THỰC HIỆN\n\n1. Bộ Quốc phòng\n\nChủ trì rà soát hồ sơ liệt sĩ.\n\n"
        "2. Đề nghị Ủy ban trung ương Mặt trận Tổ quốc Việt Nam chủ trì giám sát việc thực hiện.\n",
        registry,
    )
    assert leads(directive) == [["bo-quoc-phong"], ["mttq-vn"]]
    assert directive.header.code == "773/QĐ-TTg"


def test_how_leads_are_named_in_running_text(registry: Registry) -> None:
    directive = read(
        "Thủ tướng Chính phủ yêu cầu:\n\n"
        # A topic first, then who chairs: the topic is no agency.
        "1. Về thương mại điện tử: Giao Bộ Công Thương chủ trì, phối hợp với Bộ Tài chính "
        "hoàn thiện quy định.\n\n"
        # Who joins named before "phối hợp", after the chair.
        "2. Bộ Tài chính chủ trì, Bộ Công an phối hợp, rà soát dữ liệu.\n\n"
        # A body outside the hierarchy is asked, not ordered.
        "3. Đề nghị Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam giám sát việc thực hiện.\n\n"
        # A person by office leads.
        "4. Giao Phó Thủ tướng Lê Minh Khái trực tiếp chỉ đạo triển khai Chỉ thị này.\n\n"
        # "Trường hợp" opens an ordinary sentence: no body called "Trường".
        "5. Trường hợp phát hiện vi phạm, Bộ Công an xử lý nghiêm.\n",
        registry,
    )
    assert leads(directive) == [
        ["bo-cong-thuong"],
        ["bo-tai-chinh"],
        ["mttq-vn"],
        ["Phó Thủ tướng Lê Minh Khái"],
        ["bo-cong-an"],
    ]
    assert [f.code for f in directive.tasks[0].assignees.coordinating] == ["bo-tai-chinh"]
    assert [f.code for f in directive.tasks[1].assignees.coordinating] == ["bo-cong-an"]


def test_a_short_name_for_the_addressee_is_the_addressee(registry: Registry) -> None:
    directive = read(
        "TỔNG CỤC THUẾ\n\nSố: 586/TCT-TTKT\n\nHà Nội, ngày 01 tháng 3 năm 2023\n\n"
        "Kính gửi: Cục Thuế các tỉnh, thành phố trực thuộc Trung ương.\n\n"
        "1. Cục Thuế hoàn thành kế hoạch thanh tra năm 2022 trước ngày 31/3/2023.\n",
        registry,
    )
    assert leads(directive) == [["Cục Thuế các tỉnh, thành phố trực thuộc Trung ương"]]


def test_a_web_crawl_with_the_documents_name_before_each_section(registry: Registry) -> None:
    name = "Quyết định 435/QĐ-UBND năm 2020. "
    directive = read(
        f"{name}ỦY BAN NHÂN DÂN TỈNH KON TUM -------\n"
        "Số: 435/QĐ-UBND Kon Tum, ngày 04 tháng 5 năm 2020 QUYẾT ĐỊNH V/V BAN HÀNH CHƯƠNG "
        "TRÌNH HÀNH ĐỘNG VỀ QUAN HỆ LAO ĐỘNG ỦY BAN NHÂN DÂN TỈNH KON TUM\n"
        "QUYẾT ĐỊNH:\n"
        f"{name}Điều 1.\nBan hành kèm theo Quyết định này Chương trình hành động.\n"
        "Nơi nhận:\n- Như điều 2;\nTM. ỦY BAN NHÂN DÂN\n\n"
        f"{name}CHƯƠNG TRÌNH HÀNH ĐỘNG. TRIỂN KHAI KẾ HOẠCH SỐ 119-KH/TU\n"
        f"{name}CHƯƠNG TRÌNH HÀNH ĐỘNG. II. NỘI DUNG HOẠT ĐỘNG\n"
        "1. Nâng cao năng lực quản lý nhà nước về quan hệ lao động 1.1. Rà soát các thiết chế.\n"
        "- Cơ quan thực hiện: Sở Nội vụ chủ trì, phối hợp với Sở Tư pháp.\n"
        "* Thời gian thực hiện: Quý III/2020.\n"
        f"{name}CHƯƠNG TRÌNH HÀNH ĐỘNG. III. TỔ CHỨC THỰC HIỆN\n"
        "1.Các sở, ban, ngành chủ động xây dựng kế hoạch triển khai.\n",
        registry,
    )
    assert [t.number for t in directive.tasks] == ["1.1", "1"]  # unique without II., III.
    assert leads(directive) == [["so-noi-vu"], ["cac-so-ban-nganh"]]
    assert [f.code for f in directive.tasks[0].assignees.coordinating] == ["so-tu-phap"]
    assert directive.header.code == "435/QĐ-UBND"
    # The header flattened into one line still gives its subject and issuer.
    assert directive.header.subject == "V/V BAN HÀNH CHƯƠNG TRÌNH HÀNH ĐỘNG VỀ QUAN HỆ LAO ĐỘNG"
    assert directive.header.issuer == "UBND tỉnh Kon Tum"


def test_conversion_noise_is_taken_out() -> None:
    text = clean_text(
        "<p>1. Bộ Y t ế chủ trì, phối hợp với Bộ Tài chính báo cáo Thủ tướng</p>\n\n"
        "2\n\n--- PAGE BREAK ---\n\nChính phủ trong tháng 3.&nbsp;\n"
        "BỘ Y TẾ\nx\nBỘ Y TẾ\ny\nBỘ Y TẾ\n"
    )
    assert "Bộ Y tế chủ trì" in text
    assert "<p>" not in text and "PAGE BREAK" not in text and "&nbsp;" not in text
    # The sentence cut by the page break reads on.
    assert "báo cáo Thủ tướng\nChính phủ trong tháng 3." in text
    assert text.count("BỘ Y TẾ") == 1


def test_a_word_segmented_text_reads_as_words() -> None:
    segmented = " ".join(["Sở Kế_hoạch và Đầu_tư chủ_trì , phối_hợp với các sở ."] * 12)
    assert clean_text(segmented).startswith("Sở Kế hoạch và Đầu tư chủ trì, phối hợp với các sở.")


@pytest.mark.skipif(not REAL.is_dir(), reason="no real corpus beside the tests")
def test_the_real_corpus_keeps_its_scores(registry: Registry) -> None:
    """No real document is refused, and the issue's targets hold: 90 % found, 85 % leads exact.

    The text documents alone are held to today's scores too (the README's table), so the
    large annex table cannot hide a fall on them.
    """
    scores = [score(document, expected, registry) for document, expected in corpus(REAL)]
    assert len(scores) >= 15
    assert [s.name for s in scores if s.refused] == []
    expected = sum(s.expected for s in scores)
    assert sum(s.found for s in scores) / expected >= 0.90
    assert sum(s.leads_exact for s in scores) / expected >= 0.85
    text = [s for s in scores if s.expected < 100]
    in_text = sum(s.expected for s in text)
    assert sum(s.found for s in text) / in_text >= 0.92
    assert sum(s.leads_exact for s in text) / in_text >= 0.80


def test_markup_and_a_heading_over_two_lines(tmp_path: Path, registry: Registry) -> None:
    from importer.sources import read_directive

    path = tmp_path / "plan.md"
    path.write_text(
        "## II. NHIỆM VỤ\n\n"
        "**1. Sở Y tế**\n\n"
        "a) Chủ trì tổ chức khám sàng lọc.\n\n"
        "**2. Sở Tài\nchính**\n\n"
        "Bố trí kinh phí thực hiện Kế hoạch.\n\n"
        "3. Sở Giáo dục và Đào\ntạo chủ trì lồng ghép nội dung giáo dục dân số.\n",
        encoding="utf-8",
    )
    directive = import_text(read_directive(path), registry)
    assert [t.number for t in directive.tasks] == ["1.a", "2", "3"]
    assert leads(directive) == [["so-y-te"], ["so-tai-chinh"], ["so-gddt"]]
