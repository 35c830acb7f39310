"""soulkeeper for AutoGen: keep an agent's persona first in every model call and watch it for drift.

::

    from soulkeeper_autogen import PersonaChatCompletionContext, PersonaModelClient

    context = PersonaChatCompletionContext("souls/mati", BufferedChatCompletionContext(buffer_size=20))
    agent = AssistantAgent(
        "mati",
        model_client=PersonaModelClient(OpenAIChatCompletionClient(model="gpt-4o"), context),
        model_context=context,
        system_message=None,
    )

See ``docs/autogen.md``.
"""

from soulkeeper.guard._policy import CheckMode

from soulkeeper_autogen._client import PersonaModelClient, PersonaModelClientConfig, StreamMode
from soulkeeper_autogen._config import GuardConfig, PersonaStateError
from soulkeeper_autogen._context import PersonaChatCompletionContext, PersonaChatCompletionContextConfig

__all__ = [
    "CheckMode",
    "GuardConfig",
    "PersonaChatCompletionContext",
    "PersonaChatCompletionContextConfig",
    "PersonaModelClient",
    "PersonaModelClientConfig",
    "PersonaStateError",
    "StreamMode",
]
