"""English formality: a small feature-based logistic model with weights shipped as constants.

Features are cheap counts taken with compiled regular expressions (no tokenizer, no model file). The
weights were fitted by ``bench/drift_fit_formality.py`` on the SQUINKY corpus (sentences rated 1–7 for
formality by people; rated ≥ 5 vs ≤ 3), a logistic regression with L2 penalty; the data itself does not
ship. The score is the model's probability that a reader would call the text formal.
"""

from __future__ import annotations

import math
import re
from operator import mul

from soulkeeper.drift._emoji import find_emoji

_SENT_RE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")
_EMOTICONS = (":)", ":(", ":D", ":P", ":p", ";)", ":-", ";-", "<3", "^^", "xD", "XD", ":/", "=)")
# punctuation and digits become spaces, so str.split() yields the words (apostrophes stay inside them)
_TO_SPACE = str.maketrans(dict.fromkeys(',.;:!?()[]{}"“”‘-—–/\\*_`<>|#@&+=~^%$0123456789', " "))
_REPEATS = ("!!", "??", "?!", "!?", "..")


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


_FIRST = _words("i me my mine myself")
_SECOND = _words("you your yours yourself yourselves u ur ya")
_SLANG = _words(
    """lol lmao rofl omg omfg wtf btw tbh imo imho idk fyi brb thx thanx pls plz gonna wanna gotta kinda
    sorta dunno lemme gimme ain't y'all yeah yea yep yup nope nah ok okay hey hi hiya hello wow whoa oh
    ooh uh um umm hmm huh haha hahaha hehe cool awesome stuff dude guys folks cuz coz cos gotcha nice yay
    oops damn darn crap heck suck sucks super totally pretty really just anyway anyways basically
    literally actually thanks tho thru gosh jeez dang ugh meh bro buddy kid kids lots bunch awful cheers
    bye thing things guy fun crazy weird dumb"""
)
_CONNECTIVES = _words(
    """however therefore moreover furthermore thus hence whereas although nevertheless nonetheless
    accordingly consequently additionally regarding according within whom whereby upon shall
    respectively subsequently approximately prior pursuant hereby therein notwithstanding"""
)
_ARTICLES = _words("the of a an which by from its their this")
_PREPOSITIONS = _words(
    """in on at for with about into over under between through during against among within without
    before after across toward towards upon of by from since despite following including per via"""
)
_CONTRACTION_TAILS = ("n't", "'m", "'re", "'ve", "'ll", "'d")
_CONTRACTION_HEADS = _words("it's that's there's what's who's here's let's he's she's")
_LATINATE_STEMS = "tion sion ment ity ance ence ive ous ism ist ial ical ize ise".split()  # noqa: SIM905
_LATINATE: tuple[str, ...] = (*_LATINATE_STEMS, *(x + "s" for x in _LATINATE_STEMS))
_FINAL_PUNCTUATION = frozenset((".", "!", "?", '"', "'", ")", ":", "”"))
_LOWER_I = (" i ", " i'", " i,", "\ni ")
# word -> the lexicon features it counts for (a word may count for several: "of" is an article-like
# function word and a preposition)
_DEICTIC = _words("this that these those")
_CONVERSATIONAL_STARTS = _words("and but so or plus also anyway well oh yes no yeah ok okay")
_DIGITS = "0123456789"
# the same tables for bytes, used on ASCII text (bytes.translate is several times faster)
_TO_SPACE_ASCII = b',.;:!?()[]{}"-/\\*_`<>|#@&+=~^%$0123456789'
_TO_SPACE_BYTES = bytes.maketrans(_TO_SPACE_ASCII, b" " * len(_TO_SPACE_ASCII))

# Per-word facts, computed once per distinct word and cached: (contraction, first person, second
# person, slang, connective, article-like, preposition, Latinate, longer than 7 letters, length, "not",
# deictic this/that/these/those).
_WORD_FACTS: dict[str, int] = {}
_WORD_FACTS_MAX = 50_000
_FIELDS = 12
_BITS = 24  # each fact is a 24-bit field of one integer, so a text's facts add up in one C-level sum
_MASK = (1 << _BITS) - 1
_SHIFTS = tuple(_BITS * i for i in range(_FIELDS))
_MAX_CHARS = (
    100_000  # longer texts are judged on their first 100,000 characters (keeps fields from overflowing)
)


def _word_facts(word: str) -> int:
    facts = (
        int(word.endswith(_CONTRACTION_TAILS) or word in _CONTRACTION_HEADS),
        int(word in _FIRST),
        int(word in _SECOND),
        int(word in _SLANG),
        int(word in _CONNECTIVES),
        int(word in _ARTICLES),
        int(word in _PREPOSITIONS),
        int(word.endswith(_LATINATE)),
        int(len(word) > 7),
        len(word),
        int(word == "not"),
        int(word in _DEICTIC),
    )
    code = sum(f << (_BITS * i) for i, f in enumerate(facts))
    if len(_WORD_FACTS) >= _WORD_FACTS_MAX:
        _WORD_FACTS.clear()  # bounded memory; refills from the words actually seen
    _WORD_FACTS[word] = code
    return code


#: Feature names, in the order of :data:`WEIGHTS`.
FEATURES: tuple[str, ...] = (
    "contractions",
    "first_person",
    "second_person",
    "lowercase_i",
    "slang",
    "connectives",
    "latinate",
    "long_words",
    "mean_word_length",
    "capitalised",
    "all_caps",
    "digits",
    "articles",
    "prepositions",
    "commas",
    "exclamations",
    "questions",
    "repeats",
    "emoticons",
    "lowercase_start",
    "no_final_punctuation",
    "words_per_sentence",
    "conversational_starts",
    "not",
    "deictic",
    "parentheses",
)

#: Fitted by bench/drift_fit_formality.py on SQUINKY (see docs/drift-signals.md); intercept first.
INTERCEPT = -10.77649611186868
WEIGHTS: tuple[float, ...] = (
    -25.81712519149272,  # contractions
    -22.390421846606536,  # first_person
    -14.637748269489377,  # second_person
    -3.3090728654771517,  # lowercase_i
    -28.486775197862713,  # slang
    8.215500465157477,  # connectives
    7.115103745640578,  # latinate
    2.512355232305614,  # long_words
    0.9980187865526982,  # mean_word_length
    2.6318667432050167,  # capitalised
    1.1751256960097909,  # all_caps
    1.3025951566965417,  # digits
    3.4110646348157734,  # articles
    3.16887723176802,  # prepositions
    3.2714230576248835,  # commas
    -4.8897335348057815,  # exclamations
    -3.5348206761843977,  # questions
    -1.9066416802924608,  # repeats
    -4.865213726754118,  # emoticons
    -1.0752533595008986,  # lowercase_start
    -2.701142012447585,  # no_final_punctuation
    1.9116617943388317,  # words_per_sentence
    -1.7251121998907402,  # conversational_starts
    -0.4137534506389509,  # not
    -4.546760897171384,  # deictic
    -1.7050654445799918,  # parentheses
)


def _has_emoticon(text: str) -> bool:
    """Whether one of :data:`_EMOTICONS` occurs (single-character tests first: they are much cheaper)."""
    if ":" in text or ";" in text:
        return any(map(text.__contains__, _EMOTICONS))
    return (
        ("<" in text and "<3" in text)
        or ("^" in text and "^^" in text)
        or ("=" in text and "=)" in text)
        or ("D" in text and ("xD" in text or "XD" in text))
    )


def formality_features(text: str) -> list[float]:
    """Return the raw feature values of ``text`` in the order of :data:`FEATURES`."""
    if "’" in text:
        text = text.replace("’", "'")
    if len(text) > _MAX_CHARS:
        text = text[:_MAX_CHARS]
    tokens = text.split()  # case features; punctuation attached does not matter for them
    low = text.lower()
    if not low.isascii():  # str.translate is fast on ASCII only; non-ASCII letters are rare in English
        low = low.encode("ascii", "ignore").decode("ascii")
    lw = (
        low.encode("ascii").translate(_TO_SPACE_BYTES).decode("ascii").split()
        if low.isascii()
        else low.translate(_TO_SPACE).split()
    )
    nw = len(lw) or 1
    sentences = [s for s in _SENT_RE.findall(text) if not s.isspace()] or [text]
    ns = len(sentences)
    codes = list(map(_WORD_FACTS.get, lw))
    if None in codes:
        codes = [c if c is not None else _word_facts(w) for c, w in zip(codes, lw, strict=True)]
    total = sum(codes)  # type: ignore[arg-type]
    (
        contractions,
        first,
        second,
        slang,
        connectives,
        articles,
        prepositions,
        latinate,
        long_words,
        letters,
        nots,
        deictic,
    ) = [(total >> shift) & _MASK for shift in _SHIFTS]
    conversational_starts = lower_start = no_final = 0
    for s in sentences:
        head = s.split(None, 1)
        if head:
            if head[0].strip(",").lower() in _CONVERSATIONAL_STARTS:
                conversational_starts += 1  # "And …", "So, …", "Well, …"
            lower_start += head[0][:1].islower()
        if s.rstrip()[-1:] not in _FINAL_PUNCTUATION:
            no_final += 1
    upper = sum(map(str.isupper, tokens)) - tokens.count("I") - tokens.count("A")
    raw = text.encode("utf-8")  # ASCII digits are single bytes no multi-byte character contains
    digits = len(raw) - len(raw.translate(None, b"0123456789"))
    emoticon = _has_emoticon(text)
    repeats = text.count("..")
    if "!" in text:
        repeats += text.count("!!") + text.count("?!") + text.count("!?")
    if "?" in text:
        repeats += text.count("??")
    return [
        contractions / nw,
        first / nw,
        second / nw,
        1.0 if any(map(text.__contains__, _LOWER_I)) or text.startswith(("i ", "i'")) else 0.0,
        slang / nw,
        connectives / nw,
        latinate / nw,
        long_words / nw,
        letters / nw,
        max(sum(map(str.istitle, tokens)) - ns, 0) / nw,
        max(upper, 0) / nw,
        min(digits, 4) / 4,
        articles / nw,
        prepositions / nw,
        text.count(",") / nw,
        min(text.count("!") + text.count("！"), 3) / ns,
        min(text.count("?"), 3) / ns,
        min(repeats, 3) / ns,
        1.0 if emoticon or (not text.isascii() and find_emoji(text)) else 0.0,
        lower_start / ns,
        no_final / ns,
        math.log1p(nw / ns),
        conversational_starts / ns,
        nots / nw,
        deictic / nw,
        1.0 if "(" in text else 0.0,
    ]


def english_formality(text: str) -> float:
    """Return the fitted probability that ``text`` reads as formal English (0 casual … 1 formal)."""
    if not text.strip():
        return 0.5
    z = INTERCEPT + sum(map(mul, WEIGHTS, formality_features(text)))
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)
