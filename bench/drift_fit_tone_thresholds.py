"""Fit the English tone thresholds of the ``english_formality`` detector on SQUINKY.

A formal persona is flagged when ``formality(text) < FORMAL_MIN``; a casual one when it is above
``CASUAL_MAX``. Each threshold is chosen so that at most 0.5 % of the sentences of the *right* register
would be flagged (false alarms matter more than misses: a drift alarm re-injects the persona), and the
script reports how much of the wrong register each threshold catches.

Run: ``uv run python bench/drift_fit_tone_thresholds.py`` (reads ../shared/data/drift in place).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _drift_data import squinky
from soulkeeper.drift import formality
from soulkeeper.drift.detectors.formality import CASUAL_MAX, FORMAL_MIN, MIN_WORDS

FALSE_ALARM_BUDGET = 0.005
_WORD = re.compile(r"[A-Za-z']+")


def main() -> None:
    rows = [(text, rating) for text, rating in squinky() if len(_WORD.findall(text)) >= MIN_WORDS]
    formal = sorted(formality(text) for text, rating in rows if rating >= 5)
    casual = sorted(formality(text) for text, rating in rows if rating <= 3)
    k = int(FALSE_ALARM_BUDGET * len(formal))
    fitted_min = round(formal[k], 3)
    fitted_max = round(casual[len(casual) - 1 - int(FALSE_ALARM_BUDGET * len(casual))], 3)

    def rate(values: list[float], pred: object) -> float:
        return sum(1 for v in values if pred(v)) / len(values)  # type: ignore[operator]

    print(f"SQUINKY sentences with ≥ {MIN_WORDS} words: {len(formal)} rated ≥ 5, {len(casual)} rated ≤ 3\n")
    print("| threshold | value | formal (≥5) flagged | informal (≤3) flagged |")
    print("|---|---|---|---|")
    for name, value, formal_persona in (
        ("FORMAL_MIN (fitted)", fitted_min, True),
        ("FORMAL_MIN (shipped)", FORMAL_MIN, True),
        ("CASUAL_MAX (fitted)", fitted_max, False),
        ("CASUAL_MAX (shipped)", CASUAL_MAX, False),
    ):
        if formal_persona:  # a formal persona is flagged below the threshold
            f, c = rate(formal, lambda v, t=value: v < t), rate(casual, lambda v, t=value: v < t)
        else:  # a casual persona is flagged above it
            f, c = rate(formal, lambda v, t=value: v > t), rate(casual, lambda v, t=value: v > t)
        print(f"| {name} | {value:.3f} | {f:.1%} | {c:.1%} |")


if __name__ == "__main__":
    main()
