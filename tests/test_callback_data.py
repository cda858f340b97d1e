"""Callback data is read strictly: anything but a well-formed choice is refused, never a crash."""

from __future__ import annotations

import pytest

from bot.compose import parse_callback
from db.models import Status


def test_a_well_formed_status_choice_is_read() -> None:
    choice = parse_callback("status:12:3:blocked")

    assert choice is not None
    assert (choice.action, choice.assignment_id, choice.period_id, choice.status) == (
        "status",
        12,
        3,
        Status.BLOCKED,
    )


@pytest.mark.parametrize(
    "data",
    [
        "task:10000000000000000000:0",  # beyond SQLite's integers: once crashed the handler
        "task:١:2",  # Arabic-Indic digit: int() would accept it
        "task:-1:2",
        "status:1:2",
        "status:1:2:finished",
        "task:1:2:3",
        "task",
        "",
    ],
)
def test_malformed_callback_data_is_refused(data: str) -> None:
    assert parse_callback(data) is None
