"""Declined topics: a lexicon match per topic, excused when the response is declining it.

A topic keyword in a sentence is a violation unless that sentence or the one before it contains a
refusal ("I can't advise on …", "그 주제는 말씀드리기 어렵습니다", "…についてはお答えできません"), so a
refusal that names the topic is not counted. Keywords are matched case-insensitively on whole words on the
normalised response: English keywords on word boundaries (plural ``s`` allowed), Korean keywords as
whole words followed by an optional suffix and particle ("약을" but not "약속" or "요약"), Japanese and
Chinese keywords as substrings.
"""

from __future__ import annotations

import re
import unicodedata
from typing import ClassVar

from soulkeeper.drift._detector import CheckContext, Detector
from soulkeeper.drift._report import Violation
from soulkeeper.drift.detectors._prefilter import required_literals, ruled_out
from soulkeeper.drift.detectors._text import sentences
from soulkeeper.spec.rules import Rules

__all__ = ["REFUSAL", "DeclinedTopics"]

REFUSAL = re.compile(
    r"(?<!\w)(?:i(?:\s+|(?=['’]))(?:can(?:no|['’])t|cannot|won['’]t|will\s+not|am\s+not\s+able|['’]m\s+not\s+able|am\s+unable|['’]m\s+unable"
    r"|(?:don['’]t|do\s+not)\s+(?:discuss|give|provide|offer|comment|talk|advise|cover|handle|engage)|must\s+not|shouldn['’]t|should\s+not|need\s+to\s+decline|have\s+to\s+decline|must\s+decline"
    r"|['’]d\s+rather\s+not|would\s+rather\s+not|avoid|stay\s+away|refrain|prefer\s+not|['’]m\s+not\s+(?:the\s+right|going)"
    r"|am\s+not\s+(?:the\s+right|going))"
    r"|not\s+(?:something|a\s+topic|a\s+subject|able|in\s+a\s+position|qualified|allowed|permitted)"
    r"|(?:outside|beyond)\s+(?:of\s+)?(?:what\s+i\s|my\s+(?:scope|remit|expertise|role|area|lane)|the\s+scope)"
    r"|i\s+(?:only\s+)?(?:keep|stick)\s+to|i\s+only\s+(?:discuss|cover|handle|talk\s+about|help\s+with)"
    r"|unable\s+to|decline|off[-\s]limits|no\s+comment|please\s+(?:consult|contact|ask|see|speak)"
    r"|(?:consult|contact|ask|see|speak\s+(?:to|with))\s+(?:a|an|your)\s+(?:qualified|licensed|professional|doctor"
    r"|lawyer|attorney|physician|financial|tax|medical|legal)"
    r"|let['’]s\s+(?:stick|keep|stay|get\s+back|focus))(?!\w)"
    r"|(?:말씀|답변|안내|조언)(?:드리기|하기)\s*어렵|(?:할|드릴|줄|말할|얘기할|답할|다룰|도와줄|알려줄)\s*수\s*없|못\s*해|말\s*못|얘기\s*안\s*하|안\s*할래|어려워|(?:다루|답하|논하)지\s*않|삼가|전문가(?:와|에게|께)|상담(?:하|받)"
    r"|できません|できかねます|できない|話せない|答えられない|言えない|遠慮|控え|お答えし(?:かね|ません)|専門家に|ご相談",
    re.IGNORECASE,
)


# Korean keywords match whole words: a keyword may be followed by a plural/derivational suffix and a
# particle ("약을", "정치적인", "선거에서"), but not by other syllables ("약속", "요약" do not mean 약).
_KO_SUFFIX = r"(?:들|적|인|권|계)?"
_KO_PARTICLE = (
    r"(?:으로서|으로써|으로|에서|에게|께서|부터|까지|처럼|보다|이나|이랑|하고|과|와|을|를|이|가|은|는|도|만|로"
    r"|에|의|께|나|랑|요|이요)?"
)


def _is_hangul(char: str) -> bool:
    return "\uac00" <= char <= "\ud7a3"


def _keyword_pattern(keyword: str) -> str:
    word = unicodedata.normalize("NFKC", keyword.strip())
    body = re.escape(word).replace(r"\ ", r"\s+")
    if _is_hangul(word[:1]):
        body = r"(?<![\uac00-\ud7a3])" + body
    if _is_hangul(word[-1:]):
        return body + _KO_SUFFIX + _KO_PARTICLE + r"(?![\uac00-\ud7a3])"
    if word[:1].isascii() and word[:1].isalnum():
        body = r"(?<!\w)" + body
    if word[-1:].isascii() and word[-1:].isalnum():
        body += r"(?:s|es)?(?!\w)"
    return body


class DeclinedTopics(Detector):
    """``boundaries.declined_topics.<name>``: the response talks about a topic the persona declines."""

    name: ClassVar[str] = "declined_topics"
    rules_served: ClassVar[tuple[str, ...]] = ("boundaries.declined_topics",)

    @classmethod
    def serves(cls, rules: Rules) -> bool:
        return bool(rules.boundaries.declined_topics)

    def __init__(self, rules: Rules) -> None:
        super().__init__(rules)
        self._topics: list[tuple[str, tuple[str, ...] | None, re.Pattern[str]]] = []
        heads: set[str] = set()
        for topic in rules.boundaries.declined_topics:
            keywords = [k for k in (topic.keywords or (topic.name,)) if k.strip()]
            if keywords:
                alternation = "|".join(_keyword_pattern(k) for k in keywords)
                compiled = re.compile(alternation, re.IGNORECASE)
                self._topics.append((topic.name, required_literals(compiled), compiled))
                heads.update(unicodedata.normalize("NFKC", k).split()[0].lower() for k in keywords)
        # a cheap prefilter: no keyword's first word occurs anywhere, so no topic can match
        self._heads = tuple(sorted(heads))

    def check(self, ctx: CheckContext) -> list[Violation]:
        norm = ctx.normalized
        lower = ctx.lower
        if not any(head in lower for head in self._heads):
            return []
        ascii_text = norm.text.isascii()
        found: list[Violation] = []
        parts = sentences(norm.text)
        refusals: dict[int, bool] = {}

        def refused(index: int) -> bool:
            if index not in refusals:
                refusals[index] = REFUSAL.search(parts[index].text) is not None
            return refusals[index]

        for name, literals, pattern in self._topics:
            if (ascii_text and ruled_out(literals, lower)) or pattern.search(norm.text) is None:
                continue
            for index, sentence in enumerate(parts):
                hit = pattern.search(sentence.text)
                if hit is None:
                    continue
                if refused(index) or (index > 0 and refused(index - 1)):
                    continue
                span = norm.span(sentence.start + hit.start(), sentence.start + hit.end())
                found.append(
                    self.violation(
                        f"boundaries.declined_topics.{name}",
                        "high",
                        f"talks about {name!r}, a declined topic ({ctx.text[span[0] : span[1]]!r})",
                        span=span,
                        text=ctx.text,
                    )
                )
                break
        return found
