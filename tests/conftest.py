"""Shared test configuration.

Tests that need ../shared (real data, tokenizers) or a service (PostgreSQL, Redis) skip with a reason on
a user's machine. Under ``SOULKEEPER_STRICT=1`` (CI) every skip is turned into a failure, so nothing that
CI is meant to exercise can silently not run.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SOULKEEPER_SHARED") or ROOT.parent / "shared")
"""The shared data folder: ``$SOULKEEPER_SHARED``, else ``shared`` beside the repository."""
DATA = SHARED / "data"
EXAMPLES = ROOT / "examples" / "souls"
STRICT = os.environ.get("SOULKEEPER_STRICT", "") not in ("", "0")

if "TIKTOKEN_CACHE_DIR" not in os.environ and (DATA / "tokenizers" / "tiktoken-cache").is_dir():
    os.environ["TIKTOKEN_CACHE_DIR"] = str(DATA / "tokenizers" / "tiktoken-cache")


def require_data(*parts: str) -> Path:
    """Return a path inside ../shared/data, skipping the test (failing under strict) when it is absent."""
    path = DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {path} (the shared data folder beside the repository)")
    return path


@pytest.fixture
def shared_data() -> Path:
    """The shared data folder; skips when it is absent."""
    return require_data()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, None, None]:
    outcome = yield
    report = outcome.get_result()
    if STRICT and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped under SOULKEEPER_STRICT=1 (CI must run everything): {reason}"
