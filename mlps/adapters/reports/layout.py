"""What every document shares: A4 page, styles, escaping of user text, tables, running header and page numbers.

Every text a user typed goes through `esc()` before it reaches reportlab's paragraph mini-markup, so `<b>`,
`<font>` or `&` in a unit name prints as typed and can never change the layout. Long texts live in
Paragraphs inside tables that may split inside a row (`splitInRow`), so nothing is ever cut at a page end.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from mlps.adapters.reports.fonts import cjk_font
from mlps.adapters.reports.texts import tx

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 22 * mm
MARGIN_BOTTOM = 18 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN_X

GRID = colors.HexColor("#555555")
HEAD_BG = colors.HexColor("#E4E9F0")
LABEL_BG = colors.HexColor("#F3F5F8")
NOTE_BG = colors.HexColor("#FFF4E0")
NOTE_BORDER = colors.HexColor("#D08A00")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def esc(value: object) -> str:
    """User text made inert for reportlab's paragraph markup: control characters dropped, &, <, > escaped,
    line breaks kept as <br/>."""
    if value is None:
        return ""
    text = _CONTROL.sub("", str(value)).replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return html.escape(text, quote=False).replace("\n", "<br/>")


def check_lang(lang: str) -> str:
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', not '{lang}'")
    return lang


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    body: ParagraphStyle
    cell: ParagraphStyle
    cell_small: ParagraphStyle
    cell_head: ParagraphStyle
    cell_center: ParagraphStyle
    note: ParagraphStyle
    cover_big: ParagraphStyle


@lru_cache(maxsize=4)
def _styles(font: str) -> Styles:
    def style(name: str, size: float, leading: float | None = None, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading or size * 1.45, wordWrap="CJK", **kw)

    return Styles(
        title=style("title", 20, 28, alignment=TA_CENTER, spaceAfter=6 * mm),
        subtitle=style("subtitle", 13, 19, alignment=TA_CENTER, spaceAfter=4 * mm),
        h1=style(
            "h1", 14, 20, spaceBefore=5 * mm, spaceAfter=2.5 * mm, textColor=colors.HexColor("#14305A"), keepWithNext=1
        ),
        h2=style("h2", 11.5, 17, spaceBefore=3 * mm, spaceAfter=1.5 * mm, keepWithNext=1),
        h3=style("h3", 10.5, 15, spaceBefore=2 * mm, spaceAfter=1 * mm, keepWithNext=1),
        body=style("body", 10, 15.5, spaceAfter=1.5 * mm),
        # cells: a full-width '，' or '。' may hang past the line end (reportlab's CJK rule); the right indent
        # keeps it inside the cell border
        cell=style("cell", 9, 12.5, rightIndent=5.5),
        cell_small=style("cell_small", 8, 10.8, rightIndent=5),
        cell_head=style("cell_head", 9, 12.5, rightIndent=5.5, textColor=colors.HexColor("#14305A")),
        cell_center=style("cell_center", 9, 12.5, alignment=TA_CENTER),
        note=style(
            "note",
            9,
            13,
            backColor=NOTE_BG,
            borderColor=NOTE_BORDER,
            borderWidth=0.6,
            borderPadding=4,
            spaceBefore=3 * mm,
            spaceAfter=3 * mm,
        ),
        cover_big=style("cover_big", 24, 34, alignment=TA_CENTER, spaceAfter=10 * mm),
    )


def styles() -> Styles:
    return _styles(cjk_font().name)


class Para(Paragraph):
    """A Paragraph that remembers its last line breaking: a table wraps each cell several times at the same
    width while it measures, splits and draws (about four times per cell in a long report). Breaking lines
    depends only on the width, so the same width gives the same result."""

    _wrapped_at: float | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (reportlab's names)
        if availWidth == self._wrapped_at and "blPara" in self.__dict__:
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        self._wrapped_at = availWidth
        return size


def p(markup: str, style: ParagraphStyle | None = None) -> Paragraph:
    """A paragraph from markup the code wrote (labels from texts.yaml and already escaped user text)."""
    return Para(markup, style or styles().body)


def cell(value: object, style: ParagraphStyle | None = None) -> Paragraph:
    """A table cell from user text, escaped."""
    return Para(esc(value), style or styles().cell)


def table(
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    header_rows: int = 1,
    label_cols: int = 0,
    extra: Sequence[tuple] = (),
    min_heights: Sequence[float] | None = None,
) -> Table:
    """A grid table. Plain strings are escaped into Paragraphs; header rows repeat on every page; rows may
    split across pages so long cells are never cut."""
    st = styles()
    data = []
    for r, row in enumerate(rows):
        out = []
        for value in row:
            if isinstance(value, Flowable | list):
                out.append(value)
            elif r < header_rows:
                out.append(Para(esc(value), st.cell_head))
            else:
                out.append(Para(esc(value), st.cell))
        data.append(out)
    total = sum(widths)
    scaled = [w * FRAME_WIDTH / total for w in widths]
    commands: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), HEAD_BG))
    if label_cols:
        commands.append(("BACKGROUND", (0, header_rows), (label_cols - 1, -1), LABEL_BG))
    commands.extend(extra)
    return Table(
        data,
        colWidths=scaled,
        repeatRows=header_rows,
        splitInRow=1,
        minRowHeights=list(min_heights) if min_heights else None,
        style=TableStyle(commands),
        hAlign="LEFT",
    )


def spacer(height_mm: float = 3) -> Spacer:
    return Spacer(1, height_mm * mm)


def keep(*flowables: Flowable) -> KeepTogether:
    return KeepTogether(list(flowables))


def page_break() -> PageBreak:
    return PageBreak()


def _numbered_canvas(header: str, lang: str, cover: bool) -> type[pdfcanvas.Canvas]:
    """A canvas that holds every page until the end so it can print 'page n of N' and the running header."""
    font = cjk_font().name

    class NumberedCanvas(pdfcanvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            page = self._pageNumber
            if cover and page == 1:
                return
            self.saveState()
            self.setFont(font, 8)
            self.setFillColor(colors.HexColor("#444444"))
            self.drawString(MARGIN_X, PAGE_HEIGHT - 12 * mm, header)
            self.setStrokeColor(colors.HexColor("#999999"))
            self.setLineWidth(0.4)
            self.line(MARGIN_X, PAGE_HEIGHT - 13.5 * mm, PAGE_WIDTH - MARGIN_X, PAGE_HEIGHT - 13.5 * mm)
            self.drawCentredString(PAGE_WIDTH / 2, 10 * mm, tx("common", "page", lang, page=page, total=total))
            self.restoreState()

    return NumberedCanvas


def _clip(text: str, width: float, font: str, size: float) -> str:
    """The running header is one line: shorten it with an ellipsis rather than run off the page."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def build_pdf(
    story: list[Flowable] | Callable[[], list[Flowable]],
    *,
    title: str,
    unit: str,
    system: str,
    lang: str,
    cover: bool = False,
) -> bytes:
    """Lay out `story` on A4 with the running header (unit | system) and 'page n of N'; return the PDF bytes."""
    font = cjk_font().name
    header = _clip(
        tx("common", "header", lang, unit=_CONTROL.sub("", unit), system=_CONTROL.sub("", system)),
        FRAME_WIDTH,
        font,
        8,
    )
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=_CONTROL.sub("", title),
        author="MLPS Workbench",
        subject=_CONTROL.sub("", f"{unit} {system}"),
        creator="MLPS Workbench (reportlab)",
        lang="zh-CN" if lang == "zh" else "en",
    )
    flowables = story() if callable(story) else story
    doc.build(flowables, canvasmaker=_numbered_canvas(header, lang, cover))
    return buffer.getvalue()
