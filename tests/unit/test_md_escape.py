"""User text escaped for markdown places shows as itself: no link, image, HTML, heading or Streamlit directive
can survive, and a CommonMark renderer gives back exactly what was typed."""

from __future__ import annotations

import re
import string

from hypothesis import given
from hypothesis import strategies as st

from mlps.ui.safe import WORD_JOINER, md_escape, md_unescape, one_line


def test_links_images_and_tags_are_escaped_character_by_character():
    assert md_escape("[click](javascript:alert(1))") == r"\[click\]\(javascript\:alert\(1\)\)"
    assert md_escape("![x](t.png)") == r"\!\[x\]\(t\.png\)"
    assert md_escape("<script>alert(1)</script>") == r"\<script\>alert\(1\)\<\/script\>"


def test_streamlit_directives_latex_and_block_markers_are_escaped():
    assert md_escape(":red[危险] :material/warning:") == r"\:red\[危险\] \:material\/warning\:"
    assert md_escape("$x^2$") == r"\$x\^2\$"
    assert md_escape("# 标题\n- 列表\n1. 第一\n> 引用") == "\\# 标题\n\\- 列表\n1\\. 第一\n\\> 引用"


def test_bare_web_and_mail_addresses_get_an_invisible_joiner_so_they_are_not_linked():
    wj = WORD_JOINER
    assert md_escape("https://evil.example") == f"https\\:{wj}\\/\\/evil\\.example"
    assert md_escape("WWW.evil.example") == f"WWW{wj}\\.evil\\.example"
    assert md_escape("a@b.example") == f"a{wj}\\@b\\.example"
    assert md_unescape(md_escape("见 https://x.example 或 a@b.example")) == "见 https://x.example 或 a@b.example"


def test_chinese_letters_digits_and_spaces_are_unchanged():
    assert md_escape("青山县第一中学 学生信息管理系统 2026") == "青山县第一中学 学生信息管理系统 2026"
    assert md_escape("全角（括号）【方括号】") == "全角（括号）【方括号】"  # full-width punctuation is not markdown


def test_a_backslash_is_escaped_too():
    assert md_escape("C:\\new") == "C\\:\\\\new"  # C\:\\new


def test_one_line_joins_line_breaks_for_captions_and_headings():
    assert one_line("第一行\n\n# 第二行\t[x](y)") == r"第一行 \# 第二行 \[x\]\(y\)"


def test_values_that_are_not_text_are_made_text():
    assert md_escape(3.5) == r"3\.5"
    assert md_escape(None) == "None"


@given(st.text().map(lambda t: t.replace(WORD_JOINER, "")))
def test_what_a_renderer_shows_is_what_was_typed(text):
    escaped = md_escape(text)
    assert md_unescape(escaped) == text
    # once the escape pairs are removed, no markdown-active ASCII punctuation is left
    assert not set(re.sub(r"\\.", "", escaped, flags=re.S)) & set(string.punctuation)
