"""The detector contract and :class:`DriftDetector`, which runs the detectors a persona's rules need."""

from __future__ import annotations

import importlib
import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from soulkeeper.drift._report import DriftReport, InputEvent, Violation
from soulkeeper.drift._scoring import DEFAULT_POLICY, DriftPolicy, turn_score
from soulkeeper.errors import MissingExtraError
from soulkeeper.spec.rules import Rules

if TYPE_CHECKING:
    import pluggy

    from soulkeeper.drift.signals import NormalizedText

_PUNCTUATION_TO_SPACE_BYTES = bytes.maketrans(string.punctuation.encode(), b" " * len(string.punctuation))
_PUNCTUATION_RE = re.compile(f"[{re.escape(string.punctuation)}]")

__all__ = ["CheckContext", "Detector", "DriftDetector", "Requirement", "available_detectors"]


@dataclass(frozen=True, slots=True)
class Requirement:
    """An optional module a detector needs for some rules, and the pip extra that installs it."""

    feature: str
    """What needs it, for the error message ("Korean speech level")."""
    extra: str
    """The extra of the ``soulkeeper`` distribution that installs it ("ko")."""
    module: str
    """The module to import ("kiwipiepy")."""

    def check(self) -> None:
        """Import the module, raising :class:`MissingExtraError` naming the extra when it is missing."""
        try:
            importlib.import_module(self.module)
        except ImportError as exc:
            raise MissingExtraError(self.feature, self.extra) from exc


class CheckContext:
    """One response (and the user message it answers) as the detectors see it.

    Normalised copies are computed on first use and shared by all detectors of one check.
    """

    __slots__ = ("__dict__", "rules", "text", "turn", "user_text")

    def __init__(self, text: str, *, rules: Rules, user_text: str | None = None, turn: int | None = None):
        self.text = text
        self.rules = rules
        self.user_text = user_text
        self.turn = turn

    @cached_property
    def normalized(self) -> NormalizedText:
        """The response, normalised (NFKC, invisible characters dropped, look-alikes folded)."""
        return _normalize(self.text)

    @cached_property
    def lower(self) -> str:
        """The normalised response in lower case (same length), for cheap substring prefilters."""
        return self.normalized.text.lower()

    @cached_property
    def words(self) -> frozenset[str]:
        """The distinct lower-case words of the normalised response, split at spaces and ASCII punctuation.

        A cheap prefilter for detectors: "what's up?" gives ``{"what", "s", "up"}``.
        """
        lower = self.lower
        if lower.isascii():  # bytes.translate is several times faster than str.translate
            return frozenset(
                lower.encode("ascii").translate(_PUNCTUATION_TO_SPACE_BYTES).decode("ascii").split()
            )
        return frozenset(_PUNCTUATION_RE.sub(" ", lower).split())  # str.translate is slow on non-ASCII text

    @cached_property
    def user_normalized(self) -> NormalizedText:
        """The user message, normalised the same way (empty when there is none)."""
        return _normalize(self.user_text or "")


def _normalize(text: str) -> NormalizedText:
    from soulkeeper.drift.signals import normalize_with_map

    return normalize_with_map(text)


class Detector:
    """Base class of drift detectors; built-ins and plugins subclass it.

    A detector class declares a unique ``name`` and which rules it serves (:meth:`serves`); it is
    constructed once per persona from the persona's :class:`~soulkeeper.spec.rules.Rules` and must be
    pure: :meth:`check` keeps no state between calls and may run concurrently.
    """

    name: ClassVar[str] = ""
    rules_served: ClassVar[tuple[str, ...]] = ()
    """Rule ids (or id prefixes) this detector checks, for documentation and ``plugins`` listings."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules

    @classmethod
    def serves(cls, rules: Rules) -> bool:
        """Whether ``rules`` ask for anything this detector checks."""
        raise NotImplementedError

    @classmethod
    def requirements(cls, rules: Rules) -> Sequence[Requirement]:
        """Optional modules needed to check ``rules`` (checked when a :class:`DriftDetector` is built)."""
        return ()

    def check(self, ctx: CheckContext) -> list[Violation]:
        """The violations in ``ctx.text``."""
        raise NotImplementedError

    def check_input(self, ctx: CheckContext) -> list[InputEvent]:
        """Events in ``ctx.user_text`` (called only when there is one); none by default."""
        return []

    def violation(
        self,
        rule_id: str,
        severity: Any,
        message: str,
        *,
        span: tuple[int, int] | None = None,
        excerpt: str = "",
        text: str | None = None,
    ) -> Violation:
        """Build a :class:`Violation` attributed to this detector.

        Pass the response as ``text`` to take the excerpt from it at ``span`` (spans always point into
        the original response, never into its normalised form).
        """
        if text is not None and span is not None and not excerpt:
            excerpt = text[span[0] : span[1]]
        return Violation(rule_id, self.name, severity, message, span, excerpt)


class _Registrar(Protocol):
    def __call__(self, detector: type[Detector]) -> None: ...


def available_detectors(plugin_manager: pluggy.PluginManager | None = None) -> dict[str, type[Detector]]:
    """Every detector class registered through the ``register_detectors`` hook, by name.

    Built-in detectors come first in their fixed order, then plugins' detectors sorted by name; a
    :class:`DriftDetector` runs them (and reports their violations) in this order.
    """
    if plugin_manager is None:
        from soulkeeper.plugins import default_plugin_manager

        plugin_manager = default_plugin_manager()
    found: dict[str, type[Detector]] = {}

    def register(detector: type[Detector]) -> None:
        if not (isinstance(detector, type) and issubclass(detector, Detector)) or not detector.name:
            raise TypeError(f"register_detectors: {detector!r} is not a Detector subclass with a name")
        if detector.name in found and found[detector.name] is not detector:
            raise ValueError(f"two detectors are registered under the name {detector.name!r}")
        found[detector.name] = detector

    registrar: _Registrar = register
    plugin_manager.hook.register_detectors(register=registrar)
    # a stable order: the built-ins in their own order, then plugins' detectors by name
    ordered = sorted(found.values(), key=lambda c: (_third_party(c), c.name if _third_party(c) else ""))
    return {c.name: c for c in ordered}


def _third_party(cls: type[Detector]) -> bool:
    return not cls.__module__.startswith("soulkeeper.")


class DriftDetector:
    """Checks responses against a persona's rules with the detectors those rules need.

    Build it once per persona (it validates that every needed optional dependency is installed and
    raises :class:`~soulkeeper.errors.MissingExtraError` naming the extra otherwise, never passing
    silently), then call :meth:`check` on every response. Checks are pure and thread-safe.

    :param rules: the persona's structured rules.
    :param detectors: restrict to these detectors (names or classes); ``None`` runs every registered
        detector that serves the rules. A detector named here still runs only if it serves the rules.
    :param policy: the scoring policy used for :attr:`DriftReport.score`.
    :param plugin_manager: where to look detectors up (default: the process-wide manager).
    """

    def __init__(
        self,
        rules: Rules,
        *,
        detectors: Iterable[str | type[Detector]] | None = None,
        policy: DriftPolicy = DEFAULT_POLICY,
        plugin_manager: pluggy.PluginManager | None = None,
    ) -> None:
        if not isinstance(rules, Rules):
            raise TypeError(f"DriftDetector needs soulkeeper.Rules, got {type(rules).__name__}")
        self.rules = rules
        self.policy = policy
        classes = _resolve(detectors, plugin_manager)
        selected = [cls for cls in classes if cls.serves(rules)]
        for cls in selected:
            for requirement in cls.requirements(rules):
                requirement.check()
        self._detectors: tuple[Detector, ...] = tuple(cls(rules) for cls in selected)

    @classmethod
    def from_soul(
        cls,
        soul: Any,
        *,
        detectors: Iterable[str | type[Detector]] | None = None,
        policy: DriftPolicy = DEFAULT_POLICY,
    ) -> DriftDetector:
        """A detector for a loaded :class:`soulkeeper.Soul` (anything with a ``rules`` attribute)."""
        rules = getattr(soul, "rules", None)
        if not isinstance(rules, Rules):
            raise TypeError(f"from_soul needs a Soul with .rules, got {type(soul).__name__}")
        return cls(rules, detectors=detectors, policy=policy)

    @classmethod
    def from_rules(
        cls,
        rules: Rules,
        *,
        detectors: Iterable[str | type[Detector]] | None = None,
        policy: DriftPolicy = DEFAULT_POLICY,
    ) -> DriftDetector:
        """A detector for a :class:`~soulkeeper.spec.rules.Rules` object."""
        return cls(rules, detectors=detectors, policy=policy)

    @property
    def detectors(self) -> tuple[str, ...]:
        """Names of the detectors that run on every check."""
        return tuple(d.name for d in self._detectors)

    def check(self, text: str, *, user_text: str | None = None, turn: int | None = None) -> DriftReport:
        """Check one response.

        :param text: the assistant's response.
        :param user_text: the user message it answers: needed for ``language: match_user`` and to
            report identity-override attempts as input events.
        :param turn: which assistant response of the conversation this is, counted from 1 as
            :class:`soulkeeper.PersonaGuard` counts (the first response is turn 1; 0 is read as the
            first response too). The greeting rule is checked on the first response only, and not at
            all when ``turn`` is ``None``.
        """
        if not isinstance(text, str):
            raise TypeError(f"check() needs the response text as str, got {type(text).__name__}")
        if turn is not None and turn < 0:
            raise ValueError(f"turn counts assistant responses from 1, got {turn}")
        ctx = CheckContext(text, rules=self.rules, user_text=user_text, turn=turn)
        violations: list[Violation] = []
        events: list[InputEvent] = []
        for detector in self._detectors:
            violations.extend(detector.check(ctx))
            if user_text:
                events.extend(detector.check_input(ctx))
        return DriftReport(
            ok=not violations,
            score=turn_score(violations, self.policy),
            violations=tuple(violations),
            input_events=tuple(events),
            turn=turn,
            detectors=self.detectors,
        )

    async def acheck(
        self, text: str, *, user_text: str | None = None, turn: int | None = None
    ) -> DriftReport:
        """Async twin of :meth:`check` (the checks are CPU-bound and well under a millisecond)."""
        return self.check(text, user_text=user_text, turn=turn)

    def __repr__(self) -> str:
        return f"DriftDetector(detectors={list(self.detectors)!r})"


def _resolve(
    detectors: Iterable[str | type[Detector]] | None, plugin_manager: pluggy.PluginManager | None
) -> list[type[Detector]]:
    if detectors is not None:
        wanted = list(detectors)
        if all(isinstance(d, type) for d in wanted):
            return [d for d in wanted if isinstance(d, type)]
    registry = available_detectors(plugin_manager)
    if detectors is None:
        return list(registry.values())
    classes: list[type[Detector]] = []
    for item in wanted:
        if isinstance(item, type):
            classes.append(item)
            continue
        found = registry.get(item)
        if found is None:
            known = ", ".join(sorted(registry)) or "none"
            raise ValueError(f"unknown detector {item!r} (registered: {known})")
        classes.append(found)
    return classes
