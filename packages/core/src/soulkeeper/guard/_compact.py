"""Compaction that is safe for a persona.

For frameworks without compaction of their own: the history is cut into units (a message, or an
assistant tool call together with its tool results), the most recent units are kept verbatim within the
budget, and the older ones are optionally summarised. The system message (persona and the app's own
system text) is never summarised and never dropped, and persona text is scrubbed from anything handed to
the summariser.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from soulkeeper.guard._blocks import SUMMARY_TAG, block, find_block, strip_blocks
from soulkeeper.guard._compose import MARK
from soulkeeper.guard._message import Message

__all__ = ["CompactPlan", "Summarizer", "apply_plan", "plan_compaction"]

Summarizer = Callable[[list[Message]], "str | Awaitable[str]"]
"""Takes the messages to fold away (never persona text) and returns their summary."""


@dataclass(slots=True)
class CompactPlan:
    system_parts: list[str]
    previous_summary: str | None
    dropped: list[Message]
    kept: list[Message]


def _units(history: Sequence[Message]) -> list[list[Message]]:
    """Group an assistant tool call with the tool messages that answer it; everything else alone."""
    units: list[list[Message]] = []
    i = 0
    while i < len(history):
        msg = history[i]
        unit = [msg]
        i += 1
        if msg.role == "assistant" and msg.tool_calls:
            ids = {c.id for c in msg.tool_calls}
            while (
                i < len(history)
                and history[i].role == "tool"
                and (history[i].tool_call_id in ids or history[i].tool_call_id is None)
            ):
                unit.append(history[i])
                i += 1
        units.append(unit)
    return units


def _scrub(msg: Message, persona_texts: Sequence[str]) -> Message:
    content = msg.content
    for persona in persona_texts:
        if persona and persona in content:
            content = content.replace(persona, "[persona omitted]")
    if content == msg.content:
        return msg
    return Message(
        role=msg.role,
        content=content,
        name=msg.name,
        tool_calls=msg.tool_calls,
        tool_call_id=msg.tool_call_id,
        id=msg.id,
        metadata=msg.metadata,
    )


def plan_compaction(
    messages: Sequence[Message],
    *,
    budget: int,
    count: Callable[[Message], int],
    persona_texts: Sequence[str],
) -> CompactPlan:
    """Decide what to keep verbatim and what to fold away so the result fits ``budget`` tokens.

    The system content always stays (even when it alone exceeds the budget); then whole units are kept
    from the most recent backwards while they fit; the last unit is always kept. The kept part starts at
    a user message when that is possible without dropping everything.
    """
    system_parts: list[str] = []
    previous_summary: str | None = None
    history: list[Message] = []
    for msg in messages:
        if msg.role == "system":
            summary = find_block(msg.content, SUMMARY_TAG)
            if summary is not None:
                previous_summary = summary
            text = strip_blocks(msg.content, (SUMMARY_TAG,))
            if text and text not in system_parts:
                system_parts.append(text)
        else:
            history.append(msg)
    used = count(Message(role="system", content="\n\n".join(system_parts))) if system_parts else 0
    if previous_summary:
        used += count(Message(role="user", content=previous_summary))
    units = _units(history)
    kept_units: list[list[Message]] = []
    for unit in reversed(units):
        cost = sum(count(m) for m in unit)
        if kept_units and used + cost > budget:
            break
        kept_units.append(unit)
        used += cost
    kept_units.reverse()
    # Start the verbatim part at a user message when possible.
    while len(kept_units) > 1 and kept_units[0][0].role != "user":
        kept_units.pop(0)
    n_kept = sum(len(u) for u in kept_units)
    cut = len(history) - n_kept
    return CompactPlan(
        system_parts=system_parts,
        previous_summary=previous_summary,
        dropped=[_scrub(m, persona_texts) for m in history[:cut]],
        kept=history[cut:],
    )


def summarizer_input(plan: CompactPlan, persona_texts: Sequence[str]) -> list[Message]:
    """What the summariser sees: the previous summary (if any) and the dropped messages, scrubbed."""
    items: list[Message] = []
    if plan.previous_summary:
        prior = _scrub(
            Message(role="user", content=f"Summary so far:\n{plan.previous_summary}"), persona_texts
        )
        items.append(prior)
    items.extend(plan.dropped)
    return items


def apply_plan(plan: CompactPlan, summary: str | None) -> list[Message]:
    """The compacted messages: one system message (if there was system content or a summary), then the
    kept history verbatim."""
    parts = list(plan.system_parts)
    final_summary = summary if summary is not None else plan.previous_summary
    if final_summary and final_summary.strip():
        parts.append(block(SUMMARY_TAG, final_summary))
    out: list[Message] = []
    if parts:
        out.append(Message(role="system", content="\n\n".join(parts), metadata={MARK: "compacted"}))
    out.extend(plan.kept)
    return out


def run_summarizer(summarize: Summarizer, items: list[Message]) -> str | None:
    """Call a sync summariser (an awaitable result is an error here: use ``acompact``)."""
    result = summarize(items)
    if inspect.isawaitable(result):
        if hasattr(result, "close"):
            result.close()
        raise TypeError("compact() got an async summarizer; use acompact()")
    return str(result)


async def arun_summarizer(summarize: Summarizer, items: list[Message]) -> str | None:
    """Call a sync or async summariser."""
    result = summarize(items)
    if inspect.isawaitable(result):
        result = await result
    return str(result)
