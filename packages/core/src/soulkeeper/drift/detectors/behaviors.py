"""Behaviours: the required first-turn greeting, the error-message template, the status format, length.

Turn numbering: ``turn`` counts the assistant's responses from 1, as :class:`soulkeeper.PersonaGuard`
does, so the greeting rule applies to the first response, ``turn == 1`` (``turn == 0`` is read as the
first response too, for callers that count from zero); it is skipped when the caller passes no turn.

A response "looks like an error report" when its first sentence mentions an error or failure
(:data:`ERROR_WORDS`, en/ko/ja); such a response must match ``behaviors.error_format``, a template whose
``{placeholders}`` stand for any text. A response "looks like a status report" when its first line
mentions status, progress or an update (:data:`STATUS_WORDS`); it must then match the ``behaviors.status_format`` regex.
"""

from __future__ import annotations

import re
from typing import ClassVar

from soulkeeper.drift._detector import CheckContext, Detector
from soulkeeper.drift._report import Violation
from soulkeeper.drift.detectors._text import sentences, strip_code
from soulkeeper.errors import RulesError
from soulkeeper.spec.rules import Rules

__all__ = ["ERROR_WORDS", "STATUS_WORDS", "Behaviors", "template_regex"]

ERROR_WORDS = re.compile(
    r"(?<!\w)(?:error|errors|exception|failed|failure|fails|traceback|crash(?:ed)?"
    r")(?!\w)|오류|에러|실패|예외|エラー|失敗|例外|できませんでした",
    re.IGNORECASE,
)
_ERROR_WORDS_EN = frozenset(
    ("error", "errors", "exception", "failed", "failure", "fails", "traceback", "crash", "crashed")
)
STATUS_WORDS = re.compile(
    r"(?<!\w)(?:status|progress|update)(?!\w)|상태|진행|진척|ステータス|進捗|状況", re.IGNORECASE
)
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def template_regex(template: str) -> re.Pattern[str]:
    """Compile an error template: literal text (whitespace-insensitive) with ``{placeholders}`` as ``.+?``."""
    parts: list[str] = []
    last = 0
    for match in _PLACEHOLDER.finditer(template):
        parts.append(_literal(template[last : match.start()]))
        parts.append(r".+?")
        last = match.end()
    parts.append(_literal(template[last:]))
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def _literal(text: str) -> str:
    return r"\s*".join(re.escape(chunk) for chunk in text.split()) if text.strip() else r"\s*"


class Behaviors(Detector):
    """``behaviors.*``: first-turn greeting, error template, status format, length limits."""

    name: ClassVar[str] = "behaviors"
    rules_served: ClassVar[tuple[str, ...]] = ("behaviors",)

    @classmethod
    def serves(cls, rules: Rules) -> bool:
        b = rules.behaviors
        n = b.length
        return bool(
            b.greeting or b.error_format or b.status_format or n.max_words or n.max_chars or n.max_sentences
        )

    def __init__(self, rules: Rules) -> None:
        super().__init__(rules)
        b = rules.behaviors
        self._greeting: re.Pattern[str] | None = None
        if b.greeting:
            greeting = b.greeting.strip()
            if len(greeting) >= 2 and greeting.startswith("/") and greeting.endswith("/"):
                self._greeting = _compile(greeting[1:-1], "behaviors.greeting", re.IGNORECASE)
            else:
                self._greeting = re.compile(_literal(greeting), re.IGNORECASE)
        self._error = template_regex(b.error_format) if b.error_format else None
        self._status = (
            _compile(b.status_format, "behaviors.status_format", re.MULTILINE) if b.status_format else None
        )
        self._length = b.length

    def check(self, ctx: CheckContext) -> list[Violation]:
        found: list[Violation] = []
        text = ctx.text
        body = text.strip()
        if (
            self._greeting is not None
            and ctx.turn is not None
            and ctx.turn <= 1
            and not self._greeting.match(body)
        ):
            found.append(
                self.violation(
                    "behaviors.greeting",
                    "low",
                    f"the first response does not open with the required greeting {self.rules.behaviors.greeting!r}",
                    span=(0, min(len(text), 40)),
                    excerpt=body[:40],
                )
            )
        if self._error is not None and self._looks_like_error(ctx) and not self._error.search(text):
            found.append(
                self.violation(
                    "behaviors.error_format",
                    "medium",
                    f"an error report that does not follow the template {self.rules.behaviors.error_format!r}",
                    excerpt=body[:80],
                )
            )
        if self._status is not None:
            first_line = body.split("\n", 1)[0]
            if STATUS_WORDS.search(first_line) and not self._status.search(text):
                found.append(
                    self.violation(
                        "behaviors.status_format",
                        "low",
                        "a status report that does not match the required status format",
                        excerpt=first_line[:80],
                    )
                )
        found.extend(self._check_length(text))
        return found

    @staticmethod
    def _looks_like_error(ctx: CheckContext) -> bool:
        text = ctx.text
        if ctx.normalized.text.isascii() and ctx.words.isdisjoint(_ERROR_WORDS_EN):
            return False
        if ERROR_WORDS.search(text, 0, 400) is None:  # the first sentence lies within the first 400 chars
            return False
        first = sentences(strip_code(text))[:1]
        head = first[0].text if first else ""
        return ERROR_WORDS.search(head) is not None

    def _check_length(self, text: str) -> list[Violation]:
        limits = self._length
        found: list[Violation] = []
        if limits.max_chars is not None and len(text) > limits.max_chars:
            found.append(
                self.violation(
                    "behaviors.length.max_chars",
                    "low",
                    f"{len(text)} characters, more than the limit of {limits.max_chars}",
                    span=(limits.max_chars, len(text)),
                )
            )
        if limits.max_words is not None:
            words = text.split()
            if len(words) > limits.max_words:
                found.append(
                    self.violation(
                        "behaviors.length.max_words",
                        "low",
                        f"{len(words)} words, more than the limit of {limits.max_words}",
                    )
                )
        if limits.max_sentences is not None:
            count = len(sentences(text.strip()))
            if count > limits.max_sentences:
                found.append(
                    self.violation(
                        "behaviors.length.max_sentences",
                        "low",
                        f"{count} sentences, more than the limit of {limits.max_sentences}",
                    )
                )
        return found


def _compile(source: str, rule: str, flags: int = 0) -> re.Pattern[str]:
    try:
        return re.compile(source, flags)
    except re.error as exc:
        raise RulesError(f"{rule}: invalid regular expression {source!r}: {exc}") from exc
