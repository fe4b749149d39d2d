from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    WORKER = "worker", _("ワーカー(仕事を受ける)")
    CLIENT = "client", _("クライアント(仕事を依頼する)")
    MUNICIPAL = "municipal", _("自治体パートナー")
    STAFF = "staff", _("運営スタッフ")


class ClientKind(models.TextChoices):
    INDIVIDUAL = "individual", _("個人")
    COMPANY = "company", _("法人")
