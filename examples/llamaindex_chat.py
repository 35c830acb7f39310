"""soulkeeper + LlamaIndex: a guarded chat engine that keeps its persona, offline.

Run it (twice, to see both stores survive a restart)::

    uv run python examples/llamaindex_chat.py --turns 20 --state-dir /tmp/sk-demo

The model here is ``soulkeeper.testing.DriftingChatModel``, a seeded SIMULATION of a chat model whose
persona adherence decays (no network, no weights). To use a real model, change one line in ``main``::

    llm = OpenAI(model="gpt-4o-mini")   # pip install llama-index-llms-openai

The conversation lives in LlamaIndex's own ``Memory`` (SQLite via aiosqlite); the persona's drift state
and checkpoints live in soulkeeper's store (SQLite). The persona itself is never stored in the memory: it
is pinned as the first system message of every model call.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    CompletionResponse,
    CompletionResponseGen,
    LLMMetadata,
)
from llama_index.core.chat_engine import SimpleChatEngine
from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback
from llama_index.core.llms.custom import CustomLLM
from llama_index.core.memory import Memory
from pydantic import PrivateAttr
from soulkeeper import Decision, PersonaGuard, Policy, load_soul
from soulkeeper.testing import DriftingChatModel
from soulkeeper_llamaindex import guard_chat_engine
from sqlalchemy.ext.asyncio import create_async_engine

SOUL = Path(__file__).resolve().parent / "souls" / "mati"
QUESTIONS = (
    "How is the deployment going?",
    "Can you check the logs from last night?",
    "What should we change in the build pipeline?",
    "Is the database migration safe to run today?",
    "Summarise the monitoring setup for me.",
)


class SimulatedLLM(CustomLLM):
    """The drifting simulation behind LlamaIndex's LLM interface (stand-in for a real chat model)."""

    _model: DriftingChatModel = PrivateAttr()

    def __init__(self, model: DriftingChatModel) -> None:
        super().__init__()
        self._model = model

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(is_chat_model=True, context_window=32768, model_name="drifting-simulation")

    @llm_chat_callback()
    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        return ChatResponse(message=ChatMessage(role="assistant", content=self._model.reply(list(messages))))

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        return CompletionResponse(text=self._model.reply([{"role": "user", "content": prompt}]))

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        yield self.complete(prompt)


async def main(turns: int, state_dir: Path) -> None:
    guard = PersonaGuard(
        SOUL, store=f"sqlite:///{state_dir / 'soulkeeper.db'}", policy=Policy(allow_retry=True)
    )
    llm = SimulatedLLM(DriftingChatModel(load_soul(SOUL), seed=3, recede_tokens=1500))
    # llm = OpenAI(model="gpt-4o-mini")   # the one-line switch to a real model

    chat_db = create_async_engine(f"sqlite+aiosqlite:///{state_dir / 'chat.db'}")
    memory = Memory.from_defaults(
        session_id="demo",
        token_limit=1500,  # small on purpose: LlamaIndex archives old turns; the persona is not among them
        async_engine=chat_db,
    )
    actions: Counter[str] = Counter()

    def report(decision: Decision) -> None:
        actions[decision.action] += 1
        if decision.action != "ok":
            rules = ", ".join(decision.report.rule_ids) or "-"
            print(f"  [soulkeeper] turn {decision.turn}: {decision.action} ({rules})")

    engine = guard_chat_engine(
        SimpleChatEngine.from_defaults(llm=llm, memory=memory, system_prompt="You help the platform team."),
        guard,
        thread_id="demo",
        on_decision=report,
    )
    for i in range(turns):
        question = QUESTIONS[i % len(QUESTIONS)]
        reply = await engine.achat(question)
        if i < 3:
            print(f"user: {question}\nmati: {reply.response}\n")
    state = guard.state("demo")
    stored = await memory.aget_all()
    print(f"decisions: {dict(sorted(actions.items()))}")
    persona_start = guard.packed().text[:200]
    copies = sum(persona_start in (m.content or "") for m in stored)
    print(f"stored messages: {len(stored)} (persona copies among them: {copies})")
    if state is not None:
        print(f"thread demo: turn {state.turn}, drift score {state.drift_score:.3f}, level {state.level}")
    await guard.aclose()
    await chat_db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=20)
    parser.add_argument("--state-dir", type=Path, default=None, help="where both SQLite files go")
    args = parser.parse_args()
    if args.state_dir is None:
        with tempfile.TemporaryDirectory() as tmp:
            asyncio.run(main(args.turns, Path(tmp)))
    else:
        args.state_dir.mkdir(parents=True, exist_ok=True)
        asyncio.run(main(args.turns, args.state_dir))
