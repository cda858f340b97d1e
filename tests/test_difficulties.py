"""The digest's difficulties: precision and recall on hand-labelled notes, and the rules."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from db.models import AssignmentRole, Status
from jobs.difficulties import states_difficulty
from jobs.digest import AgencyEntry

NOTES = Path(__file__).resolve().parent / "data" / "difficulty_notes.toml"


def labelled() -> list[dict]:
    return tomllib.loads(NOTES.read_text(encoding="utf-8"))["note"]


def test_difficulties_are_found_with_high_precision_and_recall() -> None:
    notes = labelled()
    assert len(notes) >= 60
    assert sum(n["difficulty"] for n in notes) >= 25  # both kinds well represented
    found = [states_difficulty(n["text"]) for n in notes]
    hits = sum(f and n["difficulty"] for f, n in zip(found, notes, strict=True))
    precision = hits / max(1, sum(found))
    recall = hits / sum(n["difficulty"] for n in notes)
    misses = [n["text"] for f, n in zip(found, notes, strict=True) if f != n["difficulty"]]
    print(f"\ndifficulties on {len(notes)} notes: precision {precision:.2f}, recall {recall:.2f}")
    assert precision >= 0.9, misses
    assert recall >= 0.9, misses


@pytest.mark.parametrize(
    ("note", "difficulty"),
    [
        ("Tổ chức giao ban hằng tuần để tháo gỡ vướng mắc tại hiện trường.", False),
        ("Không có vướng mắc.", False),
        ("Chi trả hỗ trợ cho 300 hộ có hoàn cảnh khó khăn.", False),
        ("Vướng mắc về giá đất bồi thường, chưa thể bàn giao mặt bằng.", True),
        ("Đề xuất: UBND Thành phố cho phép gia hạn hợp đồng.", True),
        ("Đã tiêm vắc-xin cho 90% người dân.", False),  # "xin" inside a word asks for nothing
    ],
)
def test_a_note_states_a_difficulty_only_where_it_says_one(note: str, difficulty: bool) -> None:
    assert states_difficulty(note) is difficulty


def test_the_blocked_status_is_a_difficulty_whatever_its_note() -> None:
    def entry(status: Status, note: str | None) -> AgencyEntry:
        return AgencyEntry("Sở Y tế", AssignmentRole.LEAD, status, True, note=note)

    assert entry(Status.BLOCKED, None).asks_for_help
    assert not entry(Status.IN_PROGRESS, "Đang tháo gỡ vướng mắc cho nhà thầu.").asks_for_help
    assert entry(Status.IN_PROGRESS, "Khó khăn: thiếu nhân lực.").asks_for_help
