"""Pure assembly of the model input: one system message at index 0, history cleaned of stale copies.

Nothing here touches a store, a tokenizer or the clock; :mod:`soulkeeper.guard._guard` decides *what*
to pin and this module lays it out.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from soulkeeper.guard._blocks import EXAMPLES_TAG, REMINDER_TAG, is_reminder_only, strip_blocks
from soulkeeper.guard._message import Message

__all__ = ["MARK", "compose", "merge_system_pieces", "split_history", "tail_position"]

MARK = "soulkeeper"
"""Metadata key the guard sets on messages it creates (values ``persona``, ``reminder``, ``summary``)."""


def _strip_persona(text: str, persona_texts: Sequence[str]) -> str:
    for persona in persona_texts:  # fast path: the guard's own output starts with the persona
        if persona and text.startswith(persona):
            text = text[len(persona) :]
            break
    for persona in persona_texts:
        if persona and persona in text:
            text = text.replace(persona, "\n\n")
    if "<persona-" in text:
        text = strip_blocks(text, (REMINDER_TAG, EXAMPLES_TAG))
    return text.strip()


@functools.lru_cache(maxsize=16)
def _stripped(persona: str) -> str:
    return persona.strip()  # the packed persona is one cached object: strip (a copy) once


def merge_system_pieces(pieces: list[str], text: str) -> None:
    """Append ``text`` to ``pieces`` unless it (or each part of it) is already there (exact text)."""
    text = text.strip()
    for existing in pieces:
        if not text:
            return
        if text == existing or text in existing:
            return
        if existing in text:
            text = text.replace(existing, "\n\n").strip()
    if text:
        pieces.append("\n\n".join(p.strip() for p in text.split("\n\n\n\n") if p.strip()))


def split_history(
    messages: Sequence[Message], persona_texts: Sequence[str], app_system: str | None
) -> tuple[list[str], list[Message]]:
    """Separate the app's system content from the conversation.

    Returns the app's system text pieces (``app_system`` first, then every system message of the
    history in order, with persona copies and the guard's own blocks removed, duplicates dropped) and
    the conversation without system messages or earlier tail reminders.
    """
    pieces: list[str] = []
    if app_system:
        merge_system_pieces(pieces, _strip_persona(app_system, persona_texts))
    history: list[Message] = []
    for msg in messages:
        if msg.role == "system":
            merge_system_pieces(pieces, _strip_persona(msg.content, persona_texts))
            continue
        if msg.metadata.get(MARK) == "reminder" or (msg.role == "user" and is_reminder_only(msg.content)):
            continue
        history.append(msg)
    return pieces, history


def tail_position(history: Sequence[Message]) -> int | None:
    """Where a tail reminder goes: just before the latest user message, outside any tool exchange.

    Returns ``None`` when the history has no user message. A position ``p`` is refused when an assistant
    tool call before ``p`` is answered by a tool message at or after ``p``.
    """
    last_user = None
    for i in range(len(history) - 1, -1, -1):
        if history[i].role == "user":
            last_user = i
            break
    if last_user is None:
        return None
    position = last_user
    # Move earlier while the position would split an assistant tool call from its results.
    while position > 0:
        open_ids: set[str] = set()
        for msg in history[:position]:
            for call in msg.tool_calls:
                open_ids.add(call.id)
        answered_after = {
            m.tool_call_id for m in history[position:] if m.role == "tool" and m.tool_call_id is not None
        }
        split = open_ids & answered_after
        if not split:
            break
        position = min(
            i for i, m in enumerate(history[:position]) if any(c.id in split for c in m.tool_calls)
        )
    return position


def compose(
    *,
    persona: str,
    app_pieces: Sequence[str],
    history: Sequence[Message],
    reminder: str | None,
    examples: str | None,
    placement: str,
    digest: str,
) -> list[Message]:
    """Lay out the model input: ``[system(persona, app text, examples, reminder), *history]``."""
    parts = [_stripped(persona), *app_pieces]
    if examples:
        parts.append(examples)
    out_history = list(history)
    if reminder:
        position = tail_position(out_history) if placement == "tail" else None
        if position is None:
            parts.append(reminder)
        else:
            out_history.insert(
                position,
                Message(role="user", content=reminder, name=MARK, metadata={MARK: "reminder"}),
            )
    return [_system_message(tuple(parts), digest), *out_history]


@functools.lru_cache(maxsize=64)
def _system_message(parts: tuple[str, ...], digest: str) -> Message:
    """The one system message, cached: outside a re-anchor it is the same on every call of a thread."""
    return Message(
        role="system",
        content="\n\n".join(p for p in parts if p),
        metadata={MARK: "persona", "digest": digest},
    )
