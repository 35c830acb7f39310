"""Chat-template overheads per model family, checked against the real tokenizers in the tests.

Each constant counts the special and formatting tokens a family's chat template puts around a message,
besides the role (one token) and the content:

- OpenAI chat models (cl100k, o200k): 3 per message, 1 more with a ``name``, 3 to prime the reply
  (OpenAI's published counting recipe).
- ChatML (Qwen2/2.5/3): ``<|im_start|>{role}\\n{content}<|im_end|>\\n``, reply ``<|im_start|>assistant\\n``.
- Llama 3.x: ``<|begin_of_text|>`` once, ``<|start_header_id|>{role}<|end_header_id|>\\n\\n{content}<|eot_id|>``.
- Gemma 2/3: ``<bos>`` once, ``<start_of_turn>{role}\\n{content}<end_of_turn>\\n``, reply
  ``<start_of_turn>model\\n`` (a system message is folded into the first user turn: counted as a turn).
- Mistral v3: ``<s>`` once, ``[INST] … [/INST]`` around user turns and ``</s>`` after assistant turns.
- DeepSeek-V3: ``<｜begin▁of▁sentence｜>`` once, ``<｜User｜>``/``<｜Assistant｜>`` markers, ``<｜end▁of▁sentence｜>``.
- Unknown models: the largest of the above everywhere.

Default system prompts some templates inject when none is given (Qwen2.5's, Llama 3.1's date header) are
not counted: soulkeeper always sends its own system message.
"""

from __future__ import annotations

from soulkeeper.tokens._protocol import ChatTemplate

__all__ = ["TEMPLATES", "template_for_family"]

OPENAI = ChatTemplate("openai", start=0, per_message=3, per_name=1, reply=3)
CHATML = ChatTemplate("chatml", start=0, per_message=4, per_name=1, reply=3)
LLAMA3 = ChatTemplate("llama3", start=1, per_message=4, per_name=1, reply=4)
GEMMA = ChatTemplate("gemma", start=1, per_message=4, per_name=1, reply=3)
MISTRAL = ChatTemplate("mistral", start=1, per_message=1, per_name=1, reply=0)
DEEPSEEK = ChatTemplate("deepseek", start=1, per_message=1, per_name=1, reply=1)
GENERIC = ChatTemplate("generic", start=1, per_message=4, per_name=1, reply=4)

TEMPLATES: dict[str, ChatTemplate] = {
    t.name: t for t in (OPENAI, CHATML, LLAMA3, GEMMA, MISTRAL, DEEPSEEK, GENERIC)
}

_FAMILY_TEMPLATE = {
    "cl100k": OPENAI,
    "o200k": OPENAI,
    "qwen2": CHATML,
    "llama3": LLAMA3,
    "gemma3": GEMMA,
    "mistral_v3": MISTRAL,
    "deepseek_v3": DEEPSEEK,
}


def template_for_family(family: str | None) -> ChatTemplate:
    """The chat template of an estimate family or tokenizer family; the generic one when unknown."""
    if family is None:
        return GENERIC
    return _FAMILY_TEMPLATE.get(family, GENERIC)
