"""soulkeeper for LlamaIndex: keep an agent's persona pinned and in character.

::

    from soulkeeper import PersonaGuard
    from soulkeeper_llamaindex import PersonaMemory, guard_chat_engine, PersonaFunctionAgent

    guard = PersonaGuard("souls/mati", store="sqlite:///soulkeeper.db")
    engine = guard_chat_engine(SimpleChatEngine.from_defaults(llm=llm), guard, thread_id="user-42")

See ``docs/llamaindex.md``.
"""

from soulkeeper.guard._policy import CheckMode

from soulkeeper_llamaindex._agents import PersonaFunctionAgent, PersonaReActAgent
from soulkeeper_llamaindex._engine import guard_chat_engine
from soulkeeper_llamaindex._llm import PersonaLLM, StreamMode
from soulkeeper_llamaindex._memory import PersonaMemory
from soulkeeper_llamaindex._monitor import PersonaMonitor, attach_monitor, detach_monitor

__all__ = [
    "CheckMode",
    "PersonaFunctionAgent",
    "PersonaLLM",
    "PersonaMemory",
    "PersonaMonitor",
    "PersonaReActAgent",
    "StreamMode",
    "attach_monitor",
    "detach_monitor",
    "guard_chat_engine",
]
