"""Korean speech level (하십시오체 / 해요체 / 반말) from sentence-final endings, via kiwipiepy.

One ``Kiwi`` analyser is created lazily (about 1 s, ~350 MB with the typo and multi-word dictionaries
off) and shared by every caller; calls are serialised with a lock, since kiwipiepy does not document its
analyser as safe to use from several threads at once.

Rule, per sentence (the text is split at sentence punctuation, line breaks and ``~``; quoted text —
"…", “…”, ‘…’, 「…」, 『…』 — is skipped, and an ending followed by a quotative particle (…라고, …고 하다)
is reported speech, not the speaker's own ending):

* 하십시오체 (formal): the final ending ends in ㅂ니다 / 습니다 / ㅂ니까 / 습니까 / ㅂ시오 / 십시오 / ㅂ시다 / 십쇼;
* 해요체 (polite): it ends in 요 or 죠, or a noun fragment takes the polite particle 요 ("저요");
* 반말 (casual): any other sentence-final ending (어/아/다/자/니/냐/ㄹ게/구나/ㄹ래/어라/ㅁ …);
* a connective ending left at the end of a sentence ("…하는데", "…거든") or a casual interjection
  ("응", "그래") is weak evidence of 반말: it counts only when no sentence of the text is polite;
* a sentence that ends in a noun, number or symbol gives no evidence.

The text is "formal" or "polite" when every decided sentence is honorific (formal when 하십시오체
sentences are at least as many as 해요체 ones), "casual" when none is, "mixed" when both occur and
"undecided" when no sentence gives evidence.
"""

from __future__ import annotations

import threading
from typing import Any

from soulkeeper.errors import MissingExtraError

_FORMAL_ENDS = ("ᆸ니다", "습니다", "ᆸ니까", "습니까", "ᆸ시오", "십시오", "ᆸ시다", "읍시다", "십쇼", "ᆸ쇼")
_POLITE_ENDS = ("요", "죠", "쇼")
_CASUAL_IC = frozenset(("응", "엉", "웅", "어", "그래", "ㅇㅇ", "ㅇㅋ", "아니", "야", "헐", "대박"))
_SKIP_TAGS = frozenset(
    ("SF", "SP", "SS", "SSO", "SSC", "SE", "SO", "SW", "SB", "W_EMOJI", "W_URL", "W_EMAIL")
)
_OPEN_QUOTES = frozenset("“‘「『«")
_CLOSE_QUOTES = {"“": "”", "‘": "’", "「": "」", "『": "』", "«": "»"}
_QUOTATIVE_EC = frozenset(("고", "라고", "다고", "자고", "냐고", "으라고", "라는", "다는", "냐는"))

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


def _classify_ending(form: str) -> str:
    if form.endswith(_FORMAL_ENDS):
        return "formal"
    if form.endswith(_POLITE_ENDS):
        return "polite"
    return "casual"


def _drop_quotes(text: str, tokens: list[Any]) -> list[Any]:
    """Remove tokens inside quotation marks (and reported-speech particles after them)."""
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
        if form in _OPEN_QUOTES:
            closer = _CLOSE_QUOTES[form]
            continue
        if (form == '"' and tok.tag == "SSO") or (form == '"' and not _has_closing(text, tok)):
            ascii_open = form == '"' and _has_closing(text, tok)
            continue
        out.append(tok)
    return out


def _has_closing(text: str, tok: Any) -> bool:
    return '"' in text[tok.start + tok.len :] or "”" in text[tok.start + tok.len :]


def _sentences(text: str, tokens: list[Any]) -> list[list[Any]]:
    chunks: list[list[Any]] = [[]]
    prev_end = 0
    for tok in tokens:
        if "\n" in text[prev_end : tok.start] and chunks[-1]:
            chunks.append([])
        prev_end = tok.start + tok.len
        if tok.tag == "SF" or (tok.tag == "SO" and tok.form.startswith("~")):
            if chunks[-1]:
                chunks.append([])
            continue
        chunks[-1].append(tok)
    return [c for c in chunks if c]


def _evidence(chunk: list[Any]) -> list[tuple[str, bool]]:
    """Return (level, strong) for each final ending of one sentence."""
    found: list[tuple[str, bool]] = []
    content = [t for t in chunk if t.tag not in _SKIP_TAGS and not t.tag.startswith("W_")]
    if not content:
        return found
    n = len(content)
    for i, tok in enumerate(content):
        nxt = content[i + 1] if i + 1 < n else None
        if tok.tag == "EF":
            if nxt is not None and (nxt.tag == "JKQ" or (nxt.tag == "EC" and nxt.form in _QUOTATIVE_EC)):
                continue  # reported speech: "…간다고 했어요"
            if nxt is not None and nxt.tag == "JX" and nxt.form == "요":
                found.append(("polite", True))
                continue
            found.append((_classify_ending(tok.form), True))
    last = content[-1]
    if last.tag == "JX" and last.form == "요":
        if not found or found[-1] != ("polite", True):
            found.append(("polite", True))
    elif last.tag == "EC":
        if last.form.endswith(_POLITE_ENDS):
            found.append(("polite", True))
        elif last.form in ("니", "냐", "지", "래", "게", "자", "네"):
            found.append(("casual", True))
        elif last.form not in _QUOTATIVE_EC:
            found.append(("casual", False))
    elif last.tag == "IC":
        if last.form.endswith(_POLITE_ENDS):
            found.append(("polite", True))
        elif last.form in _CASUAL_IC and n == 1:
            found.append(("casual", False))
    return found


def korean_speech_level(text: str) -> str:
    """Return "formal", "polite", "casual", "mixed" or "undecided" for Korean ``text`` (see module doc)."""
    if not text.strip():
        return "undecided"
    tokens = _drop_quotes(text, _tokens(text))
    formal = polite = casual = weak_casual = 0
    for chunk in _sentences(text, tokens):
        for level, strong in _evidence(chunk):
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
