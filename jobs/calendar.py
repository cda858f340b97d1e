"""The calendar rules of the monthly cycle: plain functions of the schedule and a date.

Weekends, Vietnamese public holidays (lunar Tết included, from the `holidays`
package) and the extra days off listed in config.toml move a send to the next
working day. All results are timezone-aware datetimes in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from dondoc.config import ScheduleSettings


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    import holidays  # a tenth of a second to import: loaded when the calendar is first asked

    return frozenset(holidays.country_holidays("VN", years=year))


def is_working_day(day: date, schedule: ScheduleSettings) -> bool:
    """Monday to Friday, not a public holiday, not a configured day off."""
    return (
        day.weekday() < 5
        and day not in _public_holidays(day.year)
        and day not in schedule.extra_days_off
    )


def next_working_day(day: date, schedule: ScheduleSettings) -> date:
    """The day itself if it is a working day, else the next one."""
    while not is_working_day(day, schedule):
        day += timedelta(days=1)
    return day


def add_working_days(day: date, count: int, schedule: ScheduleSettings) -> date:
    """The working day `count` working days after `day`."""
    day = next_working_day(day, schedule)
    for _ in range(count):
        day = next_working_day(day + timedelta(days=1), schedule)
    return day


def subtract_working_days(day: date, count: int, schedule: ScheduleSettings) -> date:
    """The working day `count` working days before `day`."""
    for _ in range(count):
        day -= timedelta(days=1)
        while not is_working_day(day, schedule):
            day -= timedelta(days=1)
    return day


def _at(day: date, clock: time, schedule: ScheduleSettings) -> datetime:
    return datetime.combine(day, clock, tzinfo=schedule.zone).astimezone(UTC)


@dataclass(frozen=True)
class PeriodTimes:
    """When a month's request goes out, when replies are due, when the digest goes."""

    month: str
    request_at: datetime
    due_at: datetime
    digest_at: datetime
    escalation_at: datetime
    nudges: tuple[datetime, ...]


def month_key(year: int, month: int) -> str:
    """The period key, "2021-08"."""
    return f"{year:04d}-{month:02d}"


def month_of(now: datetime, schedule: ScheduleSettings) -> str:
    """The period key of the month `now` falls in, in the schedule's zone."""
    local = now.astimezone(schedule.zone)
    return month_key(local.year, local.month)


def parse_month(text: str) -> str:
    """ "08/2021", "8/2021" or "2021-08" to "2021-08"; ValueError otherwise."""
    text = text.strip()
    if "/" in text:
        month_text, year_text = text.split("/", 1)
    elif "-" in text:
        year_text, month_text = text.split("-", 1)
    else:
        raise ValueError(text)
    year, month = int(year_text), int(month_text)
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise ValueError(text)
    return month_key(year, month)


def period_times(month: str, schedule: ScheduleSettings) -> PeriodTimes:
    """The times of a month's cycle, each moved to a working day."""
    year, number = (int(part) for part in month.split("-"))
    request_day = next_working_day(date(year, number, schedule.request_day), schedule)
    due_day = max(date(year, number, schedule.due_day), request_day)
    # Replies are due by the end of the due day, local time.
    due_at = end_of_day(due_day, schedule)
    digest_day = next_working_day(date(year, number, schedule.digest_day), schedule)
    nudges = []
    day = add_working_days(request_day, schedule.nudge_every_working_days, schedule)
    while _at(day, schedule.request_time, schedule) < due_at:
        nudges.append(_at(day, schedule.request_time, schedule))
        day = add_working_days(day, schedule.nudge_every_working_days, schedule)
    escalation_day = next_working_day(
        due_day + timedelta(days=max(schedule.escalation_delay_days, 1)), schedule
    )
    digest_at = _at(digest_day, schedule.digest_time, schedule)
    return PeriodTimes(
        month=month,
        request_at=_at(request_day, schedule.request_time, schedule),
        due_at=due_at,
        digest_at=digest_at,
        # Days off may push the escalation onto the digest's day: never after the digest.
        escalation_at=min(_at(escalation_day, schedule.request_time, schedule), digest_at),
        nudges=tuple(nudges),
    )


def deadline_reminder_at(deadline: date, schedule: ScheduleSettings) -> datetime:
    """When to remind of a task's own deadline: some working days before it."""
    day = subtract_working_days(deadline, schedule.deadline_reminder_working_days, schedule)
    return _at(day, schedule.request_time, schedule)


def end_of_day(day: date, schedule: ScheduleSettings) -> datetime:
    """The midnight after `day`, local time: a deadline "by day D" has passed then."""
    return _at(day + timedelta(days=1), time(0, 0), schedule)


def month_bounds(month: str, schedule: ScheduleSettings) -> tuple[datetime, datetime]:
    """The first instant of the month and of the next one."""
    year, number = (int(part) for part in month.split("-"))
    following = date(year + number // 12, number % 12 + 1, 1)
    return _at(date(year, number, 1), time(0, 0), schedule), _at(following, time(0, 0), schedule)
