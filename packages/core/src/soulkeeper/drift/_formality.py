"""English formality: a small feature-based logistic model with weights shipped as constants.

Features are cheap counts taken with compiled regular expressions (no tokenizer, no model file). The
weights were fitted by ``bench/drift_fit_formality.py`` on the SQUINKY corpus (sentences rated 1–7 for
formality by people; rated ≥ 5 vs ≤ 3), a logistic regression with L2 penalty; the data itself does not
ship. The score is the model's probability that a reader would call the text formal.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from itertools import repeat

from soulkeeper.drift._emoji import find_emoji

_WORD_RE = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
_SENT_RE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")
_EMOTICON_RE = re.compile(r"[:;=]-?[)(DPp/]|<3|\^\^|[xX]D\b")
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
_LEXICON_FEATURES = ("first", "second", "slang", "connectives", "articles", "prepositions")
_LEXICON: dict[str, tuple[int, ...]] = {}
for _index, _lexicon in enumerate((_FIRST, _SECOND, _SLANG, _CONNECTIVES, _ARTICLES, _PREPOSITIONS)):
    for _word in _lexicon:
        _LEXICON[_word] = (*_LEXICON.get(_word, ()), _index)

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
)

#: Fitted by bench/drift_fit_formality.py on SQUINKY (see docs/drift-signals.md); intercept first.
INTERCEPT = -10.69816665720497
WEIGHTS: tuple[float, ...] = (
    -26.048608914823213,  # contractions
    -22.62419589848993,  # first_person
    -15.638830028590013,  # second_person
    -3.3844784046080973,  # lowercase_i
    -29.86270068965477,  # slang
    9.03495687059054,  # connectives
    6.377654997089693,  # latinate
    2.916086056954773,  # long_words
    0.9932829086742618,  # mean_word_length
    2.4651514892604576,  # capitalised
    0.8952218126172404,  # all_caps
    1.2537428471519774,  # digits
    3.5560256193911095,  # articles
    3.867411238997068,  # prepositions
    3.1636385329377354,  # commas
    -4.898635114039644,  # exclamations
    -3.7558430653466734,  # questions
    -1.8845308427019891,  # repeats
    -5.719630685630236,  # emoticons
    -1.2313891535633008,  # lowercase_start
    -2.471009197370083,  # no_final_punctuation
    1.7674643909914685,  # words_per_sentence
)


def formality_features(text: str) -> list[float]:
    """Return the raw feature values of ``text`` in the order of :data:`FEATURES`."""
    if "’" in text:
        text = text.replace("’", "'")
    tokens = text.split()  # case features; punctuation attached does not matter for them
    lw = _WORD_RE.findall(text.lower())
    nw = len(lw) or 1
    sentences = [s for s in _SENT_RE.findall(text) if not s.isspace()] or [text]
    ns = len(sentences)
    lengths = list(map(len, lw))
    contractions = 0
    if "'" in text:
        contractions = sum(map(str.endswith, lw, repeat(_CONTRACTION_TAILS))) + sum(
            map(_CONTRACTION_HEADS.__contains__, lw)
        )
    lower_start = sum(1 for s in sentences if s.lstrip()[:1].islower())
    no_final = sum(1 for s in sentences if s.rstrip()[-1:] not in _FINAL_PUNCTUATION)
    upper = sum(map(str.isupper, tokens)) - tokens.count("I") - tokens.count("A")
    lex = [0] * len(_LEXICON_FEATURES)
    for key, n in Counter(map(_LEXICON.get, lw)).items():
        if key is not None:
            for i in key:
                lex[i] += n
    first, second, slang, connectives, articles, prepositions = lex
    padded = f" {text} "
    emoticon = any(c in text for c in ":;=<^xX") and _EMOTICON_RE.search(text) is not None
    return [
        contractions / nw,
        first / nw,
        second / nw,
        1.0 if any(map(padded.__contains__, _LOWER_I)) else 0.0,
        slang / nw,
        connectives / nw,
        sum(map(str.endswith, lw, repeat(_LATINATE))) / nw,
        sum(map((7).__lt__, lengths)) / nw,
        sum(lengths) / nw,
        max(sum(map(str.istitle, tokens)) - ns, 0) / nw,
        max(upper, 0) / nw,
        min(sum(map(text.count, "0123456789")), 4) / 4,
        articles / nw,
        prepositions / nw,
        text.count(",") / nw,
        min(text.count("!") + text.count("！"), 3) / ns,
        min(text.count("?"), 3) / ns,
        min(sum(map(text.count, _REPEATS)), 3) / ns,
        1.0 if emoticon or (not text.isascii() and find_emoji(text)) else 0.0,
        lower_start / ns,
        no_final / ns,
        math.log1p(nw / ns),
    ]


def english_formality(text: str) -> float:
    """Return the fitted probability that ``text`` reads as formal English (0 casual … 1 formal)."""
    if not text.strip():
        return 0.5
    z = INTERCEPT
    for w, x in zip(WEIGHTS, formality_features(text), strict=True):
        z += w * x
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)
