"""Structured rules come from rules.yaml, soul.json rules, RULES.md and IDENTITY.md, in that precedence."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from conftest import ROOT
from soulkeeper import Soul, SpecError
from soulkeeper.spec import Rules

SOUL_MD = "# S\n\n## Personality\n- x\n"


def _manifest(**extra: Any) -> str:
    data = {"specVersion": "0.6", "name": "p", "displayName": "P", "version": "1.0.0", "description": "d"}
    data.update(extra)
    return json.dumps(data, indent=2)


def _soul(**files: str) -> Soul:
    package = {"soul.json": _manifest(), "SOUL.md": SOUL_MD}
    package.update({name.replace("__", "/").replace("_dot_", "."): text for name, text in files.items()})
    return Soul.from_files(package)


FULL_YAML = """\
identity:
  name: Mati
  aliases: Mati Kask          # a single string is a one-item list
  role: senior DevOps engineer
voice:
  tone: formal
  language: match_user
  speech_level: polite
  prohibited:
    emoji: true
    emoticons: true
    exclamation: true
    casual_greetings: true
    words: [awesome, no worries]
    patterns: ['(?i)\\bgonna\\b']
boundaries:
  declined_topics:
    - politics
    - name: medical_advice
      keywords: [diagnosis, dosage]
  must_always: [State the rollback path.]
  must_never: Use emoji.
  escalation: [Ask before deleting data.]
behaviors:
  greeting: /^(Hello|Good (morning|afternoon))/
  error_format: "Error: {what}. Next step: {fix}."
  status_format: '^Status: (green|amber|red)'
  length: {max_words: 300, max_chars: 2000, max_sentences: 12}
safety_laws: [Never harm a human.]
"""


def test_rules_yaml_expresses_everything() -> None:
    """Every rule kind of the schema is read from rules.yaml, shorthands included."""
    rules = _soul(rules_dot_yaml=FULL_YAML).rules
    assert rules.identity.name == "Mati"
    assert rules.identity.aliases == ("Mati Kask",)
    assert rules.voice.tone == "formal"
    assert rules.voice.language == "match_user"
    assert rules.voice.speech_level == "polite"
    prohibited = rules.voice.prohibited
    assert (prohibited.emoji, prohibited.emoticons, prohibited.exclamation, prohibited.casual_greetings) == (
        True,
        True,
        True,
        True,
    )
    assert prohibited.words == ("awesome", "no worries")
    assert prohibited.patterns == (r"(?i)\bgonna\b",)
    assert [t.name for t in rules.boundaries.declined_topics] == ["politics", "medical_advice"]
    assert rules.boundaries.declined_topics[1].keywords == ("diagnosis", "dosage")
    assert rules.boundaries.must_never == ("Use emoji.",)
    assert rules.behaviors.greeting == "/^(Hello|Good (morning|afternoon))/"
    assert rules.behaviors.error_format == "Error: {what}. Next step: {fix}."
    assert rules.behaviors.length.max_words == 300
    assert rules.behaviors.length.max_sentences == 12
    assert rules.safety_laws == ("Never harm a human.",)
    assert rules.sources == ("rules.yaml",)


def test_rules_yml_extension_and_empty_file() -> None:
    """rules.yml is read like rules.yaml; an empty rules file gives empty rules."""
    assert _soul(rules_dot_yml="voice: {tone: casual}\n").rules.voice.tone == "casual"
    assert _soul(rules_dot_yaml="# nothing yet\n").rules == Rules(sources=("rules.yaml",))


def test_both_rules_files_warns_and_ignores_yml() -> None:
    """With rules.yaml and rules.yml, rules.yml is ignored with a warning."""
    soul = _soul(rules_dot_yaml="voice: {tone: formal}\n", rules_dot_yml="voice: {tone: casual}\n")
    assert soul.rules.voice.tone == "formal"
    assert "SK302" in {f.code for f in soul.findings}


def test_soul_json_rules_object() -> None:
    """The v0.6 soul.json rules object is read with the same schema."""
    manifest = _manifest(
        rules={"voice": {"language": "ko", "speech_level": "casual"}, "identity": {"name": "하늘"}}
    )
    soul = Soul.from_files({"soul.json": manifest, "SOUL.md": SOUL_MD})
    assert soul.rules.voice.language == "ko"
    assert soul.rules.voice.speech_level == "casual"
    assert soul.rules.sources == ("soul.json",)


def test_foreign_rules_object_is_kept_but_not_enforced() -> None:
    """A schema-free rules object in another shape is an SK301 note, not an error."""
    manifest = _manifest(rules={"enabled": True, "files": ["RULES.md"]})
    soul = Soul.from_files({"soul.json": manifest, "SOUL.md": SOUL_MD})
    assert soul.rules == Rules()
    assert soul.manifest.rules == {"enabled": True, "files": ["RULES.md"]}
    assert [(f.code, f.severity) for f in soul.findings if f.code == "SK301"] == [("SK301", "info")]


def test_soul_json_rules_error_names_line() -> None:
    """A bad value in soul.json rules names soul.json and the key's line."""
    manifest = _manifest(rules={"voice": {"tone": "loud"}})
    with pytest.raises(SpecError, match=r'^soul\.json:9: "rules\.voice\.tone": Input should be'):
        Soul.from_files({"soul.json": manifest, "SOUL.md": SOUL_MD})


def test_rules_md_headings_and_bullets() -> None:
    """RULES.md headings are matched loosely; -, *, + and numbered bullets count; continuations join."""
    rules_md = (
        "# Rules\n\n## MUST-ALWAYS\n* one\n+ two\n  continued\n\n### Must never:\n1. three\n2) four\n"
        "\n## Escalation\n- five\n\n## Notes\n- ignored\n"
    )
    boundaries = _soul(RULES_dot_md=rules_md).rules.boundaries
    assert boundaries.must_always == ("one", "two continued")
    assert boundaries.must_never == ("three", "four")
    assert boundaries.escalation == ("five",)


def test_rules_md_without_sections_warns() -> None:
    """A RULES.md with none of the three sections gives SK303; an empty section gives SK304."""
    assert "SK303" in {f.code for f in _soul(RULES_dot_md="# Rules\n\nBe good.\n").findings}
    assert "SK304" in {f.code for f in _soul(RULES_dot_md="## Must Never\nnothing listed\n").findings}


IDENTITY = """\
# Nova — Research Aide

- **Name:** Nova
- **Aliases:** N0va, Nova-2
- **Creature:** owl-shaped research aide
- **Vibe:** Casual, curious and kind
- **Communication:** Answers in the same language the user writes
- **Speech level:** 반말
- **Emoji:** 🦉
- **Favourite colour:** teal
"""


def test_identity_bullet_fields() -> None:
    """IDENTITY.md bullets give name, aliases, role, emoji, vibe, tone, language and speech level."""
    rules = _soul(IDENTITY_dot_md=IDENTITY).rules
    assert rules.identity.name == "Nova"
    assert rules.identity.aliases == ("N0va", "Nova-2")
    assert rules.identity.role == "owl-shaped research aide"
    assert rules.identity.emoji == "🦉"
    assert rules.identity.vibe == "Casual, curious and kind"
    assert rules.voice.tone == "casual"
    assert rules.voice.language == "match_user"
    assert rules.voice.speech_level == "casual"
    assert rules.sources == ("IDENTITY.md",)


def test_identity_variants() -> None:
    """'**Name**:' works, placeholder values are skipped and the H1 is the fallback name."""
    assert _soul(IDENTITY_dot_md="- **Name**: Ada\n").rules.identity.name == "Ada"
    rules = _soul(IDENTITY_dot_md="# Ada — Assistant\n\n- **Emoji:** none\n- **Language:** Korean\n").rules
    assert rules.identity.name == "Ada"
    assert rules.identity.emoji is None
    assert rules.voice.language == "ko"


def test_precedence_scalars_and_lists() -> None:
    """Scalars come from the highest source; lists are merged, highest first, without duplicates."""
    manifest = _manifest(
        rules={"voice": {"tone": "neutral", "language": "en"}, "boundaries": {"must_never": ["B", "A"]}},
        safety={"laws": [{"priority": 1, "rule": "Law two"}, {"priority": 0, "rule": "Law one"}]},
    )
    soul = Soul.from_files(
        {
            "soul.json": manifest,
            "SOUL.md": SOUL_MD,
            "rules.yaml": "voice: {tone: formal}\nboundaries: {must_never: [A]}\n",
            "RULES.md": "## Must Never\n- C\n- B\n",
            "IDENTITY.md": "- **Name:** Ada\n- **Vibe:** casual\n- **Language:** Japanese\n",
        }
    )
    rules = soul.rules
    assert rules.voice.tone == "formal"  # rules.yaml beats soul.json and IDENTITY.md
    assert rules.voice.language == "en"  # soul.json beats IDENTITY.md
    assert rules.identity.name == "Ada"  # only IDENTITY.md sets it
    assert rules.boundaries.must_never == ("A", "B", "C")
    assert rules.safety_laws == ("Law one", "Law two")
    assert rules.sources == ("rules.yaml", "soul.json", "RULES.md", "IDENTITY.md")


def test_declined_topics_merge_by_name() -> None:
    """A declined topic named in two sources keeps the higher source's definition."""
    manifest = _manifest(
        rules={"boundaries": {"declined_topics": [{"name": "Politics", "keywords": ["vote"]}, "crypto"]}}
    )
    soul = Soul.from_files(
        {
            "soul.json": manifest,
            "SOUL.md": SOUL_MD,
            "rules.yaml": "boundaries:\n  declined_topics:\n    - {name: politics, keywords: [election]}\n",
        }
    )
    topics = soul.rules.boundaries.declined_topics
    assert [(t.name, t.keywords) for t in topics] == [("politics", ("election",)), ("crypto", ())]


def test_rules_are_frozen() -> None:
    """The Rules object cannot be changed after loading."""
    rules = _soul(rules_dot_yaml=FULL_YAML).rules
    with pytest.raises(Exception, match="frozen"):
        rules.voice = rules.voice  # type: ignore[misc]


def test_docs_rules_example_is_valid() -> None:
    """The full example in docs/rules.md loads and sets every top-level section."""
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL)
    assert blocks, "docs/rules.md has a yaml example"
    rules = _soul(rules_dot_yaml=max(blocks, key=len)).rules
    assert rules.identity.name
    assert rules.voice.prohibited.emoji
    assert rules.boundaries.declined_topics
    assert rules.behaviors.error_format
    assert rules.behaviors.length.max_words


def test_rules_md_subsections_belong_to_their_parent() -> None:
    """Bullets in deeper sub-sections of Must Never count; a same-level heading closes the section."""
    rules_md = "## Must Never\n### Data\n- leak data\n### Tone\n- shout\n## Notes\n- not a rule\n"
    boundaries = _soul(RULES_dot_md=rules_md).rules.boundaries
    assert boundaries.must_never == ("leak data", "shout")
