"""Where a guard keeps its state when the caller names no store."""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["DEFAULT_STORE_ENV", "default_store_url"]

DEFAULT_STORE_ENV = "SOULKEEPER_STORE"


def default_store_url() -> str:
    """The checkpoint store used when none is given.

    ``$SOULKEEPER_STORE`` if set, else an SQLite file in the user's data folder:
    ``$XDG_DATA_HOME/soulkeeper/state.db`` (``~/.local/share/soulkeeper/state.db``) on Linux,
    ``~/Library/Application Support/soulkeeper/state.db`` on macOS and
    ``%LOCALAPPDATA%\\soulkeeper\\state.db`` on Windows. Never inside a persona package.
    """
    env = os.environ.get(DEFAULT_STORE_ENV)
    if env:
        return env
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return f"sqlite:///{(base / 'soulkeeper' / 'state.db').as_posix()}"
