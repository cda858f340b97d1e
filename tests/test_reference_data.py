"""The shipped reference data: Hanoi's registry and directive 2658/UBND-KT, loaded idempotently."""

from __future__ import annotations

import tomllib
import unicodedata
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from db.engine import make_engine, session_scope, upgrade_schema
from db.loading import DataFileError, load_data, read_data_file
from db.models import Agency, AgencyGroup, Assignment, AssignmentRole, Directive, Task
from dondoc.stage import REFERENCE_FILES
from tests.conftest import REFERENCE_TASK_NUMBERS, SHARED_SEED


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade_schema(engine)
    yield engine
    engine.dispose()


def load_reference(engine: Engine) -> list[bool]:
    with session_scope(engine) as session:
        return [
            load_data(session=session, data=read_data_file(path), source=path.name).changed
            for path in REFERENCE_FILES
        ]


def leads(session: Session, number: str) -> set[str]:
    return set(
        session.exec(
            select(Agency.code)
            .join(Assignment, Assignment.agency_id == Agency.id)
            .join(Task, Task.id == Assignment.task_id)
            .where(Task.number == number, Assignment.role == AssignmentRole.LEAD)
        )
    )


def test_every_task_of_the_directive_is_loaded_with_its_lead_agencies(engine: Engine) -> None:
    load_reference(engine)

    with session_scope(engine) as session:
        directive = session.exec(select(Directive)).one()
        numbers = list(session.exec(select(Task.number).order_by(Task.position)))
        assert (directive.code, directive.issued_on.isoformat()) == ("2658/UBND-KT", "2021-08-16")
        assert numbers == REFERENCE_TASK_NUMBERS
        assert {"so-khdt"} == leads(session, "2.1")
        assert {"so-tai-chinh"} == leads(session, "2.2")
        assert {"so-cong-thuong"} == leads(session, "2.4")
        assert {"cuc-qltt"} == leads(session, "2.5")
        assert {"so-nnptnt"} == leads(session, "2.6")
        assert {"so-ldtbxh"} == leads(session, "2.7")
        assert {"so-gddt"} == leads(session, "2.8")
        assert {"thanh-tra-tp"} == leads(session, "2.9")
        assert {"cong-an-tp", "bo-tu-lenh-thu-do"} == leads(session, "2.10")
        assert {"so-y-te", "ubnd-ba-dinh", "ubnd-son-tay"} <= leads(session, "1")
        # 2.3: departments, investors and all 30 districts; Sở KH&ĐT leads its second part.
        assert {"so-khdt", "so-tai-chinh", "ubnd-my-duc", "bqlda-giao-thong"} <= leads(
            session, "2.3"
        )
        assert len(leads(session, "2.11")) == 21 + 30


def test_the_district_group_has_the_30_district_level_units(engine: Engine) -> None:
    load_reference(engine)

    with session_scope(engine) as session:
        group = session.exec(select(AgencyGroup).where(AgencyGroup.code == "ubnd-quan-huyen")).one()
        kinds = list(
            session.exec(select(Agency.kind).where(Agency.code.startswith("ubnd-")))  # type: ignore[attr-defined]
        )
        assert group.name == "UBND các quận, huyện, thị xã"
        assert sorted(kinds).count("quan") == 12
        assert kinds.count("huyen") == 17
        assert kinds.count("thi-xa") == 1


def test_loading_twice_changes_nothing(engine: Engine) -> None:
    assert load_reference(engine) == [True, True]

    assert load_reference(engine) == [False, False]


def test_names_are_nfc_vietnamese() -> None:
    for path in REFERENCE_FILES:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for agency in data.get("agency", []):
            assert unicodedata.normalize("NFC", agency["name"]) == agency["name"]


def test_a_directive_naming_an_unknown_agency_is_refused_with_the_task(engine: Engine) -> None:
    load_reference(engine)
    data = {
        "directive": {"code": "1/X", "date": "2021-09-01", "issuer": "UBND", "subject": "V/v thử"},
        "task": [{"number": "1", "title": "Thử", "lead": ["so-khong-co"]}],
    }

    with (
        session_scope(engine) as session,
        pytest.raises(DataFileError, match="task 1: unknown agency"),
    ):
        load_data(session=session, data=data, source="x.toml")


@pytest.mark.skipif(not SHARED_SEED.exists(), reason="../shared/seeds is not beside this clone")
def test_every_task_text_is_taken_from_the_seed_directive() -> None:
    seed = " ".join(SHARED_SEED.read_text(encoding="utf-8").split())
    data = tomllib.loads(REFERENCE_FILES[1].read_text(encoding="utf-8"))

    for task in data["task"]:
        first_sentence = " ".join(task["text"].split())[:80]
        assert first_sentence in seed, task["number"]
