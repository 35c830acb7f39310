"""The canonical package digest (format ``soulkeeper-digest-v1``, documented in docs/integrity.md).

The digest is a SHA-256 over a small text manifest: one line per file, sorted by path, holding the
SHA-256 of the file's normalised content and its package-relative path. Text files are normalised
(BOM removed, CRLF and CR turned into LF) so that a checkout on Windows digests like one on Linux;
every other file is hashed byte for byte.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Mapping

from soulkeeper.errors import IntegrityError

__all__ = [
    "DIGEST_FORMAT",
    "DIGEST_PREFIX",
    "SIGNATURE_FILE",
    "TEXT_EXTENSIONS",
    "compute_digest",
    "digest_lines",
    "file_hashes",
    "is_text_path",
    "normalise_content",
    "normalise_path",
    "parse_digest",
]

DIGEST_FORMAT = "soulkeeper-digest-v1"
DIGEST_PREFIX = "sha256:"
SIGNATURE_FILE = "soul.sig"
"""The detached signature, at the package root; never part of the digest."""
TEXT_EXTENSIONS = frozenset({".md", ".json", ".txt", ".yaml", ".yml", ".svg"})
"""Files with these extensions (case-insensitive) are normalised before hashing."""

_BOM = b"\xef\xbb\xbf"
_VCS_DIRS = frozenset({".git", ".hg", ".svn"})


def is_text_path(path: str) -> bool:
    """Whether ``path`` is hashed as text (normalised) rather than as raw bytes."""
    name = path.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    return dot > 0 and name[dot:].lower() in TEXT_EXTENSIONS


def normalise_content(path: str, data: bytes) -> bytes:
    """The bytes that are hashed for one file: text files lose a leading BOM and get LF line endings."""
    if not is_text_path(path):
        return data
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def normalise_path(path: str) -> str:
    """Check a package-relative POSIX path and return its NFC form.

    Raises :class:`IntegrityError` for paths no package can hold: empty, absolute, with ``\\``, ``.``
    or ``..`` segments, or with control characters (which would break the line format).
    """
    if not path or path.startswith("/") or "\\" in path:
        raise IntegrityError(f"{path!r}: not a package-relative POSIX path")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in path):
        raise IntegrityError(f"{path!r}: control character in a file name")
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise IntegrityError(f"{path!r}: empty, '.' or '..' path segment")
    return unicodedata.normalize("NFC", path)


def file_hashes(files: Mapping[str, bytes | str]) -> dict[str, str]:
    """SHA-256 hex of every file's normalised content, by normalised path, sorted.

    The signature file and anything inside a ``.git``/``.hg``/``.svn`` folder are left out.
    """
    hashes: dict[str, str] = {}
    for raw_path, content in files.items():
        path = normalise_path(raw_path)
        if path == SIGNATURE_FILE or any(part in _VCS_DIRS for part in path.split("/")[:-1]):
            continue
        if path in hashes:
            raise IntegrityError(f"{raw_path!r}: two files share this name after Unicode normalisation")
        data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
        hashes[path] = hashlib.sha256(normalise_content(path, data)).hexdigest()
    return {path: hashes[path] for path in sorted(hashes, key=lambda p: p.encode("utf-8"))}


def digest_lines(hashes: Mapping[str, str]) -> bytes:
    """The exact bytes whose SHA-256 is the digest, from :func:`file_hashes`' result."""
    ordered = sorted(hashes, key=lambda p: p.encode("utf-8"))
    body = "".join(f"{hashes[path]}  {path}\n" for path in ordered)
    return f"{DIGEST_FORMAT}\n{body}".encode()


def compute_digest(files: Mapping[str, bytes | str]) -> str:
    """Canonical digest ``"sha256:<64 hex>"`` over every file of a package.

    ``files`` maps package-relative POSIX paths to contents (``str`` is taken as UTF-8). The detached
    signature file (``soul.sig``) is excluded; everything else counts, so adding, removing, renaming or
    changing any file changes the digest. See docs/integrity.md for the byte layout.
    """
    return DIGEST_PREFIX + hashlib.sha256(digest_lines(file_hashes(files))).hexdigest()


def parse_digest(value: str) -> str:
    """Check a ``"sha256:<64 hex>"`` string and return it lower-cased; bare hex is accepted too."""
    text = value.strip().lower()
    hexpart = text.removeprefix(DIGEST_PREFIX)
    if len(hexpart) != 64 or any(ch not in "0123456789abcdef" for ch in hexpart):
        raise ValueError(f"{value!r} is not a digest; expected 'sha256:' followed by 64 hex digits")
    return DIGEST_PREFIX + hexpart
