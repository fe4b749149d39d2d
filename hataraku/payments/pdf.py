"""PDF rendering of qualified invoices, return documents (適格返還請求書) and receipts with ReportLab's built-in Japanese CID font (no font
file to ship). `invariant=1` keeps ReportLab from stamping the render time and a random id, so the same
document renders to the same bytes every time it is downloaded."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from hataraku.core.money import format_yen

from .constants import DocumentKind
from .models import InvoiceDocument

FONT = "HeiseiKakuGo-W5"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def _date(value: object) -> str:
    return f"{value:%Y年%m月%d日}"


def render_document(doc: InvoiceDocument) -> bytes:
    font = _font()
    buffer = io.BytesIO()
    is_invoice = doc.kind == DocumentKind.INVOICE
    is_return = doc.kind == DocumentKind.RETURN
    titles: dict[str, str] = {DocumentKind.INVOICE: "適格請求書", DocumentKind.RETURN: "適格返還請求書"}
    title = titles.get(doc.kind, "領収書")
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setTitle(f"{title} {doc.number}")
    pdf.setAuthor(doc.issuer_name)
    width, height = A4
    left = 20 * mm
    right = width - 20 * mm
    y = height - 25 * mm

    pdf.setFont(font, 20)
    pdf.drawCentredString(width / 2, y, title)
    y -= 14 * mm

    pdf.setFont(font, 10)
    pdf.drawRightString(right, y, f"番号: {doc.number}")
    pdf.drawRightString(right, y - 6 * mm, f"発行日: {_date(doc.issued_on)}")

    pdf.setFont(font, 14)
    pdf.drawString(left, y, f"{doc.recipient_name} 様")
    y -= 18 * mm

    pdf.setFont(font, 10)
    pdf.drawString(left, y, f"発行者: {doc.issuer_name}")
    pdf.drawString(left, y - 6 * mm, f"登録番号: {doc.issuer_registration_number}")
    y -= 18 * mm

    pdf.setFont(font, 16)
    labels: dict[str, str] = {DocumentKind.INVOICE: "ご請求金額(税込)", DocumentKind.RETURN: "返還金額(税込)"}
    label = labels.get(doc.kind, "領収金額(税込)")
    pdf.drawString(left, y, f"{label}: {format_yen(doc.total_amount)}")
    y -= 8 * mm
    if not is_invoice and not is_return:
        pdf.setFont(font, 10)
        pdf.drawString(left, y, f"但し、{doc.description}として、上記金額を正に領収いたしました。")
        y -= 8 * mm
    y -= 6 * mm

    pdf.setFont(font, 10)
    rows = [
        ("返還年月日" if is_return else "取引年月日", _date(doc.transaction_date)),
        ("内容", doc.description),
        (
            f"{doc.tax_rate_percent}%対象 {'返還額(税抜)' if is_return else '税抜金額'}",
            format_yen(doc.taxable_amount),
        ),
        (
            f"{doc.tax_rate_percent}%対象 {'返還額の消費税額' if is_return else '消費税額'}",
            format_yen(doc.tax_amount),
        ),
        (f"{doc.tax_rate_percent}%対象 合計(税込)", format_yen(doc.total_amount)),
    ]
    for label, value in rows:
        pdf.line(left, y - 2 * mm, right, y - 2 * mm)
        pdf.drawString(left, y, label)
        pdf.drawRightString(right, y, value)
        y -= 9 * mm

    y -= 6 * mm
    pdf.setFont(font, 8)
    if is_return:
        pdf.drawString(left, y, "この書類は、お返ししたシステム利用料についての適格返還請求書です。")
        pdf.drawString(left, y - 5 * mm, "元の取引日と請求書の番号は「内容」に記載しています。")
    elif is_invoice:
        pdf.drawString(left, y, "この請求書は、システム利用料についての適格請求書です。")
        pdf.drawString(left, y - 5 * mm, "お支払いは、お仕事の報酬から差し引く形で完了しています。")
    else:
        pdf.drawString(left, y, "電子的に発行した領収書のため、収入印紙は不要です。")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
