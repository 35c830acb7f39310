"""get_tokenizer: spec resolution, caching, errors and the register_tokenizers hook."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import require_data
from soulkeeper.errors import MissingExtraError
from soulkeeper.plugins import get_plugin_manager, hookimpl
from soulkeeper.tokens import (
    DEFAULT_TOKENIZER,
    CallableTokenizer,
    EstimateTokenizer,
    HFTokenizer,
    TiktokenTokenizer,
    Tokenizer,
    get_tokenizer,
    tokenizer_factories,
)


def test_tiktoken_spec_counts_exactly() -> None:
    """tiktoken:o200k_base loads offline from the shared cache and counts known text exactly."""
    require_data("tokenizers", "tiktoken-cache")
    tok = get_tokenizer("tiktoken:o200k_base")
    assert isinstance(tok, TiktokenTokenizer)
    assert tok.name == "tiktoken:o200k_base"
    assert tok.count("hello world") == 2
    assert tok.count("") == 0


def test_special_token_text_counts_as_plain_text() -> None:
    """A persona containing '<|endoftext|>' is counted as text instead of raising."""
    require_data("tokenizers", "tiktoken-cache")
    assert get_tokenizer("tiktoken:cl100k_base").count("<|endoftext|>") > 1


def test_hf_spec_accepts_folder_and_file() -> None:
    """hf: accepts a folder holding tokenizer.json and the file itself, and both count the same."""
    pytest.importorskip("tokenizers")
    folder = require_data("tokenizers", "hf", "qwen2_5")
    by_folder = get_tokenizer(f"hf:{folder}")
    by_file = get_tokenizer(f"hf:{folder / 'tokenizer.json'}")
    assert isinstance(by_folder, HFTokenizer)
    assert by_folder.count("안녕하세요 세계") == by_file.count("안녕하세요 세계") > 0


def test_default_is_conservative_estimate() -> None:
    """The default spec is the conservative estimate."""
    tok = get_tokenizer(DEFAULT_TOKENIZER)
    assert isinstance(tok, EstimateTokenizer)
    assert tok.name == "estimate"
    assert tok.family is None


def test_instances_are_cached_per_spec() -> None:
    """Resolving the same spec string twice returns the same instance."""
    assert get_tokenizer("estimate:qwen2") is get_tokenizer(" estimate:qwen2 ")


def test_callable_is_wrapped_and_tokenizer_passes_through() -> None:
    """A plain function becomes a Tokenizer; a Tokenizer is returned unchanged."""
    tok = get_tokenizer(len)
    assert isinstance(tok, CallableTokenizer)
    assert isinstance(tok, Tokenizer)
    assert tok.count("abcd") == 4
    assert get_tokenizer(tok) is tok


def test_callable_returning_garbage_is_one_clear_error() -> None:
    """A callable returning a negative or non-int count is rejected with a message naming it."""
    with pytest.raises(ValueError, match="must be an int >= 0"):
        get_tokenizer(lambda text: -1).count("x")


@pytest.mark.parametrize(
    ("spec", "error", "match"),
    [
        ("sentencepiece:foo", ValueError, "unknown tokenizer spec 'sentencepiece:foo'"),
        ("estimate:klingon", ValueError, "unknown estimate family 'klingon'"),
        ("tiktoken:nope_base", ValueError, "unknown tiktoken encoding 'nope_base'"),
        ("tiktoken:", ValueError, "needs an encoding name"),
        ("hf:/nonexistent/tokenizer", FileNotFoundError, "hf tokenizer not found: /nonexistent/tokenizer"),
    ],
)
def test_bad_specs_are_one_clear_line(spec: str, error: type[Exception], match: str) -> None:
    """Unknown schemes, families, encodings and missing files raise one line naming the problem."""
    with pytest.raises(error, match=match) as info:
        get_tokenizer(spec)
    assert "\n" not in str(info.value)


def test_wrong_type_spec_is_rejected() -> None:
    """A spec that is neither a string, a Tokenizer nor a callable raises TypeError."""
    with pytest.raises(TypeError, match="tokenizer spec"):
        get_tokenizer(42)  # type: ignore[arg-type]


def test_invalid_tokenizer_json_names_the_file(tmp_path: Path) -> None:
    """A corrupt tokenizer.json is reported with its path."""
    pytest.importorskip("tokenizers")
    bad = tmp_path / "tokenizer.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match=r"tokenizer\.json: not a valid Hugging Face tokenizer\.json"):
        get_tokenizer(f"hf:{bad}")


def test_missing_tiktoken_cache_names_the_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With TIKTOKEN_CACHE_DIR pointing at a folder without the file, the error names the variable."""
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="TIKTOKEN_CACHE_DIR"):
        TiktokenTokenizer("cl100k_base")


def test_missing_hf_extra_names_the_extra(tmp_path: Path) -> None:
    """Without the tokenizers package, hf: raises MissingExtraError naming the hf extra."""
    script = (
        "import sys; sys.modules['tokenizers'] = None\n"
        "from soulkeeper.tokens import get_tokenizer\n"
        "from soulkeeper.errors import MissingExtraError\n"
        "try:\n"
        f"    get_tokenizer('hf:{tmp_path}')\n"
        "except MissingExtraError as exc:\n"
        "    print(exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert 'pip install "soulkeeper[hf]"' in out
    assert issubclass(MissingExtraError, ImportError)


class _WordTokenizer(CallableTokenizer):
    def __init__(self, argument: str) -> None:
        super().__init__(lambda text: len(text.split()), name=f"words{argument}")


class _ThirdPartyPlugin:
    @hookimpl
    def register_tokenizers(self, register: Callable[..., None]) -> None:
        register("words", _WordTokenizer)


def test_third_party_tokenizer_through_the_hook() -> None:
    """A plugin registering a prefix through register_tokenizers makes 'prefix:arg' specs resolve."""
    pm = get_plugin_manager(load_entrypoints=False)
    pm.register(_ThirdPartyPlugin())
    assert {"estimate", "hf", "tiktoken", "words"} <= set(tokenizer_factories(pm))
    tok = get_tokenizer("words:-v1", plugin_manager=pm)
    assert tok.count("one two three") == 3
    assert tok.name == "callable:words-v1"
    with pytest.raises(ValueError, match="unknown tokenizer spec"):
        get_tokenizer("words:x", plugin_manager=get_plugin_manager(load_entrypoints=False))


def test_duplicate_prefix_is_an_error() -> None:
    """Registering a built-in prefix again fails loudly."""

    class Clash:
        @hookimpl
        def register_tokenizers(self, register: Callable[..., None]) -> None:
            register("estimate", _WordTokenizer)

    pm = get_plugin_manager(load_entrypoints=False)
    pm.register(Clash())
    with pytest.raises(ValueError, match="registered twice"):
        tokenizer_factories(pm)
