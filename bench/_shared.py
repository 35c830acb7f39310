"""Where the benchmarks find the repository and the shared data folder (read in place, never copied).

``$SOULKEEPER_SHARED`` if set (``.ci/run`` sets it for a clone made away from the data), else ``shared``
beside the repository.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["DATA", "ROOT", "SHARED", "TIKTOKEN_CACHE"]

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SOULKEEPER_SHARED") or ROOT.parent / "shared")
DATA = SHARED / "data"
TIKTOKEN_CACHE = DATA / "tokenizers" / "tiktoken-cache"
