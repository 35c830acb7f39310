"""The guard's link to its checkpoint store: failures become data, with a short back-off.

Every store call goes through :class:`StoreLink`. A failure (:class:`StoreError` or an OS-level error)
is returned as a :class:`Failure` (or raised as :class:`StoreError` when the policy fails closed), and for
``retry_after`` seconds the store is not tried again, so a dead server does not slow every turn down.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from soulkeeper.errors import StoreError
from soulkeeper.guard._events import logger
from soulkeeper.stores import CheckpointStore

__all__ = ["Failure", "StoreLink"]


@dataclass(frozen=True, slots=True)
class Failure:
    """A store call that failed (or was skipped during the back-off after a failure)."""

    error: str


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if isinstance(exc, StoreError) else f"{type(exc).__name__}: {text}"


class StoreLink:
    """Calls the store, turning failures into :class:`Failure` values (or ``StoreError`` when closed)."""

    def __init__(self, store: CheckpointStore, *, fail_closed: bool, retry_after: float) -> None:
        self.store = store
        self.fail_closed = fail_closed
        self.retry_after = retry_after
        self.error: str | None = None
        self._down_until = 0.0
        self.failures = 0

    @property
    def healthy(self) -> bool:
        return self.error is None

    def _skip(self) -> Failure | None:
        if self.error is not None and time.monotonic() < self._down_until:
            if self.fail_closed:
                raise StoreError(f"checkpoint store unavailable: {self.error}")
            return Failure(self.error)
        return None

    def _failed(self, op: str, exc: BaseException) -> Failure:
        message = f"{op}: {_describe(exc)}"
        self.failures += 1
        if self.error is None:
            logger.warning("checkpoint store %s failed; persona stays pinned: %s", self.store.url, message)
        self.error = message
        self._down_until = time.monotonic() + self.retry_after
        if self.fail_closed:
            raise StoreError(f"checkpoint store unavailable: {message}") from exc
        return Failure(message)

    def _ok(self) -> None:
        if self.error is not None:
            logger.info("checkpoint store %s is back", self.store.url)
        self.error = None

    def call(self, op: str, *args: Any) -> Any:
        """``store.<op>(*args)``, or a :class:`Failure`."""
        skipped = self._skip()
        if skipped is not None:
            return skipped
        try:
            result = getattr(self.store, op)(*args)
        except (StoreError, OSError) as exc:
            return self._failed(op, exc)
        self._ok()
        return result

    async def acall(self, op: str, *args: Any) -> Any:
        """``await store.a<op>(*args)``, or a :class:`Failure`."""
        skipped = self._skip()
        if skipped is not None:
            return skipped
        try:
            result = await getattr(self.store, "a" + op)(*args)
        except (StoreError, OSError) as exc:
            return self._failed(op, exc)
        self._ok()
        return result
