"""Japanese politeness (keigo / desu-masu / plain) via fugashi with the unidic-lite dictionary.

One tagger is created lazily and shared; calls are serialised with a lock (MeCab taggers are not safe
to share between threads).

Rule, per sentence (split at 。！？!? and line breaks; text inside 「…」『…』"…" is skipped):

* polite when its last clause (after the last 、) has the auxiliary ます or です (でしょう included, the
  casual tag question でしょ not), ください or なさい — or an earlier clause has one and the last clause
  trails off without a plain ending ("…ですが、…ので");
* formal (keigo) when, in addition, a humble or honorific verb occurs (致す, 御座る/ございます, 申す, 参る,
  いらっしゃる, おっしゃる, 存じる, 伺う, 召し上がる, 頂く/いただく, 差し上げる, なさる, おる);
* casual when its last clause ends (ignoring sentence-final particles and symbols) in a plain verb or
  auxiliary form (終止形, 連体形, 命令形, 意志推量形: 行く, だ, た, ろう), or in a casual sentence-final
  particle after a plain form (じゃん, ぜ, ぞ, さ, よ, ね, わ, かな);
* weak evidence of plain speech, counted only when no sentence of the text is polite: a bare
  adjective ("面白い！"), a lone か ("何て言ったらいいか。"), a conjunctive particle at the end
  ("…して、", "…けど"), a bare question ("どう？", "好きなのは？"), a casual particle after a noun;
* a statement ending in a noun ("運動会の日。") gives no evidence.

Aggregation as for Korean: "formal"/"polite" when every decided sentence is, "casual" when none is,
"mixed" when both occur, "undecided" when nothing decides.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from soulkeeper.drift._speech import SentenceLevel, aggregate
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


Word = tuple[str, str, str, str, str, str]  # surface, pos1, pos2, cType, cForm, lemma


def _is_polite(w: Word, nxt: Word | None) -> bool:
    if w[5] == "下さる" or (w[5] == "為さる" and w[0] == "なさい"):  # ください, おやすみなさい
        return True
    if w[3] not in _POLITE_CTYPES:
        return False
    # "分かるでしょ" (without う) is the casual tag question, not です
    return not (w[0] == "でしょ" and (nxt is None or nxt[1] != "助動詞"))


def _clauses(words: list[Word]) -> list[list[Word]]:
    out: list[list[Word]] = [[]]
    for w in words:
        if w[1] == "補助記号" and w[2] == "読点":
            if out[-1]:
                out.append([])
            continue
        if w[1] in ("補助記号", "空白", "記号"):
            continue
        out[-1].append(w)
    return [c for c in out if c]


def _clause_ending(clause: list[Word], *, question: bool) -> tuple[str, bool] | None:
    """Judge a clause without polite markers by how it ends."""
    tail = list(clause)
    particles: list[str] = []
    while tail and tail[-1][1] == "助詞" and tail[-1][2] == "終助詞":
        particles.append(tail[-1][0])
        tail.pop()
    casual_particle = any(p in _CASUAL_PARTICLES for p in particles)
    if not tail:
        return ("casual", True) if casual_particle else None
    surface, pos1, pos2, ctype, cform, _lemma = tail[-1]
    plain = pos1 in ("動詞", "形容詞", "助動詞") and cform.startswith(_PLAIN_FORMS)
    if particles == ["か"]:
        return "casual", False  # "何て言ったらいいか。" — self-directed, also in polite talk
    if casual_particle:
        return "casual", plain  # "行くよ" is plain speech; "…よりもね" only hints at it
    if plain:
        if ctype == "助動詞-ダ" and cform.startswith("連体形"):
            return None  # "…のような" trails off
        if pos1 == "形容詞":
            return "casual", False  # "面白い！", "素晴らしい。" — reactions, also in polite talk
        return "casual", True
    if pos1 == "感動詞":
        return ("casual", False) if surface in _CASUAL_INTERJECTIONS and len(clause) == 1 else None
    if pos1 == "助詞" and pos2 in ("接続助詞", "準体助詞"):
        return "casual", False
    if question and pos1 in ("名詞", "代名詞", "副詞", "助詞", "形状詞"):
        return "casual", False  # "一番好きなのは？", "どう？" — polite would add ですか
    return None  # a statement ending in a noun ("運動会の日。") says nothing about politeness


def _sentence_evidence(sentence: str) -> tuple[str, bool] | None:
    words = _words(sentence)
    clauses = _clauses(words)
    if not clauses:
        return None
    question = sentence.rstrip().endswith(("?", "？", "か"))
    flat = [w for c in clauses for w in c]
    polite_at = [i for i, w in enumerate(flat) if _is_polite(w, flat[i + 1] if i + 1 < len(flat) else None)]
    keigo = any(w[1] == "動詞" and (w[5] in _KEIGO_LEMMAS or w[0] in ("おり", "おる")) for w in flat)
    honorific = "formal" if keigo else "polite"
    final = clauses[-1]
    start = len(flat) - len(final)
    if any(i >= start for i in polite_at):
        return honorific, True
    ending = _clause_ending(final, question=question)
    if ending is not None and ending[1]:
        return ending
    if polite_at:
        return honorific, True  # "…ですが、…ので" trails off after a polite clause
    if ending is not None:
        return ending
    for clause in clauses[:-1]:  # "それはすごいね、あなたは"
        inner = _clause_ending(clause, question=False)
        if inner is not None and inner[1]:
            return "casual", False
    return None


def japanese_sentence_levels(text: str) -> list[SentenceLevel]:
    """Per-sentence register evidence for Japanese ``text``; spans index ``text`` (see module doc)."""
    blanked = _QUOTE_RE.sub(lambda m: " " * len(m.group(0)), text)  # same length: spans stay valid
    found: list[SentenceLevel] = []
    for match in _SENTENCE_RE.finditer(blanked):
        sentence = match.group(0)
        ev = _sentence_evidence(sentence.strip())
        if ev is None:
            continue
        lead = len(sentence) - len(sentence.lstrip())
        trail = len(sentence) - len(sentence.rstrip())
        found.append(SentenceLevel((match.start() + lead, match.end() - trail), ev[0], ev[1]))  # type: ignore[arg-type]
    return found


def japanese_speech_level(text: str) -> str:
    """Return "formal", "polite", "casual", "mixed" or "undecided" for Japanese ``text`` (see module doc)."""
    return aggregate(japanese_sentence_levels(text))
