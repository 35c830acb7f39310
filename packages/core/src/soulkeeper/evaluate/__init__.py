"""Persona-adherence evaluation: a scripted probe conversation, bare and through PersonaGuard.

::

    from soulkeeper import load_soul
    from soulkeeper.evaluate import run_eval

    soul = load_soul("souls/mati")
    report = run_eval(soul, chat, turns=40)      # chat(messages) -> reply text, any model
    report.write("eval-out")                    # report.json + a self-contained report.html

``soulkeeper eval PATH --model SPEC`` is the command-line front end. See ``docs/eval.md``.
"""

from soulkeeper.evaluate._models import FAKE_DRIFTING, resolve_chat
from soulkeeper.evaluate._probes import (
    PROBE_KINDS,
    Probe,
    ProbeSet,
    build_script,
    default_probes,
    load_probes,
)
from soulkeeper.evaluate._report import EvalReport, RunRecord, TurnRecord
from soulkeeper.evaluate._runner import ChatFn, Mode, ModelCallError, run_eval

__all__ = [
    "FAKE_DRIFTING",
    "PROBE_KINDS",
    "ChatFn",
    "EvalReport",
    "Mode",
    "ModelCallError",
    "Probe",
    "ProbeSet",
    "RunRecord",
    "TurnRecord",
    "build_script",
    "default_probes",
    "load_probes",
    "resolve_chat",
    "run_eval",
]
