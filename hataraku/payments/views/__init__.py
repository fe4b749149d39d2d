"""The payments pages, by who uses them: the money overviews (`overview`: a worker's earnings, a client's
escrows and fundings, the staff's ledger), a worker's payouts and invoices (`worker`), a client's fundings,
receipts and payment records (`client`), a client's refundable balance and return documents (`refunds`), the staff's transfer queue and payout batches (`staff`), and the
provider webhooks (`webhooks`)."""

from . import client, overview, refunds, staff, webhooks, worker

__all__ = ["client", "overview", "refunds", "staff", "webhooks", "worker"]
