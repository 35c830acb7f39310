"""A guard whose drift check takes a while and records where it ran: for tests of background checks."""

from __future__ import annotations

import threading
import time
from typing import Any

from soulkeeper.drift import DriftReport
from soulkeeper.guard import PersonaGuard

__all__ = ["SlowChecks"]


class SlowChecks:
    """Replaces ``guard``'s detector: each check sleeps ``delay`` seconds, then runs the real one.

    ``texts`` and ``threads`` record, in order, what was checked and on which thread; ``started`` is set
    when the first check begins.
    """

    def __init__(self, guard: PersonaGuard, delay: float) -> None:
        self.inner = guard.detector
        self.delay = delay
        self.texts: list[str] = []
        self.threads: list[str] = []
        self.started = threading.Event()
        guard._detector = self  # type: ignore[assignment]

    def check(self, text: str, **kwargs: Any) -> DriftReport:
        self.started.set()
        time.sleep(self.delay)
        self.texts.append(text)
        self.threads.append(threading.current_thread().name)
        return self.inner.check(text, **kwargs)

    async def acheck(self, text: str, **kwargs: Any) -> DriftReport:
        return self.check(text, **kwargs)
