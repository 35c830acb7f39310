"""The records a checkpoint store keeps: checkpoints (snapshots) and the live state of each thread."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from soulkeeper.errors import StoreError

__all__ = [
    "MAX_EXEMPLARS",
    "MAX_EXEMPLAR_CHARS",
    "MAX_THREAD_ID_CHARS",
    "Checkpoint",
    "ThreadState",
    "trim_exemplars",
]

MAX_EXEMPLARS = 8
"""At most this many exemplars (recent in-persona responses) per checkpoint."""
MAX_EXEMPLAR_CHARS = 4000
"""At most this many characters per exemplar."""
MAX_THREAD_ID_CHARS = 512
MAX_VIOLATED_RULES = 64
PORTABLE_FIELDS = ("turn", "drift_score", "level", "pending_reanchor", "violated_rules")
"""The :class:`ThreadState` fields a framework's saved state carries (see :meth:`ThreadState.portable`)."""

_M = TypeVar("_M", bound=BaseModel)


def _now() -> datetime:
    return datetime.now(UTC)


def _new_id() -> str:
    return uuid.uuid4().hex


def _check_thread_id(value: str) -> str:
    if not value:
        raise ValueError("thread_id must not be empty")
    if len(value) > MAX_THREAD_ID_CHARS:
        raise ValueError(f"thread_id is longer than {MAX_THREAD_ID_CHARS} characters")
    if "\x00" in value:
        raise ValueError("thread_id must not contain NUL characters")
    return value


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


ThreadId = Annotated[str, AfterValidator(_check_thread_id)]
"""A thread id: not empty, at most :data:`MAX_THREAD_ID_CHARS` characters, no NUL."""
UtcDatetime = Annotated[datetime, AfterValidator(_utc)]
"""A timestamp in UTC (naive values are taken as UTC)."""


def _parse(cls: type[_M], data: str | bytes) -> _M:
    try:
        return cls.model_validate_json(data)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(part) for part in problem.get("loc", ())) or "record"
        raise StoreError(f"corrupt {cls.__name__} record in the store: {where}: {problem['msg']}") from None


def trim_exemplars(texts: Iterable[str]) -> tuple[str, ...]:
    """Bound exemplars for a :class:`Checkpoint`: the newest :data:`MAX_EXEMPLARS`, each cut to
    :data:`MAX_EXEMPLAR_CHARS` characters (``texts`` is oldest-first; the order is kept)."""
    kept = [text[:MAX_EXEMPLAR_CHARS] for text in texts]
    return tuple(kept[-MAX_EXEMPLARS:])


class Checkpoint(BaseModel):
    """A snapshot of one conversation thread at a turn, with the persona it was served with.

    ``id`` is unique and makes :meth:`CheckpointStore.put` idempotent; ``seq`` is assigned by the store
    on ``put`` and orders a thread's checkpoints (newest has the highest ``seq``).
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    thread_id: ThreadId
    persona: str
    version: str = ""
    digest: str = ""
    turn: int = Field(default=0, ge=0)
    drift_score: float = Field(default=0.0, allow_inf_nan=False)
    level: str = "ok"
    known_good: bool = False
    exemplars: tuple[str, ...] = ()
    created_at: UtcDatetime = Field(default_factory=_now)
    id: str = Field(default_factory=_new_id, min_length=1, max_length=128)
    seq: int | None = None

    @field_validator("exemplars")
    @classmethod
    def _exemplars(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(value) > MAX_EXEMPLARS:
            raise ValueError(
                f"a checkpoint holds at most {MAX_EXEMPLARS} exemplars, got {len(value)} (use trim_exemplars)"
            )
        for text in value:
            if len(text) > MAX_EXEMPLAR_CHARS:
                raise ValueError(
                    f"an exemplar holds at most {MAX_EXEMPLAR_CHARS} characters, got {len(text)} "
                    "(use trim_exemplars)"
                )
        return value

    def to_json(self) -> str:
        """The JSON a store keeps (without the store-assigned ``seq``)."""
        return self.model_dump_json(exclude={"seq"})

    @classmethod
    def from_json(cls, data: str | bytes, *, seq: int | None = None) -> Checkpoint:
        """Rebuild a checkpoint from :meth:`to_json` output, attaching the store's ``seq``.

        :raises soulkeeper.StoreError: the record is not a valid checkpoint (a corrupt row).
        """
        checkpoint = _parse(cls, data)
        return checkpoint if seq is None else checkpoint.model_copy(update={"seq": int(seq)})


class ThreadState(BaseModel):
    """The live state of a conversation thread, shared by every process serving it.

    ``revision`` counts the writes the store has made (0 for a state never stored); the store sets it,
    and ``updated_at``, on every write.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    thread_id: ThreadId
    turn: int = Field(default=0, ge=0)
    drift_score: float = Field(default=0.0, allow_inf_nan=False)
    level: str = "ok"
    pending_reanchor: bool = False
    violated_rules: tuple[str, ...] = Field(default=(), max_length=MAX_VIOLATED_RULES)
    updated_at: UtcDatetime = Field(default_factory=_now)
    revision: int = Field(default=0, ge=0)

    def to_json(self) -> str:
        """The JSON a store keeps (without ``revision``, which the store keeps beside it)."""
        return self.model_dump_json(exclude={"revision"})

    @classmethod
    def from_json(cls, data: str | bytes, *, revision: int) -> ThreadState:
        """Rebuild a state from :meth:`to_json` output and the store's revision.

        :raises soulkeeper.StoreError: the record is not a valid thread state (a corrupt row).
        """
        return _parse(cls, data).model_copy(update={"revision": int(revision)})

    def portable(self) -> dict[str, Any]:
        """The drift fields that travel with a framework's own saved state (JSON-ready): turn, score,
        level, pending re-anchor and violated rules; see :meth:`from_portable` and :meth:`merged_into`."""
        return self.model_dump(mode="json", include=set(PORTABLE_FIELDS))

    @classmethod
    def from_portable(cls, thread_id: str, record: Mapping[str, Any]) -> ThreadState:
        """The state of ``thread_id`` from a :meth:`portable` record (other keys are ignored).

        :raises pydantic.ValidationError: (a ``ValueError``) the record's fields are malformed.
        """
        return cls.model_validate(
            {"thread_id": thread_id, **{k: record[k] for k in PORTABLE_FIELDS if k in record}}
        )

    def merged_into(self, current: ThreadState) -> ThreadState:
        """``current`` with this state's drift fields when this state is further along (a later turn), else
        ``current`` unchanged: a :data:`StateUpdate` that adopts restored state without going back in time."""
        if current.turn >= self.turn:
            return current
        return current.model_copy(update={k: getattr(self, k) for k in PORTABLE_FIELDS})

    def stamped(self, revision: int) -> ThreadState:
        """A copy as the store writes it: the given revision, ``updated_at`` now."""
        return self.model_copy(update={"revision": revision, "updated_at": _now()})
