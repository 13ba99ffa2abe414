"""The token bucket behind `429 rate_limited`, on a clock the test moves."""

from __future__ import annotations

import pytest

from guides.errors import RateLimited
from server.ratelimit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def refused(limiter: RateLimiter, key: str, cost: int) -> int:
    """The Retry-After of a refused take (fails the test if it was allowed)."""
    with pytest.raises(RateLimited) as raised:
        limiter.take(key, cost)
    return raised.value.retry_after


class TestRateLimiter:
    def test_a_key_may_spend_its_burst_at_once_then_waits_for_its_rate(self) -> None:
        clock = Clock()
        limiter = RateLimiter(rate=10, burst=100, clock=clock)

        limiter.take("pk_a", 100)
        retry_after = refused(limiter, "pk_a", 50)
        clock.now += 5  # 50 tokens earned
        limiter.take("pk_a", 50)

        assert retry_after == 5

    def test_tokens_never_pile_up_beyond_the_burst(self) -> None:
        clock = Clock()
        limiter = RateLimiter(rate=10, burst=100, clock=clock)
        limiter.take("pk_a", 1)
        clock.now += 3600

        limiter.take("pk_a", 100)

        assert refused(limiter, "pk_a", 1) == 1

    def test_keys_have_separate_buckets(self) -> None:
        limiter = RateLimiter(rate=1, burst=10, clock=Clock())
        limiter.take("pk_a", 10)

        limiter.take("pk_b", 10)

        assert refused(limiter, "pk_a", 1) == 1

    def test_a_batch_larger_than_the_burst_passes_on_a_full_bucket(self) -> None:
        limiter = RateLimiter(rate=1, burst=10, clock=Clock())

        limiter.take("pk_a", 500)

        assert refused(limiter, "pk_a", 1) == 1

    def test_an_empty_batch_still_costs_one_token(self) -> None:
        limiter = RateLimiter(rate=1, burst=2, clock=Clock())
        limiter.take("pk_a", 0)
        limiter.take("pk_a", 0)

        assert refused(limiter, "pk_a", 0) == 1

    def test_a_rate_of_zero_turns_the_limit_off(self) -> None:
        limiter = RateLimiter(rate=0, burst=1, clock=Clock())

        for _ in range(1000):
            limiter.take("pk_a", 500)

        assert limiter.enabled is False

    def test_only_the_most_recent_keys_are_remembered(self) -> None:
        limiter = RateLimiter(rate=1, burst=1, clock=Clock(), max_keys=2)
        limiter.take("pk_a", 1)
        limiter.take("pk_b", 1)
        limiter.take("pk_c", 1)  # pk_a is forgotten: it starts again with a full bucket

        limiter.take("pk_a", 1)

        assert refused(limiter, "pk_c", 1) == 1
