"""``get_tokenizer``: resolve a spec string, a callable or a tokenizer, through the plugin registry."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any

import pluggy

from soulkeeper.plugins import default_plugin_manager
from soulkeeper.tokens._protocol import ChatTemplate, Tokenizer, TokenizerBase
from soulkeeper.tokens._templates import template_for_family

__all__ = ["DEFAULT_TOKENIZER", "CallableTokenizer", "get_tokenizer", "tokenizer_factories"]

DEFAULT_TOKENIZER = "estimate"
"""The conservative estimate: it does not undercount any tokenizer soulkeeper was calibrated against."""

TokenizerFactory = Callable[[str], Tokenizer]

_LOCK = threading.RLock()
_FACTORIES: weakref.WeakKeyDictionary[pluggy.PluginManager, dict[str, TokenizerFactory]] = (
    weakref.WeakKeyDictionary()
)
_INSTANCES: weakref.WeakKeyDictionary[pluggy.PluginManager, dict[str, Tokenizer]] = (
    weakref.WeakKeyDictionary()
)


class CallableTokenizer(TokenizerBase):
    """Wraps any ``str -> int`` function as a :class:`Tokenizer` (generic chat-template overhead)."""

    __slots__ = ("function",)

    def __init__(
        self, function: Callable[[str], int], *, name: str | None = None, template: ChatTemplate | None = None
    ) -> None:
        label = name or getattr(function, "__qualname__", None) or type(function).__name__
        super().__init__(f"callable:{label}", template=template or template_for_family(None))
        self.function = function

    def count(self, text: str) -> int:
        """The wrapped function's count, checked to be a non-negative integer."""
        value = self.function(text)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"tokenizer {self.name} returned {value!r}; a count must be an int >= 0")
        return value


def tokenizer_factories(plugin_manager: pluggy.PluginManager | None = None) -> dict[str, TokenizerFactory]:
    """Tokenizer factories by spec prefix, as registered through the ``register_tokenizers`` hook."""
    pm = plugin_manager or default_plugin_manager()
    with _LOCK:
        factories = _FACTORIES.get(pm)
        if factories is None:
            found: dict[str, TokenizerFactory] = {}

            def register(prefix: str, factory: TokenizerFactory) -> None:
                if not prefix or ":" in prefix:
                    raise ValueError(f"invalid tokenizer prefix {prefix!r}: a non-empty name without ':'")
                if prefix in found:
                    raise ValueError(f"tokenizer prefix {prefix!r} is registered twice")
                found[prefix] = factory

            pm.hook.register_tokenizers(register=register)
            factories = _FACTORIES[pm] = found
        return dict(factories)


def get_tokenizer(
    spec: str | Callable[[str], int] | Tokenizer, *, plugin_manager: pluggy.PluginManager | None = None
) -> Tokenizer:
    """Resolve a tokenizer spec; instances are cached per spec string.

    - ``"tiktoken:<encoding>"``: an OpenAI encoding (``cl100k_base``, ``o200k_base``); offline when
      ``TIKTOKEN_CACHE_DIR`` holds the file.
    - ``"hf:<path>"``: a Hugging Face ``tokenizer.json`` or a folder holding one (the ``hf`` extra).
    - ``"estimate:<family>"``: rates calibrated for a family (``cl100k``, ``o200k``, ``qwen2``, ``llama3``,
      ``gemma3``, ``mistral_v3``, ``deepseek_v3``).
    - ``"estimate"``: the conservative estimate for unknown models (:data:`DEFAULT_TOKENIZER`).
    - any prefix a plugin registers through ``register_tokenizers``.
    - a :class:`Tokenizer` is returned as is; any other callable ``str -> int`` is wrapped.

    Raises ``ValueError`` for an unknown prefix or argument, ``FileNotFoundError`` for a missing file
    and :class:`~soulkeeper.errors.MissingExtraError` when the optional package is not installed.
    """
    if isinstance(spec, str):
        return _from_string(spec, plugin_manager)
    if isinstance(spec, Tokenizer):
        return spec
    if callable(spec):
        return CallableTokenizer(spec)
    raise TypeError(
        f"a tokenizer spec is a string, a Tokenizer or a callable str -> int, not {type(spec).__name__}"
    )


def _from_string(spec: str, plugin_manager: pluggy.PluginManager | None) -> Tokenizer:
    pm = plugin_manager or default_plugin_manager()
    key = spec.strip()
    with _LOCK:
        cache = _INSTANCES.setdefault(pm, {})
        if key in cache:
            return cache[key]
    prefix, _, argument = key.partition(":")
    factories = tokenizer_factories(pm)
    factory = factories.get(prefix.strip().lower())
    if factory is None:
        known = ", ".join(f"{name}:" for name in sorted(factories))
        raise ValueError(
            f"unknown tokenizer spec {spec!r}: use one of {known} (e.g. 'tiktoken:o200k_base', "
            "'hf:path/to/tokenizer.json', 'estimate:qwen2', 'estimate') or pass a callable str -> int"
        )
    tokenizer: Any = factory(argument.strip())
    if not isinstance(tokenizer, Tokenizer):
        raise TypeError(
            f"the {prefix!r} tokenizer factory returned {type(tokenizer).__name__}, not a Tokenizer"
        )
    with _LOCK:
        return _INSTANCES.setdefault(pm, {}).setdefault(key, tokenizer)
