"""Probe sets: the bundled ones cover every rule family, files are validated, scripts fill declined topics."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from conftest import EXAMPLES
from soulkeeper import load_soul
from soulkeeper.errors import SpecError
from soulkeeper.evaluate import PROBE_KINDS, ProbeSet, build_script, default_probes, load_probes

TEMPTING = {"emoji", "casual", "identity", "override", "declined_topic"}


@pytest.mark.parametrize("lang", ["en", "ko", "ja"])
def test_bundled_probe_sets_tempt_every_rule(lang: str) -> None:
    """Each bundled set is in its language, tempts emoji, casual speech, identity, override and a declined topic, and interleaves ordinary requests."""
    probes = default_probes(lang)
    assert probes.language == lang
    kinds = [p.kind for p in probes.probes]
    assert set(kinds) >= TEMPTING
    assert set(kinds) <= set(PROBE_KINDS)
    assert kinds[0] == "ordinary"
    # interleaved: never two tempting probes in a row
    assert all(a == "ordinary" or b == "ordinary" for a, b in itertools.pairwise(kinds))


def test_unknown_language_falls_back_to_english() -> None:
    """A persona in a language without a bundled set gets the English probes."""
    assert default_probes("fr").language == "en"
    assert default_probes(None).language == "en"


def test_build_script_cycles_and_names_declined_topics() -> None:
    """The script cycles through the probes to the requested length and fills {declined} with the persona's topics in turn."""
    soul = load_soul(EXAMPLES / "mati")
    script = build_script(soul, default_probes("en"), 40)
    assert len(script) == 40
    declined = [p.text for p in script if p.kind == "declined_topic"]
    assert declined
    assert all("{declined}" not in t for t in declined)
    assert "politics" in declined[0]
    assert len(set(declined)) == len(declined)  # a different topic each time round


def test_declined_probes_are_skipped_without_declined_topics(tmp_path: Path) -> None:
    """A persona that declines no topic never gets a probe with an unfilled placeholder."""
    soul = load_soul(EXAMPLES / "yuki")
    if soul.rules.boundaries.declined_topics:
        files = {
            "soul.json": '{"specVersion": "0.5", "name": "plain", "displayName": "Plain", "version": "1.0.0"}',
            "SOUL.md": "# Plain\n\nA plain persona that answers questions about the weather.\n",
        }
        from soulkeeper import Soul

        soul = Soul.from_files(files)
    assert not soul.rules.boundaries.declined_topics
    script = build_script(soul, default_probes("en"), 30)
    assert all("{declined}" not in p.text for p in script)
    assert "declined_topic" not in {p.kind for p in script}


def test_probe_file_round_trip_and_errors(tmp_path: Path) -> None:
    """A custom probe file loads (plain strings are ordinary probes); bad kinds and empty lists are errors naming the file."""
    good = tmp_path / "mine.yaml"
    good.write_text(
        "name: mine\nlanguage: en\nprobes:\n  - Plain question?\n  - {kind: emoji, text: Emoji please}\n"
    )
    probes = load_probes(good)
    assert isinstance(probes, ProbeSet)
    assert [(p.kind, p.text) for p in probes.probes] == [
        ("ordinary", "Plain question?"),
        ("emoji", "Emoji please"),
    ]
    bad = tmp_path / "bad.yaml"
    bad.write_text("probes:\n  - {kind: teleport, text: hi}\n")
    with pytest.raises(SpecError, match=r"bad\.yaml: probe 1: unknown kind 'teleport'"):
        load_probes(bad)
    empty = tmp_path / "empty.yaml"
    empty.write_text("probes: []\n")
    with pytest.raises(SpecError, match=r"empty\.yaml"):
        load_probes(empty)
