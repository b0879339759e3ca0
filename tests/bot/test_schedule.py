"""Digest times across DST changes, and the scheduler loop with an injected clock."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from zoneinfo import ZoneInfo

from bot.model import ChannelRef, Schedule
from bot.schedule import due_day, next_run, run_schedule

BERLIN = Schedule(ChannelRef("slack", "C1"), dt.time(7, 30), "Europe/Berlin")


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def test_same_wall_clock_time_on_both_sides_of_dst() -> None:
    # Berlin: CET (UTC+1) until 2026-03-29 02:00, CEST (UTC+2) after; back on 2026-10-25.
    assert next_run(utc(2026, 3, 28, 12), BERLIN) == utc(2026, 3, 29, 5, 30)  # 07:30 CEST
    assert next_run(utc(2026, 3, 27, 12), BERLIN) == utc(2026, 3, 28, 6, 30)  # 07:30 CET
    assert next_run(utc(2026, 10, 24, 12), BERLIN) == utc(2026, 10, 25, 6, 30)  # 07:30 CET again


def test_time_in_the_spring_gap_and_the_autumn_repeat() -> None:
    gap = Schedule(ChannelRef("slack", "C1"), dt.time(2, 30), "Europe/Berlin")
    # 02:30 does not exist on 2026-03-29: it runs at 03:30 CEST, the same instant as 02:30 CET would be.
    assert next_run(utc(2026, 3, 28, 12), gap) == utc(2026, 3, 29, 1, 30)
    # 02:30 happens twice on 2026-10-25: the first one (CEST) is used.
    assert next_run(utc(2026, 10, 24, 12), gap) == utc(2026, 10, 25, 0, 30)


def test_due_day_is_the_local_day() -> None:
    tokyo = Schedule(ChannelRef("discord", "1"), dt.time(6, 0), "Asia/Tokyo")
    assert due_day(utc(2026, 11, 25, 20, 59), tokyo) is None  # 05:59 on the 26th in Tokyo
    assert due_day(utc(2026, 11, 25, 21, 0), tokyo) == dt.date(2026, 11, 26)
    assert next_run(utc(2026, 11, 25, 21, 0), tokyo) == utc(2026, 11, 25, 21, 0)


async def test_loop_sends_due_digests_and_sleeps_until_the_next() -> None:
    now = [utc(2026, 11, 26, 6, 0)]
    sent: list[tuple[str, dt.date]] = []
    sleeps: list[float] = []

    async def schedules() -> list[Schedule]:
        return [BERLIN]

    async def send(schedule: Schedule, day: dt.date) -> None:
        sent.append((schedule.channel.id, day))

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += dt.timedelta(seconds=seconds)
        if len(sleeps) >= 4:
            raise TimeoutError

    with contextlib.suppress(TimeoutError):
        await run_schedule(schedules, send, lambda: now[0], sleep, max_wait=3600)
    # 06:00 UTC is 07:00 in Berlin: nothing due; the loop sleeps to 07:30 Berlin (06:30 UTC) and sends.
    assert sleeps[0] == 1800 and sent[0] == ("C1", dt.date(2026, 11, 26))
    assert all(s <= 3600 for s in sleeps)


async def test_due_digests_are_sent_a_few_at_a_time_and_wakes_go_on_meanwhile() -> None:
    now = utc(2026, 11, 26, 8, 0)
    due = [Schedule(ChannelRef("slack", f"C{n}", "T1"), dt.time(7, 30), "UTC") for n in range(10)]
    started: list[str] = []
    running, most, wakes = 0, 0, 0
    release = asyncio.Event()

    async def schedules() -> list[Schedule]:
        return due

    async def send(schedule: Schedule, _day: dt.date) -> None:
        nonlocal running, most
        started.append(schedule.channel.id)
        running += 1
        most = max(most, running)
        await release.wait()  # posting takes a while
        running -= 1

    async def nap(_seconds: float) -> None:
        nonlocal wakes
        wakes += 1
        if wakes == 3:
            # Two wakes came and went while the first four digests were still posting: nothing was
            # started twice, and the others wait their turn.
            assert sorted(started) == ["C0", "C1", "C2", "C3"]
            release.set()
        if wakes == 6:
            raise TimeoutError
        await asyncio.sleep(0.01)

    with contextlib.suppress(TimeoutError):
        await run_schedule(schedules, send, lambda: now, nap, parallel=4)
    assert most == 4 and sorted(set(started)) == sorted(s.channel.id for s in due)
    assert len(set(started[:10])) == 10  # every channel once before any is sent again


async def test_a_database_away_for_a_while_does_not_stop_the_scheduler() -> None:
    now = utc(2026, 11, 26, 8, 0)
    reads, sent, naps = 0, [], []

    async def schedules() -> list[Schedule]:
        nonlocal reads
        reads += 1
        if reads <= 2:
            raise ConnectionError("connection refused")  # PostgreSQL restarting
        return [BERLIN]

    async def send(schedule: Schedule, day: dt.date) -> None:
        sent.append(schedule.channel.id)

    async def nap(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 3:
            raise TimeoutError
        await asyncio.sleep(0)

    with contextlib.suppress(TimeoutError):
        await run_schedule(schedules, send, lambda: now, nap)
    assert naps[:2] == [5.0, 5.0] and sent == ["C1"]


def test_days_are_parsed_in_every_usual_spelling() -> None:
    import pytest

    from bot.commands import parse_command, parse_days
    from bot.errors import BadCommand

    assert parse_days("weekdays") == (0, 1, 2, 3, 4) and parse_days("weekends") == (5, 6)
    assert parse_days("mon,wed,fri") == (0, 2, 4) == parse_days("Monday,Wednesday,Friday")
    assert parse_days("mon-fri") == (0, 1, 2, 3, 4) and parse_days("fri-mon") == (0, 4, 5, 6)
    assert parse_days("daily") == () == parse_days("mon-sun")
    assert parse_days("Europe/Berlin") is None and parse_days("mon,xyz") is None and parse_days("") is None
    ch = ChannelRef("slack", "C1", "T1")
    cmd = parse_command("schedule 07:30 Europe/Berlin weekdays", ch)
    assert (cmd.time, cmd.tz, cmd.days) == (dt.time(7, 30), "Europe/Berlin", (0, 1, 2, 3, 4))
    cmd = parse_command("schedule 08:00 mon,wed,fri", ch)  # days without a zone: UTC
    assert (cmd.tz, cmd.days) == ("UTC", (0, 2, 4))
    assert parse_command("schedule 08:00 UTC", ch).days == ()
    for bad in ("schedule 08:00 UTC UTC", "schedule 08:00 weekdays mon", "schedule 08:00 Mars/Base weekdays"):
        with pytest.raises(BadCommand):
            parse_command(bad, ch)


def test_the_days_are_shown_as_people_say_them() -> None:
    base = Schedule(ChannelRef("slack", "C1"), dt.time(7, 30), "Europe/Berlin")
    assert base.when == "07:30 Europe/Berlin"
    assert Schedule(base.channel, base.time, base.tz, (0, 1, 2, 3, 4)).when == "07:30 Europe/Berlin on weekdays"
    assert Schedule(base.channel, base.time, base.tz, (0, 2, 4)).when == "07:30 Europe/Berlin on Mon, Wed and Fri"
    assert Schedule(base.channel, base.time, base.tz, (6,)).when == "07:30 Europe/Berlin on Sun"


async def test_a_week_of_weekday_digests_across_the_autumn_dst_change() -> None:
    """Saturday 24 to Saturday 31 October 2026 in Berlin (CEST until Sunday 25, 03:00, CET after): five digests,
    Monday to Friday, each at 07:30 on the wall clock, none at the weekend."""
    weekdays = Schedule(ChannelRef("slack", "C1"), dt.time(7, 30), "Europe/Berlin", (0, 1, 2, 3, 4))
    now = [utc(2026, 10, 24, 0, 0)]
    sent: list[dt.datetime] = []
    days: set[dt.date] = set()

    async def schedules() -> list[Schedule]:
        return [weekdays]

    async def send(_schedule: Schedule, day: dt.date) -> None:
        if day not in days:  # the store's claim: once per local day
            days.add(day)
            sent.append(now[0])

    async def sleep(seconds: float) -> None:
        now[0] += dt.timedelta(seconds=seconds)
        if now[0] >= utc(2026, 10, 31, 23, 0):
            raise TimeoutError

    with contextlib.suppress(TimeoutError):
        await run_schedule(schedules, send, lambda: now[0], sleep, max_wait=3600)
    local = [t.astimezone(ZoneInfo("Europe/Berlin")) for t in sent]
    assert [t.strftime("%a %d %H:%M") for t in local] == [
        "Mon 26 07:30", "Tue 27 07:30", "Wed 28 07:30", "Thu 29 07:30", "Fri 30 07:30",
    ]  # fmt: skip
    assert sent[0] == utc(2026, 10, 26, 6, 30)  # CET: UTC+1
    assert next_run(utc(2026, 10, 23, 7, 0), weekdays) == utc(2026, 10, 26, 6, 30)  # Friday after 07:30: Monday
    assert due_day(utc(2026, 10, 24, 9, 0), weekdays) is None  # a Saturday
