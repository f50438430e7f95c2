"""The CJK font: the Debian TrueType font is found and embedded; without one, the CID fallback is used and
a warning says so."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from pypdf import PdfReader

from mlps.adapters.reports import build_expert_review_form, cjk_font, fonts
from mlps.rules.domain import GradingRecord, HarmDegree, HarmObject, Judgement, Organisation, System

WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


@pytest.fixture
def fresh_font(monkeypatch):
    """Forget the font found so far; restore the normal search afterwards."""
    monkeypatch.delenv(fonts.FONT_ENV, raising=False)
    fonts.cjk_font.cache_clear()
    yield
    monkeypatch.undo()
    fonts.cjk_font.cache_clear()


def _pdf() -> bytes:
    g = GradingRecord(
        1,
        Judgement(HarmObject.CITIZENS, HarmDegree.SERIOUS),
        Judgement(HarmObject.CITIZENS, HarmDegree.GENERAL),
        2,
        1,
        2,
    )
    return build_expert_review_form(Organisation(name="示例学校"), System(name="官网"), g, "zh")


@pytest.mark.skipif(not WQY.is_file(), reason="fonts-wqy-microhei is not installed")
def test_the_debian_wqy_font_is_found_and_embedded(fresh_font):
    info = cjk_font()
    assert info.embedded and info.path == str(WQY)


def test_without_a_truetype_font_the_cid_fallback_is_used_with_a_warning(fresh_font, monkeypatch, caplog):
    monkeypatch.setattr(fonts, "FONT_CANDIDATES", (("/nonexistent/font.ttc", 0),))
    with caplog.at_level(logging.WARNING, logger="mlps.adapters.reports.fonts"):
        info = cjk_font()
        pdf = _pdf()
    assert info.name == "STSong-Light" and not info.embedded
    assert "No embeddable CJK TrueType font found" in caplog.text
    reader = PdfReader(io.BytesIO(pdf))
    names = {str(f.get_object()["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert any("STSong-Light" in n for n in names)
    assert "示例学校" in reader.pages[0].extract_text()


def test_an_unusable_font_file_is_skipped(fresh_font, monkeypatch, tmp_path):
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"not a font")
    monkeypatch.setenv(fonts.FONT_ENV, str(broken))
    info = cjk_font()
    assert info.path != str(broken)


def test_line_breaking_rules_know_full_width_punctuation(fresh_font):
    cjk_font()
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    for ch in "，；：？！）》」』":
        assert ch in textsplit.ALL_CANNOT_START and ch in paragraph.ALL_CANNOT_START
