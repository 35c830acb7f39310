"""English formality: a small feature-based logistic model with weights shipped as constants.

Features are cheap counts taken with compiled regular expressions (no tokenizer, no model file). The
weights were fitted by ``bench/drift_fit_formality.py`` on the SQUINKY corpus (sentences rated 1–7 for
formality by people; rated ≥ 5 vs ≤ 3), a logistic regression with L2 penalty; the data itself does not
ship. The score is the model's probability that a reader would call the text formal.
"""

from __future__ import annotations

import math
import re

_WORD_RE = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
_SENT_RE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")
_EMOTICON_RE = re.compile(r"[:;=]-?[)(DPp]|<3|\^\^|xD|[\U0001F300-\U0001FAFF\u2600-\u27BF]")
_REPEAT_RE = re.compile(r"[!?]{2}|\.\.|([a-z])\1\1")

_FIRST = frozenset(["i", "me", "my", "mine", "myself"])
_SECOND = frozenset(["you", "your", "yours", "yourself", "yourselves", "u", "ur", "ya"])
_SLANG = frozenset(
    [
        "lol",
        "lmao",
        "rofl",
        "omg",
        "omfg",
        "wtf",
        "btw",
        "tbh",
        "imo",
        "imho",
        "idk",
        "fyi",
        "brb",
        "thx",
        "thanx",
        "pls",
        "plz",
        "gonna",
        "wanna",
        "gotta",
        "kinda",
        "sorta",
        "dunno",
        "lemme",
        "gimme",
        "ain't",
        "y'all",
        "yeah",
        "yea",
        "yep",
        "yup",
        "nope",
        "nah",
        "ok",
        "okay",
        "hey",
        "hi",
        "hiya",
        "hello",
        "wow",
        "whoa",
        "oh",
        "ooh",
        "uh",
        "um",
        "umm",
        "hmm",
        "huh",
        "haha",
        "hahaha",
        "hehe",
        "cool",
        "awesome",
        "stuff",
        "dude",
        "guys",
        "folks",
        "cuz",
        "coz",
        "cos",
        "gotcha",
        "nice",
        "yay",
        "oops",
        "damn",
        "darn",
        "crap",
        "heck",
        "suck",
        "sucks",
        "super",
        "totally",
        "pretty",
        "really",
        "just",
        "anyway",
        "anyways",
        "basically",
        "literally",
        "actually",
        "thanks",
        "tho",
        "thru",
        "gosh",
        "jeez",
        "dang",
        "ugh",
        "meh",
        "bro",
        "buddy",
        "kid",
        "kids",
        "lots",
        "bunch",
        "awful",
        "cheers",
        "bye",
        "thing",
        "things",
        "guy",
        "fun",
        "crazy",
        "weird",
        "dumb",
    ]
)
_CONNECTIVES = frozenset(
    [
        "however",
        "therefore",
        "moreover",
        "furthermore",
        "thus",
        "hence",
        "whereas",
        "although",
        "nevertheless",
        "nonetheless",
        "accordingly",
        "consequently",
        "additionally",
        "regarding",
        "according",
        "within",
        "whom",
        "whereby",
        "upon",
        "shall",
        "respectively",
        "subsequently",
        "approximately",
        "prior",
        "pursuant",
        "hereby",
        "therein",
        "notwithstanding",
    ]
)
_ARTICLES = frozenset(["the", "of", "a", "an", "which", "by", "from", "its", "their", "this"])
_CONTRACTION_TAILS = ("n't", "'m", "'re", "'ve", "'ll", "'d")
_CONTRACTION_HEADS = frozenset(
    ["it's", "that's", "there's", "what's", "who's", "here's", "let's", "he's", "she's"]
)
_LATINATE = (
    "tion",
    "sion",
    "ment",
    "ity",
    "ance",
    "ence",
    "ive",
    "ous",
    "ism",
    "ist",
    "ial",
    "ical",
    "ize",
    "ise",
)
_LATINATE_S = tuple(x + "s" for x in _LATINATE)

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
INTERCEPT = -10.205755664012298
WEIGHTS: tuple[float, ...] = (
    -26.554503448570834,  # contractions
    -23.41412908762625,  # first_person
    -15.967461419597095,  # second_person
    -1.4036703735333218,  # lowercase_i
    -30.539907699366815,  # slang
    10.032253412460525,  # connectives
    6.199047589852496,  # latinate
    3.417773486229857,  # long_words
    0.922153166187933,  # mean_word_length
    2.619608108638445,  # capitalised
    -3.3261779165856513,  # all_caps
    1.4786536341245644,  # digits
    4.079150215377761,  # articles
    2.696405885925513,  # commas
    -4.4580431022460925,  # exclamations
    -3.8301961005199145,  # questions
    -2.2838726230353616,  # repeats
    -4.219513096027544,  # emoticons
    -1.2393906550924814,  # lowercase_start
    -2.054465384083856,  # no_final_punctuation
    1.8021477176299163,  # words_per_sentence
)


def formality_features(text: str) -> list[float]:
    """Return the raw feature values of ``text`` in the order of :data:`FEATURES`."""
    words = _WORD_RE.findall(text.replace("’", "'"))
    nw = len(words) or 1
    lw = [w.lower() for w in words]
    sentences = [s for s in _SENT_RE.findall(text) if s.strip()] or [text]
    ns = len(sentences)
    lengths = list(map(len, words))
    n_apos = text.count("'") + text.count("’")
    contractions = (
        sum(1 for w in lw if w.endswith(_CONTRACTION_TAILS) or w in _CONTRACTION_HEADS) if n_apos else 0
    )
    lower_start = sum(1 for s in sentences if s.lstrip()[:1].islower())
    no_final = sum(1 for s in sentences if s.rstrip()[-1:] not in (".", "!", "?", '"', "'", ")", ":", "”"))
    titled = sum(map(str.istitle, words))
    caps = sum(1 for w, n in zip(words, lengths, strict=True) if n >= 3 and w.isupper())
    return [
        contractions / nw,
        sum(map(_FIRST.__contains__, lw)) / nw,
        sum(map(_SECOND.__contains__, lw)) / nw,
        1.0 if "i" in words or "i'm" in words else 0.0,
        sum(map(_SLANG.__contains__, lw)) / nw,
        sum(map(_CONNECTIVES.__contains__, lw)) / nw,
        sum(1 for w in lw if w.endswith(_LATINATE) or w.endswith(_LATINATE_S)) / nw,
        sum(1 for n in lengths if n >= 8) / nw,
        sum(lengths) / nw,
        max(titled - ns, 0) / nw,
        caps / nw,
        min(sum(map(text.count, "0123456789")), 4) / 4,
        sum(map(_ARTICLES.__contains__, lw)) / nw,
        text.count(",") / nw,
        min(text.count("!") + text.count("！"), 3) / ns,
        min(text.count("?"), 3) / ns,
        min(len(_REPEAT_RE.findall(text)), 3) / ns,
        1.0 if _EMOTICON_RE.search(text) else 0.0,
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
