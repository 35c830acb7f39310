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


def _loaded_after(code: str, modules: tuple[str, ...]) -> list[str]:
    probe = f"import sys; {code}; print(','.join(m for m in {modules!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return [m for m in out.stdout.strip().split(",") if m]


FRAMEWORKS = ("langchain", "langchain_core", "langgraph", "llama_index", "autogen_core", "autogen_agentchat")


def test_import_is_light() -> None:
    """Importing soulkeeper loads neither the guard, the detectors, the stores, pydantic nor a framework."""
    heavy = ("soulkeeper.guard", "soulkeeper.drift", "soulkeeper.stores", "pydantic", *FRAMEWORKS)
    assert _loaded_after("import soulkeeper", heavy) == []


def test_plugin_loading_imports_no_framework() -> None:
    """Loading every installed plugin (the adapters' entry points included) imports no agent framework."""
    code = "from soulkeeper.plugins import get_plugin_manager; get_plugin_manager()"
    assert _loaded_after(code, FRAMEWORKS) == []
