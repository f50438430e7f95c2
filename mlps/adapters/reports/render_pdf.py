"""A `docmodel.Document` as PDF, laid out with the shared A4 layout (layout.py): the same fonts, escaping,
running header and page numbers as every other document."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from mlps.adapters.reports import docmodel as dm
from mlps.adapters.reports.charts import category_bar_chart, result_pie_chart
from mlps.adapters.reports.layout import FRAME_WIDTH, build_pdf, esc, keep, p, page_break, spacer, styles, table
from mlps.adapters.reports.texts import tx


def _markup(value: dm.Value) -> str:
    """A value as paragraph markup: user text escaped, lines as <br/>."""
    if isinstance(value, dm.Ticks):
        return esc(value.text()).replace("  ", "&nbsp;&nbsp; ")
    if isinstance(value, tuple):
        return "<br/>".join(_markup(v) for v in value if dm.value_text(v))
    return esc(value)


def _flowables(blocks: tuple[dm.Block, ...]) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = []
    for b in blocks:
        if isinstance(b, dm.Title):
            out.append(p(esc(b.text), st.cover_big if b.big else st.title))
        elif isinstance(b, dm.Subtitle):
            out.append(p(esc(b.text), st.subtitle))
        elif isinstance(b, dm.Heading):
            out.append(p(esc(b.text), {1: st.h1, 2: st.h2}.get(b.level, st.h3)))
        elif isinstance(b, dm.Para):
            out.append(p(esc(b.text)))
        elif isinstance(b, dm.Note):
            out.append(p(esc(b.text), st.note))
        elif isinstance(b, dm.Fields):
            rows = [[p(esc(label), st.cell_head), p(_markup(v), st.cell)] for label, v in b.rows]
            heights = [18 * mm if i in b.tall else 0 for i in range(len(rows))]
            out.append(table(rows, b.widths, header_rows=0, label_cols=1, min_heights=heights))
        elif isinstance(b, dm.Grid):
            head = [p(esc(h), st.cell_head) for h in b.header]
            body = [[p(_markup(v), st.cell_small) for v in row] for row in b.rows]
            widths = b.widths or tuple(1 for _ in b.header)
            heights = [0] + [10 * mm if b.tall_rows else 0] * len(body)
            out.append(table([head, *body], widths, min_heights=heights))
        elif isinstance(b, dm.Box):
            out.append(table([[p(esc(b.text), st.cell)]], (1,), header_rows=0, min_heights=[b.min_height_mm * mm]))
        elif isinstance(b, dm.Break):
            out.append(page_break())
        elif isinstance(b, dm.Together):
            out.append(keep(*_flowables(b.blocks)))
        elif isinstance(b, dm.Chart):
            if b.kind == "bar":
                out.append(category_bar_chart([r[1] for r in b.rows], [r[2] for r in b.rows], b.title, FRAME_WIDTH))
            else:
                out.append(result_pie_chart([(r[0], r[1], int(r[2])) for r in b.rows], b.title, FRAME_WIDTH))
            out.append(spacer(3))
        out.append(spacer(1)) if isinstance(b, dm.Fields | dm.Grid | dm.Box) else None
    return out


def missing_blocks(doc: dm.Document) -> tuple[dm.Block, ...]:
    """The last page of a document with required fields still empty: what to fill in before submitting."""
    if not doc.missing:
        return ()
    lines = "\n".join(f"{n}. {label}" for n, label in enumerate(doc.missing, start=1))
    return (
        dm.Break(),
        dm.Heading(tx("docs2025", "missing_title", doc.lang)),
        dm.Note(tx("docs2025", "missing_note", doc.lang)),
        dm.Para(lines),
    )


def render_pdf(doc: dm.Document) -> bytes:
    return build_pdf(
        _flowables(doc.blocks + missing_blocks(doc)),
        title=doc.title,
        unit=doc.unit,
        system=doc.system,
        lang=doc.lang,
        cover=doc.cover,
    )
