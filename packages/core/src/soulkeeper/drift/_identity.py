"""Self-identification claims: "I'm Gemma", "As an AI language model developed by Google", "저는 … 입니다".

The functions return what the text claims to be; whether a claim conflicts with the persona is the
identity detector's decision. Precision comes first: a claim is a *name* only when it is introduced as
one ("my name is X", "call me X", "I'm X" with X capitalised and not an ordinary word such as "Sorry" or
"American"), or when it is a known base-model name; AI self-descriptions ("an AI language model", "a large
language model trained by OpenAI") are returned as phrases, and the maker after "developed/trained/created
by" as a claim of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

#: Names of base models and assistants a persona may regress to ("I'm Gemma 4").
BASE_MODEL_NAMES: tuple[str, ...] = (
    "ChatGPT", "GPT", "Claude", "Gemini", "Gemma", "Bard", "Llama", "LLaMA", "Qwen", "Tongyi Qianwen",
    "Mistral", "Mixtral", "Codestral", "DeepSeek", "Phi", "Grok", "Copilot", "Command R", "Cohere",
    "Yi", "Falcon", "Vicuna", "Alpaca", "OLMo", "Granite", "Nemotron", "Kimi", "GLM", "ChatGLM",
    "ERNIE", "Ernie Bot", "Baichuan", "InternLM", "Solar", "HyperCLOVA", "HyperCLOVA X", "EXAONE",
    "StableLM", "Orca", "Zephyr", "Hermes", "Jamba", "Reka", "Doubao", "Hunyuan", "MiniMax",
)  # fmt: skip
#: Companies that make base models ("trained by OpenAI").
MODEL_MAKERS: tuple[str, ...] = (
    "OpenAI", "Anthropic", "Google DeepMind", "Google", "DeepMind", "Meta AI", "Meta", "Mistral AI",
    "Alibaba Cloud", "Alibaba", "Microsoft", "xAI", "DeepSeek", "Cohere", "IBM", "NVIDIA", "Baidu",
    "Zhipu AI", "Moonshot AI", "01.AI", "Naver", "LG AI Research", "Upstage", "Tencent", "ByteDance",
    "Stability AI", "AI21 Labs", "Amazon",
)  # fmt: skip

ClaimKind = Literal["name", "ai", "maker"]


@dataclass(frozen=True, slots=True)
class IdentityClaim:
    """One self-identification: ``kind`` is "name", "ai" (an AI self-description) or "maker"."""

    kind: ClaimKind
    claim: str
    span: tuple[int, int]


def _alt(names: tuple[str, ...]) -> str:
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


_MODEL = rf"(?:{_alt(BASE_MODEL_NAMES)})"
_MAKER = rf"(?:{_alt(MODEL_MAKERS)})"
# a version or variant after a model name: "Gemma 4", "Llama 3.1 70B", "GPT-4o", "Claude 3.5 Sonnet"
_VERSION = (
    r"(?:[- ]?(?:\d+(?:\.\d+)*[a-zA-Z]?|[1-9]\d*[BbMm]|o\d?|Pro|Flash|Ultra|Nano|Mini|mini|Turbo|turbo|"
    r"Sonnet|Opus|Haiku|Instruct|Chat|Coder|Large|Small|Medium|Max|Plus|Lite|R1|V\d+)(?![\w-]))*"
)
_AI_PHRASE = (
    r"(?:(?:large|helpful|virtual|artificial|digital|conversational|friendly|multimodal|open[- ]source|advanced)\s+)*"
    r"(?:AI|A\.I\.|artificial intelligence|language|LLM|machine[- ]learning)"
    r"(?:\s+(?:language|chat|text|conversational|powered|based))*\s*(?:model|assistant|chatbot|bot|system|program|agent)?"
)
_NAME_WORD = r"[A-Z][\w.-]*[\w]|[A-Z]"
_NAME = (
    rf"(?:(?:Dr|Mr|Mrs|Ms|Prof)\.?\s)?(?:{_NAME_WORD})(?:[ -](?:{_NAME_WORD}|\d+(?:\.\d+)*[a-zA-Z]?)){{0,3}}"
)

# ordinary capitalised words that follow "I'm" without being names
_NOT_NAMES = frozenset(
    """Sorry Not So Here There Just Also Really Very Glad Happy Afraid Going Good Fine Back Still Now Sure
    Done Ready Available Able Unable Excited Thrilled Honored Honoured Pleased Curious Confused Tired
    Busy Free Home Out In On Off Up Down Over Always Never Only Actually Currently Totally Quite Pretty
    Almost About Looking Trying Working Thinking Happy Hungry Single Married Retired Alive Well Okay OK
    Ok Yes No Certain Positive Aware Afraid Right Wrong Late Early New Old Big Small Alone Here A An
    The This That It My Your His Her Our Their All Both Each Every Any Some One Two Three American
    English British French German Spanish Italian Japanese Chinese Korean Canadian Mexican Indian Irish
    Scottish Australian Russian Polish Dutch Swedish African European Asian Latino Latina Jewish
    Christian Catholic Muslim Buddhist Hindu Atheist Mormon Protestant Democrat Republican Libertarian
    Vegan Vegetarian Gay Straight Black White Brown Asian Native Southern Northern Monday Tuesday
    Wednesday Thursday Friday Saturday Sunday January February March April May June July August
    September October November December Christmas Easter""".split()  # noqa: SIM905 (a word list reads better as text)
)

_EN_PATTERNS: tuple[tuple[ClaimKind, str, re.Pattern[str]], ...] = (
    # "my name is X", "call me X", "the name's X"
    (
        "name",
        "intro",
        re.compile(
            rf"\b(?:[Mm]y name is|[Mm]y name's|[Cc]all me|[Nn]ame's|I(?:'m| am) called)\s+(?P<claim>{_NAME})"
        ),
    ),
    # "I'm Gemma 4", "I am Llama 3", "This is ChatGPT", "As Claude, …"
    (
        "name",
        "model",
        re.compile(
            rf"\b(?:I['’]m|I am|[Tt]his is|[Aa]s|[Hh]ere is|[Hh]ere's|it['’]s|[Ii]t is)\s+(?P<claim>{_MODEL}{_VERSION})\b"
        ),
    ),
    # "I'm Mati", "Hi, I am Kim." — a capitalised name right after "I'm"
    (
        "name",
        "i_am",
        re.compile(
            rf"\bI(?:['’]m| am)\s+(?P<claim>{_NAME})(?=\s*(?:[,.!?;:—–-]|$|and\b|here\b|your\b|an?\b|the\b|from\b|with\b|\())"
        ),
    ),
    # "As an AI language model", "I am a large language model", "I'm an AI assistant"
    (
        "ai",
        "ai",
        re.compile(
            rf"\b(?:I['’]m|I am|[Aa]s|[Bb]eing)\s+(?:just\s+|only\s+|simply\s+)?(?:an?|the)\s+(?P<claim>{_AI_PHRASE})\b"
        ),
    ),
    # "I am ChatGPT, a large language model …"
    (
        "ai",
        "model",
        re.compile(
            rf"\b(?:I['’]m|I am)\s+{_MODEL}{_VERSION}\s*[,—–-]\s*(?:an?|the)\s+(?P<claim>{_AI_PHRASE})\b"
        ),
    ),
    # "trained by Google", "developed by OpenAI", "created by Anthropic"
    (
        "maker",
        "names",
        re.compile(
            rf"\b(?:trained|developed|created|made|built|designed|programmed|released|produced)\s+by\s+(?:the\s+)?(?:(?:team|researchers|engineers)\s+at\s+)?(?P<claim>{_MAKER})\b"
        ),
    ),
    (
        "maker",
        "names",
        re.compile(
            rf"\b(?:I['’]m|I am|[Aa]s)\s+(?P<claim>{_MAKER})['’]s\s+(?:own\s+)?(?:AI|language model|assistant|model|LLM|chatbot)\b"
        ),
    ),
)

_AI_WORDS_CJK = r"(?:AI|LLM|대형\s?언어\s?모델|인공지능|언어\s?모델|어시스턴트|챗봇|비서|人工知能|言語モデル|アシスタント|チャットボット|人工智能|语言模型|語言模型|助手|聊天机器人|大模型)"
_CJK_PATTERNS: tuple[tuple[ClaimKind, str, re.Pattern[str]], ...] = (
    # Korean: "제 이름은 X입니다", "X라고 합니다", "저는 X입니다 / 예요 / 이에요", "나는 X야"
    (
        "name",
        "cjk",
        re.compile(
            r"(?:제|내)\s?이름은\s*(?P<claim>[^\s.,!?。]+?)(?:입니다|이에요|예요|이야|야|이라고|라고|[.!?\s]|$)"
        ),
    ),
    (
        "name",
        "cjk",
        re.compile(
            r"(?:저는|전|나는|난)\s*(?P<claim>[A-Za-z][A-Za-z0-9.-]*(?:\s?[A-Za-z0-9.-]+)?)\s*(?:입니다|이에요|예요|이야|야|라고|이라고)"
        ),
    ),
    (
        "ai",
        "cjk",
        re.compile(
            rf"(?:저는|전|나는|난)\s*(?P<claim>[^.!?。\n]{{0,40}}?{_AI_WORDS_CJK}[^\s.!?]{{0,8}}?)(?:입니다|이에요|예요|이야|야)"
        ),
    ),
    # Japanese: "私はXです", "Xと申します", "私の名前はXです"
    (
        "name",
        "cjk",
        re.compile(
            r"(?:私|わたし|僕|ぼく|俺)の名前は\s*(?P<claim>[^\s、。！？]+?)(?:です|だ|と申します|といいます|[、。！？\s]|$)"
        ),
    ),
    (
        "name",
        "cjk",
        re.compile(
            r"(?P<claim>[A-Za-z][A-Za-z0-9.-]*(?:\s[A-Za-z0-9.-]+)?|[\u30a0-\u30ff]{2,})\s*(?:と申します|といいます|と言います)"
        ),
    ),
    (
        "name",
        "cjk",
        re.compile(
            r"(?:私|わたし|僕|ぼく|俺)は\s*(?P<claim>[A-Za-z][A-Za-z0-9.-]*(?:\s?[A-Za-z0-9.-]+)?)\s*(?:です|だ|でございます)"
        ),
    ),
    (
        "ai",
        "cjk",
        re.compile(
            rf"(?:私|わたし|僕|ぼく|俺)は\s*(?P<claim>[^。！？\n]{{0,40}}?{_AI_WORDS_CJK}[^\s。！？]{{0,6}}?)(?:です|だ|でございます)"
        ),
    ),
    # Chinese: "我是X", "我叫X", "我的名字是X"
    ("name", "cjk", re.compile(r"(?:我叫|我的名字是|我的名字叫)\s*(?P<claim>[^\s，。！？,.!?]+)")),
    ("name", "cjk", re.compile(r"我是\s*(?P<claim>[A-Za-z][A-Za-z0-9.-]*(?:\s?[A-Za-z0-9.-]+)?)")),
    (
        "ai",
        "cjk",
        re.compile(rf"我是\s*(?P<claim>[^。！？\n]{{0,40}}?{_AI_WORDS_CJK}(?:\s?{_AI_WORDS_CJK})*)"),
    ),
    # makers in CJK: "구글이 개발한", "Googleによって開発された", "由OpenAI开发"
    (
        "maker",
        "cjk",
        re.compile(
            rf"(?P<claim>{_MAKER}|구글|오픈AI|메타|앤트로픽|마이크로소프트|알리바바|네이버)(?:에서|이|가|에 의해)?\s*(?:개발한|만든|훈련한|학습시킨|훈련된|개발된)"
        ),
    ),
    (
        "maker",
        "cjk",
        re.compile(
            rf"(?P<claim>{_MAKER}|グーグル|オープンAI|メタ)(?:によって|が|の)\s*(?:開発|作成|訓練|トレーニング)"
        ),
    ),
    (
        "maker",
        "cjk",
        re.compile(
            rf"由\s*(?P<claim>{_MAKER}|谷歌|阿里巴巴|阿里云|百度|深度求索|智谱|月之暗面)\s*(?:开发|開發|训练|訓練|创建|打造)"
        ),
    ),
)

_MODEL_RE = re.compile(rf"^{_MODEL}{_VERSION}$")
_AI_CORE_RE = re.compile(rf"{_AI_WORDS_CJK}(?:\s?{_AI_WORDS_CJK})*")


def _is_name(claim: str) -> bool:
    first = claim.split()[0].rstrip(".,")
    return first not in _NOT_NAMES and not claim.endswith(("'s", "’s"))


_PUNCTUATION_TO_SPACE = str.maketrans(dict.fromkeys(",.;:!?()[]{}\"'’“”-—–/\\*_`<>", " "))
_PUNCTUATION_ASCII = b",.;:!?()[]{}\"'-/\\*_`<>"
_PUNCTUATION_TO_SPACE_BYTES = bytes.maketrans(_PUNCTUATION_ASCII, b" " * len(_PUNCTUATION_ASCII))
_NAME_KEYS = frozenset(
    part
    for name in BASE_MODEL_NAMES + MODEL_MAKERS
    for part in name.translate(_PUNCTUATION_TO_SPACE).split()[:1]
)
_CJK_TRIGGERS = (
    "저는", "전 ", "나는", "난 ", "이름", "私", "わたし", "僕", "ぼく", "俺", "申します", "いいます", "言います",
    "我", "개발", "만든", "훈련", "開発", "作成", "开发", "開發", "训练", "訓練",
)  # fmt: skip


_CJK_RE = re.compile("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7a3]")


def _gates(text: str) -> dict[str, bool]:
    """Which pattern groups can match at all, from substring checks that cost far less than a scan."""
    i_am = "I'm" in text or "I am" in text or "I’m" in text
    low = text.lower()
    # the ASCII part, punctuation to spaces, with bytes.translate (several times faster than str's)
    ascii_bytes = text.encode("ascii", "ignore").translate(_PUNCTUATION_TO_SPACE_BYTES)
    names = not _NAME_KEYS.isdisjoint(ascii_bytes.decode("ascii").split())
    return {
        "intro": "name" in low or "call me" in low,
        "model": names,
        "i_am": i_am,
        "ai": i_am or "as a" in low or "being a" in low,
        "names": names,
        "cjk": not text.isascii()
        and _CJK_RE.search(text) is not None
        and any(t in text for t in _CJK_TRIGGERS),
    }


_SELF_EN_RE = re.compile(r"\b(?:I|I['’]m|me|my|myself)\b|\b(?:AI|model|assistant|chatbot|LLM)\b")
_SELF_CJK = ("저는", "전 ", "나는", "난 ", "저 ", "제가", "私", "わたし", "僕", "ぼく", "俺", "我")
_SENTENCE_END_RE = re.compile(r"[.!?。！？\n]")


def _self_referential(text: str, start: int, end: int) -> bool:
    """True when the sentence around a maker mention speaks about the speaker ("I was trained by …")."""
    before = _SENTENCE_END_RE.split(text[max(0, start - 120) : start])[-1]
    after_match = _SENTENCE_END_RE.search(text, end)
    after = text[end : after_match.start() if after_match else len(text)]
    sentence = before + text[start:end] + after
    return _SELF_EN_RE.search(before) is not None or any(t in sentence for t in _SELF_CJK)


_I_AM = ("I'm", "I am", "I’m")
# patterns that can only start at one of these strings are tried there instead of scanning the text
_AS = ("As ", "as ")
_ANCHORS: dict[str, tuple[str, ...]] = {
    _EN_PATTERNS[2][2].pattern: _I_AM,  # "I'm Mati"
    _EN_PATTERNS[3][2].pattern: (*_I_AM, *_AS, "Being ", "being "),  # "As an AI language model"
    _EN_PATTERNS[4][2].pattern: _I_AM,  # "I am ChatGPT, a large language model"
    _EN_PATTERNS[6][2].pattern: (*_I_AM, *_AS),  # "I'm Google's AI"
}


def _matches(text: str, pattern: re.Pattern[str]) -> list[re.Match[str]]:
    anchors = _ANCHORS.get(pattern.pattern)
    if anchors is None:
        return list(pattern.finditer(text))
    positions: set[int] = set()
    for anchor in anchors:
        i = text.find(anchor)
        while i >= 0:
            positions.add(i)
            i = text.find(anchor, i + 1)
    found = []
    end = 0
    for pos in sorted(positions):
        if pos < end:
            continue
        m = pattern.match(text, pos)
        if m is not None:
            found.append(m)
            end = m.end()
    return found


def find_identity_claims(text: str) -> list[IdentityClaim]:
    """Return every self-identification in ``text`` with its kind and character span, in text order."""
    found: list[IdentityClaim] = []
    seen: set[tuple[int, int]] = set()
    gates = _gates(text)
    patterns = _EN_PATTERNS if text.isascii() else _EN_PATTERNS + _CJK_PATTERNS
    for kind, gate, pattern in patterns:
        if not gates[gate]:
            continue  # cheap substring checks rule the pattern out: no regex scan
        for m in _matches(text, pattern):
            claim = m.group("claim").strip()
            span = m.span("claim")
            if not claim or span in seen or (kind != "maker" and any(a <= span[0] < b for a, b in seen)):
                continue
            if kind == "name" and not _MODEL_RE.match(claim) and not _is_name(claim):
                continue
            if kind == "maker" and not _self_referential(text, m.start(), m.end()):
                continue  # "it was trained by OpenAI engineers" is about something else
            if kind == "ai" and not text.isascii():
                core = _AI_CORE_RE.search(claim)
                if (
                    core is not None
                ):  # "구글이 개발한 AI 언어 모델" → "AI 언어 모델" (the maker is its own claim)
                    span = (span[0] + core.start(), span[0] + core.end())
                    claim = core.group(0)
                    if span in seen:
                        continue
            seen.add(span)
            found.append(IdentityClaim(kind, claim, span))
    found.sort(key=lambda c: c.span)
    return found


def identity_claims(text: str) -> list[str]:
    """Return the names and self-descriptions ``text`` claims for its speaker, in order.

    ``"I'm Gemma 4, how can I help?"`` → ``["Gemma 4"]``; ``"As an AI language model developed by
    Google, …"`` → ``["AI language model", "Google"]``; ``"I'm tired"`` → ``[]``. Korean, Japanese and
    Chinese self-introductions are recognised too ("저는 구글이 개발한 AI 언어 모델입니다" → the maker and
    the description).
    """
    return [c.claim for c in find_identity_claims(text)]


_MENTION_RE: re.Pattern[str] | None = None


def mentions_base_model(claim: str) -> bool:
    """Return True when ``claim`` names a known base model or model maker (case-insensitive)."""
    global _MENTION_RE
    if _MENTION_RE is None:  # one alternation of every name, built on first use
        names = sorted({n.lower() for n in BASE_MODEL_NAMES + MODEL_MAKERS}, key=len, reverse=True)
        _MENTION_RE = re.compile(rf"(?<![a-z])(?:{'|'.join(map(re.escape, names))})(?![a-z])")
    return _MENTION_RE.search(claim.lower()) is not None
