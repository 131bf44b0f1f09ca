"""Deterministic transport faults for the sandbox's `--faults RATE` option."""

from __future__ import annotations

import random
import threading

# What can go wrong on the wire; each vendor blueprint renders them in its vendor's shape.
FAULT_KINDS = (
    "rate_limited",  # 429 (Linear: HTTP 400 + RATELIMITED) with Retry-After
    "server_error",  # 500
    "bad_gateway",  # 502
    "unavailable",  # 503
    "truncated",  # the connection drops mid-body
    "broken_json",  # a complete 200 response whose JSON body is broken
    "slow",  # the answer comes after the client's timeout
)


class FaultInjector:
    """Draws a fault (or none) per request, reproducibly for a seed."""

    def __init__(self, rate: float, seed: int) -> None:
        if not 0.0 <= rate < 1.0:
            raise ValueError(f"--faults must be in [0, 1), got {rate}")
        self.rate = rate
        self._random = random.Random(seed * 7919 + 17)
        self._lock = threading.Lock()

    def draw(self) -> str | None:
        if not self.rate:
            return None
        with self._lock:
            if self._random.random() >= self.rate:
                return None
            return self._random.choice(FAULT_KINDS)
