"""Directive import: the seed directive reads as the hand-reviewed reference, and other styles."""

from __future__ import annotations

import json
import tomllib
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dondoc.cli import app
from importer.agencies import find_assignees
from importer.deadlines import find_cadence, find_deadline
from importer.directive import ImportedDirective, import_text, to_data, to_json
from importer.errors import DirectiveImportError
from importer.header import parse_header
from importer.names import Registry, fold, load_registry, read_names
from importer.sources import read_directive
from importer.structure import outline, paragraphs
from tests.conftest import SHARED_SEED

ROOT = Path(__file__).resolve().parents[1]
DIRECTIVES = Path(__file__).resolve().parent / "directives"
REFERENCE = ROOT / "reference" / "2658-UBND-KT.toml"


@pytest.fixture(scope="module")
def hanoi() -> Registry:
    return load_registry(ROOT / "reference" / "hanoi-agencies.toml")


def read(path: Path, registry: Registry) -> ImportedDirective:
    return import_text(read_directive(path), registry, source=str(path))


def tasks_by_number(found: ImportedDirective) -> dict[str, dict]:
    return {t["number"]: t for t in to_data(found)["task"]}


# --- the seed directive ------------------------------------------------------


@pytest.mark.skipif(not SHARED_SEED.exists(), reason="shared seed directive not present")
def test_the_seed_imports_exactly_as_the_hand_reviewed_reference(hanoi: Registry) -> None:
    reference = tomllib.loads(REFERENCE.read_text(encoding="utf-8"))
    data = to_data(read(SHARED_SEED, hanoi))

    head, want = data["directive"], reference["directive"]
    for field in (
        "code",
        "date",
        "issuer",
        "subject",
        "tracker",
        "cadence",
        "signer",
        "recipients",
        "recipient_codes",
        "recipients_unmatched",
    ):
        assert head[field] == want[field], field
    assert [t["number"] for t in data["task"]] == [t["number"] for t in reference["task"]]
    for got, ref in zip(data["task"], reference["task"], strict=True):
        for field in ("lead", "coordinating", "coordinating_open", "unmatched", "text"):
            assert got[field] == ref[field], (got["number"], field)
        assert got.get("deadline") == ref.get("deadline"), got["number"]
        parts = [
            (p["lead"], p["coordinating"], p["coordinating_open"], p["text"])
            for p in got.get("part", [])
        ]
        ref_parts = [
            (p["lead"], p["coordinating"], p["coordinating_open"], p["text"])
            for p in ref.get("part", [])
        ]
        assert parts == ref_parts, got["number"]


@pytest.mark.skipif(not SHARED_SEED.exists(), reason="shared seed directive not present")
def test_the_seed_in_nfd_imports_the_same(hanoi: Registry, tmp_path: Path) -> None:
    nfd = tmp_path / "seed-nfd.md"
    nfd.write_text(unicodedata.normalize("NFD", SHARED_SEED.read_text("utf-8")), "utf-8")
    assert to_data(read(nfd, hanoi)) == to_data(read(SHARED_SEED, hanoi))


# --- rules, one by one --------------------------------------------------------


def test_names_fold_case_diacritics_and_abbreviations(hanoi: Registry) -> None:
    assert fold("Ủy ban nhân dân TP") == fold("UBND thành phố")
    assert hanoi.match("SỞ KH&ĐT") == "so-khdt"
    assert hanoi.match("Sở Ke hoach va Dau tu") == "so-khdt"
    assert hanoi.match("UBND huyện Ứng Hoà") == "ubnd-ung-hoa"
    assert hanoi.match(unicodedata.normalize("NFD", "Sở Y tế")) == "so-y-te"
    assert hanoi.match("Bộ Y tế") is None


def test_a_list_of_names_keeps_groups_whole_and_unknown_names_as_written(
    hanoi: Registry,
) -> None:
    names = read_names("Các sở, ban, ngành, chủ đầu tư và Bộ Tài chính,\n  Bộ  Công an", hanoi)
    assert [(f.name, f.code) for f in names.found] == [
        ("Các sở, ban, ngành", "cac-so-ban-nganh"),
        ("chủ đầu tư", "chu-dau-tu"),
        ("Bộ Tài chính", None),
        ("Bộ Công an", None),
    ]
    assert read_names("Cục Thống kê và các đơn vị liên quan", hanoi).open_set


def test_lead_is_who_chairs_or_the_subject_and_coordinating_who_joins(hanoi: Registry) -> None:
    chair = find_assignees(
        "Giao Sở Tài chính chủ trì, phối hợp với Sở KH&ĐT và các đơn vị liên quan tham mưu "
        "UBND Thành phố theo hướng dẫn của Bộ Tài chính.",
        hanoi,
    )
    assert [f.code for f in chair.lead] == ["so-tai-chinh"]
    assert [f.code for f in chair.coordinating] == ["so-khdt"]
    assert chair.coordinating_open
    subject = find_assignees("Công an Thành phố, Bộ Tư lệnh Thủ đô triển khai nhiệm vụ.", hanoi)
    assert [f.code for f in subject.lead] == ["cong-an-tp", "bo-tu-lenh-thu-do"]
    verb_first = find_assignees("Tăng cường gửi, nhận hồ sơ trên môi trường điện tử.", hanoi)
    assert verb_first.lead == []


@pytest.mark.parametrize(
    ("phrase", "due"),
    [
        ("hoàn thành trước ngày 30/9/2021", date(2021, 9, 30)),
        ("trước ngày 30 tháng 9 năm 2021", date(2021, 9, 30)),
        ("hoàn thành trong tháng 10/2021", date(2021, 10, 31)),
        ("trong Quý III/2021", date(2021, 9, 30)),
        ("hoàn thành cuối năm 2021", date(2021, 12, 31)),
        ("thực hiện đến cuối năm 2021", date(2021, 12, 31)),
        ("báo cáo trước ngày 15/01", date(2022, 1, 15)),
        ("phấn đấu đạt mục tiêu đến cuối năm 2021", None),
        ("theo Nghị quyết số 68/NQ-CP ngày 01/7/2021", None),
    ],
)
def test_deadlines_are_read_relative_to_the_date_of_issue(phrase: str, due: date | None) -> None:
    found = find_deadline(phrase, date(2021, 8, 16))
    assert (found.due if found else None) == due


def test_a_date_is_not_a_cadences_day() -> None:
    yearly = find_cadence("báo cáo định kỳ hàng năm (trước ngày 15/11) về Sở Nội vụ")
    assert yearly is not None and yearly.every == "yearly" and yearly.day is None


def test_a_monthly_duty_is_a_cadence_with_its_day() -> None:
    cadence = find_cadence("Báo cáo định kỳ hàng tháng, trước ngày 20 về Sở Nội vụ.")
    assert cadence is not None and (cadence.every, cadence.day) == ("monthly", 20)
    quarterly = find_cadence("báo cáo UBND tỉnh định kỳ hằng quý")
    assert quarterly is not None and quarterly.every == "quarterly"


def test_header_fields() -> None:
    header = parse_header(
        [
            "BỘ Y TẾ",
            "CỤC QUẢN LÝ KHÁM, CHỮA BỆNH",
            "Số: 12/KCB-NV",
            "V/v tăng cường",
            "phòng chống dịch",
            "",
            "Hà Nội, ngày 3 tháng 1 năm 2022",
            "Kính gửi: Sở Y tế.",
        ]
    )
    assert header.code == "12/KCB-NV"
    assert header.date == date(2022, 1, 3)
    assert header.issuer == "Cục Quản lý khám, chữa bệnh"
    assert header.subject == "V/v tăng cường phòng chống dịch"
    assert header.recipients == ["Sở Y tế"]


def test_numbering_styles_nest_as_a_reader_reads_them() -> None:
    body = outline(
        paragraphs(
            [
                "I. NHIỆM VỤ",
                "",
                "1. Về y tế:",
                "",
                "a) Việc một;",
                "",
                "b) Việc hai.",
                "",
                "2. Việc ba",
                "",
                "- ý một",
                "+ ý con",
                "",
                "II. TỔ CHỨC THỰC HIỆN",
            ]
        )
    )
    part = body.items[0]
    assert [i.label for i in part.children] == ["1", "2"]
    assert [i.label for i in part.children[0].children] == ["a", "b"]
    assert part.children[1].children[0].children[0].label == "+"
    assert body.items[1].label == "II"


def test_a_page_break_in_a_sentence_is_joined() -> None:
    assert paragraphs(["2.8. Chuẩn bị khai giảng, triển", "", "khai chương trình mới."]) == [
        "2.8. Chuẩn bị khai giảng, triển khai chương trình mới."
    ]


# --- five more directives of other styles -----------------------------------


def test_a_provincial_directive_with_roman_parts_and_lettered_items(hanoi: Registry) -> None:
    found = read(DIRECTIVES / "bac-ninh-chi-thi.md", hanoi)
    tasks = tasks_by_number(found)
    assert found.header.code == "15/CT-UBND"
    assert found.header.issuer == "UBND tỉnh Bắc Ninh"
    assert found.header.kind == "Chỉ thị"
    assert list(tasks) == ["1", "1.a", "1.b", "2", "3"]
    assert tasks["1.a"]["deadline"] == date(2021, 11, 30)
    assert tasks["1.b"]["deadline"] == date(2021, 12, 31)
    assert tasks["2"]["deadline"] == date(2021, 12, 15)
    # The lettered items inherit "Công an tỉnh chủ trì" from the item above them.
    assert tasks["1.a"]["unmatched"][0] == "Công an tỉnh"
    assert "Ban Quản lý các khu công nghiệp Bắc Ninh" in tasks["2"]["unmatched"]
    assert tasks["3"]["unmatched"] == ["Mặt trận Tổ quốc tỉnh"]
    assert found.cadence is not None and found.cadence.every == "quarterly"
    assert found.tracker is not None and found.tracker.name == "Công an tỉnh"
    assert any("registry" in w for w in found.warnings)


def test_a_ministry_dispatch_names_agencies_outside_the_registry(hanoi: Registry) -> None:
    found = read(DIRECTIVES / "bo-y-te-cong-dien.txt", hanoi)
    data = to_json(found)
    assert data["directive"]["issuer"] == "Bộ Y tế"
    assert data["directive"]["signer"] == "Nguyễn Trường Sơn"
    tasks = {t["number"]: t for t in data["tasks"]}
    assert tasks["1"]["lead"] == [
        {"name": "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương", "code": None}
    ]
    assert tasks["1"]["deadline"] == "2021-08-31"
    assert tasks["2"]["lead"] == [{"name": "Sở Y tế các tỉnh, thành phố", "code": None}]
    assert [c["name"] for c in tasks["2"]["coordinating"]] == [
        "Bảo hiểm xã hội Việt Nam",
        "Trung tâm Kiểm soát bệnh tật các tỉnh",
    ]
    assert [c["name"] for c in tasks["3"]["lead"]] == [
        "Cục Y tế dự phòng",
        "Cục Quản lý Khám, chữa bệnh",
    ]
    assert tasks["3"]["deadline"] == "2021-07-31"


def test_a_plan_with_nhiem_vu_numbering_bullets_and_abbreviations(hanoi: Registry) -> None:
    found = read(DIRECTIVES / "ha-noi-ke-hoach.txt", hanoi)
    tasks = tasks_by_number(found)
    assert list(tasks) == ["1", "2", "3"]  # "Mục đích, yêu cầu" assigns nothing
    assert tasks["1"]["title"] == "Xây dựng cơ sở dữ liệu đất đai"
    assert (tasks["1"]["lead"], tasks["1"]["coordinating"]) == (
        ["so-tnmt"],
        ["so-khdt", "so-tai-chinh"],
    )
    assert tasks["1"]["deadline"] == date(2021, 12, 31)
    assert [p["lead"] for p in tasks["2"]["part"]] == [["so-tttt"], ["ubnd-quan-huyen"]]
    assert tasks["3"]["deadline"] == date(2022, 3, 31)
    head = to_data(found)["directive"]
    assert (head["cadence"], head["report_day"], head["tracker"]) == ("monthly", 20, "so-tnmt")


def test_lettered_items_under_a_chairing_lead_and_a_target_that_is_no_deadline(
    hanoi: Registry,
) -> None:
    found = read(DIRECTIVES / "ha-noi-cong-van-xay-dung.md", hanoi)
    tasks = tasks_by_number(found)
    assert list(tasks) == ["1.a", "1.b", "2", "3"]
    assert tasks["1.a"]["lead"] == ["so-xay-dung"] and tasks["1.a"]["coordinating"] == ["so-qhkt"]
    assert tasks["1.a"]["deadline"] == date(2021, 9, 30)
    assert tasks["2"]["lead"] == ["ubnd-quan-huyen"] and "deadline" not in tasks["2"]
    assert tasks["3"]["lead"] == ["thanh-tra-tp", "so-noi-vu"]
    assert to_data(found)["directive"]["recipient_codes"] == [
        "so-xay-dung",
        "so-qhkt",
        "ubnd-quan-huyen",
    ]


def test_another_city_with_its_own_registry(tmp_path: Path) -> None:
    registry = load_registry(DIRECTIVES / "da-nang-agencies.toml")
    found = read(DIRECTIVES / "da-nang-ke-hoach.md", registry)
    tasks = tasks_by_number(found)
    assert list(tasks) == ["1.1", "1.2", "2.1", "2.2"]
    assert tasks["1.1"]["unmatched"] == ["Trung tâm Xúc tiến du lịch"]
    assert tasks["1.2"]["deadline"] == date(2022, 9, 30)
    assert tasks["2.1"]["lead"] == ["so-xay-dung", "so-gtvt"]
    assert found.tracker is not None and found.tracker.code == "so-du-lich"
    assert found.warnings == []


# --- the command, and what it refuses ---------------------------------------


runner = CliRunner()


def test_import_writes_toml_that_dondoc_load_accepts(tmp_path: Path) -> None:
    out = tmp_path / "kh.toml"
    result = runner.invoke(
        app, ["import", str(DIRECTIVES / "ha-noi-ke-hoach.txt"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "d.db"}"\n', "utf-8")
    loaded = runner.invoke(
        app,
        [
            "load",
            str(ROOT / "reference" / "hanoi-agencies.toml"),
            str(out),
            "--config",
            str(config),
        ],
    )
    assert loaded.exit_code == 0, loaded.output


def test_import_json_shows_names_as_found_and_matched() -> None:
    hanoi_only = str(ROOT / "reference" / "hanoi-agencies.toml")
    result = runner.invoke(
        app,
        ["import", str(DIRECTIVES / "bo-y-te-cong-dien.txt"), "--json", "--registry", hanoi_only],
    )
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    first = data["tasks"][0]["lead"][0]
    assert first["code"] is None and "tỉnh" in first["name"]


def test_import_matches_central_names_with_the_national_registry_by_default() -> None:
    result = runner.invoke(app, ["import", str(DIRECTIVES / "bo-y-te-cong-dien.txt"), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["tasks"][0]["lead"][0]["code"] == "ubnd-cac-tinh"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (
            "Số: 1/UBND\nHà Nội, ngày 1 tháng 1 năm 2022\nChỉ là một đoạn văn.\n".encode(),
            "no numbered tasks",
        ),
        ("Một bức thư, không có nhiệm vụ nào được đánh số.\n".encode(), "not a directive"),
        ("Uû ban nh©n d©n thµnh phè Hµ Néi\n1. Së Y tÕ chñ tr×.\n".encode(), "legacy"),
        ("Uû ban nh©n d©n thµnh phè Hµ Néi\n1. Së Y tÕ chñ tr×.\n".encode("cp1252"), "legacy"),
        (
            "UÛY BAN NHAÂN DAÂN THAØNH PHOÁ HAØ NOÄI\n1. Sôû Y teá chuû trì.\n".encode("cp1252"),
            "legacy",
        ),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_status_2(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(DirectiveImportError, match=message):
        read(path, load_registry(ROOT / "reference" / "hanoi-agencies.toml"))
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_a_header_that_cannot_be_read_is_a_warning_and_a_blank_never_a_refusal(
    tmp_path: Path,
) -> None:
    path = tmp_path / "no-header.txt"
    path.write_text(
        "(bản chụp, phần đầu văn bản bị mờ)\n\n"
        "1. Sở Y tế chủ trì, phối hợp Sở Tài chính rà soát trang thiết bị, hoàn thành "
        "trước ngày 30/9/2021.\n"
        "2. Sở Xây dựng chủ trì kiểm tra các công trình trong năm 2021.\n",
        encoding="utf-8",
    )

    found = read(path, load_registry(ROOT / "reference" / "hanoi-agencies.toml"))
    result = runner.invoke(app, ["import", str(path)])

    assert [task.number for task in found.tasks] == ["1", "2"]
    assert any("no document number" in w for w in found.warnings)
    assert any("no date of issue" in w for w in found.warnings)
    assert found.tasks[0].deadline is not None
    assert found.tasks[0].deadline.due.isoformat() == "2021-09-30"
    assert result.exit_code == 0, result.output
    data = tomllib.loads(result.stdout)
    assert data["directive"]["code"] == "" and data["directive"]["date"] == ""
    assert [t["lead"] for t in data["task"]] == [["so-y-te"], ["so-xay-dung"]]


def test_each_task_says_where_the_reading_needs_a_look(tmp_path: Path) -> None:
    path = tmp_path / "review.txt"
    path.write_text(
        "Số: 12/UBND-VX\n\nHà Nội, ngày 2 tháng 3 năm 2026\n\n"
        "1. Sở Y tế hướng dẫn các bệnh viện rà soát trang thiết bị.\n\n"
        "2. Sở Xây dựng chủ trì, phối hợp Sở Tài chính kiểm tra các công trình.\n\n"
        "3. Tổ chức tuyên truyền về phòng chống dịch.\n",
        encoding="utf-8",
    )
    hanoi = str(ROOT / "reference" / "hanoi-agencies.toml")
    result = runner.invoke(app, ["import", str(path), "--registry", hanoi])
    assert result.exit_code == 0, result.output
    data = tomllib.loads(result.stdout)
    review = [t.get("review", "") for t in data["task"]]
    assert review[0] == "lead inferred from the sentence's subject"
    assert review[1] == ""  # "chủ trì" says it plainly
    assert review[2].startswith("no lead agency found")
    assert "review" in result.output and "inferred" in result.output  # the terminal table
