"""PersonaGuard: the framework-neutral control loop every adapter calls.

::

    guard = PersonaGuard(load_soul("souls/mati"), store="sqlite:///state.db", context_window=8192)
    messages = guard.prepare(thread_id, history, system=app_prompt)   # one system message, persona first
    reply = call_the_model(messages)
    decision = guard.observe(thread_id, reply, user_text=question)   # ok | warn | reinject | restore | retry

See ``docs/guard.md``.
"""

from soulkeeper.guard._build import SoulOrGuard, as_guard
from soulkeeper.guard._compose import MARK
from soulkeeper.guard._decision import Action, Decision
from soulkeeper.guard._defaults import DEFAULT_STORE_ENV, default_store_url
from soulkeeper.guard._guard import PersonaGuard
from soulkeeper.guard._message import Message, Role, ToolCall, coerce_message, coerce_messages, text_of
from soulkeeper.guard._policy import IntegrityMode, Placement, Policy

__all__ = [
    "DEFAULT_STORE_ENV",
    "MARK",
    "Action",
    "Decision",
    "IntegrityMode",
    "Message",
    "PersonaGuard",
    "Placement",
    "Policy",
    "Role",
    "SoulOrGuard",
    "ToolCall",
    "as_guard",
    "coerce_message",
    "coerce_messages",
    "default_store_url",
    "text_of",
]
