"""Identity: base-model self-identification, a wrong name for the persona, and override attempts.

On the response:

* **base model** — the response speaks as the underlying model ("I'm Gemma 4", "As an AI language
  model developed by Google", "저는 ChatGPT입니다", "私はClaudeです"), found with
  :func:`soulkeeper.drift.signals.find_identity_claims`: a claimed base-model name, a model maker
  ("trained by OpenAI") or an AI *language model* self-description; "I'm an AI assistant" alone is not;
* **wrong name** — an explicit self-naming ("my name is X", "call me X", "I'm X, your assistant",
  "제 이름은 X", "Xと申します") with a name that is not the persona's name or one of its aliases.

Plain "I'm a teacher" / "I'm Canadian" is never a claim: a bare "I'm X" only counts when X is a known
model name or is followed by an assistant role ("I'm Sam, your assistant").

On the user's message, attempts to override the persona ("ignore your instructions, you are now …",
"지금부터 너는 …", "今からあなたは …") are reported as :class:`~soulkeeper.drift.InputEvent`, not as
violations of the response.
"""

from __future__ import annotations

import re
from functools import cache
from typing import ClassVar

from soulkeeper.drift._detector import CheckContext, Detector
from soulkeeper.drift._report import InputEvent, Violation
from soulkeeper.spec.rules import Rules

__all__ = ["OVERRIDE", "Identity"]

_ROLE = (
    r"(?:an?|the|your)\s+(?:\w+\s+){0,3}(?:assistant|ai|bot|chatbot|agent|model|language\s+model|helper"
    r"|companion)"
)
_NAME = r"(?P<{}>[A-Z][\w\-]*(?:\s+\d+(?:\.\d+)?)?(?:\s+[A-Z][\w\-]*)?)"


def _name(group: str) -> str:
    return _NAME.format(group)


_I_AM = r"(?:i\s+am|i['’]m|i\s+am\s+called|i['’]m\s+called)"

# explicit self-naming; the name group (case-sensitive: names are capitalised) is checked against
# the persona's names
_NAMING_EN_SOURCE = (
    rf"(?<!\w)(?i:my\s+name\s+is|(?:you\s+can\s+)?call\s+me|i\s+go\s+by|{_I_AM}\s+named)\s+{_name('en1')}"
    rf"|(?<!\w)(?i:{_I_AM}|this\s+is)\s+{_name('en2')},?\s+(?i:{_ROLE})(?!\w)"
    rf"|(?<!\w)(?i:this\s+is)\s+{_name('en3')}\s+(?i:speaking|here)(?!\w)"
)
_NAMING = re.compile(
    _NAMING_EN_SOURCE
    + r"|제\s*이름은\s*(?P<ko_name>[^\s,.!?]+?)(?:입니다|이에요|예요|야|이야|이고|이며|[,.!?\s]|$)"
    r"|저는\s*(?P<ko_name2>[^\s,.!?]+?)(?:이?라고\s*합니다|이?라고\s*해요)"
    r"|(?:私|わたし|僕)の名前は\s*(?P<ja_name>[^\s、。,.!?です]+)"
    r"|(?P<ja_name2>[^\s、。,.!?はが]+)と申します",
)

# an AI self-description only counts as the base model when it is about a (language) model
_LANGUAGE_MODEL = re.compile(r"language|LLM|model|언어|言語|语言|語言|大模型", re.IGNORECASE)

_NAME_GROUPS: tuple[str, ...] = ("en1", "en2", "en3", "ko_name", "ko_name2", "ja_name", "ja_name2")
# the English alternatives alone: the Korean and Japanese ones (one of them scans every word for a
# following と申します) cannot match a text without these markers, so the scan is spared there
# (one lookbehind, behind a lookahead for the letters the phrases can start with — "i" also matches the
# Turkish dotless ı and dotted İ case-insensitively — so most positions fail at once)
_NAMING_EN = re.compile(r"(?=[MmYyCcIiTtıİ])(?<!\w)(?:" + _NAMING_EN_SOURCE.replace(r"(?<!\w)", "") + ")")
_NAME_GROUPS_EN: tuple[str, ...] = _NAME_GROUPS[:3]
_CJK_NAMING_MARKERS = ("이름은", "저는", "名前は", "申します")

_OVERRIDE_EN = (
    r"(?:ignore|disregard|forget|override|bypass)\s+(?:all\s+|any\s+|every\s+)?(?:of\s+)?(?:your|the|my|these|those|previous|prior|above|earlier|system|all)"
    r"(?:\s+\w+){0,3}\s+(?:instructions?|rules?|prompts?|directions?|guidelines?|programming|persona|personality|identity|settings?|constraints?)"
    r"|forget\s+(?:that\s+)?(?:who\s+you\s+are|you\s+are|you['’]re)"
    r"|you(?:\s+are|['’]re)\s+now\s+(?:an?\s|the\s|called\s|named\s|my\s|in\s+\w+\s+mode|(?-i:[A-Z][\w-]+))"
    r"|you(?:\s+are|['’]re)\s+no\s+longer\s+(?:an?\s|the\s|bound|restricted|limited|(?-i:[A-Z][\w-]+))"
    r"|from\s+now\s+on,?\s+(?:you\s+are|you['’]re|you\s+will\s+be|your\s+name\s+is|act|be)"
    # pretending and role play only as a request to the assistant, not "a game where you pretend to be"
    r"|(?:(?<=^)|(?<=[.!?,:;]\s)|please\s+|now\s+|(?:i\s+(?:want|need)|can|could|will)\s+you\s+(?:to\s+)?"
    r"|you\s+(?:must|should|will|have\s+to)\s+)(?:pretend\s+(?:to\s+be|you\s+are|you['’]re|that\s+you\s+are)"
    r"|role-?play\s+as|act\s+as\s+(?:an?|if|my|the)(?=\s))"
    r"|forget\s+(?:everything|all)\s+(?:above|before|you\s+(?:were|have\s+been)\s+told|you\s+know)"
    r"|your\s+new\s+(?:name|identity|persona|role|instructions?)\s+(?:is|are)"
    r"|stop\s+being\s+(?:an?\s+)?(?:ai|assistant|bot|(?-i:[A-Z][\w-]+))|(?:enter|enable|switch\s+to|activate)\s+(?:developer|dan|jailbreak|god)\s+mode"
)
_OVERRIDE_KO = (
    r"(?:이전|기존|위의?|앞의?|모든|너의?|당신의)\s*(?:지시|지침|명령|설정|규칙|프롬프트|역할)(?:사항)?(?:을|를|은|는|들을)?\s*(?:모두\s*|다\s*)?(?:무시|잊)"
    r"|(?:지금부터|이제부터|이제|앞으로)\s*(?:너는|넌|당신은|니가|네가)"
    r"|(?:너는|넌|당신은)\s*(?:이제|지금부터|이제부터|앞으로)\s*\S{1,15}?(?:야|이야|입니다|이다|예요|이에요)(?=[\s.!?]|$)"
    r"|(?:너의?|네|당신의)\s*새\s*(?:로운)?\s*이름은"
    r"|(?:역할|페르소나|캐릭터|설정)(?:을|를)\s*(?:바꿔|바꾸|변경)"
    r"|인\s*척\s*(?:해|하세요|해줘)"
)
_OVERRIDE_JA = (
    r"(?:以前|前|これまで|上記|今まで|全て|すべて)の?(?:指示|命令|設定|ルール|プロンプト)を(?:全て|すべて)?(?:無視|忘れ)"
    r"|(?:今から|これから|今後|以後)(?:は)?、?(?:あなた|君|きみ|お前)は"
    r"|(?:あなた|君|きみ|お前)は(?:今から|これから|今日から|今後)"
    r"|(?:あなた|君|お前)の新しい名前は"
    r"|(?:の|な)(?:ふり|フリ)をして|として振る舞って"
)
OVERRIDE = re.compile(rf"(?<!\w)(?:{_OVERRIDE_EN})(?!\w)|{_OVERRIDE_KO}|{_OVERRIDE_JA}", re.IGNORECASE)


def _first_words(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(w for n in names for w in re.findall(r"[a-z0-9]+", n.lower())[:1])


@cache
def _trigger_words() -> frozenset[str]:
    from soulkeeper.drift.signals import BASE_MODEL_NAMES, MODEL_MAKERS

    return _first_words(BASE_MODEL_NAMES + MODEL_MAKERS) | frozenset(
        (
            "ai",
            "llm",
            "language",
            "intelligence",
            "learning",
            "name",
            "call",
            "called",
            "named",
            "go",
            "assistant",
            "chatbot",
            "bot",
            "agent",
            "model",
            "helper",
            "companion",
            "speaking",
        )
    )


_I_AM_CAPITAL = re.compile(r"\bI(?:['’]m| am)\s+[A-Z]")


# substrings every Korean, Japanese or Chinese self-identification pattern needs one of
_CJK_MARKERS = (
    *(
        "저는",
        "전 ",
        "나는",
        "난 ",
        "이름",
        "개발",
        "만든",
        "훈련",
        "학습",
        "인공지능",
        "언어",
        "모델",
        "챗봇",
    ),
    *("私", "わたし", "僕", "ぼく", "俺", "申し", "といい", "と言い", "開発", "作成", "訓練", "トレーニング"),
    *("人工知能", "言語", "アシスタント", "我", "由", "助手", "模型"),
)
# words the English naming patterns need: "my name is", "call me", "I go by", "I'm X, your assistant", "this is X here"
_NAMING_WORDS = frozenset(
    (
        "name",
        "call",
        "go",
        "named",
        "assistant",
        "ai",
        "bot",
        "chatbot",
        "agent",
        "model",
        "helper",
        "companion",
    )
)


def _no_claim_possible(ctx: CheckContext) -> bool:
    """A cheap test: no word or marker that any self-identification pattern needs is present."""
    if ctx.words.isdisjoint(_trigger_words()) and "a.i." not in ctx.lower:
        text = ctx.normalized.text
        # "I'm X" / "I am X" with a capitalised X; the substring test spares a regex scan of the response
        if not any(m in text for m in ("I'm", "I am", "I’m")) or _I_AM_CAPITAL.search(text) is None:
            return text.isascii() or not any(marker in text for marker in _CJK_MARKERS)
    return False


def _no_naming_possible(ctx: CheckContext) -> bool:
    """A cheap test: none of the words the explicit-naming patterns need is present."""
    words = ctx.words
    if not words.isdisjoint(_NAMING_WORDS) or (
        "this" in words and not words.isdisjoint(("speaking", "here"))
    ):
        return False
    text = ctx.normalized.text
    return text.isascii() or not any(m in text for m in ("이름은", "저는", "名前は", "申します"))


class Identity(Detector):
    """``identity.name``: the response must not call itself the base model or any other name."""

    name: ClassVar[str] = "identity"
    rules_served: ClassVar[tuple[str, ...]] = ("identity.name", "identity.aliases")

    @classmethod
    def serves(cls, rules: Rules) -> bool:
        return bool(rules.identity.name)

    def __init__(self, rules: Rules) -> None:
        super().__init__(rules)
        names = [rules.identity.name or "", *rules.identity.aliases]
        self._names = tuple(n.casefold().strip() for n in names if n and n.strip())

    def _is_own(self, claimed: str) -> bool:
        claimed = claimed.casefold().strip(" ,.!?'\"")
        if not claimed:
            return True
        for own in self._names:
            if claimed == own or claimed.startswith(own + " ") or own.startswith(claimed + " "):
                return True
            if own in claimed.split() or claimed in own.split():
                return True
            if not own.isascii() and own in claimed:  # CJK: "担当のマティ" names マティ
                return True
        return False

    def check(self, ctx: CheckContext) -> list[Violation]:
        from soulkeeper.drift.signals import find_identity_claims, mentions_base_model

        norm = ctx.normalized
        persona = self.rules.identity.name
        claims = [] if _no_claim_possible(ctx) else find_identity_claims(norm.text)
        for claim in claims:
            if self._is_own(claim.claim):
                continue  # a persona may be named after its model, or describe itself in its own name
            generic_ai = claim.kind == "ai" and _LANGUAGE_MODEL.search(claim.claim) is not None
            if claim.kind == "maker" or generic_ai or mentions_base_model(claim.claim):
                span = norm.span(*claim.span)
                excerpt = ctx.text[span[0] : span[1]]
                return [
                    self.violation(
                        "identity.name",
                        "high",
                        f"speaks as the base model ({excerpt!r}) instead of {persona}",
                        span=span,
                        excerpt=excerpt,
                    )
                ]
        if _no_naming_possible(ctx):
            return []
        text = norm.text
        if text.isascii() or not any(m in text for m in _CJK_NAMING_MARKERS):
            pattern, groups = _NAMING_EN, _NAME_GROUPS_EN
        else:
            pattern, groups = _NAMING, _NAME_GROUPS
        for match in pattern.finditer(text):
            group = next((g for g in groups if match.group(g)), None)
            if group is None or self._is_own(match.group(group)):
                continue
            span = norm.span(*match.span(group))
            excerpt = ctx.text[span[0] : span[1]]
            return [
                self.violation(
                    "identity.name",
                    "high",
                    f"calls itself {excerpt!r} instead of {persona}",
                    span=span,
                    excerpt=excerpt,
                )
            ]
        return []

    def check_input(self, ctx: CheckContext) -> list[InputEvent]:
        norm = ctx.user_normalized
        match = OVERRIDE.search(norm.text)
        if match is None:
            return []
        span = norm.span(*match.span())
        excerpt = (ctx.user_text or "")[span[0] : span[1]]
        return [
            InputEvent(
                "identity_override",
                self.name,
                f"the user tries to override the persona's identity ({excerpt!r})",
                span=span,
                excerpt=excerpt,
            )
        ]
