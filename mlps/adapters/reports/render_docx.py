"""A `docmodel.Document` as an editable Word file (python-docx): the same blocks as the PDF, in real Word
tables and paragraphs a unit can correct before it prints and seals the form.

Chinese text is set in a Song typeface for East Asian characters (Word substitutes whatever the machine has);
tick rows keep their ■ / □ characters so the chosen code stays visible and editable.
"""

from __future__ import annotations

import io

from docx import Document as new_document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from mlps.adapters.reports import docmodel as dm
from mlps.adapters.reports.render_pdf import missing_blocks
from mlps.adapters.reports.texts import tx

EAST_ASIAN_FONT = "宋体"
LATIN_FONT = "Times New Roman"
LABEL_FILL = "F3F5F8"
HEAD_FILL = "E4E9F0"


def _set_fonts(style, size: float | None = None, bold: bool | None = None) -> None:  # noqa: ANN001 (docx style)
    style.font.name = LATIN_FONT
    if size:
        style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)


def _shade(cell, fill: str) -> None:  # noqa: ANN001
    props = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    props.append(shd)


def _min_height(row, height_mm: float) -> None:  # noqa: ANN001
    row.height = Mm(height_mm)


def _cell_text(cell, value: dm.Value, bold: bool = False) -> None:  # noqa: ANN001
    """Write a value into a cell: one paragraph per line."""
    text = dm.value_text(value)
    par = cell.paragraphs[0]  # a new cell holds one empty paragraph
    for n, line in enumerate(text.split("\n") if text else [""]):
        if n:
            par = cell.add_paragraph()
        run = par.add_run(line)
        if bold:
            run.bold = True  # the size comes from the table style (render_docx), not from each run


def _keep_row(row) -> None:  # noqa: ANN001
    """A row is never split across pages."""
    props = row._tr.get_or_add_trPr()
    cant = OxmlElement("w:cantSplit")
    props.append(cant)


def _add(doc, blocks: tuple[dm.Block, ...], keep: bool = False) -> None:  # noqa: ANN001, C901
    for b in blocks:
        if isinstance(b, dm.Title):
            par = doc.add_paragraph(style="Title")
            par.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = par.add_run(b.text)
            run.font.size = Pt(26 if b.big else 20)
            if b.big:
                par.paragraph_format.space_before = Pt(120)
        elif isinstance(b, dm.Subtitle):
            par = doc.add_paragraph(b.text)
            par.alignment = WD_ALIGN_PARAGRAPH.CENTER
            par.runs[0].font.size = Pt(14)
        elif isinstance(b, dm.Heading):
            par = doc.add_heading(b.text, level=min(max(b.level, 1), 3))
            par.paragraph_format.keep_with_next = True
        elif isinstance(b, dm.Para):
            for line in b.text.split("\n"):
                par = doc.add_paragraph(line)
                par.paragraph_format.keep_with_next = keep
        elif isinstance(b, dm.Note):
            par = doc.add_paragraph()
            run = par.add_run(b.text)
            run.italic = True
            run.font.color.rgb = RGBColor(0x8A, 0x5A, 0x00)
            par.paragraph_format.keep_with_next = keep
        elif isinstance(b, dm.Fields):
            table = doc.add_table(rows=0, cols=2)
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            total = sum(b.widths)
            for i, (label, value) in enumerate(b.rows):
                row = table.add_row()
                _cell_text(row.cells[0], label, bold=True)
                _shade(row.cells[0], LABEL_FILL)
                _cell_text(row.cells[1], value)
                if i in b.tall:
                    _min_height(row, 18)
                if keep:
                    _keep_row(row)
            for row in table.rows:
                row.cells[0].width = Mm(170 * b.widths[0] / total)
                row.cells[1].width = Mm(170 * b.widths[1] / total)
            doc.add_paragraph().paragraph_format.keep_with_next = keep
        elif isinstance(b, dm.Grid):
            table = doc.add_table(rows=1, cols=len(b.header))
            table.style = "Table Grid"
            for cell, head in zip(table.rows[0].cells, b.header, strict=True):
                _cell_text(cell, head, bold=True)
                _shade(cell, HEAD_FILL)
            for values in b.rows:
                row = table.add_row()
                for cell, value in zip(row.cells, values, strict=True):
                    _cell_text(cell, value)
                if b.tall_rows:
                    _min_height(row, 10)
                if keep:
                    _keep_row(row)
            doc.add_paragraph().paragraph_format.keep_with_next = keep
        elif isinstance(b, dm.Box):
            table = doc.add_table(rows=1, cols=1)
            table.style = "Table Grid"
            _cell_text(table.rows[0].cells[0], b.text)
            _min_height(table.rows[0], b.min_height_mm)
            doc.add_paragraph().paragraph_format.keep_with_next = keep
        elif isinstance(b, dm.Break):
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif isinstance(b, dm.Together):
            _add(doc, b.blocks, keep=True)
        elif isinstance(b, dm.Chart):  # Word gets the figures the chart draws, as a small table
            figures = tuple((label, f"{value:g}") for _code, label, value in b.rows)
            _add(doc, (dm.Para(b.title), dm.Grid(b.head, figures, (3, 1))), keep)


def render_docx(doc: dm.Document) -> bytes:
    out = new_document()
    section = out.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(22), Mm(18)
    for name, size in (("Normal", 10.5), ("Title", 20), ("Heading 1", 14), ("Heading 2", 12), ("Heading 3", 11),
                       ("Table Grid", 9.5)):  # fmt: skip
        _set_fonts(out.styles[name], size)
    header = tx("common", "header", doc.lang, unit=doc.unit, system=doc.system)
    if doc.cover:
        section.different_first_page_header_footer = True
    section.header.paragraphs[0].text = header
    props = out.core_properties
    props.title, props.author, props.subject = doc.title, "MLPS Workbench", f"{doc.unit} {doc.system}"
    props.language = "zh-CN" if doc.lang == "zh" else "en"
    _add(out, doc.blocks + missing_blocks(doc))
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()
