"""The framework-neutral half of every adapter's message translation.

An adapter turns its framework's messages into :class:`soulkeeper.guard.Message`, calls the guard, and
maps the guard's output back. The guard returns the very ``Message`` objects it was given (minus system
messages and stale reminders) behind one new system message, so the way back is by object identity:
every history message becomes the framework message it came from again, untouched, and only the messages
the guard created (the system message, a tail reminder) are made new. Only the per-message conversion is
the framework's; the bookkeeping around it lives here::

    converted, origin = to_guard(messages, convert)           # convert: FrameworkMessage -> Message
    prepared = guard.prepare(thread_id, converted)
    out = from_guard(prepared, origin, make)                  # make: new Message -> FrameworkMessage

:class:`MessageCache` is :func:`to_guard` for agents that send the same growing conversation on every
call: only new or changed messages are converted again; :class:`TextCache` hands out the same system
message object while the guard's system text stays the same. Faster still, when every message
:func:`passes_through`, :meth:`~soulkeeper.PersonaGuard.pinned` gives the system message and the history
goes to the model as it is::

    system = guard.pinned(thread_id, system=app_prompt) if all(passes_through(...) for m in history) else None
    out = [make(system), *history] if system is not None else from_guard(guard.prepare(...), origin, make)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from soulkeeper.guard._blocks import is_reminder_only
from soulkeeper.guard._message import _ROLE_ALIASES, Message, Role, text_of

__all__ = ["MessageCache", "TextCache", "from_guard", "passes_through", "role_of", "to_guard"]

T = TypeVar("T")

Origin = dict[int, T]
"""``id(Message) -> the framework message it was converted from``."""


def role_of(kind: object, *, default: Role = "user") -> Role:
    """The guard's role for a framework's role or message type name.

    ``human``/``user`` -> ``user``; ``ai``/``assistant``/``model``/``bot`` -> ``assistant``;
    ``system``/``developer`` -> ``system``; ``tool``/``function`` -> ``tool``; enums by their value;
    anything else -> ``default``. The same table :func:`soulkeeper.guard.coerce_message` uses.
    """
    return _ROLE_ALIASES.get(text_of(getattr(kind, "value", kind)).strip().lower(), default)


def passes_through(role: Role, text: str, mark: object = None) -> bool:
    """Whether :meth:`~soulkeeper.PersonaGuard.prepare` hands this history message on untouched.

    True for a message that is not a system message, carries no soulkeeper mark (``metadata[MARK]``, any
    value: marked messages are left to :meth:`~soulkeeper.PersonaGuard.prepare`) and is not a bare
    reminder block. When every message of a call passes through, the model input is
    :meth:`~soulkeeper.PersonaGuard.pinned` followed by the history as it is: no conversion needed.
    """
    return role != "system" and mark is None and not (role == "user" and is_reminder_only(text))


def to_guard(
    messages: Sequence[T], convert: Callable[[T], Message | None]
) -> tuple[list[Message], Origin[T]]:
    """The guard's view of ``messages`` and the way back (``id(Message) -> original``).

    ``convert`` returns ``None`` for a message that has no place in the guard's view (it is left out).
    """
    out: list[Message] = []
    origin: Origin[T] = {}
    for message in messages:
        converted = convert(message)
        if converted is not None:
            origin[id(converted)] = message
            out.append(converted)
    return out, origin


def from_guard(prepared: Sequence[Message], origin: Mapping[int, T], make: Callable[[Message], T]) -> list[T]:
    """The guard's output as framework messages: the originals where they came from the history, and
    ``make(message)`` for each message the guard created (its system message, a tail reminder)."""
    out: list[T] = []
    for message in prepared:
        original = origin.get(id(message))
        out.append(original if original is not None else make(message))
    return out


class MessageCache(Generic[T]):
    """:func:`to_guard` with a bounded cache per message object (least recently used first out).

    :param convert: framework message -> ``Message``.
    :param fingerprint: what must stay the same for a cached conversion to hold (a tuple of the message's
        content object and whatever else ``convert`` reads; framework messages are often mutable).
        Compared with ``==``, which for tuples tests each item's identity first, so unchanged content
        objects cost no deep comparison.
    :param size: how many messages are kept.

    An agent sends the same (growing) conversation on every model call; converting only the messages that
    are new makes the adapter's cost per call a linear pass of identity checks. An entry holds its message,
    so its ``id()`` stays unique while cached. Thread-safe.
    """

    def __init__(
        self,
        convert: Callable[[T], Message],
        fingerprint: Callable[[T], object],
        *,
        size: int = 4096,
    ) -> None:
        self.size = size
        self._convert = convert
        self._fingerprint = fingerprint
        self._cache: OrderedDict[int, tuple[Any, Any, Message]] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, messages: Sequence[T]) -> tuple[list[Message], Origin[T]]:
        """The guard's view of ``messages`` and the way back (``id(Message) -> original``)."""
        out: list[Message] = []
        origin: Origin[T] = {}
        get = self._cache.get
        fresh: list[tuple[Any, Any, Message]] = []
        for message in messages:
            entry = get(id(message))
            mark = self._fingerprint(message)
            if entry is not None and entry[0] is message and entry[1] == mark:
                converted = entry[2]
            else:
                converted = self._convert(message)
                fresh.append((message, mark, converted))
            out.append(converted)
            origin[id(converted)] = message
        with self._lock:
            cache = self._cache
            for message in messages:
                if id(message) in cache:
                    cache.move_to_end(id(message))
            for item in fresh:
                cache[id(item[0])] = item
            while len(cache) > self.size:
                cache.popitem(last=False)
        return out, origin


class TextCache(Generic[T]):
    """The same framework message per text (the guard's system text is the same on most calls).

    :param make: text -> a new framework message.
    :param holds: whether a cached message still holds ``text`` (framework messages are often mutable:
        one changed by a caller is made again).
    :param size: how many texts are kept (least recently made first out).
    """

    def __init__(self, make: Callable[[str], T], holds: Callable[[T, str], bool], *, size: int = 16) -> None:
        self.size = size
        self._make = make
        self._holds = holds
        self._cache: OrderedDict[str, T] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, text: str) -> T:
        """The message for ``text``: the cached one while it still holds ``text``, else a new one."""
        cached = self._cache.get(text)
        if cached is not None and self._holds(cached, text):
            return cached
        made = self._make(text)
        with self._lock:
            self._cache[text] = made
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)
        return made
