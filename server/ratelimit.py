"""Rate limits of the SDK endpoints: a token bucket per key in each server process, used
per app key for event ingestion and per client address for every SDK request.

Each app key earns `rate` tokens a second up to `burst`; a batch costs one token per event
(at least one). A batch that finds too few tokens is refused with 429 and a Retry-After of
the seconds until it would pass, so one noisy app cannot starve the others. With several
server processes each keeps its own buckets: the limit applies per process."""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from guides.errors import RateLimited

MAX_KEYS = 10_000  # buckets kept; the least recently used go first (unknown keys included)


class RateLimiter:
    def __init__(
        self,
        rate: float,
        burst: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = MAX_KEYS,
        message: str = "too many events for this app key; retry after the number of seconds "
        "in Retry-After",
    ) -> None:
        self.message = message
        self.rate = rate
        self.burst = max(1, burst)
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # tokens, time
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def take(self, key: str, cost: int) -> None:
        """Spend `cost` tokens of `key`'s bucket, or raise `RateLimited`."""
        if not self.enabled:
            return
        cost = min(max(1, cost), self.burst)  # a batch larger than the burst can still pass
        now = self.clock()
        with self._lock:
            tokens, then = self._buckets.pop(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - then) * self.rate)
            if tokens >= cost:
                tokens -= cost
                error = None
            else:
                error = RateLimited(self.message)
                error.retry_after = max(1, math.ceil((cost - tokens) / self.rate))
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        if error is not None:
            raise error
