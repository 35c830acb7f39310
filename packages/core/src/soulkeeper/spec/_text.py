"""Text decoding, normalisation and markdown section splitting."""

from __future__ import annotations

import re

from soulkeeper.errors import SpecError
from soulkeeper.spec.model import Section

__all__ = ["decode_text", "normalise", "split_sections"]

_BOM = "\ufeff"
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")


def normalise(text: str) -> str:
    """Drop a leading BOM and turn CRLF / lone CR line endings into LF."""
    if text.startswith(_BOM):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_text(data: bytes, path: str) -> str:
    """Decode UTF-8 (with or without BOM) and normalise; raise :class:`SpecError` naming the bad line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SpecError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); re-save the file as UTF-8",
            file=path,
            line=line,
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise SpecError("contains a NUL character; text files must be plain UTF-8 text", file=path, line=line)
    return normalise(text)


def split_sections(path: str, text: str) -> tuple[Section, ...]:
    """Split markdown into flat heading sections.

    Every ATX heading (``#`` … ``######``) starts a new section that runs to the next heading of any level;
    ``#`` lines inside fenced code blocks are not headings. Text before the first heading becomes a
    preamble section of level 0 (omitted when blank). Setext headings are not recognised.
    """
    lines = text.split("\n")
    starts: list[tuple[int, int, str]] = []  # (index, level, heading)
    fence: str | None = None
    for index, line in enumerate(lines):
        fence_match = _FENCE.match(line)
        if fence is not None:
            closes = fence_match is not None and not fence_match.group(2).strip()
            if (
                closes
                and fence_match
                and fence_match.group(1)[0] == fence[0]
                and len(fence_match.group(1)) >= len(fence)
            ):
                fence = None
            continue
        if fence_match and not (fence_match.group(1)[0] == "`" and "`" in fence_match.group(2)):
            fence = fence_match.group(1)
            continue
        atx = _ATX.match(line)
        if atx:
            starts.append((index, len(atx.group(1)), (atx.group(2) or "").strip()))
    sections: list[Section] = []
    first = starts[0][0] if starts else len(lines)
    preamble = "\n".join(lines[:first]).strip("\n").rstrip()
    if preamble.strip():
        offset = next(i for i, line in enumerate(lines) if line.strip())
        sections.append(Section(file=path, heading="", level=0, line=offset + 1, text=preamble))
    for position, (index, level, heading) in enumerate(starts):
        end = starts[position + 1][0] if position + 1 < len(starts) else len(lines)
        body = "\n".join(lines[index:end]).rstrip()
        sections.append(Section(file=path, heading=heading, level=level, line=index + 1, text=body))
    return tuple(sections)
