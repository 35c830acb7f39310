"""A callback on the chat model that checks the persona really reached the model.

``create_agent`` composes ``wrap_model_call`` middleware first-outermost, so a middleware listed after
``PersonaMiddleware`` (``@dynamic_prompt``, say) can replace the system message after the persona was
pinned. The probe sees the exact messages the model receives and reports when the first one is not a
system message holding the prepared system text, or when there is more than one system message.

The instrumented model is a shallow copy made once per model (copying per call would make LangChain
serialise the model again on every call); what the current call expects travels in a context variable.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langgraph.constants import TAG_NOSTREAM
from soulkeeper.errors import SoulkeeperError
from soulkeeper.guard import text_of

__all__ = ["EXPECTED", "Expectation", "Instrumenter", "PersonaReplacedError", "SystemProbe"]

_MAX_MODELS = 8


class PersonaReplacedError(SoulkeeperError, RuntimeError):
    """The model did not receive the persona the middleware pinned (another middleware replaced it)."""


@dataclass(slots=True)
class Expectation:
    """What the current model call must start with, and what the probe found."""

    text: str
    where: str
    problem: str | None = None


EXPECTED: ContextVar[dict[int, Expectation] | None] = ContextVar("soulkeeper_expected_system", default=None)
"""Per probe (``id``), the expectation of the model call running in this context."""


class SystemProbe(BaseCallbackHandler):
    """Checks the messages a chat model run starts with, against the expectation in :data:`EXPECTED`."""

    def __init__(self, *, raise_error: bool) -> None:
        self.raise_error = raise_error

    def on_chat_model_start(
        self,
        serialized: dict[str, Any],
        messages: list[list[BaseMessage]],
        *,
        run_id: UUID,
        **kwargs: Any,
    ) -> None:
        """Record (and with ``raise_error``, raise) when the pinned system text is not first."""
        expected = (EXPECTED.get() or {}).get(id(self))
        if expected is None:
            return
        batch = messages[0] if messages else []
        systems = sum(1 for m in batch if m.type == "system")
        first = batch[0] if batch else None
        if first is None or first.type != "system" or expected.text not in text_of(first.content):
            expected.problem = (
                f"{expected.where}: the model did not receive the persona as its first system message; a "
                "middleware listed after it replaced the system message (put PersonaMiddleware last)"
            )
        elif systems > 1:
            expected.problem = (
                f"{expected.where}: the model received {systems} system messages instead of one"
            )
        if expected.problem is not None and self.raise_error:
            raise PersonaReplacedError(expected.problem)


class Instrumenter:
    """Makes (once per model) the copy carrying the probe and, when buffering, the ``nostream`` tag."""

    def __init__(self, probe: SystemProbe | None, *, buffer: bool) -> None:
        self.probe = probe
        self.buffer = buffer
        self._copies: OrderedDict[int, tuple[Any, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, model: Any) -> Any:
        """The instrumented copy of ``model`` (``model`` itself when it is not a ``BaseChatModel``)."""
        if not isinstance(model, BaseChatModel) or (self.probe is None and not self.buffer):
            return model
        with self._lock:
            cached = self._copies.get(id(model))
            if cached is not None and cached[0] is model:
                return cached[1]
        update: dict[str, Any] = {}
        if self.probe is not None and (model.callbacks is None or isinstance(model.callbacks, list)):
            update["callbacks"] = [*(model.callbacks or []), self.probe]
        if self.buffer:
            update["tags"] = [*(model.tags or []), TAG_NOSTREAM]
        copy = model.model_copy(update=update) if update else model
        with self._lock:
            self._copies[id(model)] = (model, copy)
            while len(self._copies) > _MAX_MODELS:
                self._copies.popitem(last=False)
        return copy
