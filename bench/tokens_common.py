"""Shared loading for the token-estimate benchmarks: real tokenizers, real documents, cached counts.

Reads ../shared/data in place (never copied): text/{ko,ja,zh,en}.txt cut into 25-line documents,
the formal CoCoA-MT / IWSLT23 references of eight more languages, the Soul Spec persona markdown files,
and the real tokenizers (tiktoken cache + Hugging Face tokenizer.json files).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from _shared import DATA, ROOT

os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(DATA / "tokenizers" / "tiktoken-cache"))
sys.path.insert(0, str(ROOT / "packages" / "core" / "src"))

from soulkeeper.tokens import get_tokenizer, script_counts

CORE_LANGS = ("ko", "ja", "zh", "en")
EUROPEAN_LANGS = ("de", "es", "fr", "it", "nl", "pt")
EXTRA_LANGS = (*EUROPEAN_LANGS, "hi", "vi")
# register corpora: Korean 해요체/반말 (IWSLT23), Japanese desu-masu/plain (CoCoA-MT), the 17 styles of the
# Korean SmileStyle corpus (emoticons, ㅋㅋ, dialects) and the English source sentences of all of them
REGISTER_LANGS = ("ko_reg", "ko_style", "ja_pol", "en_chat")
ALL_LANGS = (*CORE_LANGS, *EXTRA_LANGS, *REGISTER_LANGS)
LANG_GROUPS: dict[str, tuple[str, ...]] = {
    "CJK": ("ko", "ja", "zh", "ko_reg", "ko_style", "ja_pol"),
    "English": ("en", "en_chat"),
    "European Latin": EUROPEAN_LANGS,
    "Hindi, Vietnamese": ("hi", "vi"),
}
CHUNK_LINES = 25

# family -> spec of the real tokenizer in the shared data
REAL: dict[str, str] = {
    "cl100k": "tiktoken:cl100k_base",
    "o200k": "tiktoken:o200k_base",
    "qwen2": f"hf:{DATA / 'tokenizers' / 'hf' / 'qwen2_5'}",
    "llama3": f"hf:{DATA / 'tokenizers' / 'hf' / 'llama3_1'}",
    "gemma3": f"hf:{DATA / 'tokenizers' / 'hf' / 'gemma3'}",
    "mistral_v3": f"hf:{DATA / 'tokenizers' / 'hf' / 'mistral_v3'}",
    "deepseek_v3": f"hf:{DATA / 'tokenizers' / 'hf' / 'deepseek_v3'}",
}

# a fixed sample of common emoji (faces, hands, hearts, symbols, a ZWJ sequence, a flag) as written
EMOJI = [
    "😀",
    "😂",
    "🥹",
    "😊",
    "😍",
    "🤔",
    "😅",
    "😭",
    "😡",
    "🙏",
    "👍",
    "👏",
    "🙌",
    "💪",
    "👋",
    "❤️",
    "💙",
    "💔",
    "✨",
    "🔥",
    "⭐",
    "🌟",
    "✅",
    "❌",
    "⚠️",
    "💡",
    "📌",
    "📝",
    "🚀",
    "🎉",
    "🎯",
    "🤖",
    "👀",
    "💬",
    "🧠",
    "☀️",
    "🌙",
    "☕",
    "🍀",
    "🌸",
    "🐶",
    "🐱",
    "👨\u200d💻",
    "👩\u200d🔬",
    "🏳️\u200d🌈",
    "🇰🇷",
    "🇯🇵",
    "⏰",
    "⌛",
    "✏️",
    "📚",
    "🔒",
    "🔑",
    "💯",
    "🙂",
    "😉",
    "😢",
    "🤗",
    "🫶",
    "🥰",
]


@dataclass(frozen=True)
class Doc:
    """One document: its language, index within the language, text and per-class character counts."""

    lang: str
    index: int
    text: str
    counts: tuple[int, ...]

    @property
    def held_out(self) -> bool:
        """Odd documents are held out from fitting."""
        return self.index % 2 == 1


def _chunks(lang: str, lines: list[str]) -> list[Doc]:
    docs = []
    for start in range(0, len(lines) - CHUNK_LINES + 1, CHUNK_LINES):
        text = "\n".join(lines[start : start + CHUNK_LINES])
        docs.append(Doc(lang, start // CHUNK_LINES, text, script_counts(text)))
    return docs


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@cache
def core_docs() -> tuple[Doc, ...]:
    """25-line documents of text/{ko,ja,zh,en}.txt (60 per language)."""
    return tuple(doc for lang in CORE_LANGS for doc in _chunks(lang, _lines(DATA / "text" / f"{lang}.txt")))


@cache
def extra_docs() -> tuple[Doc, ...]:
    """25-line documents of the formal and informal references of eight more languages (32 per language)."""
    docs: list[Doc] = []
    for lang in EXTRA_LANGS:
        folder = next((DATA / "drift" / "multilingual").glob(f"*-en-{lang}"))
        lines: list[str] = []
        for register in ("formal", "informal"):
            for genre in ("telephony", "topical_chat"):
                lines += _lines(next(folder.glob(f"formality-control.train.{genre}.en-*.{register}.{lang}")))
        docs += _chunks(lang, lines)
    return tuple(docs)


_STYLE_ROWS = 200  # the first rows of every SmileStyle column: 136 documents, each mostly one style


@cache
def register_docs() -> tuple[Doc, ...]:
    """25-line documents of the register corpora (REGISTER_LANGS), read in place from ../shared/data/drift."""
    drift = DATA / "drift"
    ko = drift / "ko_register" / "iwslt23-train-en-ko"
    ja = drift / "ja_politeness" / "cocoa-train-en-ja"
    sources: dict[str, list[str]] = {"ko_reg": [], "ja_pol": [], "en_chat": []}
    for register in ("formal", "informal"):
        for genre in ("telephony", "topical_chat"):
            sources["ko_reg"] += _lines(ko / f"formality-control.train.{genre}.en-ko.{register}.ko")
            sources["ja_pol"] += _lines(ja / f"formality-control.train.{genre}.en-ja.{register}")
    english = sorted((drift / "multilingual").glob("*/formality-control.train.*.en"))
    english += [ko / f"formality-control.train.{g}.en-ko.en" for g in ("telephony", "topical_chat")]
    seen: set[str] = set()
    for path in english:
        for line in _lines(path):
            if line not in seen:
                seen.add(line)
                sources["en_chat"].append(line)
    rows = (drift / "ko_register" / "smilestyle_dataset.tsv").read_text(encoding="utf-8").splitlines()[1:]
    cells = [row.split("\t") for row in rows[:_STYLE_ROWS]]
    styles = [[c.strip() for c in row] for row in cells]
    sources["ko_style"] = [
        row[col] for col in range(max(map(len, styles))) for row in styles if col < len(row) and row[col]
    ]
    docs: list[Doc] = []
    for lang in REGISTER_LANGS:
        docs += _chunks(lang, sources[lang])
    return tuple(docs)


def all_docs() -> tuple[Doc, ...]:
    """Every language document: core, eight more languages and the register corpora."""
    return (*core_docs(), *extra_docs(), *register_docs())


@cache
def persona_docs() -> tuple[Doc, ...]:
    """Every markdown file of the real Soul Spec packages, one document each."""
    docs = []
    for index, path in enumerate(sorted((DATA / "souls").glob("*/*.md"))):
        text = path.read_text(encoding="utf-8")
        docs.append(Doc("md", index, text, script_counts(text)))
    return tuple(docs)


@cache
def example_docs() -> tuple[Doc, ...]:
    """Every text file of the repository's example personas (examples/souls: Korean, Japanese and
    English markdown, YAML rules and soul.json), one document each."""
    docs = []
    paths = sorted(
        p for p in (ROOT / "examples" / "souls").rglob("*") if p.suffix in (".md", ".yaml", ".json")
    )
    for index, path in enumerate(paths):
        text = path.read_text(encoding="utf-8")
        docs.append(Doc("examples", index, text, script_counts(text)))
    return tuple(docs)


@cache
def real_counter(family: str) -> Callable[[str], int]:
    """The exact counting function of a family's real tokenizer."""
    return get_tokenizer(REAL[family]).count


_COUNTS: dict[tuple[str, str], int] = {}


def true_count(family: str, text: str) -> int:
    """Exact tokens of ``text`` under ``family`` (memoised)."""
    key = (family, text)
    if key not in _COUNTS:
        _COUNTS[key] = real_counter(family)(text)
    return _COUNTS[key]


def available_families() -> list[str]:
    """Families whose real tokenizer is present in the shared data (empty without the text)."""
    if not (DATA / "text").is_dir():
        return []
    found = []
    for family, spec in REAL.items():
        path = Path(spec.partition(":")[2])
        if spec.startswith("hf:") and not path.exists():
            continue
        if spec.startswith("tiktoken:") and not (DATA / "tokenizers" / "tiktoken-cache").is_dir():
            continue
        found.append(family)
    return found
