"""The cycle's calendar: sends move off weekends and holidays, times are Hanoi's."""

from __future__ import annotations

from datetime import date

import pytest

from dondoc.config import ScheduleSettings
from jobs.calendar import is_working_day, next_working_day, parse_month, period_times
from tests.conftest import hanoi


def test_a_request_day_on_a_sunday_moves_to_monday() -> None:
    times = period_times("2021-08", ScheduleSettings())  # 15/08/2021 is a Sunday

    assert times.request_at == hanoi(2021, 8, 16, 8, 30)
    assert times.due_at == hanoi(2021, 8, 21, 0, 0)  # the end of the 20th
    assert times.digest_at == hanoi(2021, 8, 23, 8, 0)  # the 22nd is a Sunday too


def test_tet_moves_the_request_past_the_lunar_new_year_holiday() -> None:
    schedule = ScheduleSettings(request_day=12)  # 12/02/2021 is Tết (1 Tân Sửu)

    assert period_times("2021-02", schedule).request_at == hanoi(2021, 2, 17, 8, 30)


def test_a_day_off_listed_in_the_config_is_skipped() -> None:
    schedule = ScheduleSettings(extra_days_off=[date(2021, 9, 15)])

    assert not is_working_day(date(2021, 9, 15), schedule)
    assert period_times("2021-09", schedule).request_at == hanoi(2021, 9, 16, 8, 30)


def test_national_day_is_not_a_working_day() -> None:
    assert next_working_day(date(2021, 9, 2), ScheduleSettings()) == date(2021, 9, 6)


def test_nudges_fall_on_working_days_before_the_due_date() -> None:
    times = period_times("2021-08", ScheduleSettings(nudge_every_working_days=2))

    assert times.nudges == (hanoi(2021, 8, 18, 8, 30), hanoi(2021, 8, 20, 8, 30))


@pytest.mark.parametrize(
    ("text", "month"), [("08/2021", "2021-08"), ("8/2021", "2021-08"), ("2021-12", "2021-12")]
)
def test_months_are_read_as_the_office_writes_them(text: str, month: str) -> None:
    assert parse_month(text) == month


@pytest.mark.parametrize("text", ["13/2021", "août", "2021", "00/2021"])
def test_a_wrong_month_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_month(text)


def test_a_schedule_whose_escalation_would_leave_the_month_is_refused() -> None:
    with pytest.raises(ValueError, match="must not come after digest_day"):
        ScheduleSettings(due_day=28, escalation_delay_days=1)


def test_an_escalation_moved_past_a_weekend_stays_before_the_digest() -> None:
    schedule = ScheduleSettings(due_day=25, escalation_delay_days=1, digest_day=28)

    times = period_times("2022-02", schedule)  # 26/02/2022 is a Saturday

    assert times.due_at == hanoi(2022, 2, 26, 0, 0)
    assert times.escalation_at == times.digest_at == hanoi(2022, 2, 28, 8, 0)


def test_times_are_hanoi_times_whatever_the_server_zone() -> None:
    times = period_times("2021-08", ScheduleSettings())

    assert times.request_at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert (times.request_at.hour, times.request_at.minute) == (1, 30)  # 08:30 at UTC+7


def test_another_zone_moves_the_instant() -> None:
    tokyo = period_times("2021-08", ScheduleSettings(timezone="Asia/Tokyo"))

    assert tokyo.request_at == hanoi(2021, 8, 16, 6, 30)  # 08:30 in Tokyo is 06:30 in Hanoi


def test_a_deadline_reminder_counts_working_days_back() -> None:
    from jobs.calendar import deadline_reminder_at

    # 06/09/2021 is a Monday after the National Day holidays (2-3/9) and a weekend.
    reminder = deadline_reminder_at(
        date(2021, 9, 6), ScheduleSettings(deadline_reminder_working_days=2)
    )

    assert reminder == hanoi(2021, 8, 31, 8, 30)
