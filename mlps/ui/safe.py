"""User text in places that render markdown, shown as the text it is.

Streamlit renders markdown (not HTML, unless `unsafe_allow_html`) in st.markdown, st.write of a string,
st.caption, st.title/header/subheader, st.info/success/warning/error, st.toast, widget labels and `help`,
st.radio options, expander, tab and popover labels, and progress texts. User text placed there unescaped can
become a clickable link (`[下载整改通知](https://…)`), an image fetched from any server when a colleague opens
the page (`![](http://tracker/…)`: a tracking pixel), a heading or list that fakes the page's own content,
Streamlit's coloured text or icons (`:red[…]`, `:material/…:`) or LaTeX (`$…$`).

`md_escape` puts a backslash before every ASCII punctuation character, which CommonMark (and so Streamlit's
renderer) shows as the character itself, and an invisible word joiner into web and e-mail addresses (Streamlit
links bare addresses even when escaped); letters, digits, Chinese text and spaces are unchanged. Checked in
Chromium against Streamlit 1.67: links, images, tags, `:red[…]`, `:material/…:`, emoji short codes, LaTeX,
headings and bold all show as typed, with no link element. Use it for every
piece of user text inside such a place, e.g. `st.caption(tr("as.context", org=md_escape(org.name), …))`.
Plain-text places need nothing: st.text, st.code, data grid cells, text boxes, selectbox and multiselect options.

No Streamlit import: the core's tests can use it.
"""

from __future__ import annotations

import re
import string

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")


WORD_JOINER = "\u2060"  # invisible, zero width
# Bare web addresses and e-mail addresses are turned into links after the escapes are read (GitHub-flavoured
# markdown's "autolink literals"): an invisible word joiner inside "://", after "www" and before "@" stops that.
_AUTOLINK = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)|(?=@)")


def md_escape(text: object) -> str:
    """`text` (any value, made a string) escaped so that markdown shows it literally, with no link in it.

    Line breaks are kept; markdown joins single line breaks into spaces, so for one-line places (captions,
    headings, labels) pass `one_line(text)` instead. A web or e-mail address gets an invisible word joiner
    (U+2060) that keeps it from becoming a link.
    """
    return _PUNCTUATION.sub(r"\\\1", _AUTOLINK.sub(WORD_JOINER, str(text)))


def one_line(text: object) -> str:
    """`md_escape` with every run of line breaks and tabs made one space (for captions, headings and labels)."""
    return md_escape(re.sub(r"[\r\n\t]+", " ", str(text)).strip())


def md_unescape(text: str) -> str:
    """The inverse of `md_escape`: the text a reader sees, without the invisible word joiners."""
    return re.sub("\\\\([" + re.escape(string.punctuation) + "])", r"\1", text).replace(WORD_JOINER, "")
