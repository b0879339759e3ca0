"""Digest times across DST changes, and the scheduler loop with an injected clock."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt

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
