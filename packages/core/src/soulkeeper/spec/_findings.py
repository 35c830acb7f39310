"""Collecting findings with a lenient and a strict severity each."""

from __future__ import annotations

from dataclasses import dataclass, field

from soulkeeper.spec.model import Finding, Severity

__all__ = ["Issue", "Issues"]


@dataclass(frozen=True, slots=True)
class Issue:
    """A finding before a mode is chosen: lenient and strict severities side by side."""

    code: str
    message: str
    lenient: Severity
    strict: Severity
    file: str | None = None
    line: int | None = None

    def finding(self, *, strict: bool) -> Finding:
        severity = self.strict if strict else self.lenient
        return Finding(
            code=self.code, severity=severity, message=self.message, file=self.file, line=self.line
        )


@dataclass(slots=True)
class Issues:
    """An ordered, de-duplicated list of :class:`Issue`."""

    items: list[Issue] = field(default_factory=list)

    def add(
        self,
        code: str,
        message: str,
        *,
        lenient: Severity = "warning",
        strict: Severity = "error",
        file: str | None = None,
        line: int | None = None,
    ) -> None:
        issue = Issue(code, message, lenient, strict, file, line)
        if issue not in self.items:
            self.items.append(issue)
