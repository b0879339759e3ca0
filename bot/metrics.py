"""Counters and a latency histogram for ``GET /metrics`` (Prometheus text format), kept per core.

No global registry: the composition root makes one :class:`Metrics` and hands it to the core and the
health server, so tests and several cores in one process never share counts.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass, field

#: Upper bounds of the command latency histogram, in seconds.
BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


@dataclass
class Metrics:
    """What ``/metrics`` reports."""

    commands: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # platform, command, outcome
    latency_buckets: list[int] = field(default_factory=lambda: [0] * (len(BUCKETS) + 1))
    latency_sum: float = 0.0
    latency_count: int = 0
    briefs_computed: int = 0
    briefs_queued: int = 0
    cache_hits: int = 0
    feed_errors: int = 0
    digests_sent: int = 0
    rate_limited: int = 0
    watch_messages: int = 0

    def command(self, platform: str, name: str, outcome: str, seconds: float) -> None:
        """Count one answered command and its latency."""
        self.commands[(platform, name, outcome)] += 1
        self.latency_buckets[bisect.bisect_left(BUCKETS, seconds)] += 1
        self.latency_sum += seconds
        self.latency_count += 1

    def render(self) -> str:
        """The Prometheus text exposition of every metric."""
        out = [
            "# HELP briefbot_commands_total Commands answered, by platform, command and outcome.",
            "# TYPE briefbot_commands_total counter",
        ]
        for (platform, name, outcome), n in sorted(self.commands.items()):
            out.append(f'briefbot_commands_total{{platform="{platform}",command="{name}",outcome="{outcome}"}} {n}')
        out += [
            "# HELP briefbot_command_seconds Time to answer a command.",
            "# TYPE briefbot_command_seconds histogram",
        ]
        running = 0
        for bound, n in zip((*BUCKETS, float("inf")), self.latency_buckets, strict=True):
            running += n
            le = "+Inf" if bound == float("inf") else f"{bound:g}"
            out.append(f'briefbot_command_seconds_bucket{{le="{le}"}} {running}')
        out.append(f"briefbot_command_seconds_sum {self.latency_sum:.6f}")
        out.append(f"briefbot_command_seconds_count {self.latency_count}")
        for name, value, about in (
            ("briefs_computed_total", self.briefs_computed, "Briefs computed (cache misses)."),
            ("briefs_queued_total", self.briefs_queued, "Briefs made by the queue's workers for this instance."),
            ("cache_hits_total", self.cache_hits, "Briefs answered from the cache."),
            ("feed_errors_total", self.feed_errors, "Feed polls that failed."),
            ("digests_sent_total", self.digests_sent, "Scheduled digests delivered."),
            ("rate_limited_total", self.rate_limited, "Briefs refused by the per-user or per-channel limit."),
            ("watch_messages_total", self.watch_messages, "Direct messages sent for people's watches."),
        ):
            out += [f"# HELP briefbot_{name} {about}", f"# TYPE briefbot_{name} counter", f"briefbot_{name} {value}"]
        return "\n".join(out) + "\n"
