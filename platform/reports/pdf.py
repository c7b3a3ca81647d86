"""The report as a PDF, from the same content as the web page, charts included.

fpdf2 (pure Python, already used for the Article 4 export): no system packages, so the
README's two commands still suffice. Charts are drawn here with fpdf2's own primitives
(rectangles, lines, text) from the facts document's chart rows - the same rows as the web
page's plotly charts and their table views - instead of rendering plotly images, which
would need a headless browser or kaleido's bundled Chromium.
"""

import itertools

from fpdf import FPDF

from reports.facts import section_of
from reports.models import Report
from reports.prose import display, number
from reports.render import markdown_html

BLUE = (31, 95, 191)
GREY = (120, 120, 120)
REPLACE = {
    "\u2013": "-",
    "\u2014": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2026": "...",
    "\u00a0": " ",
    "\u2212": "-",
}


def latin1(text: str) -> str:
    """The core fonts are Latin-1: typographic characters become their plain forms."""
    for a, b in REPLACE.items():
        text = text.replace(a, b)
    return text.encode("latin-1", "replace").decode("latin-1")


def _bar_chart(pdf: FPDF, chart: dict) -> None:
    rows = [r for r in chart["rows"] if isinstance(r[1], int | float)]
    if not rows:
        return
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 6, latin1(chart["title"]), new_x="LMARGIN", new_y="NEXT")
    top, left, width = pdf.get_y() + 1, pdf.l_margin, pdf.epw
    label_w, bar_h, gap = 55, 5, 1.5
    peak = max(max(abs(float(r[1])) for r in rows), 1e-9)
    pdf.set_font("Helvetica", "", 8)
    for i, (label, value, *_) in enumerate(rows):
        y = top + i * (bar_h + gap)
        pdf.set_xy(left, y)
        pdf.cell(label_w, bar_h, latin1(str(label))[:38])
        length = (width - label_w - 25) * abs(float(value)) / peak
        pdf.set_fill_color(*BLUE)
        pdf.rect(left + label_w, y + 0.5, max(length, 0.3), bar_h - 1, style="F")
        pdf.set_xy(left + label_w + length + 1, y)
        pdf.cell(24, bar_h, number(value))
    pdf.set_y(top + len(rows) * (bar_h + gap) + 3)


def _line_chart(pdf: FPDF, chart: dict) -> None:
    rows = [r for r in chart["rows"] if isinstance(r[1], int | float)]
    if len(rows) < 2:
        return _bar_chart(pdf, chart)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 6, latin1(chart["title"]), new_x="LMARGIN", new_y="NEXT")
    top, left, width, height = pdf.get_y() + 2, pdf.l_margin + 10, pdf.epw - 20, 40
    low, high = min(0.0, *(float(r[1]) for r in rows)), max(float(r[1]) for r in rows) or 1.0
    pdf.set_draw_color(*GREY)
    pdf.line(left, top + height, left + width, top + height)
    pdf.line(left, top, left, top + height)
    points = [
        (
            left + width * i / (len(rows) - 1),
            top + height - height * (float(v) - low) / (high - low),
        )
        for i, (_, v, *_) in enumerate(rows)
    ]
    pdf.set_draw_color(*BLUE)
    pdf.set_line_width(0.6)
    pdf.set_font("Helvetica", "", 7)
    for (x1, y1), (x2, y2) in itertools.pairwise(points):
        pdf.line(x1, y1, x2, y2)
    for (x, y), (label, value, *_) in zip(points, rows, strict=True):
        pdf.set_fill_color(*BLUE)
        pdf.ellipse(x - 1, y - 1, 2, 2, style="F")
        pdf.set_xy(x - 12, y - 6)
        pdf.cell(24, 4, number(value), align="C")
        pdf.set_xy(x - 15, top + height + 1)
        pdf.cell(30, 4, latin1(str(label))[:22], align="C")
    pdf.set_line_width(0.2)
    pdf.set_y(top + height + 8)


def report_pdf(report: Report, organization, *, compress: bool = True) -> bytes:
    document = report.facts
    currency = document.get("currency", "")
    pdf = FPDF(format="A4")
    pdf.set_compression(compress)
    pdf.set_title(latin1(f"{organization.name}: AI report {report.period}"))
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(
        0,
        10,
        latin1(f"{organization.name}: AI report {report.period}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", "", 9)
    pdf.set_text_color(*GREY)
    pdf.cell(
        0,
        5,
        latin1(
            f"{document['period']['start']} to {document['period']['end']} - "
            f"{report.get_status_display()}"
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_text_color(0, 0, 0)
    for section in report.sections.all():
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 14)
        pdf.cell(0, 8, latin1(section.title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        pdf.write_html(latin1(markdown_html(section.text)))
        facts = section_of(document, section.key)
        if facts and not facts["empty"]:
            shown = [f for f in facts["facts"] if f["unit"] != "text" or f["value"]]
            pdf.ln(2)
            pdf.set_font("Helvetica", "", 9)
            with pdf.table(
                col_widths=(70, 40, 80),
                text_align=("LEFT", "RIGHT", "LEFT"),
                first_row_as_headings=True,
            ) as table:
                table.row(["Figure", "Value", "Source"])
                for f in shown:
                    table.row(
                        [
                            latin1(f["label"]),
                            latin1(display(f, currency)),
                            latin1(
                                f"{f['source'].get('module', '')}: {f['source'].get('query', '')}"
                            )[:90],
                        ]
                    )
            pdf.ln(3)
            for chart in facts["charts"]:
                (_line_chart if chart["kind"] == "line" else _bar_chart)(pdf, chart)
    return bytes(pdf.output())
