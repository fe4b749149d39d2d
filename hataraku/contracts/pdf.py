"""The terms as a PDF each party keeps (Freelance Act art. 3 allows electromagnetic means). ReportLab's
built-in CID font renders Japanese without shipping a font file; `invariant=1` makes the same terms
version render to the same bytes."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from .models import ContractTerms

FONT = "HeiseiKakuGo-W5"
LINE_CHARS = 44


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _wrap(line: str, width: int = LINE_CHARS) -> list[str]:
    if not line:
        return [""]
    return [line[i : i + width] for i in range(0, len(line), width)]


def render_terms_pdf(terms: ContractTerms) -> bytes:
    font = _font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setTitle(f"取引条件明示書 契約{terms.contract_id} 第{terms.version}版")
    _width, height = A4
    left = 18 * mm
    top = height - 20 * mm
    bottom = 18 * mm
    y = top
    pdf.setFont(font, 10)
    lines = [*terms.text.splitlines(), "", f"第{terms.version}版  SHA-256: {terms.text_hash}"]
    for raw in lines:
        for line in _wrap(raw):
            if y < bottom:
                pdf.showPage()
                pdf.setFont(font, 10)
                y = top
            pdf.drawString(left, y, line)
            y -= 5.5 * mm
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
