"""A SIMULATED drift-prone chat model, for demos and for testing your own setup offline.

:class:`DriftingChatModel` is not a language model. It is a small, deterministic simulation of the
failure that soulkeeper exists for, documented so nobody mistakes its numbers for a real model's:

* It reads its input (a list of messages) and looks for the persona in it: the persona counts as present
  when a message contains one of a few distinctive lines of the soul's identity file, or a system message
  names the persona.
* With the persona present, each reply breaks each of the persona's checkable rules (emoji, exclamation
  marks, casual greetings, the wrong Korean speech level, the base identity "I'm Gemma…", a declined
  topic) with a probability that grows with the distance, in tokens, between the persona and the end of
  the input ("the persona recedes"), and grows further after its own earlier off-persona replies that it
  sees in the input (drift feeds on itself).
* A ``<persona-reminder>`` block in the input cuts those probabilities sharply, and
  ``<persona-examples>`` (anchoring examples) cuts them further: that is what re-anchoring does to a real
  model, in caricature.
* Without the persona it falls back to a base identity: it answers in English as "Gemma, an AI
  assistant", with emoji and exclamation marks.
* Otherwise it writes plausible in-persona replies from templates, in English, Korean or Japanese (at the
  persona's speech level).

Everything is seeded: the same seed, persona and inputs give the same replies.
"""

from __future__ import annotations

import math
import random
import re
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from soulkeeper.guard._blocks import EXAMPLES_TAG, REMINDER_TAG
from soulkeeper.guard._message import Message, coerce_messages

__all__ = ["DriftingChatModel", "SimulatedTurn"]

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_KANA = re.compile(r"[\u3040-\u30ff]")

_EN_TOPICS = (
    "the deployment",
    "the logs",
    "the configuration",
    "the test suite",
    "the monitoring setup",
    "the database migration",
    "the release notes",
    "the build pipeline",
)
_KO_TOPICS = ("배포", "로그", "설정", "테스트", "모니터링", "데이터베이스", "릴리스 노트", "빌드")

_EN_REPLIES = (
    "Regarding {topic}, the recommended procedure is to verify the current state and then to apply the "
    "change in small, reversible increments. Further detail can be provided upon request.",
    "Understood. For {topic}, the recent modifications should be examined first and compared against the "
    "documented behaviour; a written summary of the findings will follow.",
    "Certainly. The current state of {topic} is consistent with the documented configuration. The "
    "remaining task is a systematic review of the boundary conditions.",
    "The review of {topic} is complete. The recommended course is to proceed in stages, verifying each "
    "stage against the documented acceptance criteria before continuing.",
)
_KO_REPLIES = {
    "casual": (
        "알겠어. {topic} 얘기지? 먼저 지금 상태부터 확인해 보자. 필요하면 자세히 알려 줄게.",
        "좋아. {topic} 쪽은 최근 변경부터 보면 돼. 내가 정리해서 다시 말해 줄게.",
        "응, {topic}은 지금까지는 괜찮아 보여. 남은 건 예외 상황 점검이야.",
    ),
    "polite": (
        "알겠어요. {topic} 말씀이시죠? 먼저 지금 상태부터 확인해 볼게요. 필요하면 자세히 알려 드릴게요.",
        "좋아요. {topic} 쪽은 최근 변경부터 보면 돼요. 정리해서 다시 말씀드릴게요.",
        "네, {topic}은 지금까지는 괜찮아 보여요. 남은 건 예외 상황 점검이에요.",
    ),
    "formal": (
        "알겠습니다. {topic}에 대해 먼저 현재 상태를 확인하겠습니다. 필요하시면 자세히 안내해 드리겠습니다.",
        "확인했습니다. {topic}은 최근 변경 사항부터 검토하면 됩니다. 정리하여 다시 보고드리겠습니다.",
        "네, {topic}은 지금까지 정상으로 보입니다. 남은 작업은 예외 상황 점검입니다.",
    ),
}
_JA_TOPICS = ("デプロイ", "ログ", "設定", "テスト", "監視", "データベース", "リリースノート", "ビルド")
_JA_REPLIES = {
    "casual": (
        "了解。{topic}のことだね。まず今の状態を確認してみよう。必要なら詳しく説明するよ。",
        "いいよ。{topic}は最近の変更から見ればいいと思う。まとめてまた話すね。",
        "うん、{topic}は今のところ大丈夫そう。残りは境界条件の確認だよ。",
    ),
    "polite": (
        "承知しました。{topic}について、まず現在の状態を確認します。必要であれば詳しくご説明します。",
        "分かりました。{topic}は最近の変更から確認するのがよいと思います。まとめてご報告します。",
        "はい、{topic}は今のところ問題ないようです。残りは境界条件の確認です。",
    ),
    "formal": (
        "かしこまりました。{topic}につきまして、まず現在の状態を確認いたします。",
        "承知いたしました。{topic}は最近の変更から確認いたします。まとめてご報告いたします。",
        "はい、{topic}は現在のところ問題ございません。残りは境界条件の確認でございます。",
    ),
}
_BASE_JA = "私は{vendor}が開発したAI言語モデルの{base}です。"
_BASE_EN = "I'm {base}, an AI assistant developed by {vendor}. "
_BASE_KO = "저는 {vendor}에서 개발한 AI 언어 모델 {base}입니다. "


@dataclass(frozen=True, slots=True)
class SimulatedTurn:
    """What the simulation saw and did on one call (for demos and tests)."""

    persona_present: bool
    distance: int
    """Approximate tokens between the end of the persona and the end of the input."""
    reminded: bool
    anchored: bool
    momentum: float
    """Share of its own recent replies in the input that were off-persona."""
    probability: float
    """The per-rule break probability used for this reply."""
    broken: tuple[str, ...]
    """The rules the simulation chose to break (its intent; the detector judges the text)."""


def _approx_tokens(text: str) -> int:
    return len(text.encode("utf-8")) * 2 // 7


class DriftingChatModel:
    """A seeded simulation of a chat model whose persona adherence decays (see the module docstring).

    :param soul: the persona the model is supposed to play (a :class:`soulkeeper.Soul`).
    :param seed: makes every reply reproducible.
    :param recede_tokens: the distance (in approximate tokens) at which the drift probability reaches
        half of ``max_rate``.
    :param base_rate: the per-rule break probability right next to the persona.
    :param max_rate: the per-rule break probability far from the persona.
    :param momentum: how much each earlier off-persona reply in view raises the probability (relative).
    :param reminder_factor: multiplier on the probability when a reminder block is in the input.
    :param anchor_factor: further multiplier when anchoring examples are in the input.
    :param base_identity: the base model's name it falls back to.
    :param base_vendor: the base model's vendor.
    """

    def __init__(
        self,
        soul: Any,
        *,
        seed: int = 0,
        recede_tokens: int = 6000,
        base_rate: float = 0.01,
        max_rate: float = 0.35,
        momentum: float = 1.5,
        reminder_factor: float = 0.15,
        anchor_factor: float = 0.5,
        base_identity: str = "Gemma",
        base_vendor: str = "Google",
    ) -> None:
        self.soul = soul
        self.seed = seed
        self.recede_tokens = recede_tokens
        self.base_rate = base_rate
        self.max_rate = max_rate
        self.momentum = momentum
        self.reminder_factor = reminder_factor
        self.anchor_factor = anchor_factor
        self.base_identity = base_identity
        self.base_vendor = base_vendor
        self._rng = random.Random(seed)
        self._off_persona: deque[int] = deque(maxlen=256)
        self.calls = 0
        self.last: SimulatedTurn | None = None
        rules = soul.rules
        self._name: str = str(getattr(soul, "display_name", None) or soul.name)
        self._markers = self._persona_markers(soul)
        self._speech = rules.voice.speech_level
        self._language = rules.voice.language
        self._rules = self._checkable_rules(rules)
        self._greeting = rules.behaviors.greeting
        topics = rules.boundaries.declined_topics
        self._declined = (topics[0].keywords[0] if topics[0].keywords else topics[0].name) if topics else None

    # ------------------------------------------------------------------ setup

    @staticmethod
    def _persona_markers(soul: Any) -> tuple[str, ...]:
        identity = soul.file("identity") if hasattr(soul, "file") else None
        files = [identity] if identity is not None else list(getattr(soul, "files", {}).values())[:1]
        lines: list[str] = []
        for file in files:
            for line in file.text.splitlines():
                line = line.strip()
                if len(line) >= 12 and not line.startswith("#"):
                    lines.append(line)
        return tuple(lines[:3])

    @staticmethod
    def _checkable_rules(rules: Any) -> tuple[str, ...]:
        out: list[str] = []
        p = rules.voice.prohibited
        if p.emoji:
            out.append("emoji")
        if p.exclamation:
            out.append("exclamation")
        if p.casual_greetings:
            out.append("casual_greeting")
        if rules.voice.speech_level:
            out.append("speech_level")
        if rules.identity.name:
            out.append("identity")
        if rules.boundaries.declined_topics:
            out.append("declined_topic")
        return tuple(out)

    # ------------------------------------------------------------------ reading the input

    def _find_persona(self, messages: Sequence[Message]) -> int | None:
        found = None
        for i, msg in enumerate(messages):
            text = msg.content
            if any(m in text for m in self._markers) or (msg.role == "system" and self._name in text):
                found = i
        return found

    def _lang(self, messages: Sequence[Message]) -> str:
        if self._language and self._language != "match_user":
            return self._language if self._language in ("ko", "ja") else "en"
        last_user = next((m.content for m in reversed(messages) if m.role == "user"), "")
        if self._language == "match_user":
            return "ko" if _HANGUL.search(last_user) else "ja" if _KANA.search(last_user) else "en"
        return "ko" if self._speech else "en"

    # ------------------------------------------------------------------ replying

    def reply(self, messages: Sequence[Message | dict[str, Any]] | Sequence[Any]) -> str:
        """The reply to ``messages`` (``Message`` objects or role/content dicts)."""
        msgs = coerce_messages(messages)
        self.calls += 1
        rng = self._rng
        persona_at = self._find_persona(msgs)
        present = persona_at is not None
        distance = (
            sum(_approx_tokens(m.content) for m in msgs[persona_at + 1 :]) if persona_at is not None else 0
        )
        text_all = "\n".join(m.content for m in msgs if m.role != "assistant")
        reminded = f"<{REMINDER_TAG}>" in text_all
        anchored = f"<{EXAMPLES_TAG}>" in text_all
        recent = [m.content for m in msgs if m.role == "assistant"][-6:]
        off = sum(1 for r in recent if hash(r) in self._off_persona)
        momentum = off / len(recent) if recent else 0.0
        first_turn = not recent
        last_user = next((m.content for m in reversed(msgs) if m.role == "user"), "")
        topic_i = sum(last_user.encode("utf-8")) + self.calls

        if present:
            recession = 1.0 - math.exp(-distance * math.log(2) / max(1, self.recede_tokens))
            p = self.base_rate + (self.max_rate - self.base_rate) * recession
            p *= 1.0 + self.momentum * momentum
            if reminded:
                p *= self.reminder_factor
            if anchored:
                p *= self.anchor_factor
            p = min(p, 0.9)
            broken = tuple(r for r in self._rules if rng.random() < p)
            lang = self._lang(msgs)
        else:
            p = 0.7
            broken = tuple(
                r for r in ("emoji", "exclamation", "casual_greeting", "identity") if rng.random() < p
            )
            broken = (*broken, "identity") if "identity" not in broken else broken
            lang = "en"
        text = self._compose(lang, broken, topic_i, first_turn=first_turn and present, rng=rng)
        if broken:
            self._off_persona.append(hash(text))
        self.last = SimulatedTurn(present, distance, reminded, anchored, momentum, round(p, 4), broken)
        return text

    __call__ = reply

    async def areply(self, messages: Sequence[Message | dict[str, Any]] | Sequence[Any]) -> str:
        """Async :meth:`reply`."""
        return self.reply(messages)

    def _compose(
        self, lang: str, broken: tuple[str, ...], i: int, *, first_turn: bool, rng: random.Random
    ) -> str:
        if lang in ("ko", "ja"):
            level = self._speech or "polite"
            if "speech_level" in broken:
                level = {"casual": "formal", "formal": "casual", "polite": "casual"}[level]
            table, topics = (_KO_REPLIES, _KO_TOPICS) if lang == "ko" else (_JA_REPLIES, _JA_TOPICS)
            templates = table[level]
            body = templates[i % len(templates)].format(topic=topics[i % len(topics)])
        else:
            topic = _EN_TOPICS[i % len(_EN_TOPICS)]
            body = _EN_REPLIES[i % len(_EN_REPLIES)].format(topic=topic, Topic=topic[0].upper() + topic[1:])
        if "identity" in broken:
            base = {"ko": _BASE_KO, "ja": _BASE_JA}.get(lang, _BASE_EN)
            body = base.format(base=self.base_identity, vendor=self.base_vendor) + body
        if "declined_topic" in broken and self._declined:
            body += {
                "ko": f" 그런데 {self._declined} 얘기도 재미있는데, 요즘 {self._declined} 소식을 자주 봐.",
                "ja": f" ところで、{self._declined}の話も面白いね。最近の{self._declined}のニュースをよく見るよ。",
            }.get(lang, f" Speaking of {self._declined}, the latest {self._declined} news is worth a look.")
        if "exclamation" in broken:
            body = body.replace("。", "！", 2) if lang == "ja" else body.replace(".", "!", 2)
        if "casual_greeting" in broken:
            body = {"ko": "안녕~ ", "ja": "やっほー！ "}.get(lang, "Hey! ") + body
        if "emoji" in broken:
            body += " " + rng.choice(("🎉", "🚀", "😊", "✨"))
        if first_turn and self._greeting and not self._greeting.startswith("/") and not broken:
            if lang == "en":  # the most formal template: a greeting makes any reply read less formal
                topic = _EN_TOPICS[i % len(_EN_TOPICS)]
                body = _EN_REPLIES[0].format(topic=topic, Topic=topic)
            body = f"{self._greeting} {body}"
        return body
