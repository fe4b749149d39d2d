"""A form's words follow the language of the request, not the language active when the module was imported,
and the message field is labelled as one message (review of issue 7)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from hataraku.contracts.forms import DeliveryForm
from hataraku.messaging.forms import MessageForm
from hataraku.payments.forms import PayoutRequestForm

from .factories import ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("form", "field", "english"),
    [
        (MessageForm, "attachments", "You can send up to"),
        (DeliveryForm, "files", "PDF, images, Office documents"),
        (PayoutRequestForm, "amount", "This includes the transfer fee"),
    ],
)
def test_help_texts_with_numbers_are_translated_per_request(form, field, english):
    # given forms whose help text names a number (imported while Japanese was active)
    # when one is drawn for an English request and one for a Japanese request
    with translation.override("en"):
        in_english = str(form().fields[field].help_text)
    with translation.override("ja"):
        in_japanese = str(form().fields[field].help_text)
    # then each reads in its own language, with the number filled in
    assert english in in_english and "%(" not in in_english
    assert english not in in_japanese and "%(" not in in_japanese


def test_the_english_thread_start_page_is_in_english_and_says_message(client, frozen_clock):
    # given a client who reads in English and a proposal nobody has written about yet
    proposal = ProposalFactory.create()
    client.force_login(proposal.job.client)
    client.cookies["django_language"] = "en"
    # when she opens the first-message form
    html = client.get(reverse("messaging:proposal_thread", args=[proposal.pk])).content.decode()
    form = MessageForm()
    # then the attachment help is in English and the field is not labelled "Messages"
    assert "You can send up to" in html and "1つ10MBまで" not in html
    with translation.override("en"):
        assert str(form.fields["body"].label) != "Messages"
    with translation.override("ja"):
        assert str(form.fields["body"].label) == "メッセージ"
