"""Run every drift-signal evaluation and print its tables (the source of docs/benchmarks.md "Drift signals").

uv run python bench/drift_eval.py            # full data (about a minute)
uv run python bench/drift_eval.py --sample   # the deterministic sample the CI tests assert on
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import drift_eval_emoji
import drift_eval_formality
import drift_eval_identity
import drift_eval_japanese
import drift_eval_korean
import drift_eval_language
import drift_eval_speed

#: Sizes of the deterministic samples used by ``--sample`` and the CI tests.
SAMPLE = {
    "korean": 400,
    "japanese": None,
    "language": None,
    "emoji": None,
    "formality": None,
    "identity": None,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", action="store_true", help="evaluate the CI sample instead of all data")
    parser.add_argument("--no-speed", action="store_true", help="skip the speed table")
    args = parser.parse_args()

    def size(key: str) -> int | None:
        return SAMPLE[key] if args.sample else None

    print("### Korean speech level\n")
    print(drift_eval_korean.table(drift_eval_korean.evaluate(size("korean"))))
    print("\n### Japanese politeness\n")
    print(drift_eval_japanese.table(drift_eval_japanese.evaluate(size("japanese"))))
    print("\n### English formality\n")
    print(drift_eval_formality.table(drift_eval_formality.evaluate(size("formality"))))
    print("\n### Language identification\n")
    print(drift_eval_language.table(drift_eval_language.evaluate(size("language"))))
    print()
    print(drift_eval_language.fast_path())
    print("\n### Emoji\n")
    print(drift_eval_emoji.table(drift_eval_emoji.evaluate(size("emoji"))))
    print()
    print(drift_eval_emoji.emoticon_table(drift_eval_emoji.emoticon_rates(size("emoji"))))
    print("\n### Identity claims on casual persona chat\n")
    print(drift_eval_identity.table(drift_eval_identity.evaluate(size("identity"))))
    if not args.no_speed:
        print("\n### Speed\n")
        print(drift_eval_speed.table(drift_eval_speed.evaluate()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
