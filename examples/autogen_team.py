"""Two AutoGen agents with their own personas (Mati, formal English; Haneul, casual Korean) in one team.

Runs offline: the model is soulkeeper's drifting-model SIMULATION (``DriftingChatCompletionClient``), whose
persona adherence decays the way real models' does, in caricature. To use a real model, change one line
in ``model_for`` (see the comment there). Run::

    uv run python examples/autogen_team.py
"""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.conditions import MaxMessageTermination
from autogen_agentchat.messages import TextMessage
from autogen_agentchat.teams import RoundRobinGroupChat
from autogen_core.model_context import BufferedChatCompletionContext
from autogen_core.models import ChatCompletionClient, SystemMessage
from soulkeeper import PersonaGuard, Policy
from soulkeeper.guard import Decision
from soulkeeper_autogen import PersonaChatCompletionContext, PersonaModelClient
from soulkeeper_autogen.testing import DriftingChatCompletionClient

SOULS = Path(__file__).resolve().parent / "souls"
ROUNDS = 8


def model_for(guard: PersonaGuard, seed: int) -> ChatCompletionClient:
    """The model behind one agent."""
    # Real model: return OpenAIChatCompletionClient(model="gpt-4o")  (from autogen_ext.models.openai)
    return DriftingChatCompletionClient(guard.soul, seed=seed, recede_tokens=300)


def persona_agent(name: str, soul: str, seed: int, decisions: list[Decision]) -> tuple[AssistantAgent, str]:
    """An agent whose context carries its persona and whose model client checks every reply."""
    guard = PersonaGuard(SOULS / soul, store="memory://", policy=Policy(allow_retry=True, max_retries=2))
    context = PersonaChatCompletionContext(
        guard, BufferedChatCompletionContext(buffer_size=6), thread_id=f"release-review:{name}"
    )
    client = PersonaModelClient(model_for(guard, seed), context, on_decision=decisions.append)
    agent = AssistantAgent(name, model_client=client, model_context=context, system_message=None)
    return agent, guard.packed().text


async def main() -> None:
    decisions: dict[str, list[Decision]] = {"mati": [], "haneul": []}
    mati, mati_persona = persona_agent("mati", "mati", 1, decisions["mati"])
    haneul, haneul_persona = persona_agent("haneul", "haneul", 2, decisions["haneul"])
    team = RoundRobinGroupChat([mati, haneul], termination_condition=MaxMessageTermination(2 * ROUNDS + 1))
    result = await team.run(task="Let us review the release plan for the payments service.")
    for message in result.messages:
        if isinstance(message, TextMessage):
            print(f"[{message.source}] {message.content[:110]}")

    print("\n| agent | model calls | persona first | actions |")
    print("|---|---|---|---|")
    for agent, persona in ((mati, mati_persona), (haneul, haneul_persona)):
        assert isinstance(agent._model_client, PersonaModelClient)
        model = agent._model_client.client
        assert isinstance(model, DriftingChatCompletionClient)
        first = sum(
            isinstance(call[0], SystemMessage) and call[0].content.startswith(persona) for call in model.calls
        )
        actions = Counter(d.action for d in decisions[agent.name])
        summary = ", ".join(f"{action} {n}" for action, n in sorted(actions.items()))
        print(f"| {agent.name} | {len(model.calls)} | {first}/{len(model.calls)} | {summary} |")


if __name__ == "__main__":
    asyncio.run(main())
