"""Serving an invoice or a receipt as a PDF, shared by the worker's and the client's pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from hataraku.accounts.types import AuthedRequest

from .. import selectors
from ..models import InvoiceDocument
from ..pdf import render_document


def pdf_response(doc: InvoiceDocument) -> HttpResponse:
    response = HttpResponse(render_document(doc), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{doc.number}.pdf"'
    return response


def document_or_issue_form(
    request: AuthedRequest, kind: str, source: Any, issue: Callable[[], InvoiceDocument]
) -> HttpResponse:
    """A GET serves the document already issued, or a page with a button to issue it (the clock issues
    invoices within a minute; a receipt is issued with the payment's confirmation). The POST issues it
    (numbered then; the same document every time after) and answers with the PDF."""
    if request.method == "POST":
        return pdf_response(issue())
    doc = selectors.issued_document(kind, source)
    if doc is not None:
        return pdf_response(doc)
    return render(request, "payments/document_issue.html", {"kind": kind})
