"""Hanoi's registry after the 2025 reorganisation (reference/hanoi-agencies-2025.toml)."""

from __future__ import annotations

import tomllib
import unicodedata
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from db.engine import make_engine, session_scope, upgrade_schema
from db.loading import load_data, read_data_file
from db.models import Agency, AgencyGroup, AgencyGroupMember
from importer.agencies import find_assignees
from importer.names import fold, load_registry

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
REGISTRY = REFERENCE / "hanoi-agencies-2025.toml"
TEXT = REGISTRY.read_text(encoding="utf-8")
DATA = tomllib.loads(TEXT)
AGENCIES = {agency["code"]: agency for agency in DATA["agency"]}
GROUPS = {group["code"]: group for group in DATA["group"]}


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade_schema(engine)
    yield engine
    engine.dispose()


def test_the_file_loads_through_the_registry_loader_into_a_fresh_database(engine: Engine) -> None:
    with session_scope(engine) as session:
        load_data(session=session, data=read_data_file(REGISTRY), source=REGISTRY.name)

    with session_scope(engine) as session:
        assert set(session.exec(select(Agency.code))) == set(AGENCIES)
        for group in session.exec(select(AgencyGroup)):
            members = session.exec(
                select(Agency.code)
                .join(AgencyGroupMember, col(AgencyGroupMember.agency_id) == col(Agency.id))
                .where(AgencyGroupMember.group_id == group.id)
            )
            assert set(members) == set(GROUPS[group.code]["members"])
    with session_scope(engine) as session:
        again = load_data(session=session, data=read_data_file(REGISTRY), source=REGISTRY.name)
        assert not again.changed


def test_codes_are_unique_and_every_code_named_is_in_the_file() -> None:
    codes = [agency["code"] for agency in DATA["agency"]]
    assert len(codes) == len(set(codes))
    assert not set(codes) & set(GROUPS)
    assert DATA["registry"]["secretariat"] == "vp-ubnd" in AGENCIES
    for agency in DATA["agency"]:
        if "merged_into" in agency:
            successor = AGENCIES[agency["merged_into"]]
            assert "until" not in successor, agency["code"]
    ended = {code for code, agency in AGENCIES.items() if "until" in agency}
    for group in GROUPS.values():
        assert set(group["members"]) <= set(AGENCIES)
        assert not set(group["members"]) & ended, group["code"]


def test_the_counts_the_header_claims_hold() -> None:
    current = [agency for agency in DATA["agency"] if "until" not in agency]
    merged = [agency for agency in DATA["agency"] if agency.get("until") == "2025-03-01"]
    districts = [agency for agency in DATA["agency"] if agency.get("until") == "2025-07-01"]
    kinds = Counter(agency["kind"] for agency in current)

    assert "186 agencies" in TEXT and len(DATA["agency"]) == 186
    assert kinds["so"] == 13 and {"vp-ubnd", "thanh-tra-tp"} <= {a["code"] for a in current}
    assert len(merged) == 9 and all("merged_into" in agency for agency in merged)
    assert kinds["nganh"] - 2 == 5  # the ngành, besides Văn phòng UBND and Thanh tra
    assert Counter(agency["kind"] for agency in districts) == {"quan": 12, "huyen": 17, "thi-xa": 1}
    assert not any("merged_into" in agency for agency in districts)
    assert "126 commune-level units (51 phường, 75 xã)" in TEXT
    assert (kinds["phuong"], kinds["xa"]) == (51, 75)
    sizes = {code: len(set(group["members"])) for code, group in GROUPS.items()}
    assert sizes == {
        "ubnd-xa-phuong": 126,
        "ubnd-cac-phuong": 51,
        "ubnd-cac-xa": 75,
        "cac-so-ban-nganh": 15,
    }
    assert set(GROUPS["ubnd-xa-phuong"]["members"]) == {
        a["code"] for a in current if a["kind"] in ("phuong", "xa")
    }


def test_names_are_nfc_and_each_name_folds_to_one_code_only() -> None:
    owner: dict[str, str] = {}
    for table in [*DATA["agency"], *DATA["group"]]:
        assert unicodedata.normalize("NFC", table["name"]) == table["name"]
        for name in [table["name"], *table.get("aliases", [])]:
            assert owner.setdefault(fold(name), table["code"]) == table["code"], name


@pytest.mark.parametrize(
    ("number", "old", "successor"),
    [
        ("2.1", "so-khdt", "so-tai-chinh"),
        ("2.6", "so-nnptnt", "so-nn-mt"),
        ("2.7", "so-ldtbxh", "so-noi-vu"),
    ],
)
def test_a_2021_task_read_with_this_registry_still_names_its_merged_lead(
    number: str, old: str, successor: str
) -> None:
    directive = tomllib.loads((REFERENCE / "2658-UBND-KT.toml").read_text(encoding="utf-8"))
    text = next(task["text"] for task in directive["task"] if task["number"] == number)

    found = find_assignees(text, load_registry(REGISTRY))

    assert [name.code for name in found.lead] == [old]
    assert (AGENCIES[old]["until"], AGENCIES[old]["merged_into"]) == ("2025-03-01", successor)


def test_the_new_bodies_and_groups_are_matched_by_their_names() -> None:
    registry = load_registry(REGISTRY)

    assert registry.match("Sở Nông nghiệp và Môi trường Hà Nội") == "so-nn-mt"
    assert (
        registry.match("UBND phường Văn Miếu – Quốc Tử Giám") == "ubnd-phuong-van-mieu-quoc-tu-giam"
    )
    assert registry.match("Ủy ban nhân dân xã Sóc Sơn") == "ubnd-xa-soc-son"
    assert registry.match("UBND huyện Sóc Sơn") == "ubnd-soc-son"
    assert registry.match("Chủ tịch UBND các xã, phường") == "ubnd-xa-phuong"
