"""Demo data of the accounts app: real municipalities (the personas' towns) with their 全国地方公共団体コード,
日南市's partner linked to 日南市, and one open report to staff (さくら reports an account that sends
get-rich-quick invitations), so the staff's queue and people pages have something to show. Idempotent."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from .constants import ReportCategory, ReportStatus
from .models import Municipality, Report, User

# name, code with its check digit, prefecture (JIS X 0401). The personas' towns (../shared/PERSONAS.md).
MUNICIPALITIES = (
    ("日南市", "452041", "45"),
    ("松本市", "202029", "20"),
    ("四万十市", "392103", "39"),
    ("堺市", "271403", "27"),
    ("川越市", "112011", "11"),
    ("旭川市", "012041", "01"),
)


def load(people: dict[str, Any]) -> None:
    by_code = {}
    for name, code, prefecture in MUNICIPALITIES:
        municipality, _created = Municipality.objects.get_or_create(
            jis_code=code, defaults={"name": name, "prefecture": prefecture}
        )
        by_code[code] = municipality
    partner = people.get("nichinan")
    if partner is not None and partner.municipality_id is None:
        partner.municipality = by_code["452041"]
        partner.save(update_fields=["municipality"])

    _report(people)


PROMO_EMAIL = "promo@demo.hataraku.jp"


def _report(people: dict[str, Any]) -> None:
    reporter = people.get("sakura")
    if reporter is None:
        return
    promo = User.objects.filter(email=PROMO_EMAIL).first()
    if promo is None:
        # Never logs in: it exists only to be reported.
        promo = User.objects.create_user(
            PROMO_EMAIL, None, display_name="在宅で月収100万円サポート", is_worker=True
        )
    content_type = ContentType.objects.get_for_model(User)
    if Report.objects.filter(reporter=reporter, target_type=content_type, target_id=promo.pk).exists():
        return
    Report.objects.create(
        reporter=reporter,
        target_kind="user",
        target_type=content_type,
        target_id=promo.pk,
        target_label=promo.name_for_display,
        target_user=promo,
        target_url=reverse("accounts:staff_person", args=[promo.pk]),
        category=ReportCategory.OFF_PLATFORM,
        body="「登録料を払えばすぐに稼げる」と、LINEでの連絡をすすめられました。",
        status=ReportStatus.OPEN,
    )
