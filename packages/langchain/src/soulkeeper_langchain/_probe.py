"""A callback on the chat model that checks the persona really reached the model.

``create_agent`` composes ``wrap_model_call`` middleware first-outermost, so a middleware listed after
``PersonaMiddleware`` (``@dynamic_prompt``, say) can replace the system message after the persona was
pinned. The probe sees the exact messages the model receives and reports when the first one is not a
system message holding the prepared persona, or when there is more than one system message.
"""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langgraph.constants import TAG_NOSTREAM
from soulkeeper.errors import SoulkeeperError
from soulkeeper.guard import text_of

__all__ = ["PersonaReplacedError", "SystemProbe", "instrument"]

logger = logging.getLogger("soulkeeper.langchain")


class PersonaReplacedError(SoulkeeperError):
    """The model did not receive the persona the middleware pinned (another middleware replaced it)."""


class SystemProbe(BaseCallbackHandler):
    """Checks the messages a chat model run starts with (one probe per model call)."""

    def __init__(self, persona: str, *, where: str, raise_error: bool) -> None:
        self.persona = persona
        self.where = where
        self.raise_error = raise_error
        self.problem: str | None = None

    def on_chat_model_start(
        self,
        serialized: dict[str, Any],
        messages: list[list[BaseMessage]],
        *,
        run_id: UUID,
        **kwargs: Any,
    ) -> None:
        """Record (and with ``raise_error``, raise) when the persona is not the first system message."""
        batch = messages[0] if messages else []
        systems = sum(1 for m in batch if m.type == "system")
        first = batch[0] if batch else None
        if first is None or first.type != "system" or self.persona not in text_of(first.content):
            self.problem = (
                f"{self.where}: the model did not receive the persona as its first system message; a "
                "middleware listed after it replaced the system message (put PersonaMiddleware last)"
            )
        elif systems > 1:
            self.problem = f"{self.where}: the model received {systems} system messages instead of one"
        if self.problem is not None and self.raise_error:
            raise PersonaReplacedError(self.problem)


def instrument(model: Any, probe: SystemProbe | None, *, buffer: bool) -> Any:
    """A shallow copy of ``model`` carrying the probe (and the ``nostream`` tag when buffering)."""
    if not isinstance(model, BaseChatModel):
        return model
    update: dict[str, Any] = {}
    if probe is not None and (model.callbacks is None or isinstance(model.callbacks, list)):
        update["callbacks"] = [*(model.callbacks or []), probe]
    if buffer:
        update["tags"] = [*(model.tags or []), TAG_NOSTREAM]
    return model.model_copy(update=update) if update else model
