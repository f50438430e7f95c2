"""The CJK font the PDFs embed, found once per process.

Debian's fonts-wqy-microhei (Apache-2.0 / GPL-3 with font exception) embeds and subsets correctly in reportlab,
including in reportlab.graphics charts (checked, see docs/engineering.md 'PDFs with Chinese'). Noto CJK fonts do not
work (PostScript outlines). When no TrueType CJK font is found we fall back to reportlab's STSong-Light CID
font, which is NOT embedded: readers without Chinese fonts then show boxes, so a warning is logged.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.lib import textsplit
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import paragraph

log = logging.getLogger(__name__)

FONT_ENV = "MLPS_CJK_FONT"  # a path to a .ttf/.ttc to use instead of the search list
FONT_NAME = "MLPSCJK"
FALLBACK_CID = "STSong-Light"

# (path, subfont index) in the order we try them. TrueType outlines only (no CFF/OTF).
FONT_CANDIDATES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),  # Debian / Ubuntu fonts-wqy-microhei
    ("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc", 0),  # Fedora wqy-microhei-fonts
    ("/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc", 0),  # Arch wqy-microhei
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),  # Debian fonts-wqy-zenhei
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),  # Debian fonts-arphic-uming
    ("/System/Library/Fonts/STHeiti Light.ttc", 0),  # macOS
    ("C:/Windows/Fonts/simhei.ttf", 0),  # Windows
)

# Full-width punctuation that must not begin a line (reportlab's list lacks these; docs/engineering.md).
EXTRA_CANNOT_START = "，；：？！）》」』、。"


@dataclass(frozen=True)
class FontInfo:
    name: str  # the reportlab font name to use in styles
    embedded: bool  # False for the CID fallback
    path: str = ""  # the font file, when embedded


def _patch_line_breaking() -> None:
    for module in (textsplit, paragraph):
        current = getattr(module, "ALL_CANNOT_START", "")
        missing = "".join(ch for ch in EXTRA_CANNOT_START if ch not in current)
        if missing:
            module.ALL_CANNOT_START = current + missing


def _candidates() -> list[tuple[str, int]]:
    chosen = os.environ.get(FONT_ENV)
    extra = [(chosen, 0)] if chosen else []
    return extra + list(FONT_CANDIDATES)


def _try_register(path: str, index: int) -> bool:
    try:
        font = TTFont(FONT_NAME, path, subfontIndex=index)
    except Exception as exc:  # unreadable file, CFF outlines, …: try the next one
        log.info("CJK font %s not usable: %s", path, exc)
        return False
    pdfmetrics.registerFont(font)
    return True


@lru_cache(maxsize=1)
def cjk_font() -> FontInfo:
    """Register and return the CJK font every document and chart uses (searched once per process)."""
    _patch_line_breaking()
    for path, index in _candidates():
        if Path(path).is_file() and _try_register(path, index):
            info = FontInfo(FONT_NAME, True, path)
            break
    else:
        log.warning(
            "No embeddable CJK TrueType font found (tried %s; set %s or install fonts-wqy-microhei). "
            "Falling back to %s, which is not embedded: Chinese may show as boxes on other machines.",
            ", ".join(p for p, _ in _candidates()),
            FONT_ENV,
            FALLBACK_CID,
        )
        pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_CID))
        info = FontInfo(FALLBACK_CID, False)
    # one weight only: <b>/<i> map to the same face instead of failing
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(info.name, bold, italic, info.name)
    return info
