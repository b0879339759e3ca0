"""When digests are due (pure), and the loop that posts them.

A schedule is a local time of day in an IANA time zone, every day or on chosen days of the week
(``weekdays``, ``mon,wed,fri``: days of the local calendar). :func:`next_run` and :func:`due_day` work in
that zone, so 07:30 Europe/Berlin is 07:30 on the wall clock on both sides of a DST change; a time that
does not exist on the day clocks spring forward (02:30) runs at the same instant one hour later on the
wall clock, and a time that happens twice runs at the first.

Exactly once per channel and local day: the run is claimed in the store before posting, held by one
instance while it posts, and marked done after (:meth:`bot.storage.SqlStore.claim_digest`). After a
restart, a digest that is due today and not done -- missed while the bot was down, or interrupted while
posting -- is sent on start; one whose instance died is taken over by another once its hold runs out.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

from bot.model import ChannelRef, Schedule

log = logging.getLogger(__name__)

#: Digests one instance builds and posts at once: fifty channels due at 07:30 are not served one
#: after another, and each platform's per-channel pace still holds (every digest is its own channel).
PARALLEL = 4
#: Seconds before the schedules are read again after the database failed to answer.
RETRY_READ = 5.0


def _local_run(day: dt.date, schedule: Schedule) -> dt.datetime:
    return dt.datetime.combine(day, schedule.time, tzinfo=ZoneInfo(schedule.tz))


def next_run(now: dt.datetime, schedule: Schedule) -> dt.datetime:
    """The first run of ``schedule`` at or after ``now`` (an aware datetime), in UTC, on one of its days."""
    local = now.astimezone(ZoneInfo(schedule.tz))
    for offset in range(9):  # a week, and the day before and after it
        day = local.date() + dt.timedelta(days=offset)
        at = _local_run(day, schedule).astimezone(dt.UTC)
        if at >= now and schedule.runs_on(day):
            return at
    raise AssertionError("unreachable: a schedule runs on at least one day a week")


def due_day(now: dt.datetime, schedule: Schedule) -> dt.date | None:
    """The local day whose digest is due at ``now`` (its time has passed today, one of its days), else ``None``."""
    local = now.astimezone(ZoneInfo(schedule.tz))
    at = _local_run(local.date(), schedule).astimezone(dt.UTC)
    return local.date() if now >= at and schedule.runs_on(local.date()) else None


async def run_schedule(
    schedules: Callable[[], Awaitable[list[Schedule]]],
    send: Callable[[Schedule, dt.date], Awaitable[None]],
    clock: Callable[[], dt.datetime],
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    *,
    max_wait: float = 60.0,
    parallel: int = PARALLEL,
) -> None:
    """Forever: send every due digest (``send`` claims, posts and marks it), then sleep until the next.

    ``send`` decides whether a due day was already delivered; it is called for each due schedule on
    every wake-up unless that channel's digest is still in hand, ``parallel`` at a time. Wakes happen
    at least every ``max_wait`` seconds, whatever is being posted, so that new schedules are seen and a
    dead instance's digests are taken over soon after its hold ends. Cancelled, it cancels the sends
    in flight (a digest cut short resumes at its next message on the next start).
    """
    gate = asyncio.Semaphore(parallel)
    in_hand: dict[ChannelRef, asyncio.Task[None]] = {}

    async def one(schedule: Schedule, day: dt.date) -> None:
        async with gate:
            try:
                await send(schedule, day)
            except Exception:
                log.exception("digest for %s:%s failed", schedule.channel.platform, schedule.channel.id)

    try:
        while True:
            now = clock()
            try:
                current = await schedules()
            except Exception:
                # The database is away (restarting, unreachable): the scheduler outlives it.
                log.exception("reading the schedules failed; trying again in %.0f s", RETRY_READ)
                await sleep(RETRY_READ)
                continue
            for schedule in current:
                day = due_day(now, schedule)
                key = schedule.channel
                if day is not None and (key not in in_hand or in_hand[key].done()):
                    in_hand[key] = asyncio.create_task(one(schedule, day))
            for key in [k for k, task in in_hand.items() if task.done()]:
                del in_hand[key]
            await asyncio.sleep(0)  # the sends start before this loop sleeps, whatever ``sleep`` is
            waits = [(next_run(now + dt.timedelta(seconds=1), s) - now).total_seconds() for s in current]
            await sleep(max(0.5, min([max_wait, *waits])))
    finally:
        for task in in_hand.values():
            task.cancel()
        await asyncio.gather(*in_hand.values(), return_exceptions=True)
