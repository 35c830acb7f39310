"""``with`` and ``async with`` for every object soulkeeper opens (stores, guards): one mixin, one place."""

from __future__ import annotations

from abc import ABC, abstractmethod
from types import TracebackType
from typing import Self

__all__ = ["Closeable"]


class Closeable(ABC):
    """``with`` calls :meth:`close` on exit, ``async with`` calls :meth:`aclose`."""

    @abstractmethod
    def close(self) -> None:
        """Release what the object holds (closing twice is harmless)."""

    @abstractmethod
    async def aclose(self) -> None:
        """Async :meth:`close`."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
