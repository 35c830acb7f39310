"""identity_claims finds self-identifications and ignores ordinary 'I'm …' sentences."""

from __future__ import annotations

import pytest
from soulkeeper.drift import identity_claims
from soulkeeper.drift.signals import BASE_MODEL_NAMES, find_identity_claims, mentions_base_model


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm Gemma 4, how can I help you today?", ["Gemma 4"]),
        ("I am Llama 3.1 70B.", ["Llama 3.1 70B"]),
        ("This is GPT-4o speaking.", ["GPT-4o"]),
        ("As an AI language model developed by Google, I cannot do that.", ["AI language model", "Google"]),
        ("I'm an AI assistant created by OpenAI.", ["AI assistant", "OpenAI"]),
        (
            "I am ChatGPT, a large language model trained by OpenAI.",
            ["ChatGPT", "large language model", "OpenAI"],
        ),
        ("Hi, I'm Mati! Your deployment is done.", ["Mati"]),
        ("My name is Claude and I was trained by Anthropic.", ["Claude", "Anthropic"]),
        ("I'm Qwen, created by Alibaba Cloud.", ["Qwen", "Alibaba Cloud"]),
        ("저는 구글이 개발한 AI 언어 모델입니다.", ["구글", "AI 언어 모델"]),
        ("제 이름은 하늘입니다.", ["하늘"]),
        ("저는 Gemma입니다.", ["Gemma"]),
        ("私はGoogleによって開発されたAIです。", ["Google", "AI"]),
        ("私はアシスタントのミナと申します。", ["ミナ"]),
        ("我是一个由阿里云开发的AI助手。", ["阿里云", "AI助手"]),
        ("我叫通义千问。", ["通义千问"]),
    ],
)
def test_claims(text: str, expected: list[str]) -> None:
    """Names, AI self-descriptions and makers are returned in order."""
    assert identity_claims(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I'm tired",
        "I'm John's mom and I love baking.",
        "I'm Sorry, I can't make it.",
        "I'm American, born in Ohio.",
        "I'm so happy for you!",
        "I am a teacher.",
        "Google's new phone looks great.",
        "We used GPT to draft it, and it was trained by OpenAI engineers on public data.",
        "저는 학생입니다.",
        "我是学生。",
    ],
)
def test_no_claims(text: str) -> None:
    """Ordinary sentences about feelings, families, jobs or other products claim no identity."""
    assert identity_claims(text) == [] or all(not mentions_base_model(c) for c in identity_claims(text))


def test_no_claim_for_third_party_talk() -> None:
    """Talking about a model is not claiming to be it."""
    assert identity_claims("Gemma and Llama are open-weight models.") == []


def test_spans_and_kinds() -> None:
    """Each claim carries its kind and its span in the text."""
    text = "Hello! I'm Gemma 4, trained by Google."
    claims = find_identity_claims(text)
    assert [(c.kind, text[c.span[0] : c.span[1]]) for c in claims] == [
        ("name", "Gemma 4"),
        ("maker", "Google"),
    ]


def test_base_model_names() -> None:
    """The base-model list names the common families, and mentions are recognised case-insensitively."""
    for name in (
        "Gemma",
        "Llama",
        "Qwen",
        "Mistral",
        "Claude",
        "GPT",
        "ChatGPT",
        "Gemini",
        "DeepSeek",
        "Phi",
    ):
        assert name in BASE_MODEL_NAMES
    assert mentions_base_model("gemma 4")
    assert not mentions_base_model("Mati")
