"""Issue 7 item 9: the Zengin payout file is produced by a POST from the batch page; opening a link (a GET)
writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from hataraku.accounts.tests.mfa import login_with_mfa
from hataraku.core.models import AuditEvent
from hataraku.core.tests.rows import row_counts
from hataraku.payments import services
from hataraku.payments.models import PayoutBatch

from .factories import BankAccountFactory, ClientFactory, StaffFactory, WorkerFactory, give_balance, key

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(frozen_clock) -> PayoutBatch:
    worker = WorkerFactory()
    BankAccountFactory(worker=worker)
    give_balance(worker, 30_000)
    services.payout_request(worker=worker, amount=5_000, idempotency_key=key())
    return services.payout_batch_create(
        actor=StaffFactory(), transfer_date=dt.date(2026, 12, 4), idempotency_key=key()
    )


def test_opening_the_file_link_writes_nothing(client, batch):
    # given staff with a fresh second factor
    login_with_mfa(client, StaffFactory())
    before = row_counts()

    # when the file's address is opened with a GET (a link, a prefetch, a crawler)
    response = client.get(reverse("payments:staff_batch_zengin", args=[batch.pk]))

    # then it is refused, no row changes and the batch is not marked downloaded
    assert response.status_code == 405
    assert row_counts() == before
    batch.refresh_from_db()
    assert batch.downloaded_at is None


def test_the_batch_page_offers_a_button_that_posts(client, batch):
    # given staff on the batch page
    login_with_mfa(client, StaffFactory())

    # when the page is drawn
    page = client.get(reverse("payments:staff_batch_detail", args=[batch.pk])).content.decode()

    # then the download is a form button (POST), not a link
    url = reverse("payments:staff_batch_zengin", args=[batch.pk])
    assert f'<form method="post" action="{url}"' in page
    assert f'href="{url}"' not in page


def test_the_post_answers_the_file_and_marks_the_batch(client, batch, frozen_clock):
    # given staff with a fresh second factor
    staff = StaffFactory()
    login_with_mfa(client, staff)

    # when they press the button
    response = client.post(reverse("payments:staff_batch_zengin", args=[batch.pk]))

    # then the response is the file itself, and the batch is marked in that POST with an audit row
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="zengin-{batch.pk}-20261204.txt"'
    assert [len(r) for r in response.content[:-2].split(b"\r\n")] == [120, 120, 120, 120]
    batch.refresh_from_db()
    assert batch.downloaded_at == frozen_clock.now()
    assert AuditEvent.objects.filter(action="payments.zengin_download", actor=staff).count() == 1
    # and the batch page says when
    page = client.get(reverse("payments:staff_batch_detail", args=[batch.pk])).content.decode()
    assert "前回のダウンロード" in page


def test_others_cannot_post_for_the_file(client, batch):
    # given a client (not staff)
    client.force_login(ClientFactory())

    # when they post to the file's address
    response = client.post(reverse("payments:staff_batch_zengin", args=[batch.pk]))

    # then it is not found, and nothing is marked
    assert response.status_code == 404
    batch.refresh_from_db()
    assert batch.downloaded_at is None
