"""Korean speech level (하십시오체 / 해요체 / 반말) from sentence-final endings, via kiwipiepy.

One ``Kiwi`` analyser is created lazily (about 1 s, ~350 MB with the typo and multi-word dictionaries
off) and shared by every caller; calls are serialised with a lock, since kiwipiepy does not document its
analyser as safe to use from several threads at once.

Rule, per sentence (the text is split at sentence punctuation, line breaks and ``~``; quoted text —
"…", “…”, ‘…’, 「…」, 『…』 — is skipped; an ending followed by a quotative particle (…라고, …고 하다)
and a sentence that the next one reports ("같이 갈래? 이랬어요.", "…, 라고 했어요.") are reported speech,
not the speaker's own ending):

* 하십시오체 (formal): the final ending ends in ㅂ니다 / 습니다 / ㅂ니까 / 습니까 / ㅂ시오 / 십시오 / ㅂ시다 / 십쇼;
* 해요체 (polite): it ends in 요 or 죠, or a noun fragment takes the polite particle 요 ("저요");
* 반말 (casual): any other sentence-final ending (어/아/다/자/니/냐/ㄹ게/구나/ㄹ래/어라/ㅁ …);
* weak evidence of 반말, counted only when no sentence of the text is polite: a connective ending left
  at the end of a sentence ("…하는데"), a short exclamation on an adjective ("와 진짜 멋있다!",
  "다행이다." — self-talk that polite speakers use too), a casual interjection ("응", "그래", "안녕"), a
  bare noun question ("고양이는?"), a 반말 pronoun (나, 너) in a sentence without an ending;
* a sentence with the humble pronoun 저/저희 or a humble verb (드리다, 뵙다) never counts as strong 반말;
* a sentence that ends in a noun, number or symbol gives no evidence.

The text is "formal" or "polite" when every decided sentence is honorific (formal when 하십시오체
sentences are at least as many as 해요체 ones), "casual" when none is, "mixed" when both occur and
"undecided" when no sentence gives evidence.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from soulkeeper.drift._speech import SentenceLevel, aggregate
from soulkeeper.errors import MissingExtraError

_FORMAL_ENDS = ("니다", "시오", "시다", "십쇼", "ᆸ쇼", "디다")
_POLITE_ENDS = ("요", "죠")
# endings that close a sentence in 반말 even when Kiwi tags them as connective (EC)
_CASUAL_EC = frozenset(
    ("니", "냐", "지", "래", "ᆯ래", "게", "ᆯ게", "자", "네", "어", "아", "야", "구나", "군", "거든", "잖아")
)
# final endings that often just trail off ("…하는데", "…인지"): weak evidence
_TRAILING = (
    "는데",
    "ᆫ데",
    "은데",
    "던데",
    "는지",
    "ᆫ지",
    "은지",
    "던지",
    "지만",
    "다고",
    "라고",
    "냐고",
    "자고",
    "면서",
    "니까",
    "으니까",
)
_CASUAL_IC = frozenset(
    ("응", "엉", "웅", "어", "그래", "ㅇㅇ", "ㅇㅋ", "아니", "야", "안녕", "헐", "그치", "맞아")
)
_POLITE_IC = frozenset(("네", "예", "아니요", "아뇨", "안녕하세요", "안녕하십니까"))
_HUMBLE_NP = frozenset(("저", "저희", "당신"))
_HUMBLE_WORDS = frozenset(("드리", "뵙", "여쭈", "여쭙", "올리", "모시", "말씀"))
_CASUAL_NP = frozenset(("나", "너", "니", "너희", "니들", "너네"))
_SYMBOL_TAGS = frozenset(("SF", "SP", "SS", "SSO", "SSC", "SE", "SO", "SW", "SB", "SH", "SL", "SN"))
# what may follow the final ending: an afterthought or vocative ("있나요 그러면?", "많지 추석에는", "반가워, 세리")
_AFTER_ENDING_OK = frozenset(
    "NNG NNP NNB NP NR MAG MAJ MM IC SN SL XSN XPN JKS JKC JKG JKO JKB JKV JX JC".split()  # noqa: SIM905
)
_OPEN_QUOTES = frozenset("“‘「『«")
_CLOSE_QUOTES = {"“": "”", "‘": "’", "「": "」", "『": "』", "«": "»"}
_QUOTATIVE_EC = frozenset(("고", "라고", "다고", "자고", "냐고", "으라고", "라는", "다는", "냐는"))
_REPORTING_STARTS = frozenset(("이렇", "이러", "그러", "그렇", "하", "라고", "하고", "이라고", "고"))

_lock = threading.Lock()
_kiwi: Any = None


def _analyser() -> Any:
    global _kiwi
    if _kiwi is None:
        with _lock:
            if _kiwi is None:
                try:
                    from kiwipiepy import Kiwi
                except ImportError as exc:
                    raise MissingExtraError("Korean speech level", "ko") from exc
                _kiwi = Kiwi(load_typo_dict=False, load_multi_dict=False)
    return _kiwi


def _tokens(text: str) -> list[Any]:
    kiwi = _analyser()
    with _lock:
        return list(kiwi.tokenize(text))


def _has_final_b(ch: str) -> bool:
    """True for ᆸ/습 or a Hangul syllable whose final consonant is ㅂ (랍, 답, 입)."""
    return ch in ("ᆸ", "습") or ("가" <= ch <= "힣" and (ord(ch) - 0xAC00) % 28 == 17)


def _classify_ending(form: str) -> str:
    if form.endswith(_FORMAL_ENDS) or (form.endswith("니까") and len(form) > 2 and _has_final_b(form[-3])):
        return "formal"
    if form.endswith(_POLITE_ENDS):
        return "polite"
    return "casual"


def _unwrap(text: str) -> tuple[str, list[int] | None]:
    """Undo CSV-style quoting (a text wrapped whole in quotes, doubled quotes inside).

    Returns the text and, when it changed, the original offset of each of its characters.
    """
    stripped = text.strip()
    if not (len(stripped) > 1 and stripped[0] == '"' and stripped[-1] == '"') and '""' not in text:
        return text, None
    start = text.index(stripped[0])
    lo, hi = start, start + len(stripped)
    if stripped[0] == '"' and stripped[-1] == '"' and len(stripped) > 1:
        lo, hi = lo + 1, hi - 1
    chars: list[str] = []
    where: list[int] = []
    i = lo
    while i < hi:
        chars.append(text[i])
        where.append(i)
        i += 2 if text[i] == '"' and i + 1 < hi and text[i + 1] == '"' else 1
    where.append(hi)
    return "".join(chars), where


def _drop_quotes(text: str, tokens: list[Any]) -> list[Any]:
    """Remove tokens inside quotation marks: quoted speech is not the speaker's own ending."""
    out: list[Any] = []
    closer: str | None = None
    ascii_open = False
    for tok in tokens:
        form = tok.form
        if closer is not None:
            if form == closer:
                closer = None
            continue
        if ascii_open:
            if form in ('"', "”"):
                ascii_open = False
            continue
        if form in _OPEN_QUOTES and _CLOSE_QUOTES[form] in text[tok.start + tok.len :]:
            closer = _CLOSE_QUOTES[form]
            continue
        if form == '"' and '"' in text[tok.start + tok.len :]:
            ascii_open = True
            continue
        out.append(tok)
    return out


def _sentences(text: str, tokens: list[Any]) -> list[tuple[list[Any], str]]:
    """Split tokens into sentences at sentence punctuation, ellipses, "~" and line breaks."""
    chunks: list[tuple[list[Any], str]] = []
    current: list[Any] = []
    prev_end = 0
    for tok in tokens:
        if "\n" in text[prev_end : tok.start] and current:
            chunks.append((current, ""))
            current = []
        prev_end = tok.start + tok.len
        if tok.tag in ("SF", "SE") or (tok.tag == "SO" and tok.form.startswith("~")):
            if current:
                chunks.append((current, tok.form))
                current = []
            continue
        current.append(tok)
    if current:
        chunks.append((current, ""))
    return chunks


def _evidence(chunk: list[Any], terminator: str) -> tuple[str, bool] | None:
    """Return (level, strong) for one sentence, or None when it gives no evidence."""
    content = [t for t in chunk if t.tag not in _SYMBOL_TAGS and not t.tag.startswith("W_")]
    if not content:
        return None
    found = _final_evidence(content, terminator)
    if found is not None:
        return found
    # weak hints when the sentence trails off: a clause closed before a comma ("기간이야, 내 말은 …"),
    # an opening "응," / "네,", or a 반말 pronoun (너, 니)
    for i, tok in enumerate(chunk[:-1]):
        if tok.tag == "EF" and chunk[i + 1].tag == "SP" and tok.form not in _QUOTATIVE_EC:
            return _classify_ending(tok.form), False
    first = content[0]
    if first.form in _CASUAL_IC and first.tag == "IC":
        return "casual", False
    if first.form in _POLITE_IC:
        return "polite", False
    if any(t.tag == "NP" and t.form in _CASUAL_NP for t in content) and not any(
        t.tag == "NP" and t.form in _HUMBLE_NP for t in content
    ):
        return "casual", False
    return None


def _final_evidence(content: list[Any], terminator: str) -> tuple[str, bool] | None:
    humble = any((t.tag == "NP" and t.form in _HUMBLE_NP) or t.form in _HUMBLE_WORDS for t in content)
    subject_honorific = any(t.tag == "EP" and t.form in ("시", "으시") for t in content)
    # the last ending, allowing only an afterthought noun or vocative after it ("반가워, 세리")
    end = None
    for i in range(len(content) - 1, max(len(content) - 5, -1), -1):
        tok = content[i]
        if tok.tag in ("EF", "EC") or (tok.tag == "JX" and tok.form.endswith("요")):
            end = i
            break
        if tok.tag not in _AFTER_ENDING_OK:
            break
    if end is not None:
        tok = content[end]
        nxt = content[end + 1] if end + 1 < len(content) else None
        if tok.tag == "JX" or (nxt is not None and nxt.tag == "JX" and nxt.form.endswith("요")):
            return "polite", True
        level = _classify_ending(tok.form)
        if level != "casual":
            return level, True
        if tok.form.endswith(_TRAILING) or (tok.tag == "EC" and tok.form not in _CASUAL_EC):
            if tok.form in _QUOTATIVE_EC or subject_honorific or humble or nxt is not None:
                return None
            return "casual", False
        head = end - 1
        while head >= 0 and content[head].tag == "EP":
            head -= 1
        adjective = head >= 0 and content[head].tag in ("VA", "VA-I", "VCP", "XSA")
        if tok.form == "다" and adjective and len(content) <= 4:
            # a short exclamation to oneself ("와 진짜 멋있다!", "다행이다.") also occurs in polite talk
            return "casual", False
        return "casual", not humble
    last = content[-1]
    if len(content) <= 2 and last.form in _POLITE_IC:
        return "polite", False
    if len(content) <= 2 and last.form in _CASUAL_IC:
        return "casual", False
    if humble or subject_honorific:
        return None
    if terminator.startswith("?") or any(t.tag == "NP" and t.form in _CASUAL_NP for t in content):
        return "casual", False  # "소와 돼지도?", "나는 크리스마스." (polite would add 요 / use 저)
    return None


def _is_reporting(chunk: list[Any]) -> bool:
    """A sentence that reports the previous one as speech: "이랬어요.", "제가 나도 몰라, 라고 했어요."."""
    first = next((t for t in chunk if t.tag not in _SYMBOL_TAGS), None)
    if (
        first is not None
        and first.form in _REPORTING_STARTS
        and first.tag in ("VV", "VA", "VA-I", "JKQ", "XSV")
    ):
        return True
    return any(t.tag == "JKQ" for t in chunk)


# The fast path: a text whose every sentence visibly ends in an honorific ending needs no analysis.
# Text made of Hangul syllables and unquoted ASCII only (no quotes, so no quoted or CSV-wrapped speech);
# split where the analyser splits (. ? ! … ~ and line breaks).
_FAST_TEXT = re.compile(r"[\uac00-\ud7a3\x09\x0a\x0d\x20\x21\x23-\x26\x28-\x7e…]*")
_FAST_SPLIT = re.compile(r"[.?!…~\n]+")
# endings no noun ends with: 하십시오체 습니다/습니까/십시오 (ㅂ니다 and ㅂ니까 are checked by the final
# consonant), and 해요체 forms of 요 after a verb ending or copula (not 필요, 중요, 주요 … nor 가요)
_FAST_FORMAL = ("습니다", "습니까", "십시오")
_FAST_POLITE = (
    *("세요", "에요", "예요", "어요", "아요", "해요", "네요", "군요", "까요", "나요", "래요", "데요"),
    *("게요", "대요", "워요", "와요", "줘요", "봐요", "돼요", "져요", "셔요", "지요", "려요", "죠"),
)
_FAST_B_ENDS = ("니다", "니까")


def _fast_levels(text: str) -> list[SentenceLevel] | None:
    """The sentence levels without running the analyser, when every sentence ends honorifically.

    ``None`` when any sentence is not plainly formal or polite (the analyser decides then); the result is
    the same as the analyser's (bench/drift_eval_korean.py --compare-fast-path checks it on the data).
    """
    if _FAST_TEXT.fullmatch(text) is None:
        return None
    found: list[SentenceLevel] = []
    start = 0
    for cut in (*_FAST_SPLIT.finditer(text), None):
        if (
            cut is not None
            and cut.end() < len(text)
            and not text[cut.end()].isspace()
            and "\n" not in cut.group()
        ):
            return None  # "v1.2", "1~2개", "다.다음": the analyser may not split there
        end = len(text) if cut is None else cut.start()
        chunk = text[start:end]
        start = end if cut is None else cut.end()
        stripped = chunk.strip()
        if not stripped:
            continue
        if stripped.isascii():
            if any(c.isalnum() for c in stripped) and not stripped.replace(" ", "").isalnum():
                return None  # Latin words and symbols only: safest to let the analyser look
            continue  # Latin words or numbers alone give no evidence
        if stripped.endswith(_FAST_FORMAL) or (
            stripped.endswith(_FAST_B_ENDS) and len(stripped) > 2 and _has_final_b(stripped[-3])
        ):
            level = "formal"
        elif stripped.endswith(_FAST_POLITE) and len(stripped) > 2:
            level = "polite"
        else:
            return None
        lead = len(chunk) - len(chunk.lstrip())
        offset = end - len(chunk) + lead
        found.append(SentenceLevel((offset, offset + len(stripped)), level, True))  # type: ignore[arg-type]
    return found or None


def korean_sentence_levels(text: str) -> list[SentenceLevel]:
    """Per-sentence register evidence for Korean ``text``; spans index ``text`` (see module doc)."""
    _analyser()  # the ko extra is required either way
    fast = _fast_levels(text)
    if fast is not None:
        return fast
    analysed, where = _unwrap(text)
    if not analysed.strip():
        return []
    tokens = _drop_quotes(analysed, _tokens(analysed))
    chunks = _sentences(analysed, tokens)
    found: list[SentenceLevel] = []
    for i, (chunk, terminator) in enumerate(chunks):
        ev = _evidence(chunk, terminator)
        if ev is None:
            continue
        level, strong = ev
        if level == "casual" and i + 1 < len(chunks) and _is_reporting(chunks[i + 1][0]):
            continue  # "같이 갈래? 이랬어요." — reported speech without quotation marks
        start, end = chunk[0].start, chunk[-1].start + chunk[-1].len
        if where is not None:
            start, end = where[start], where[end - 1] + 1
        found.append(SentenceLevel((start, end), level, strong))  # type: ignore[arg-type]
    return found


def korean_speech_level(text: str) -> str:
    """Return "formal", "polite", "casual", "mixed" or "undecided" for Korean ``text`` (see module doc)."""
    return aggregate(korean_sentence_levels(text))
