"""The public surface of the top-level package is pinned and resolvable."""

from __future__ import annotations

import subprocess
import sys

import pytest
import soulkeeper

EXPECTED = {
    "BudgetExceededError", "Checkpoint", "CheckpointStore", "Decision", "DriftDetector", "DriftPolicy",
    "DriftReport", "Finding", "IntegrityError", "Manifest", "Message", "MissingExtraError", "PackResult",
    "PersonaGuard", "Policy", "Reserve", "Rules", "RulesError", "Section", "Soul", "SoulDiff", "SoulFile",
    "SoulkeeperError", "SpecError", "StoreError", "ThreadState", "Tokenizer", "Violation", "compute_digest",
    "diff_souls", "get_tokenizer", "load_soul", "open_store", "pack", "sign_package", "tokenizer_for_model",
    "verify_package",
}  # fmt: skip


def test_all_is_pinned_and_sorted() -> None:
    """__all__ lists exactly the documented names, sorted."""
    assert set(soulkeeper.__all__) == EXPECTED
    assert list(soulkeeper.__all__) == sorted(soulkeeper.__all__)


def test_every_public_name_resolves() -> None:
    """Every lazily exported name imports and is the object its home module defines."""
    for name in soulkeeper.__all__:
        assert getattr(soulkeeper, name) is not None, name
    from soulkeeper.spec import load_soul

    assert soulkeeper.load_soul is load_soul


def test_unknown_attribute_raises_attribute_error() -> None:
    """A misspelled name is an AttributeError, not an import of something else."""
    with pytest.raises(AttributeError, match="PersonaGaurd"):
        soulkeeper.PersonaGaurd  # type: ignore[attr-defined]  # noqa: B018


def test_import_is_light() -> None:
    """Importing soulkeeper loads neither the guard, the detectors nor any agent framework."""
    code = (
        "import sys, soulkeeper; "
        "heavy = [m for m in ('soulkeeper.guard', 'soulkeeper.drift', 'soulkeeper.stores', "
        "'langchain_core', 'llama_index', 'autogen_core', 'pydantic') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
