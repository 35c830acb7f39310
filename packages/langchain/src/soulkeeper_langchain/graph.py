"""LangGraph: pin a persona in a ``StateGraph`` without ever writing it into the ``messages`` channel.

::

    persona = persona_node("souls/mati", system="You can call the deploy tool.")
    graph = StateGraph(PersonaGraphState)
    graph.add_node("model", persona.call_model(model))       # prepare -> model -> {"messages": [reply]}
    graph.add_node("check", persona.observe_node())          # guard.observe -> {"soulkeeper": {...}}
    graph.add_edge(START, "model"); graph.add_edge("model", "check"); graph.add_edge("check", END)

Because the persona only exists in the model input, any reducer rewrite of ``messages`` (``REMOVE_ALL`` plus
a summary, trimming) leaves it intact. :func:`pre_model_hook` does the same for the deprecated
``langgraph.prebuilt.create_react_agent``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, NotRequired

from langchain_core.language_models import LanguageModelLike
from langchain_core.messages import AIMessage, BaseMessage, SystemMessage
from langchain_core.runnables import RunnableConfig, RunnableLambda
from langgraph.graph import MessagesState
from soulkeeper.guard import Decision, SoulOrGuard, as_guard, text_of

from soulkeeper_langchain._bridge import StateBridge, merge_records
from soulkeeper_langchain._convert import last_user_text, thread_id_from_config
from soulkeeper_langchain.middleware import STATE_KEY

__all__ = ["PersonaGraphState", "PersonaNode", "SoulkeeperRecords", "persona_node", "pre_model_hook"]

SoulkeeperRecords = Annotated[dict[str, dict[str, Any]], merge_records]
"""The type of the ``soulkeeper`` state key (one decision record per persona, merged by name)."""


class PersonaGraphState(MessagesState):
    """``MessagesState`` plus the ``soulkeeper`` decision records (add the same key to your own state)."""

    soulkeeper: NotRequired[SoulkeeperRecords]


class PersonaNode:
    """Prepares model input for a LangGraph node and observes the replies, for one persona.

    :param soul_or_guard: a :class:`soulkeeper.PersonaGuard`, a :class:`soulkeeper.Soul` or a package path
        (then ``guard_options`` build the guard).
    :param name: the key of this persona's record in the ``soulkeeper`` state key (default: persona name).
    :param system: the app's own system prompt (text or a ``SystemMessage``), placed after the persona.
    :param thread_id: the thread when the run config has no ``configurable.thread_id``.
    :param messages_key: the state key holding the conversation.
    """

    def __init__(
        self,
        soul_or_guard: SoulOrGuard,
        *,
        name: str | None = None,
        system: str | SystemMessage | None = None,
        thread_id: str = "default",
        messages_key: str = "messages",
        **guard_options: Any,
    ) -> None:
        self.guard = as_guard(soul_or_guard, **guard_options)
        self.name = name or self.guard.soul.name
        self.system = SystemMessage(content=system) if isinstance(system, str) else system
        self.default_thread_id = thread_id
        self.messages_key = messages_key
        self.last_decision: Decision | None = None
        self._bridge = StateBridge(self.guard)

    # ------------------------------------------------------------------ prepare

    def thread_id(self, config: RunnableConfig | None) -> str:
        """The thread of a run: ``configurable.thread_id``, else the default."""
        return thread_id_from_config(config, self.default_thread_id)

    def _parts(self, state: Mapping[str, Any]) -> tuple[list[BaseMessage], Any]:
        messages = list(state.get(self.messages_key) or [])
        records = state.get(STATE_KEY)
        return messages, records.get(self.name) if isinstance(records, Mapping) else None

    def prepare(self, state: Mapping[str, Any], config: RunnableConfig | None = None) -> list[BaseMessage]:
        """The model input for this state: one system message (persona first) and the conversation."""
        messages, record = self._parts(state)
        system, rest = self._bridge.prepare(self.thread_id(config), messages, self.system, record)
        return [system, *rest]

    async def aprepare(
        self, state: Mapping[str, Any], config: RunnableConfig | None = None
    ) -> list[BaseMessage]:
        """Async :meth:`prepare`."""
        messages, record = self._parts(state)
        system, rest = await self._bridge.aprepare(self.thread_id(config), messages, self.system, record)
        return [system, *rest]

    # ------------------------------------------------------------------ observe

    def _reply(self, state: Mapping[str, Any]) -> AIMessage | None:
        messages: Sequence[BaseMessage] = state.get(self.messages_key) or []
        last = messages[-1] if messages else None
        if isinstance(last, AIMessage) and text_of(last.content).strip():
            return last
        return None

    def observe(self, state: Mapping[str, Any], config: RunnableConfig | None = None) -> dict[str, Any]:
        """Check the latest AI reply in ``state``; returns the state update recording the decision."""
        reply = self._reply(state)
        if reply is None:
            return {}
        messages = state.get(self.messages_key) or []
        decision = self.guard.observe(self.thread_id(config), reply, user_text=last_user_text(messages))
        self.last_decision = decision
        return {STATE_KEY: {self.name: self._bridge.record(decision)}}

    async def aobserve(
        self, state: Mapping[str, Any], config: RunnableConfig | None = None
    ) -> dict[str, Any]:
        """Async :meth:`observe`."""
        reply = self._reply(state)
        if reply is None:
            return {}
        messages = state.get(self.messages_key) or []
        decision = await self.guard.aobserve(
            self.thread_id(config), reply, user_text=last_user_text(messages)
        )
        self.last_decision = decision
        return {STATE_KEY: {self.name: await self._bridge.arecord(decision)}}

    # ------------------------------------------------------------------ ready-made nodes

    def call_model(self, model: LanguageModelLike) -> RunnableLambda[Any, dict[str, Any]]:
        """A model node (sync and async): prepare the input, call ``model``, append its reply."""

        def run(state: Mapping[str, Any], config: RunnableConfig) -> dict[str, Any]:
            return {self.messages_key: [model.invoke(self.prepare(state, config), config)]}

        async def arun(state: Mapping[str, Any], config: RunnableConfig) -> dict[str, Any]:
            return {self.messages_key: [await model.ainvoke(await self.aprepare(state, config), config)]}

        return RunnableLambda(run, afunc=arun, name=f"{self.name}_model")

    def observe_node(self) -> RunnableLambda[Any, dict[str, Any]]:
        """The matching observe node (sync and async): records the decision under ``soulkeeper``."""
        return RunnableLambda(self.observe, afunc=self.aobserve, name=f"{self.name}_observe")

    def pre_model_hook(self) -> RunnableLambda[Any, dict[str, Any]]:
        """For ``create_react_agent(pre_model_hook=...)``: the model input as ``llm_input_messages``."""

        def run(state: Mapping[str, Any], config: RunnableConfig) -> dict[str, Any]:
            return {"llm_input_messages": self.prepare(state, config)}

        async def arun(state: Mapping[str, Any], config: RunnableConfig) -> dict[str, Any]:
            return {"llm_input_messages": await self.aprepare(state, config)}

        return RunnableLambda(run, afunc=arun, name=f"{self.name}_pre_model")


def persona_node(soul_or_guard: SoulOrGuard, **options: Any) -> PersonaNode:
    """A :class:`PersonaNode` (``options`` as for the class: ``name``, ``system``, guard options…)."""
    return PersonaNode(soul_or_guard, **options)


def pre_model_hook(soul_or_guard: SoulOrGuard, **options: Any) -> RunnableLambda[Any, dict[str, Any]]:
    """A ``pre_model_hook`` for ``langgraph.prebuilt.create_react_agent`` (deprecated there in favour of
    ``create_agent`` + :class:`PersonaMiddleware`): the persona goes only into ``llm_input_messages``.

    Leave ``create_react_agent(prompt=None)``: give the app prompt as ``system=`` here instead.
    """
    return PersonaNode(soul_or_guard, **options).pre_model_hook()
