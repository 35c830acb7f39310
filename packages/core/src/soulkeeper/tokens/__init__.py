"""Token counting: exact tokenizers (tiktoken, Hugging Face), calibrated estimates and model mapping.

Tokens, never characters, are the unit of every budget. ``get_tokenizer("tiktoken:o200k_base")``,
``get_tokenizer("hf:path/to/tokenizer.json")``, ``get_tokenizer("estimate:qwen2")`` and the conservative
``get_tokenizer("estimate")`` all return a :class:`Tokenizer`; ``tokenizer_for_model("qwen2.5:7b")``
picks the best one available offline. See docs/tokens.md.
"""

from soulkeeper.tokens._estimate import ESTIMATE_FAMILIES, EstimateTokenizer
from soulkeeper.tokens._hf import HFTokenizer
from soulkeeper.tokens._models import (
    HF_TOKENIZERS_ENV,
    available_tokenizers,
    hf_tokenizer_path,
    model_family,
    tokenizer_for_model,
)
from soulkeeper.tokens._protocol import ChatTemplate, Tokenizer, TokenizerBase
from soulkeeper.tokens._registry import (
    DEFAULT_TOKENIZER,
    CallableTokenizer,
    get_tokenizer,
    tokenizer_factories,
)
from soulkeeper.tokens._scripts import CLASSES, script_counts
from soulkeeper.tokens._templates import TEMPLATES
from soulkeeper.tokens._tiktoken import TiktokenTokenizer, tiktoken_cached

__all__ = [
    "CLASSES",
    "DEFAULT_TOKENIZER",
    "ESTIMATE_FAMILIES",
    "HF_TOKENIZERS_ENV",
    "TEMPLATES",
    "CallableTokenizer",
    "ChatTemplate",
    "EstimateTokenizer",
    "HFTokenizer",
    "TiktokenTokenizer",
    "Tokenizer",
    "TokenizerBase",
    "available_tokenizers",
    "get_tokenizer",
    "hf_tokenizer_path",
    "model_family",
    "script_counts",
    "tiktoken_cached",
    "tokenizer_factories",
    "tokenizer_for_model",
]
