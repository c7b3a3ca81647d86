"""PDFs for Article 4 evidence, drawn with fpdf2 (pure Python: no system packages, so the
README's two commands still suffice). The built-in PDF fonts cover Latin-1 only: other
characters are transliterated where Unicode allows it (e.g. accents) and replaced by "?"
otherwise, rather than failing the download."""

import unicodedata
from collections.abc import Sequence
from datetime import datetime

from fpdf import FPDF

from assessments.selectors.article4 import ARTICLE_4, Record


def latin1(text: object) -> str:
    text = str(text)
    try:
        text.encode("latin-1")
        return text
    except UnicodeEncodeError:
        out = []
        for char in text:
            try:
                char.encode("latin-1")
                out.append(char)
            except UnicodeEncodeError:
                base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
                out.append(base or "?")
        return "".join(out)


class _Document(FPDF):
    def __init__(self, title: str, organisation: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc_title = latin1(title)
        self.organisation = latin1(organisation)
        self.set_auto_page_break(auto=True, margin=15)
        self.set_title(self.doc_title)
        self.set_creator("AI readiness platform")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.cell(0, 5, f"{self.organisation} - {self.doc_title} - page {self.page_no()}")

    def heading(self, text: str, size: int = 16) -> None:
        self.set_font("Helvetica", style="B", size=size)
        self.multi_cell(0, size * 0.5, latin1(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def paragraph(self, text: str, size: int = 9) -> None:
        self.set_font("Helvetica", size=size)
        self.multi_cell(0, size * 0.5, latin1(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def table_rows(self, header: Sequence[str], rows: Sequence[Sequence], widths: Sequence[int]):
        self.set_font("Helvetica", style="B", size=8)
        with self.table(col_widths=widths, text_align="LEFT", first_row_as_headings=True) as t:
            row = t.row()
            for cell in header:
                row.cell(latin1(cell))
            self.set_font("Helvetica", size=8)
            for values in rows:
                row = t.row()
                for value in values:
                    row.cell(latin1(value))


def export_pdf(*, organisation: str, records: Sequence[Record], generated: datetime) -> bytes:
    doc = _Document("AI literacy record (EU AI Act, Article 4)", organisation)
    doc.add_page()
    doc.heading(f"AI literacy record: {organisation}")
    doc.paragraph(f"Generated {generated:%Y-%m-%d %H:%M} UTC. {len(records)} rows.")
    doc.paragraph(ARTICLE_4)
    doc.table_rows(
        ["Person", "Department", "Framework (version)", "Campaign", "Date", "Competency", "Level"],
        [
            [
                f"{r.person}\n{r.email}",
                r.department,
                f"{r.framework} (v{r.framework_version})",
                r.campaign,
                r.date.date().isoformat(),
                r.competency,
                f"{r.level} ({r.score})",
            ]
            for r in records
        ],
        [34, 22, 30, 26, 18, 30, 30],
    )
    return bytes(doc.output())


def certificate_pdf(
    *, organisation: str, person: str, records: Sequence[Record], generated: datetime
) -> bytes:
    doc = _Document("AI literacy certificate", organisation)
    doc.add_page()
    doc.heading("Certificate of AI literacy assessment", size=20)
    doc.paragraph(
        f"{person} took part in {organisation}'s AI-fluency assessment. Their latest assessed "
        "levels, per framework and competency, are:",
        size=11,
    )
    doc.table_rows(
        ["Framework (version)", "Campaign", "Date", "Competency", "Level (score 0-100)"],
        [
            [
                f"{r.framework} (v{r.framework_version})",
                r.campaign,
                r.date.date().isoformat(),
                r.competency,
                f"{r.level} ({r.score})",
            ]
            for r in records
        ],
        [40, 36, 22, 44, 48],
    )
    doc.ln(4)
    doc.paragraph(ARTICLE_4)
    doc.paragraph(f"Issued {generated:%Y-%m-%d} UTC.")
    return bytes(doc.output())
