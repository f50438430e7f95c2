"""Charts drawn natively with reportlab.graphics (vector, milliseconds, no browser), in the embedded CJK font."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from mlps.adapters.reports.fonts import cjk_font

BAR_COLOUR = colors.HexColor("#2F6DB5")
RESULT_COLOURS = {
    "conform": colors.HexColor("#3C9A5F"),
    "partial": colors.HexColor("#E0A526"),
    "nonconform": colors.HexColor("#C8453B"),
    "na": colors.HexColor("#9AA3AD"),
    "not_assessed": colors.HexColor("#D5DAE0"),
}


def category_bar_chart(labels: Sequence[str], scores: Sequence[float], title: str, width: float) -> Drawing:
    """Horizontal bars, one per category, on a 0-100 axis. Labels are plain text (the chart does not parse
    markup, so user text needs no escaping here)."""
    font = cjk_font().name
    rows = max(len(labels), 1)
    bar_area = 16 * rows
    height = bar_area + 46
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 12, title, fontName=font, fontSize=10))
    chart = HorizontalBarChart()
    chart.x, chart.y = 130, 22
    chart.width, chart.height = width - 170, bar_area
    # reportlab draws the first category at the bottom: reverse so the first is on top, as in the table.
    chart.data = [[max(0.0, min(100.0, float(s))) for s in reversed(scores)] or [0.0]]
    chart.categoryAxis.categoryNames = list(reversed(labels)) or [""]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 8
    chart.bars[0].fillColor = BAR_COLOUR
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = "%.1f"
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing


def result_pie_chart(counts: Sequence[tuple[str, str, int]], title: str, width: float) -> Drawing:
    """A pie of result counts: (code, label, count) triples; zero counts are left out of the pie but kept in
    the legend with their number."""
    font = cjk_font().name
    height = 150
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 12, title, fontName=font, fontSize=10))
    shown = [(code, label, n) for code, label, n in counts if n > 0]
    if shown:
        pie = Pie()
        pie.x, pie.y, pie.width, pie.height = 20, 10, 110, 110
        pie.data = [n for _c, _l, n in shown]
        pie.labels = None
        pie.simpleLabels = 1
        pie.slices.strokeColor = colors.white
        pie.slices.strokeWidth = 0.8
        for i, (code, _label, _n) in enumerate(shown):
            pie.slices[i].fillColor = RESULT_COLOURS.get(code, colors.grey)
        drawing.add(pie)
    legend = Legend()
    legend.x, legend.y = 160, 110
    legend.fontName = font
    legend.fontSize = 8.5
    legend.alignment = "right"
    legend.columnMaximum = 8
    legend.deltay = 14
    total = sum(n for _c, _l, n in counts) or 1
    legend.colorNamePairs = [
        (RESULT_COLOURS.get(code, colors.grey), f"{label}  {n}  ({n / total:.0%})") for code, label, n in counts
    ]
    drawing.add(legend)
    return drawing
