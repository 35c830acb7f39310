"""speech_level() for Korean (하십시오체 / 해요체 / 반말) and Japanese (keigo / です・ます / plain)."""

from __future__ import annotations

import threading

import pytest
from soulkeeper.drift import speech_level
from soulkeeper.drift.signals import speech_level_sentences


class TestKorean:
    """Korean speech level from sentence-final endings (needs the ko extra)."""

    @pytest.fixture(autouse=True)
    def _kiwi(self) -> None:
        pytest.importorskip("kiwipiepy")

    @pytest.mark.parametrize(
        ("text", "level"),
        [
            ("배포가 완료되었습니다. 확인 부탁드립니다.", "formal"),
            ("배포 끝났어. 확인해 줘.", "casual"),
            ("배포가 끝났어요. 확인해 주세요.", "polite"),
            ("확인하셨습니까?", "formal"),
            ("고양이를 6마리나요? 키우는 거 안 힘드세요?", "polite"),
            ("저요!", "polite"),
            ("왜 그랬니?", "casual"),
            ("그렇구나", "casual"),
            ("나도 그거 좋아하는데", "casual"),
            ("응", "casual"),
            ("좋은 하루 보내세요~ ㅋㅋ 😀", "polite"),
            ("사람마다 기준은 다른 법이랍니다.", "formal"),
        ],
    )
    def test_levels(self, text: str, level: str) -> None:
        """Each sentence ending maps to its speech level."""
        assert speech_level(text, "ko") == level

    def test_mixed(self) -> None:
        """Polite and banmal sentences in one response are mixed."""
        assert speech_level("네 알겠어요. 근데 이거 뭐야?", "ko") == "mixed"

    @pytest.mark.parametrize(
        "text",
        [
            '그는 "빨리 와"라고 말했어요.',
            "“빨리 와”라고 했습니다.",
            "친구가 내일 간다고 했어요.",
            "같이 갈래? 이랬어요.",
        ],
    )
    def test_quoted_and_reported_speech_ignored(self, text: str) -> None:
        """Banmal inside quotes or reported speech does not make a polite response casual."""
        assert speech_level(text, "ko") in ("polite", "formal")

    @pytest.mark.parametrize("text", ["", "   ", "ㅋㅋㅋ", "4달러."])
    def test_undecided(self, text: str) -> None:
        """Texts without any ending give no evidence."""
        assert speech_level(text, "ko") == "undecided"

    def test_sentence_spans_point_at_the_offender(self) -> None:
        """The per-sentence evidence locates the one 반말 sentence in a polite answer."""
        text = "배포가 끝났어요. 근데 로그 봤어? 확인 부탁드려요."
        casual = [s for s in speech_level_sentences(text, "ko") if s.level == "casual"]
        assert [text[a:b] for a, b in (s.span for s in casual)] == ["근데 로그 봤어"]

    def test_csv_quoted_text_spans(self) -> None:
        """A text wrapped in quotes with doubled quotes inside is unwrapped, and spans still index it."""
        text = '"그는 ""빨리 와""라고 했어. 알았지?"'
        sentences = speech_level_sentences(text, "ko")
        assert [s.level for s in sentences] == ["casual", "casual"]
        assert text[sentences[1].span[0] : sentences[1].span[1]] == "알았지"

    def test_language_tag_variants(self) -> None:
        """Region subtags are accepted ("ko-KR")."""
        assert speech_level("확인했어.", "ko-KR") == "casual"

    def test_shared_analyser_is_thread_safe(self) -> None:
        """Concurrent calls from several threads give the same answers as sequential ones."""
        texts = ["배포가 완료되었습니다.", "배포 끝났어.", "확인해 주세요."] * 20
        expected = [speech_level(t, "ko") for t in texts]
        results: list[list[str]] = [[] for _ in range(4)]

        def work(i: int) -> None:
            results[i] = [speech_level(t, "ko") for t in texts]

        threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert all(r == expected for r in results)


class TestJapanese:
    """Japanese politeness from auxiliaries and sentence endings (needs the ja extra)."""

    @pytest.fixture(autouse=True)
    def _fugashi(self) -> None:
        pytest.importorskip("fugashi")
        pytest.importorskip("unidic_lite")

    @pytest.mark.parametrize(
        ("text", "level"),
        [
            ("デプロイが完了しました。確認をお願いします。", "polite"),
            ("デプロイ終わったよ。確認して。", "casual"),
            ("明日は雨が降るでしょう。", "polite"),
            ("明日は雨が降るよ。", "casual"),
            ("これを見てください。", "polite"),
            ("そうなんだ", "casual"),
            ("それはいいね！", "casual"),
            ("申し訳ございません。", "formal"),
            ("お待ちしております。", "formal"),
            ("分かるでしょ？", "casual"),
        ],
    )
    def test_levels(self, text: str, level: str) -> None:
        """Desu/masu, keigo and plain endings map to their levels."""
        assert speech_level(text, "ja") == level

    def test_mixed(self) -> None:
        """A polite sentence followed by a plain one is mixed."""
        assert speech_level("資料を送りました。早く見てくれ。", "ja") == "mixed"

    def test_sentence_spans(self) -> None:
        """Per-sentence evidence carries spans into the original text, quotes included."""
        text = "彼は「行くよ」と言いました。早く見てくれ。"
        found = speech_level_sentences(text, "ja")
        assert [(text[a:b], s.level) for s, (a, b) in ((s, s.span) for s in found)] == [
            ("彼は「行くよ」と言いました。", "polite"),
            ("早く見てくれ。", "casual"),
        ]

    def test_quotes_ignored(self) -> None:
        """Plain speech inside 「」 does not count against a polite sentence."""
        assert speech_level("彼は「行くよ」と言いました。", "ja") == "polite"

    @pytest.mark.parametrize("text", ["", "本当に？"])
    def test_undecided_or_weak(self, text: str) -> None:
        """Empty text is undecided; a bare noun question is at most weak evidence."""
        assert speech_level(text, "ja") in ("undecided", "casual")


def test_unsupported_language() -> None:
    """Languages other than ko and ja raise a clear ValueError."""
    with pytest.raises(ValueError, match="ko and ja"):
        speech_level("Hello", "en")
