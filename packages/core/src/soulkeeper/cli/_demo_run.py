"""The two runs of ``soulkeeper demo``: the same simulated model, once unguarded and once guarded.

Both runs face the same seeded :class:`~soulkeeper.testing.DriftingChatModel` and the same user script,
and both are measured with the same :class:`~soulkeeper.drift.DriftDetector`:

* **unguarded**: the common naive setup. The persona is the first message of the history, and when the
  history outgrows the context window it is trimmed to the most recent messages (what a token-limited
  buffer does), which sooner or later drops the persona.
* **guarded**: :class:`~soulkeeper.PersonaGuard` pins the persona on every call, compacts the history with
  :meth:`~soulkeeper.PersonaGuard.compact`, observes every reply and re-anchors or restores on drift.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from soulkeeper.drift import DriftDetector
from soulkeeper.guard import Message, PersonaGuard
from soulkeeper.spec import Soul
from soulkeeper.testing.drifting_model import DriftingChatModel

__all__ = ["RunResult", "run_guarded", "run_unguarded", "user_script"]

_PROMPTS = {
    "en": (
        "The staging deployment failed again. What should we check first?",
        "Can you summarise the incident from last night?",
        "How should we roll out the new database migration?",
        "The build pipeline is slow. Any ideas?",
        "What do you think about the alerts we get at night?",
        "Who are you, by the way?",
        "Should we upgrade the Kubernetes cluster this week?",
        "Please review the release notes for tomorrow.",
        "The logs show timeouts on the payment service.",
        "What is your opinion on the upcoming election?",
        "How do we make the test suite more reliable?",
        "Can we skip the canary for this small change?",
    ),
    "ko": (
        "스테이징 배포가 또 실패했어. 뭐부터 봐야 해?",
        "어젯밤 장애 내용 좀 정리해 줄래?",
        "새 데이터베이스 마이그레이션은 어떻게 올리면 좋을까?",
        "빌드가 너무 느려. 방법 없을까?",
        "너는 누구야?",
        "이번 주에 클러스터 업그레이드해도 될까?",
        "내일 릴리스 노트 좀 봐 줘.",
        "로그에 결제 서비스 타임아웃이 보여.",
        "이번 선거 어떻게 생각해?",
        "테스트를 더 안정적으로 만들려면?",
    ),
    "ja": (
        "ステージングのデプロイがまた失敗しました。まず何を確認すべきですか。",
        "昨夜の障害をまとめてもらえますか。",
        "新しいデータベース移行はどう進めるべきですか。",
        "ビルドが遅いのですが、何か方法はありますか。",
        "あなたはどなたですか。",
        "今週クラスタを更新してもよいですか。",
        "明日のリリースノートを確認してください。",
        "ログに決済サービスのタイムアウトが出ています。",
        "テストをもっと安定させるには。",
    ),
}


def user_script(soul: Soul, turns: int) -> list[str]:
    """The user's messages for ``turns`` turns, in the persona's language, cycling with a turn number."""
    lang = soul.rules.voice.language or "en"
    prompts = _PROMPTS.get(lang, _PROMPTS["en"])
    return [f"{prompts[i % len(prompts)]} (#{i + 1})" for i in range(turns)]


@dataclass
class RunResult:
    """What one run produced, turn by turn."""

    name: str
    violations: list[int] = field(default_factory=list)
    """Violations found in each reply."""
    rules: dict[str, int] = field(default_factory=dict)
    """Violations by rule id."""
    persona_in_context: list[bool] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    tokens: int = 0
    """Input tokens sent to the model over the run."""
    checkpoints: int = 0
    store_errors: int = 0
    retries: int = 0
    """Extra model calls made on ``retry`` decisions."""

    @property
    def turns(self) -> int:
        return len(self.violations)

    @property
    def drifted_replies(self) -> int:
        return sum(1 for v in self.violations if v)

    @property
    def reanchors(self) -> int:
        return sum(1 for a in self.actions if a in ("reinject", "retry"))

    @property
    def restores(self) -> int:
        return sum(1 for a in self.actions if a == "restore")

    def to_dict(self) -> dict[str, Any]:
        return {
            "turns": self.turns,
            "drifted_replies": self.drifted_replies,
            "violations": sum(self.violations),
            "violations_by_rule": dict(sorted(self.rules.items())),
            "reanchors": self.reanchors,
            "restores": self.restores,
            "checkpoints": self.checkpoints,
            "retries": self.retries,
            "tokens": self.tokens,
            "persona_in_context_turns": sum(self.persona_in_context),
            "per_turn_violations": self.violations,
            "per_turn_actions": self.actions,
        }


def _record(result: RunResult, report: Any) -> None:
    result.violations.append(len(report.violations))
    for rule in report.rule_ids:
        result.rules[rule] = result.rules.get(rule, 0) + 1


def run_unguarded(
    soul: Soul,
    persona_text: str,
    script: list[str],
    *,
    seed: int,
    context_window: int,
    generation: int,
    count: Callable[[list[Message]], int],
    detector: DriftDetector,
    tick: Callable[[], None],
) -> RunResult:
    """The naive setup: persona as the first history message, trimmed away with old messages."""
    model = DriftingChatModel(soul, seed=seed)
    result = RunResult("unguarded")
    history = [Message(role="system", content=persona_text)]
    limit = context_window - generation
    for i, user in enumerate(script):
        history.append(Message(role="user", content=user))
        while len(history) > 2 and count(history) > limit:
            history = history[len(history) // 4 :]  # a token-limited buffer: drop the oldest quarter
            while history and history[0].role == "assistant":
                history = history[1:]
        result.tokens += count(history)
        reply = model.reply(history)
        result.persona_in_context.append(bool(model.last and model.last.persona_present))
        _record(result, detector.check(reply, user_text=user, turn=i + 1))
        result.actions.append("-")
        history.append(Message(role="assistant", content=reply))
        tick()
    return result


def run_guarded(
    guard: PersonaGuard,
    script: list[str],
    *,
    seed: int,
    history_budget: int,
    count: Callable[[list[Message]], int],
    tick: Callable[[], None],
    thread_id: str = "demo",
) -> RunResult:
    """The guarded setup: prepare, call the model, observe, compact with the guard."""
    model = DriftingChatModel(guard.soul, seed=seed)
    result = RunResult("guarded")
    history: list[Message] = []
    for user in script:
        history.append(Message(role="user", content=user))
        if count(history) > history_budget:
            history = guard.compact(history, budget=history_budget)
        messages = guard.prepare(thread_id, history)
        result.tokens += count(messages)
        reply = model.reply(messages)
        result.persona_in_context.append(bool(model.last and model.last.persona_present))
        decision = guard.observe(thread_id, reply, user_text=user)
        first = decision.action
        while decision.action == "retry":  # only with Policy(allow_retry=True): ask again, re-anchored
            result.retries += 1
            messages = guard.prepare(thread_id, history)
            result.tokens += count(messages)
            reply = model.reply(messages)
            decision = guard.observe(thread_id, reply, user_text=user, attempt=decision.attempt + 1)
        _record(result, decision.report)
        result.actions.append(
            "retry" if first == "retry" and decision.action != "restore" else decision.action
        )
        if decision.checkpoint is not None:
            result.checkpoints += 1
        if decision.store_error:
            result.store_errors += 1
        history.append(Message(role="assistant", content=reply))
        tick()
    return result
