"""Sentence boundaries used when a section has to be cut."""

from __future__ import annotations

from soulkeeper.pack._sentences import sentence_prefixes


def test_prefixes_end_after_sentences_in_three_scripts() -> None:
    """Cuts fall after English, Korean and Japanese sentence ends, keeping closing quotes, never mid-number."""
    text = '## Tone\n\nHe said "hi." It took 3.5 hours. 그래요. 다음이에요。次です'
    assert sentence_prefixes(text) == [
        "## Tone",
        '## Tone\n\nHe said "hi."',
        '## Tone\n\nHe said "hi." It took 3.5 hours.',
        '## Tone\n\nHe said "hi." It took 3.5 hours. 그래요.',
        '## Tone\n\nHe said "hi." It took 3.5 hours. 그래요. 다음이에요。',
        text,
    ]


def test_list_items_are_whole_sentences() -> None:
    """Each markdown list item ends a prefix, so a cut never splits an item."""
    assert sentence_prefixes("- one thing\n- another thing, longer\n") == [
        "- one thing",
        "- one thing\n- another thing, longer",
    ]


def test_no_cut_inside_fenced_code() -> None:
    """A prefix never ends inside a fenced code block (an unclosed fence would swallow the rest)."""
    text = "Run this.\n\n```bash\nstep one\nstep two\n```\n\nDone."
    prefixes = sentence_prefixes(text)
    assert all(p.count("```") % 2 == 0 for p in prefixes)
    assert "Run this.\n\n```bash\nstep one\nstep two\n```" in prefixes
