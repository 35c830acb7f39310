"""Language identification on the multilingual references plus Korean, Japanese and English.

Sets: CoCoA-MT (de, es, fr, hi, it, nl, pt), IWSLT23 (vi, ko), CoCoA-MT ja, and the English source
sentences; formal and informal references, up to 800 per language (deterministic sample). Scored on the
full reference and on its first 25 characters.

    uv run python bench/drift_eval_language.py [--sample N] [--errors K]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _drift_data import language_id_set
from soulkeeper.drift import detect_language

SHORT = 25


def evaluate(n: int | None = None, *, errors: int = 0) -> dict[str, object]:
    """Return accuracy on full texts and on their first 25 characters, overall and per language."""
    pairs = language_id_set(per_language=n or 800)
    per_full: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_short: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_cand: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    langs = sorted({lang for _, lang in pairs})
    confusions: Counter[tuple[str, str]] = Counter()
    wrong: list[tuple[str, str, str]] = []
    for text, lang in pairs:
        for length, per in ((None, per_full), (SHORT, per_short)):
            sample_text = text if length is None else text[:length]
            got = detect_language(sample_text)
            per[lang][1] += 1
            if got == lang:
                per[lang][0] += 1
            else:
                confusions[(lang, got)] += 1
                if len(wrong) < errors:
                    wrong.append((lang, got, sample_text))
        got = detect_language(text[:SHORT], candidates=langs)
        per_cand[lang][1] += 1
        per_cand[lang][0] += got == lang
    full = sum(v[0] for v in per_full.values()) / sum(v[1] for v in per_full.values())
    short = sum(v[0] for v in per_short.values()) / sum(v[1] for v in per_short.values())
    cand = sum(v[0] for v in per_cand.values()) / sum(v[1] for v in per_cand.values())
    return {
        "n": len(pairs),
        "full": full,
        "short": short,
        "candidates": cand,
        "per_language": {
            k: (
                per_full[k][0] / per_full[k][1],
                per_short[k][0] / per_short[k][1],
                per_full[k][1],
                per_cand[k][0] / per_cand[k][1],
            )
            for k in sorted(per_full)
        },
        "confusions": confusions.most_common(8),
        "errors": wrong,
    }


def fast_path() -> str:
    """How often the language detector's English fast path fires, on English and on everything else.

    The fast path (``clearly_english``) lets a persona whose language is English skip the model; it must
    never fire on another language. Texts: every reference, and runs of three consecutive references of
    one language joined (response-sized).
    """
    from soulkeeper.drift.detectors.language import clearly_english

    pairs = language_id_set(per_language=100_000)
    by_lang: dict[str, list[str]] = defaultdict(list)
    for text, lang in pairs:
        by_lang[lang].append(text)
    texts = list(pairs)
    for lang, items in by_lang.items():
        texts.extend((" ".join(items[i : i + 3]), lang) for i in range(0, len(items) - 2, 3))
    fired: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for text, lang in texts:
        key = "en" if lang == "en" else "other"
        total[key] += 1
        fired[key] += clearly_english(text)
    return (
        f"English fast path (`clearly_english`): fires on {fired['other']} of {total['other']:,} texts in "
        f"other languages, {fired['en']} of {total['en']:,} English texts ({fired['en'] / total['en']:.1%})."
    )


def table(result: dict[str, object]) -> str:
    per = result["per_language"]
    langs = list(per)  # type: ignore[arg-type]
    head = "| | " + " | ".join(langs) + " | **all** |"
    sep = "|---" * (len(langs) + 2) + "|"
    counts = "| texts | " + " | ".join(f"{per[k][2]}" for k in langs) + f" | {result['n']:,} |"  # type: ignore[index]
    full = "| full text | " + " | ".join(f"{per[k][0]:.1%}" for k in langs) + f" | **{result['full']:.2%}** |"  # type: ignore[index]
    short = (
        f"| first {SHORT} chars | "
        + " | ".join(f"{per[k][1]:.1%}" for k in langs)
        + f" | **{result['short']:.2%}** |"
    )  # type: ignore[index]
    cand = (
        f"| first {SHORT} chars, `candidates=` these {len(langs)} | "
        + " | ".join(f"{per[k][3]:.1%}" for k in langs)
        + f" | **{result['candidates']:.2%}** |"
    )  # type: ignore[index]
    conf = ", ".join(f"{a}→{b} ×{c}" for (a, b), c in result["confusions"])  # type: ignore[attr-defined]
    return "\n".join(
        [head, sep, counts, full, short, cand, "", f"Most frequent confusions (no candidates): {conf}."]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=None, help="evaluate N texts per language")
    parser.add_argument("--errors", type=int, default=0, help="print up to K misidentified texts")
    args = parser.parse_args()
    result = evaluate(args.sample, errors=args.errors)
    print(table(result))
    print()
    print(fast_path())
    for lang, got, text in result["errors"]:  # type: ignore[attr-defined]
        print(f"{lang}->{got}\t{text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
