"""Markdown is split into flat ATX heading sections; text is normalised (BOM, CRLF)."""

from __future__ import annotations

from soulkeeper import Soul
from soulkeeper.spec._text import normalise, split_sections

MANIFEST = '{"specVersion": "0.6", "name": "t", "displayName": "T", "version": "1.0.0", "description": "d"}'


def _headings(text: str) -> list[tuple[str, int, int]]:
    return [(s.heading, s.level, s.line) for s in split_sections("X.md", text)]


def test_preamble_and_levels() -> None:
    """Text before the first heading is a level-0 preamble; each heading starts a section."""
    text = "\nIntro line.\n\n# Title\nbody\n## Tone\n- calm\n### Deep ###\nx\n"
    assert _headings(text) == [("", 0, 2), ("Title", 1, 4), ("Tone", 2, 6), ("Deep", 3, 8)]
    sections = split_sections("X.md", text)
    assert sections[0].text == "Intro line."
    assert sections[2].text == "## Tone\n- calm"
    assert all(s.file == "X.md" for s in sections)


def test_blank_preamble_is_omitted() -> None:
    """A preamble of blank lines produces no section."""
    assert _headings("\n\n# A\n") == [("A", 1, 3)]


def test_hash_inside_fenced_code_is_not_a_heading() -> None:
    """Lines starting with # inside ``` or ~~~ fences stay in their section."""
    text = "# A\n```bash\n# comment\n## also not\n```\n~~~~\n# nope\n~~~~~\n## B\n"
    assert _headings(text) == [("A", 1, 1), ("B", 2, 9)]
    assert "# comment" in split_sections("X.md", text)[0].text


def test_fence_needs_matching_closer() -> None:
    """A shorter or different fence does not close a block; an unclosed fence runs to the end."""
    text = "# A\n````\n```\n# still code\n````\n## B\n```\n# code to the end\n"
    assert _headings(text) == [("A", 1, 1), ("B", 2, 6)]


def test_not_headings() -> None:
    """#hashtag, 7 hashes, 4-space indents and setext underlines are not ATX headings."""
    text = "#hashtag\n####### seven\n    # indented code\nTitle\n=====\n"
    assert _headings(text) == [("", 0, 1)]


def test_empty_heading_and_closing_hashes() -> None:
    """A bare '##' is an empty heading; closing hashes are dropped."""
    assert _headings("##\n# Title ##\n") == [("", 2, 1), ("Title", 1, 2)]


def test_sections_text_has_no_trailing_newline() -> None:
    """Section text ends without trailing blank lines."""
    sections = split_sections("X.md", "# A\n\ntext\n\n\n# B\n")
    assert sections[0].text == "# A\n\ntext"
    assert sections[1].text == "# B"


def test_concatenated_sections_cover_the_text() -> None:
    """Joining every section reproduces the non-blank content in order."""
    text = "pre\n# A\na\n## B\nb\n"
    joined = "\n".join(s.text for s in split_sections("X.md", text))
    assert joined == text.strip()


def test_bom_and_crlf_are_normalised() -> None:
    """A BOM is dropped and CRLF / CR become LF, with a single info finding."""
    soul = Soul.from_files(
        {"soul.json": MANIFEST.encode(), "SOUL.md": "\ufeff# Soul\r\n\r\n## Tone\r\nCalm.\rNext\r\n".encode()}
    )
    file = soul.files["SOUL.md"]
    assert file.text == "# Soul\n\n## Tone\nCalm.\nNext\n"
    assert [s.heading for s in file.sections] == ["Soul", "Tone"]
    assert [(f.code, f.severity) for f in soul.findings if f.file == "SOUL.md" and f.code == "SK204"] == [
        ("SK204", "info")
    ]
    assert soul.raw_files["SOUL.md"].startswith(b"\xef\xbb\xbf")


def test_normalise_is_idempotent() -> None:
    """normalise(normalise(x)) == normalise(x)."""
    for text in ["a\r\nb", "\ufeffx\ry", "plain\n"]:
        assert normalise(normalise(text)) == normalise(text)


def test_non_markdown_files_have_no_sections() -> None:
    """JSON, YAML and text files are kept as text without sections."""
    soul = Soul.from_files({"soul.json": MANIFEST, "SOUL.md": "# S\n", "notes.txt": "# not markdown\n"})
    assert soul.files["notes.txt"].sections == ()
    assert soul.files["soul.json"].role == "manifest"
