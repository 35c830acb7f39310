"""Japanese politeness (keigo / desu-masu / plain) via fugashi with the unidic-lite dictionary.

One tagger is created lazily and shared; calls are serialised with a lock (MeCab taggers are not safe
to share between threads).

Rule, per sentence (split at 。！？!? and line breaks; text inside 「…」『…』"…" is skipped):

* polite when the sentence has the auxiliary ます or です (でしょう included) or ください;
* formal (keigo) when, in addition, a humble or honorific verb occurs (致す, 御座る/ございます, 申す, 参る,
  いらっしゃる, おっしゃる, 存じる, 伺う, 召し上がる, 頂く/いただく, 差し上げる, なさる, くださる);
* casual when it has none of these and ends (ignoring sentence-final particles and symbols) in a plain
  verb, adjective or auxiliary form (終止形, 連体形, 命令形, 意志推量形: 行く, いい, だ, た, ろう), or in
  a sentence-final particle such as じゃん, ぜ, ぞ, さ, よ, ね, わ;
* a sentence that ends in a conjunctive particle (て, けど, から) or a bare noun is weak evidence of plain
  speech: it counts only when no sentence of the text is polite.

Aggregation as for Korean: "formal"/"polite" when every decided sentence is, "casual" when none is,
"mixed" when both occur, "undecided" when nothing decides.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from soulkeeper.errors import MissingExtraError

_POLITE_CTYPES = frozenset(("助動詞-マス", "助動詞-デス"))
_KEIGO_LEMMAS = frozenset(
    (
        "致す",
        "御座る",
        "申す",
        "参る",
        "いらっしゃる",
        "仰る",
        "存じる",
        "伺う",
        "召し上がる",
        "頂く",
        "差し上げる",
        "為さる",
        "申し上げる",
    )
)
_PLAIN_FORMS = ("終止形", "連体形", "命令形", "意志推量形")
_CASUAL_PARTICLES = frozenset(
    ("じゃん", "ぜ", "ぞ", "さ", "わ", "よ", "ね", "な", "の", "か", "かな", "っけ", "もん", "って", "ん")
)
_CASUAL_INTERJECTIONS = frozenset(("うん", "ううん", "ああ", "おう", "へえ", "やだ", "まじ"))
_SENTENCE_RE = re.compile(r"[^。！？!?\n]+[。！？!?]*")
_QUOTE_RE = re.compile(r"「[^「」]*」|『[^『』]*』|“[^“”]*”|\"[^\"\n]*\"")

_lock = threading.Lock()
_tagger: Any = None


def _get_tagger() -> Any:
    global _tagger
    if _tagger is None:
        with _lock:
            if _tagger is None:
                try:
                    import fugashi
                    import unidic_lite  # noqa: F401  (the dictionary fugashi.Tagger() loads)
                except ImportError as exc:
                    raise MissingExtraError("Japanese politeness", "ja") from exc
                _tagger = fugashi.Tagger()
    return _tagger


def _words(sentence: str) -> list[tuple[str, str, str, str, str, str]]:
    tagger = _get_tagger()
    with _lock:
        return [
            (
                w.surface,
                w.feature.pos1,
                w.feature.pos2,
                w.feature.cType or "*",
                w.feature.cForm or "*",
                w.feature.lemma or "",
            )
            for w in tagger(sentence)
        ]


def _sentence_evidence(sentence: str) -> tuple[str, bool] | None:
    words = [w for w in _words(sentence) if w[1] not in ("補助記号", "空白", "記号")]
    if not words:
        return None
    polite = any(w[3] in _POLITE_CTYPES or w[5] == "下さる" for w in words)
    if polite:
        keigo = any(w[1] == "動詞" and (w[5] in _KEIGO_LEMMAS or w[0] in ("おり", "おる")) for w in words)
        return ("formal" if keigo else "polite"), True
    tail = list(words)
    final_particle = False
    while tail and tail[-1][1] == "助詞" and tail[-1][2] == "終助詞":
        final_particle = final_particle or tail[-1][0] in _CASUAL_PARTICLES
        tail.pop()
    if not tail:
        return ("casual", True) if final_particle else None
    surface, pos1, pos2, _ctype, cform, _lemma = tail[-1]
    if pos1 in ("動詞", "形容詞", "助動詞") and cform.startswith(_PLAIN_FORMS):
        return "casual", True
    if final_particle:
        return "casual", True
    if pos1 == "感動詞":
        return ("casual", False) if surface in _CASUAL_INTERJECTIONS and len(words) == 1 else None
    if pos1 == "助詞" and pos2 in ("接続助詞", "準体助詞"):
        return "casual", False
    if pos1 in ("名詞", "代名詞", "形状詞") and len(words) > 1:
        return "casual", False
    return None


def japanese_speech_level(text: str) -> str:
    """Return "formal", "polite", "casual", "mixed" or "undecided" for Japanese ``text`` (see module doc)."""
    text = _QUOTE_RE.sub(" ", text)
    formal = polite = casual = weak_casual = 0
    for match in _SENTENCE_RE.finditer(text):
        ev = _sentence_evidence(match.group(0).strip())
        if ev is None:
            continue
        level, strong = ev
        if level == "formal":
            formal += 1
        elif level == "polite":
            polite += 1
        elif strong:
            casual += 1
        else:
            weak_casual += 1
    honorific = formal + polite
    if honorific and casual:
        return "mixed"
    if honorific:
        return "formal" if formal >= polite else "polite"
    if casual or weak_casual:
        return "casual"
    return "undecided"
