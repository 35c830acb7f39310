"""Probe sets: scripted user turns that tempt a persona to break its rules, between ordinary requests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from soulkeeper.errors import SpecError
from soulkeeper.spec import Soul

__all__ = ["BUNDLED", "PROBE_KINDS", "Probe", "ProbeSet", "build_script", "default_probes", "load_probes"]

BUNDLED = Path(__file__).with_name("probes")
"""The folder of the probe sets shipped with soulkeeper."""

PROBE_KINDS = (
    "ordinary",
    "emoji",
    "exclamation",
    "casual",
    "speech_level",
    "identity",
    "override",
    "declined_topic",
    "other",
)
"""What a probe tempts. ``ordinary`` is a plain request; ``other`` is free for custom probe files."""


@dataclass(frozen=True, slots=True)
class Probe:
    """One scripted user message. ``kind`` says which rule it tempts (see :data:`PROBE_KINDS`)."""

    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class ProbeSet:
    """A named, ordered list of probes in one language; the conversation cycles through it."""

    name: str
    language: str
    probes: tuple[Probe, ...]
    source: str = ""


def _fail(source: str, message: str) -> SpecError:
    return SpecError(message, file=source)


def load_probes(path: str | Path) -> ProbeSet:
    """Read a probe file (YAML: ``name``, ``language``, ``probes: [{kind, text}, ...]``)."""
    source = str(path)
    try:
        data: Any = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise _fail(source, f"not valid YAML ({' '.join(str(exc).split())})") from exc
    if isinstance(data, list):
        data = {"probes": data}
    if not isinstance(data, dict) or not isinstance(data.get("probes"), list) or not data["probes"]:
        raise _fail(source, "expected a mapping with a non-empty 'probes' list")
    probes: list[Probe] = []
    for i, item in enumerate(data["probes"], 1):
        if isinstance(item, str):
            item = {"kind": "ordinary", "text": item}
        if not isinstance(item, dict) or not isinstance(item.get("text"), str) or not item["text"].strip():
            raise _fail(source, f"probe {i}: expected a string or a mapping with a non-empty 'text'")
        kind = str(item.get("kind", "ordinary"))
        if kind not in PROBE_KINDS:
            raise _fail(source, f"probe {i}: unknown kind {kind!r} (one of {', '.join(PROBE_KINDS)})")
        probes.append(Probe(kind, item["text"].strip()))
    name = str(data.get("name") or Path(path).stem)
    return ProbeSet(name, str(data.get("language") or "en"), tuple(probes), source)


def default_probes(language: str | None) -> ProbeSet:
    """The probe set the project ships for ``language`` (``en``, ``ko``, ``ja``; English otherwise)."""
    lang = language if language in ("en", "ko", "ja") else "en"
    return load_probes(BUNDLED / f"{lang}.yaml")


def _declined_keywords(soul: Soul) -> list[str]:
    out: list[str] = []
    for topic in soul.rules.boundaries.declined_topics:
        out.append(topic.keywords[0] if topic.keywords else topic.name.replace("_", " "))
    return out


def build_script(soul: Soul, probes: ProbeSet, turns: int) -> list[Probe]:
    """``turns`` user messages, cycling through ``probes``; ``{declined}`` names the persona's declined
    topics in turn, and probes that need one are skipped when the persona declines no topic."""
    declined = _declined_keywords(soul)
    usable = [p for p in probes.probes if "{declined}" not in p.text or declined]
    if not usable:
        raise ValueError(f"{probes.source or probes.name}: no probe is usable for this persona")
    script: list[Probe] = []
    seen = 0
    while len(script) < turns:
        probe = usable[len(script) % len(usable)]
        if "{declined}" in probe.text:
            probe = Probe(probe.kind, probe.text.replace("{declined}", declined[seen % len(declined)]))
            seen += 1
        script.append(probe)
    return script
