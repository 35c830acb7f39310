"""Reading every file of a package folder, safely, for the digest and the signature."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from soulkeeper.errors import SpecError
from soulkeeper.integrity._digest import SIGNATURE_FILE

__all__ = ["IGNORED_DIRS", "list_package_files"]

IGNORED_DIRS = frozenset({".git", ".hg", ".svn"})
"""Version-control folders: never part of a package, at any depth."""


def list_package_files(
    root: str | os.PathLike[str],
    *,
    max_file_bytes: int | None = None,
    max_total_bytes: int | None = None,
) -> dict[str, bytes]:
    """Every file of the package at ``root``, by package-relative POSIX path (sorted), as raw bytes.

    Symbolic links are followed only when they stay inside the package; a link pointing outside it,
    a dangling link, a link loop or a special file (FIFO, device, socket) raises :class:`SpecError`.
    The detached signature ``soul.sig`` and version-control folders (``.git``, ``.hg``, ``.svn``) are
    left out. ``max_file_bytes`` / ``max_total_bytes`` raise :class:`SpecError` when exceeded.
    """
    base = Path(root)
    if not base.is_dir():
        raise SpecError("not a package folder (expected a directory)", file=base)
    real_root = Path(os.path.realpath(base))
    files: dict[str, bytes] = {}
    total = 0
    stack: list[tuple[Path, str, frozenset[Path]]] = [(real_root, "", frozenset({real_root}))]
    while stack:
        folder, prefix, seen = stack.pop()
        with os.scandir(folder) as entries:
            names = sorted(entries, key=lambda e: e.name)
        for entry in names:
            rel = f"{prefix}{entry.name}"
            if entry.name in IGNORED_DIRS and entry.is_dir():
                continue
            target = Path(entry.path)
            if entry.is_symlink():
                target = _resolve_inside(real_root, target, rel, base)
            try:
                mode = target.stat().st_mode
            except OSError as exc:
                raise SpecError(f"cannot read: {exc.strerror}", file=base / rel) from None
            if stat.S_ISDIR(mode):
                if target in seen:
                    raise SpecError("symbolic link loop", file=base / rel)
                stack.append((target, f"{rel}/", seen | {target}))
                continue
            if not stat.S_ISREG(mode):
                raise SpecError("not a regular file (FIFO, device or socket)", file=base / rel)
            if rel == SIGNATURE_FILE:
                continue
            data = target.read_bytes()
            if max_file_bytes is not None and len(data) > max_file_bytes:
                raise SpecError(
                    f"file is {len(data)} bytes, over the {max_file_bytes}-byte limit", file=base / rel
                )
            total += len(data)
            if max_total_bytes is not None and total > max_total_bytes:
                raise SpecError(f"package is over the {max_total_bytes}-byte limit", file=base)
            files[rel] = data
    return {path: files[path] for path in sorted(files, key=lambda p: p.encode("utf-8"))}


def _resolve_inside(real_root: Path, link: Path, rel: str, base: Path) -> Path:
    try:
        resolved = Path(os.path.realpath(link, strict=True))
    except OSError:
        raise SpecError("dangling or looping symbolic link", file=base / rel) from None
    if resolved != real_root and real_root not in resolved.parents:
        raise SpecError(
            "symbolic link points outside the package; replace it with the file itself", file=base / rel
        )
    return resolved
