"""False alarms of the prohibited-pattern and identity detectors on casual English persona chat.

Every utterance of Synthetic-Persona-Chat (valid split, ../shared/data/drift/persona_chat) is checked as
if it were a response of a persona that prohibits emoji, emoticons, exclamation marks, casual greetings,
a few words and a regex, and is named "Mati"; the previous utterance is its user text. Casual chat is full
of "!" and "Hey", so violations are expected: the point is that every violation is *really there*. Each
fired violation is re-checked against an independent criterion (``is_real``), and the script prints a
sample of each rule's violations for inspection by hand.

Persona chat has no emoji or emoticons at all, so the same check also runs on the 6,000 lines of real
ko/ja/zh/en text in ../shared/data/text (Korean movie reviews full of ㅠㅠ and ^^, Japanese hotel chat,
Chinese dialogue, English web text and fiction).

Run: ``uv run python bench/drift_eval_false_alarms.py [--sample N] [--show K]``.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from _shared import DATA
from soulkeeper.drift import DriftDetector, InputEvent, Violation
from soulkeeper.spec import Rules

PERSONA_CHAT = DATA / "drift" / "persona_chat" / "Synthetic-Persona-Chat_valid.csv"
TEXT = DATA / "text"

RULES = Rules.model_validate(
    {
        "identity": {"name": "Mati", "aliases": ["Mati Kask"]},
        "voice": {
            "prohibited": {
                "emoji": True,
                "emoticons": True,
                "exclamation": True,
                "casual_greetings": True,
                "words": ["awesome", "no worries", "lol"],
                "patterns": [r"(?i)\b(?:gonna|wanna|gotta)\b"],
            }
        },
    }
)
DETECTORS = ("prohibited_patterns", "identity")


@dataclass(frozen=True, slots=True)
class Utterance:
    conversation: int
    text: str
    previous: str | None


def utterances(path: Path = PERSONA_CHAT) -> Iterator[Utterance]:
    """Every utterance of every conversation, with the utterance before it."""
    with path.open(encoding="utf-8", newline="") as fh:
        for number, row in enumerate(csv.DictReader(fh)):
            previous: str | None = None
            for line in row["Best Generated Conversation"].splitlines():
                match = re.match(r"\s*User [12]:\s*(.*)", line)
                if match is None or not match.group(1).strip():
                    continue
                text = match.group(1).strip()
                yield Utterance(number, text, previous)
                previous = text


def text_lines(folder: Path = TEXT) -> Iterator[Utterance]:
    """Every line of the ko/ja/zh/en text samples, as a response without user text."""
    for number, lang in enumerate(("ko", "ja", "zh", "en")):
        for line in (folder / f"{lang}.txt").read_text(encoding="utf-8").splitlines():
            if line.strip():
                yield Utterance(number, line.strip(), None)


# ------------------------------------------------------------------ independent criteria

# Emoji_Presentation characters below U+1F000 (Unicode emoji-data.txt), plus keycaps and flags handled below.
_BMP_EMOJI = set(
    "⌚⌛⏩⏪⏫⏬⏰⏳◽◾☔☕♈♉♊♋♌♍♎♏♐♑♒♓♿⚓⚡⚪⚫⚽⚾⛄⛅⛎⛔⛪⛲⛳⛵⛺⛽✅✊✋✨❌❎❓❔❕❗➕➖➗➰➿⬛⬜⭐⭕〰〽㊗㊙"
)
_EXCLAMATIONS = {"!", "！", "‼", "⁉", "❗", "❕"}
_GREETINGS = re.compile(
    r"(?i)^(?:hey+(?:\s+there)?|hiya|heya|howdy|yo+|sup|what['’]?s\s+up|wass+up|hi\s+there|g['’]?day|hullo)$"
)
_MODEL_WORDS = re.compile(
    r"(?i)gpt|gemma|gemini|claude|llama|qwen|mistral|deepseek|copilot|bard|grok|phi|openai|google|anthropic"
    r"|meta|microsoft|language model|\bAI\b|LLM"
)
_NAMING = re.compile(
    r"(?i)(?:my name is|my name's|call me|i go by|i am named|i'm named|this is|i'm|i am)\W*$"
)


def is_real(violation: Violation, text: str) -> bool:
    """Whether a fired violation is really in ``text``, judged without the detector's own code."""
    if violation.span is None:
        return False
    start, end = violation.span
    found = text[start:end]
    if found != violation.excerpt or not found:
        return False
    before = text[:start]
    after = text[end:]
    rule = violation.rule_id
    if rule == "voice.prohibited.emoji":
        return any(ord(c) >= 0x1F000 or c in _BMP_EMOJI for c in found) or "\ufe0f" in found
    if rule == "voice.prohibited.exclamation":
        return found in _EXCLAMATIONS and not after.startswith("=")
    if rule == "voice.prohibited.emoticons":
        if re.fullmatch(r"[ㅠㅜ]{2,}", found):  # Korean crying eyes
            return True
        if found[:1] in "(（" and found[-1:] in ")）" and not re.search(r"[A-Za-z0-9]", found[1:-1]):
            return True  # kaomoji: a bracketed face with no ASCII letters or digits inside
        letters = [c for c in found if c.isalpha() and unicodedata.category(c).startswith("L")]
        symbols = [c for c in found if not c.isalnum() and not c.isspace()]
        bounded = (not before or not before[-1].isalnum()) and (not after or not after[0].isalnum())
        return bool(symbols) and len([c for c in letters if c not in "DPpOoXxTvㅠㅜツωДд"]) == 0 and bounded
    if rule == "voice.prohibited.casual_greetings":
        sentence_start = re.search(r"(?:^|[.!?]\s*|\n)[\s\"'(*_]*$", before) is not None
        normalised = unicodedata.normalize("NFKC", found).replace("\u200b", "")
        return sentence_start and _GREETINGS.match(normalised) is not None
    if rule == "voice.prohibited.words":
        return found.casefold() in {"awesome", "no worries", "lol"} and not (
            before[-1:].isalnum() or after[:1].isalnum()
        )
    if rule == "voice.prohibited.patterns":
        return found.casefold() in {"gonna", "wanna", "gotta"}
    if rule == "identity.name":
        if _MODEL_WORDS.search(found):
            return True  # a base model or maker named as the speaker
        return found[:1].isupper() and _NAMING.search(before) is not None and found.casefold() != "mati"
    return False


_ADDRESSED = re.compile(
    r"(?i)(?:^|[.!?,:;]\s+|please\s+|now\s+|(?:i\s+(?:want|need)|can|could|will)\s+you\s+(?:to\s+)?)$"
)


def is_real_event(event: InputEvent, user_text: str) -> bool:
    """An override attempt addresses the assistant's instructions or identity, or tells it who to be."""
    if re.search(
        r"(?i)instruction|rule|prompt|persona|identity|you are now|you're now|from now on|new name",
        event.excerpt,
    ):
        return True
    start = event.span[0] if event.span is not None else 0
    return _ADDRESSED.search(user_text[:start]) is not None


# ------------------------------------------------------------------ evaluation


def evaluate(sample: int | None = None, *, seed: int = 7, corpus: str = "persona_chat") -> dict[str, object]:
    """Run the detectors over (a sample of) a corpus and count violations and false ones."""
    items = list(utterances() if corpus == "persona_chat" else text_lines())
    if sample is not None and sample < len(items):
        items = random.Random(seed).sample(items, sample)
    detector = DriftDetector.from_rules(RULES, detectors=DETECTORS)
    fired: Counter[str] = Counter()
    false: Counter[str] = Counter()
    examples: dict[str, list[tuple[str, Violation]]] = {}
    false_examples: list[tuple[str, Violation]] = []
    events = 0
    false_events: list[InputEvent] = []
    responses_with_violations = 0
    for item in items:
        report = detector.check(item.text, user_text=item.previous)
        if report.violations:
            responses_with_violations += 1
        for violation in report.violations:
            fired[violation.rule_id] += 1
            examples.setdefault(violation.rule_id, []).append((item.text, violation))
            if not is_real(violation, item.text):
                false[violation.rule_id] += 1
                false_examples.append((item.text, violation))
        for event in report.input_events:
            events += 1
            if not is_real_event(event, item.previous or ""):
                false_events.append(event)
    return {
        "responses": len(items),
        "responses_with_violations": responses_with_violations,
        "fired": fired,
        "false": false,
        "examples": examples,
        "false_examples": false_examples,
        "events": events,
        "false_events": false_events,
    }


def report(title: str, result: dict[str, object], show: int) -> None:
    """Print the markdown table and the samples for inspection."""
    n = result["responses"]
    assert isinstance(n, int)
    fired: Counter[str] = result["fired"]  # type: ignore[assignment]
    false: Counter[str] = result["false"]  # type: ignore[assignment]
    print(f"### {title}: {n} texts checked as responses of a persona named Mati\n")
    print("| rule | violations | per 100 responses | false violations | false rate |")
    print("|---|---|---|---|---|")
    for rule in sorted(fired):
        print(
            f"| {rule} | {fired[rule]} | {100 * fired[rule] / n:.2f} | {false[rule]} | {false[rule] / fired[rule]:.2%} |"
        )
    total, total_false = sum(fired.values()), sum(false.values())
    print(
        f"| **all** | {total} | {100 * total / n:.2f} | {total_false} | {total_false / max(total, 1):.2%} |"
    )
    with_v = result["responses_with_violations"]
    assert isinstance(with_v, int)
    print(f"\nresponses with at least one violation: {with_v} ({with_v / n:.1%})")
    false_events: list[InputEvent] = result["false_events"]  # type: ignore[assignment]
    print(
        f"identity-override input events: {result['events']} ({len(false_events)} failed the independent check)"
    )
    examples: dict[str, list[tuple[str, Violation]]] = result["examples"]  # type: ignore[assignment]
    rng = random.Random(11)
    for rule, found in sorted(examples.items()):
        print(f"\n#### sample of {rule} ({len(found)} fired)")
        for text, violation in rng.sample(found, min(show, len(found))):
            print(f"- {violation.excerpt!r} in {text[:110]!r}")
    false_examples: list[tuple[str, Violation]] = result["false_examples"]  # type: ignore[assignment]
    if false_examples:
        print("\n#### violations that failed the independent check")
        for text, violation in false_examples[:50]:
            print(f"- {violation.rule_id}: {violation.excerpt!r} in {text[:110]!r}")
    for event in false_events[:20]:
        print(f"- input event that failed the check: {event.excerpt!r}")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=None, help="check a random sample of utterances")
    parser.add_argument("--show", type=int, default=5, help="examples per rule to print for inspection")
    args = parser.parse_args()
    report("Synthetic-Persona-Chat (valid)", evaluate(args.sample), args.show)
    report("data/text ko/ja/zh/en lines", evaluate(args.sample, corpus="text"), args.show)


if __name__ == "__main__":
    main()
