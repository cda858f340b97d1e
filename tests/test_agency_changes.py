"""Agencies change: Hanoi's 2025 reorganisation loaded over the 2021 registry moves the
merged departments' open tasks and officers to their successors, ends the districts,
and keeps every past period's agencies and names."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import col, select

from db.agencies import names_as_of, rename_agency
from db.engine import session_scope
from db.loading import load_data, read_data_file
from db.models import Agency, Assignment, AuditEntry, Contact, Task
from tests.conftest import hanoi
from tests.test_lifecycle import dondoc, join, reference_database, task_numbers

REGISTRY_2025 = Path(__file__).resolve().parents[1] / "reference" / "hanoi-agencies-2025.toml"
MERGED = hanoi(2025, 3, 1, 8, 0)


def test_the_2025_reorganisation_moves_open_tasks_and_officers_and_keeps_the_past(
    tmp_path: Path,
) -> None:
    engine, _ = reference_database(tmp_path)
    join(engine, "so-khdt", 501)  # the planning and investment department's officer
    join(engine, "ubnd-ba-dinh", 502)  # a district's officer
    before = task_numbers(engine, "so-tai-chinh")
    khdt_tasks = task_numbers(engine, "so-khdt")
    assert "2.1" in khdt_tasks and "2.1" not in before

    with session_scope(engine) as session:
        result = load_data(
            session=session, data=read_data_file(REGISTRY_2025), source="2025", now=MERGED
        )
    assert any("so-khdt merged into so-tai-chinh" in line for line in result.details)

    # Finance now owes what planning and investment owed, and its officer reports there.
    assert task_numbers(engine, "so-khdt") == []
    assert set(khdt_tasks) <= set(task_numbers(engine, "so-tai-chinh"))
    assert task_numbers(engine, "ubnd-ba-dinh") == []  # districts abolished on 1/7/2025
    with session_scope(engine) as session:
        officer = session.exec(select(Contact).where(Contact.user_id == 501)).one()
        finance = session.exec(select(Agency).where(Agency.code == "so-tai-chinh")).one()
        district_officer = session.exec(select(Contact).where(Contact.user_id == 502)).one()
        khdt = session.exec(select(Agency).where(Agency.code == "so-khdt")).one()
        # The merged department's own assignment of 2.1 stays, ended, with its history.
        old_21 = session.exec(
            select(Assignment)
            .join(Task, col(Task.id) == Assignment.task_id)
            .where(Task.number == "2.1", Assignment.agency_id == khdt.id)
        ).one()
        merged = session.exec(select(AuditEntry).where(AuditEntry.action == "agency.merged")).all()
    assert officer.agency_id == finance.id and officer.active
    assert not district_officer.active
    assert (khdt.active, khdt.merged_into_id, khdt.ended_at) == (False, finance.id, MERGED)
    assert old_21.ended_at == MERGED
    assert len(merged) >= 9

    # Loading the same file again changes nothing more.
    with session_scope(engine) as session:
        again = load_data(
            session=session,
            data=read_data_file(REGISTRY_2025),
            source="2025",
            now=hanoi(2025, 4, 1),
        )
    assert not again.changed


def test_a_renamed_agency_keeps_its_old_name_for_the_periods_before(tmp_path: Path) -> None:
    engine, _ = reference_database(tmp_path)
    with session_scope(engine) as session:
        rename_agency(
            session=session,
            code="so-y-te",
            name="Sở Y tế Thành phố Hà Nội",
            now=hanoi(2025, 3, 1),
            actor="cli",
        )
    with session_scope(engine) as session:
        agency = session.exec(select(Agency).where(Agency.code == "so-y-te")).one()
        assert agency.id is not None
        then = names_as_of(session, hanoi(2024, 12, 31))
        now = names_as_of(session, hanoi(2025, 3, 2))
    assert agency.name == "Sở Y tế Thành phố Hà Nội" and "Sở Y tế" in agency.aliases
    assert then[agency.id] == "Sở Y tế" and agency.id not in now


def test_the_administrator_renames_merges_and_ends_agencies_from_the_command_line(
    tmp_path: Path,
) -> None:
    engine, url = reference_database(tmp_path)
    join(engine, "so-khdt", 501)

    added = dondoc(url, "agencies", "add", "so-dan-toc", "Sở Dân tộc và Tôn giáo", "--kind", "so")
    again = dondoc(url, "agencies", "add", "so-dan-toc", "Sở Dân tộc")
    renamed = dondoc(url, "agencies", "rename", "so-y-te", "Sở Y tế Hà Nội")
    merged = dondoc(url, "agencies", "merge", "so-khdt", "so-tai-chinh")
    twice = dondoc(url, "agencies", "merge", "so-khdt", "so-tai-chinh")
    ended = dondoc(url, "agencies", "end", "ubnd-ba-dinh")
    unknown = dondoc(url, "agencies", "rename", "so-khong-co", "X")

    assert added.returncode == 0 and "so-dan-toc" in added.stdout
    assert again.returncode == 2 and "đã có trong danh mục" in again.stderr
    assert renamed.returncode == 0 and "Sở Y tế Hà Nội" in renamed.stdout
    assert merged.returncode == 0 and "1 contact(s) moved" in merged.stdout
    assert twice.returncode == 2 and "đã thôi hoạt động" in twice.stderr
    assert ended.returncode == 0 and "no longer requested" in ended.stdout
    assert unknown.returncode == 2 and len(unknown.stderr.strip().splitlines()) == 1
    assert "2.1" in task_numbers(engine, "so-tai-chinh")
    assert task_numbers(engine, "ubnd-ba-dinh") == []
