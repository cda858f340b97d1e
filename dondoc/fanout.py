"""A large send-out on the local server: many agencies, one contact each, one monthly task.

Used by `bench/fanout.py` (throughput under injected 429s) and by the test that
kills the bot in the middle of a send-out: both need the same synthetic city.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import select

from bot_api_server import BotApiServer
from db.engine import make_engine, session_scope, upgrade_schema
from db.loading import load_data
from db.models import Agency, Contact, Role

FANOUT_TOKEN = "1000000002" + ":" + "fanout-local-" * 3  # assembled: no token-like literal
FIRST_USER_ID = 700_000


def fanout_city(count: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """A registry of `count` agencies in one group and a directive with one task for them all."""
    registry = {
        "registry": {"name": "Thành phố thử nghiệm", "secretariat": "vp"},
        "agency": [{"code": "vp", "name": "Văn phòng", "kind": "nganh"}]
        + [{"code": f"dv-{n:05d}", "name": f"Đơn vị số {n}", "kind": "so"} for n in range(count)],
        "group": [
            {
                "code": "tat-ca",
                "name": "Tất cả đơn vị",
                "members": [f"dv-{n:05d}" for n in range(count)],
            }
        ],
    }
    directive = {
        "directive": {
            "code": "1/CT-TN",
            "date": "2021-01-04",
            "issuer": "UBND thử nghiệm",
            "subject": "V/v thử gửi hàng loạt",
            "tracker": "vp",
        },
        "task": [{"number": "1", "title": "Báo cáo tình hình hằng tháng", "lead": ["tat-ca"]}],
    }
    return registry, directive


async def seed_fanout(server: BotApiServer, database_path: Path, count: int) -> Engine:
    """A migrated database with `count` officers, each a user of `server` who started the bot."""
    engine = make_engine(f"sqlite:///{database_path}")
    upgrade_schema(engine)
    registry, directive = fanout_city(count)
    joined = datetime(2021, 1, 1, tzinfo=UTC)
    with session_scope(engine) as session:
        load_data(session=session, data=registry, source="fanout-registry")
        load_data(session=session, data=directive, source="fanout-directive")
        agencies = session.exec(
            select(Agency).where(Agency.code != "vp").order_by(Agency.code)
        ).all()
        for offset, agency in enumerate(agencies):
            assert agency.id is not None
            user_id = FIRST_USER_ID + offset
            session.add(
                Contact(
                    agency_id=agency.id,
                    role=Role.OFFICER,
                    user_id=user_id,
                    chat_id=user_id,
                    display_name=f"Cán bộ {offset}",
                    joined_at=joined,
                )
            )
    for offset in range(count):
        await server.user(FIRST_USER_ID + offset, f"Cán bộ {offset}").start()
    return engine


def requests_per_user(server: BotApiServer, count: int) -> list[int]:
    """How many messages each simulated officer received from the bot."""
    return [len(server.user(FIRST_USER_ID + offset).messages()) for offset in range(count)]
