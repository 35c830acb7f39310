"""Run-time integrity: notice when the soul's files change on disk and re-verify them.

A cheap check (``os.stat`` of every file of the package, throttled) runs on every guard call; only when
something changed is the package read and verified again. A package whose bytes no longer match what was
trusted at construction is a mismatch: fail closed (:class:`IntegrityError` on every call until the files
match again) or keep serving the last trusted version and report it. A package signed again with the
trusted key (when the guard was given ``verify_key``) is accepted as the new trusted version: trust
changes only when the user signs again.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from soulkeeper.errors import IntegrityError, SoulkeeperError
from soulkeeper.guard._events import logger
from soulkeeper.spec import Soul, load_soul

__all__ = ["IntegrityWatch"]

_Signature = tuple[tuple[str, int, int], ...]


def _signature(root: Path) -> _Signature:
    entries: list[tuple[str, int, int]] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in (".git", ".hg", ".svn"))
        for name in sorted(files):
            path = os.path.join(folder, name)
            try:
                st = os.stat(path)
            except OSError:
                entries.append((path, -1, -1))
                continue
            entries.append((path, st.st_mtime_ns, st.st_size))
    return tuple(entries)


class IntegrityWatch:
    """Watches one soul's package folder; :meth:`check` returns the soul to serve and any error."""

    def __init__(
        self,
        soul: Soul,
        *,
        interval: float | None,
        mode: str,
        expect_digest: str | None = None,
        verify_key: Any = None,
    ) -> None:
        self.trusted = soul
        self.interval = interval
        self.mode = mode
        self.expect_digest = expect_digest
        self.verify_key = verify_key
        self.error: str | None = None
        self.changes = 0
        self._root = soul.root
        self._sig = _signature(soul.root) if soul.root is not None and interval is not None else ()
        self._next = time.monotonic() + (interval or 0.0)

    def check(self, *, force: bool = False) -> tuple[Soul, str | None, bool]:
        """``(soul to serve, integrity error or None, whether the trusted soul changed)``.

        Raises :class:`IntegrityError` in ``"raise"`` mode while the files on disk do not match.
        """
        changed = False
        if self._root is not None and self.interval is not None:
            now = time.monotonic()
            if force or now >= self._next:
                self._next = now + self.interval
                sig = _signature(self._root)
                if sig != self._sig:
                    self._sig = sig
                    changed = self._reverify()
        if self.error is not None and self.mode == "raise":
            raise IntegrityError(self.error)
        return self.trusted, self.error, changed

    def _reverify(self) -> bool:
        assert self._root is not None
        self.changes += 1
        try:
            fresh = load_soul(self._root, verify_key=self.verify_key, expect_digest=self.expect_digest)
        except (SoulkeeperError, OSError) as exc:
            return self._mismatch(f"{self._root}: {' '.join(str(exc).split())}")
        if fresh.digest == self.trusted.digest:
            if self.error is not None:
                logger.info("soul %s matches its trusted digest again", self.trusted.name)
            self.error = None
            return False
        if self.verify_key is not None:
            logger.info(
                "soul %s was signed again (%s -> %s); serving the new version",
                fresh.name,
                self.trusted.digest,
                fresh.digest,
            )
            self.trusted = fresh
            self.error = None
            return True
        return self._mismatch(
            f"{self._root}: the persona files changed on disk (digest {fresh.digest}, trusted "
            f"{self.trusted.digest}); sign or pin the new version to trust it"
        )

    def _mismatch(self, message: str) -> bool:
        if self.error != message:
            if self.mode == "raise":
                logger.error("integrity check failed, refusing to serve the persona: %s", message)
            else:
                logger.error("integrity check failed, serving the last trusted version: %s", message)
        self.error = message
        return False
