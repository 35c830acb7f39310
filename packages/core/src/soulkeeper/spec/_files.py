"""Reading a package's files from disk (read-only) and checking package-relative paths."""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from soulkeeper.errors import SpecError
from soulkeeper.spec.limits import Limits

__all__ = [
    "IGNORED_DIRS",
    "SIGNATURE_FILE",
    "check_limits",
    "clean_relpath",
    "extension",
    "is_ignored",
    "package_root",
    "read_package",
]

_DRIVE = re.compile(r"^[A-Za-z]:")
MANIFEST_NAMES = ("soul.json", "clawsoul.json")


def clean_relpath(
    path: str, *, origin: str | None = None, line: int | None = None, field: str = "path"
) -> str:
    """Return ``path`` as a clean package-relative POSIX path (NFC) or raise :class:`SpecError`.

    Absolute paths, drive letters, backslashes, control characters and ``..`` segments are rejected;
    ``.`` segments and doubled slashes are dropped; the result is in Unicode NFC (macOS file systems
    hand out NFD names). ``field`` names the path in the message.
    """
    shown = f"{field} {path!r}"
    if not path or not path.strip():
        raise SpecError(
            f"{field} is empty; give a path relative to the package folder", file=origin, line=line
        )
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in path):
        raise SpecError(f"{shown} contains a control character; rename it", file=origin, line=line)
    if "\\" in path:
        raise SpecError(f"{shown} uses backslashes; write package paths with '/'", file=origin, line=line)
    if path.startswith("/") or _DRIVE.match(path):
        raise SpecError(
            f"{shown} is absolute; give a path relative to the package folder", file=origin, line=line
        )
    parts = [
        part for part in PurePosixPath(unicodedata.normalize("NFC", path)).parts if part not in ("", ".")
    ]
    if any(part == ".." for part in parts):
        raise SpecError(
            f"{shown} escapes the package ('..'); keep every file inside it", file=origin, line=line
        )
    if not parts:
        raise SpecError(f"{shown} names the package folder itself, not a file", file=origin, line=line)
    return "/".join(parts)


IGNORED_DIRS = frozenset({".git", ".hg", ".svn"})
"""Version-control folders are never part of a package (same rule as :mod:`soulkeeper.integrity`)."""
SIGNATURE_FILE = "soul.sig"
"""The detached signature at the package root: beside the content, never part of it."""


def is_ignored(relpath: str) -> bool:
    """Version-control folders at any depth and the top-level ``soul.sig`` are not package files."""
    parts = relpath.split("/")
    if any(part in IGNORED_DIRS for part in parts[:-1]):
        return True
    return relpath == SIGNATURE_FILE


def extension(relpath: str) -> str:
    """Lower-case extension with the dot (``".md"``), or ``""``; a leading dot alone is not one."""
    name = relpath.rsplit("/", 1)[-1]
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name.lstrip(".") else ""


def check_limits(files: Mapping[str, bytes], limits: Limits) -> None:
    """Enforce the extension allowlist, the per-file and per-package size caps and the file count."""
    if len(files) > limits.max_files:
        raise SpecError(f"package has {len(files)} files, more than the limit of {limits.max_files}")
    total = 0
    for relpath, data in files.items():
        _check_one(relpath, len(data), limits)
        total += len(data)
        if total > limits.max_package_bytes:
            raise SpecError(
                f"package is larger than {_size(limits.max_package_bytes)} (the Soul Spec package limit); "
                "remove files or raise Limits.max_package_bytes"
            )


def _check_one(relpath: str, size: int, limits: Limits) -> None:
    extension_ = extension(relpath)
    if extension_ not in limits.allowed_extensions:
        allowed = " ".join(sorted(limits.allowed_extensions))
        what = f"extension {extension_!r}" if extension_ else "no extension"
        if relpath.rsplit("/", 1)[-1].startswith("."):
            raise SpecError(
                f"hidden file with {what}; persona packages hold only {allowed} files: delete it "
                "(a .DS_Store or editor file is covered by the digest too)",
                file=relpath,
            )
        raise SpecError(
            f"{what} is not allowed in a persona package (allowed: {allowed}); remove the file", file=relpath
        )
    if size > limits.max_file_bytes:
        raise SpecError(
            f"file is {size:,} bytes, over the {_size(limits.max_file_bytes)} per-file limit; split or shorten it",
            file=relpath,
        )


def _size(n: int) -> str:
    if n >= 1024 * 1024 and n % (1024 * 1024) == 0:
        return f"{n // (1024 * 1024)} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB" if n % 1024 == 0 else f"{n / 1024:.1f} KB"
    return f"{n} bytes"


def package_root(path: str | os.PathLike[str]) -> Path:
    """The package folder for ``path`` (a folder, or its soul.json / clawsoul.json)."""
    root = Path(path)
    try:
        if root.is_file() and root.name in MANIFEST_NAMES:
            return root.parent
        if not root.exists():
            raise SpecError("no such file or folder; give the path of a persona package folder", file=root)
        if not root.is_dir():
            raise SpecError(
                "not a folder; give the path of a persona package folder (or its soul.json)", file=root
            )
    except OSError as exc:
        raise SpecError(f"cannot be read: {exc.strerror or exc}", file=root) from None
    return root


def read_package(root: Path, limits: Limits) -> dict[str, bytes]:
    """Read every package file under ``root`` (sorted by relative path); never writes anything.

    Symbolic links are followed only when they stay inside the package; a link pointing outside is a
    :class:`SpecError`. Sizes are checked from ``stat`` before a file is read.
    """
    try:
        base = root.resolve(strict=True)
    except OSError as exc:
        raise SpecError(f"cannot be read: {exc.strerror or exc}", file=root) from None
    files: dict[str, bytes] = {}
    total = 0
    # each folder carries the real paths of its ancestors: a link back to one is a loop (an error), while
    # a link to a sibling folder lists its files under the link's path too (as soulkeeper.integrity does)
    pending: list[tuple[Path, str, frozenset[Path]]] = [(root, "", frozenset({base}))]
    while pending:
        folder, prefix, ancestors = pending.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as exc:
            raise SpecError(f"cannot list folder: {exc.strerror or exc}", file=prefix or root) from None
        for entry in entries:
            relpath = f"{prefix}{entry.name}"
            if is_ignored(relpath) or (entry.name in IGNORED_DIRS and entry.is_dir()):
                continue
            key = clean_relpath(relpath, origin=str(root))
            full = Path(entry.path)
            try:
                if entry.is_symlink():
                    target = full.resolve(strict=True)
                    if not target.is_relative_to(base):
                        raise SpecError(
                            "is a symbolic link pointing outside the package; copy the file in instead",
                            file=relpath,
                        )
                    mode = target.stat().st_mode
                else:
                    target = full
                    mode = entry.stat(follow_symlinks=False).st_mode
            except FileNotFoundError:
                raise SpecError(
                    "is a broken symbolic link; remove it or fix its target", file=relpath
                ) from None
            except OSError as exc:
                raise SpecError(f"cannot be read: {exc.strerror or exc}", file=relpath) from None
            if stat.S_ISDIR(mode):
                resolved = target.resolve()
                if resolved in ancestors:
                    raise SpecError(
                        "is a symbolic link loop (it points at a folder above it); remove it", file=relpath
                    )
                pending.append((full, relpath + "/", ancestors | {resolved}))
                continue
            if not stat.S_ISREG(mode):
                raise SpecError("is not a regular file (device, socket or pipe); remove it", file=relpath)
            size = target.stat().st_size
            _check_one(relpath, size, limits)
            total += size
            if total > limits.max_package_bytes:
                raise SpecError(
                    f"package is larger than {_size(limits.max_package_bytes)} (the Soul Spec package limit); "
                    "remove files or raise Limits.max_package_bytes",
                    file=root,
                )
            if len(files) >= limits.max_files:
                raise SpecError(f"package has more than {limits.max_files} files; remove some", file=root)
            if key in files:
                raise SpecError("two files have the same name in Unicode NFC form; rename one", file=relpath)
            try:
                files[key] = target.read_bytes()
            except OSError as exc:
                raise SpecError(f"cannot be read: {exc.strerror or exc}", file=relpath) from None
    return dict(sorted(files.items()))
